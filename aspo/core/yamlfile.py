"""Reading YAML files into plain data while remembering the line of every key and value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aspo.core.bounded import read_regular
from aspo.core.errors import AspoError, Problem
from aspo.core.rulebook import INVALID_FILE

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
#: Account and template files are a few KB; anything far larger is a mistake.
MAX_YAML_BYTES = 1_000_000
#: Deeper nesting than this is never a real account or template.
MAX_DEPTH = 64
#: The longest value in the samples is ~400 characters; a slide holds a few hundred. Capping each value here
#: names the field that is too long, instead of a template that uses it growing past its own size limit.
MAX_VALUE_CHARS = 10_000
#: Keys are field names: a few words at most, on one line.
MAX_KEY_CHARS = 100
_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")
#: Line breaks to YAML but not to editors (NEL, line and paragraph separators): refused, so lines match.
_ODD_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
#: libyaml recurses on the C stack and can crash on deep nesting; past these, use the Python parser.
_FAST_MAX_BRACKETS = 256
_FAST_MAX_INDENT = 256

#: Characters an Office file (XML 1.0) cannot hold: C0 controls other than tab and newlines, surrogates, U+FFFE/F.
NOT_IN_OFFICE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Path_ = tuple  # a path into the data: ("meeting", "attendees", 0, "persona")


@dataclass(frozen=True)
class YamlDocument:
    """Data read from one YAML text, with the line and column of every path into it."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]]  # 1-based line and column, before line_offset
    line_offset: int = 0
    #: The node tree the data was read from, kept when asked for (`keep_nodes`), to edit the text in place.
    root: Any = field(default=None, repr=False, compare=False)

    def position_of(self, loc: Path_) -> tuple[int | None, int | None]:
        """The line and column of the deepest part of `loc` that exists in the file."""
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        if loc not in self.positions:
            return None, None
        line, column = self.positions[loc]
        return line + self.line_offset, column

    def line_of(self, loc: Path_) -> int | None:
        return self.position_of(loc)[0]

    def problem(self, loc: Path_, message: str, rule: str) -> Problem:
        """A problem at `loc` in this file, named by its field path."""
        line, column = self.position_of(loc)
        return Problem(self.path, line, format_loc(loc) or None, message, rule, column)


def format_loc(loc: Path_) -> str:
    """Formats ("meeting", "attendees", 0, "persona") as meeting.attendees[0].persona."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def read_bytes(path: Path, limit: int = MAX_YAML_BYTES) -> bytes:
    """Reads a regular file of at most `limit` bytes (see aspo.core.bounded)."""
    return read_regular(path, limit, INVALID_FILE)


def read_text(path: Path) -> str:
    """Reads a UTF-8 text file (a BOM is allowed), naming the file when it cannot, and refuses text an Office file
    cannot hold or line breaks editors do not count, at their line and column."""
    text = decode_text(read_bytes(path), path)
    for pattern, explain in ((NOT_IN_OFFICE, _not_in_office), (_ODD_LINE_BREAKS, _odd_line_break)):
        bad = pattern.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
            raise AspoError.at(path, line, None, explain(text[bad.start():]), INVALID_FILE, column)
    return text


def decode_text(raw: bytes, path: Path) -> str:
    """The text of a UTF-8 file's bytes, a BOM left out; a byte that is not UTF-8 is named with its line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AspoError.at(
            path, line, None, f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}", INVALID_FILE
        ) from None


def _not_in_office(text: str) -> str:
    return unprintable(text, position=False)


def _odd_line_break(text: str) -> str:
    char = text[0]
    return (f"text holds U+{ord(char):04X} ({unicodedata.name(char, 'next line').lower()}), which YAML reads as "
            "the end of a line and editors do not, so lines would be miscounted; "
            "replace it with a new line or a space")


def parse_yaml(text: str, path: Path, line_offset: int = 0, keep_nodes: bool = False) -> YamlDocument:
    """Parses YAML text; scalars stay the text the author typed, so the schema decides types. With `keep_nodes`,
    the document keeps its node tree (`root`), whose marks index the characters of `text`."""
    node = _compose(text, path, line_offset, _loader_for(text, exact_index=keep_nodes))
    anchor = _anchor_problem(text, path, line_offset)
    if anchor:
        raise anchor
    positions: dict[Path_, tuple[int, int]] = {}
    data = _build(node, (), positions, path, line_offset, set()) if node is not None else None
    return YamlDocument(path=path, data=data, positions=positions, line_offset=line_offset,
                        root=node if keep_nodes else None)


def compose(text: str, path: Path | None = None):
    """The node tree of a YAML text (None when it is empty), to edit the text in place: each node's marks index
    the characters of `text`; a text that is not YAML is named as parse_yaml names it."""
    return _compose(text, path, 0, _loader_for(text, exact_index=True))


def _compose(text: str, path: Path | None, line_offset: int, loader_class):
    import yaml  # PyYAML loads only when YAML is read: not for a warm library

    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except RecursionError:
        raise AspoError.at(path, None, None, f"invalid YAML: nested deeper than {MAX_DEPTH} levels",
                           INVALID_FILE) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        message = exc.problem or exc.context or "invalid YAML"
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            message = "a tab character where YAML needs spaces; indent with spaces, not tabs"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark.line != mark.line:
            message += f" ({exc.context} started on line {exc.context_mark.line + 1 + line_offset})"
        raise AspoError.at(path, line, None, f"invalid YAML: {message}", INVALID_FILE,
                           mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise AspoError.at(path, None, None, f"invalid YAML: {exc}", INVALID_FILE) from None
    finally:
        loader.dispose()


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if 0 <= line < len(lines) else ""


def unprintable(text: str, subject: str = "text", position: bool = True) -> str | None:
    """Describes the first character of `text` an Office file cannot hold, or None when all can be."""
    match = NOT_IN_OFFICE.search(text)
    if match is None:
        return None
    char = match.group(0)
    unnamed = ("a control character" if ord(char) < 0x20 else "a lone surrogate" if 0xD800 <= ord(char) <= 0xDFFF
               else "not a character")
    name = unicodedata.name(char, unnamed)
    where = f" at character {match.start() + 1}" if position else ""
    return (f"{subject} holds U+{ord(char):04X} ({name.lower()}){where}, "
            "which decks and documents cannot contain; remove it")


def _anchor_problem(text: str, path: Path, line_offset: int) -> AspoError | None:
    """Anchors (&name) are refused like aliases: every value is written out where it is used."""
    import yaml

    if "&" not in text:  # the event scan is only worth it when an anchor is possible
        return None
    for event in yaml.parse(text, Loader=_loader_for(text)):
        anchor = getattr(event, "anchor", None)
        if anchor and not isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            return AspoError.at(path, mark.line + 1 + line_offset, None,
                                f"YAML anchors (&{anchor}) are not allowed; repeat the value", INVALID_FILE,
                                mark.column + 1)
    return None


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _loader_for(text: str, exact_index: bool = False):
    """libyaml, but for text nested deep enough to crash it, and, when marks must index the characters of `text`
    (`exact_index`), text holding U+FEFF, which libyaml takes for a byte-order mark and leaves uncounted."""
    import yaml

    try:  # libyaml is ~15x faster than the pure-Python parser
        fast = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        fast = yaml.SafeLoader
    brackets = text.count("[") + text.count("{")
    deepest = max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0)
    if brackets > _FAST_MAX_BRACKETS or deepest > _FAST_MAX_INDENT or exact_index and "\ufeff" in text:
        return yaml.SafeLoader
    return fast


def load_yaml(path: Path) -> YamlDocument:
    """Reads and parses one YAML file."""
    return parse_yaml(read_text(path), path)


def _build(node, loc: Path_, positions, path, offset, seen) -> Any:
    import yaml

    here = (node.start_mark.line + 1, node.start_mark.column + 1)
    positions.setdefault(loc, here)

    def fail(where: tuple[int, int], field: Path_, message: str):
        return AspoError.at(path, where[0] + offset, format_loc(field) or None, message, INVALID_FILE, where[1])

    if len(loc) > MAX_DEPTH:
        raise fail(here, loc, f"nested deeper than {MAX_DEPTH} levels")
    if id(node) in seen:  # the composer hands back the same node for an alias
        raise fail(positions[loc], loc, "YAML aliases (*name) are not allowed; repeat the value")
    if node.tag not in _STANDARD_TAGS:
        raise fail(here, loc, f"unknown YAML tag '{node.tag}'")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL and not node.style:  # plain, not quoted
            return None
        refused = unprintable(node.value)
        if refused:
            raise fail(here, loc, refused)
        if len(node.value) > MAX_VALUE_CHARS:
            raise fail(here, loc, f"text of {len(node.value):,} characters; a value holds at most "
                                  f"{MAX_VALUE_CHARS:,}")
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), positions, path, offset, seen) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            raise fail(key_at, loc, "keys must be plain text")
        key = key_node.value
        if _LINE_BREAKS.search(key):
            raise fail(key_at, loc, f"the key {_quoted(key)} holds a line break; keys are field names")
        if len(key) > MAX_KEY_CHARS:
            raise fail(key_at, loc, f"a key of {len(key):,} characters ({_quoted(key)}); keys are field names")
        if key in result:
            raise fail(key_at, loc + (key,),
                       f"duplicate key (first given on line {positions[loc + (key,)][0] + offset})")
        positions[loc + (key,)] = key_at
        result[key] = _build(value_node, loc + (key,), positions, path, offset, seen)
    return result


# --- editing YAML text in place: values replaced where they are written, so comments, order and quoting
# elsewhere stay as they were (`aspo layouts use` rewriting outline.yaml, `aspo import --update`) -----------


def child_node(node, key: str):
    """The value node of `key` in a composed mapping node, or None."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


_PLAIN_IN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()&+-]*")
#: What a double-quoted YAML scalar must escape: the quote and backslash, and what YAML cannot hold raw or reads
#: as a line end (C0 and C1 controls, DEL, U+2028/9, a BOM, non-characters).
_MUST_ESCAPE = re.compile("[\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def scalar_text(value: str | None, *, flow: bool) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain where that is safe, else double-quoted.
    `flow`: the value may stand inside [ ] or { } (or the caller cannot tell), so it is plain only when it is a few
    plain words; else it is in a block mapping or sequence, where commas, colons and quotes inside it are fine."""
    if value is None:
        return "null"
    if flow:
        plain = bool(_PLAIN_IN_FLOW.fullmatch(value)) and not value.endswith(" ")
    else:
        plain = bool(value) and value == value.strip() and not _MUST_ESCAPE.search(value) and value.isprintable()
    if plain and _reads_back(value):
        return value
    return '"' + _MUST_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value) + '"'


def _reads_back(value: str) -> bool:
    """Whether `value`, written plain after a key, reads back as the same text rather than a number, a date,
    null, a mapping...: composed (through libyaml where that is safe, as every value of an import is checked),
    the value node is text, as the resolver tags it, holding exactly `value`."""
    import yaml

    text = f"k: {value}\n"
    loader = _loader_for(text)(text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):  # deep brackets in the pure-Python parser: quoting is always safe
        return False
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    read = node.value[0][1]
    return isinstance(read, yaml.ScalarNode) and read.tag == _STR and read.value == value


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new) edit made; the edits must not overlap."""
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    return text
