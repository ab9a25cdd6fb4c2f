"""Reading YAML files into plain data while remembering the line of every key and value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aspo.errors import AspoError

try:  # libyaml is ~15x faster than the pure-Python parser
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _FastLoader
from yaml import SafeLoader as _SafeLoader

_NULL = "tag:yaml.org,2002:null"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
#: Account and template files are a few KB; anything far larger is a mistake.
MAX_YAML_BYTES = 1_000_000
#: Deeper nesting than this is never a real account or template.
MAX_DEPTH = 64
#: libyaml recurses on the C stack and can crash on deep nesting; past these, use the Python parser.
_FAST_MAX_BRACKETS = 256
_FAST_MAX_INDENT = 256

Path_ = tuple  # a path into the data: ("meeting", "attendees", 0, "persona")


@dataclass(frozen=True)
class YamlDocument:
    """Data read from one YAML text, with the line of every path into it."""

    path: Path
    data: Any
    lines: dict[Path_, int]
    line_offset: int = 0

    def line_of(self, loc: Path_) -> int | None:
        """The line of the deepest part of `loc` that exists in the file."""
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        line = self.lines.get(loc)
        return None if line is None else line + self.line_offset


def format_loc(loc: Path_) -> str:
    """Formats ("meeting", "attendees", 0, "persona") as meeting.attendees[0].persona."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def read_text(path: Path) -> str:
    """Reads a UTF-8 text file (a BOM is allowed), naming the file when it cannot."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AspoError.at(path, None, None, "file not found") from None
    except IsADirectoryError:
        raise AspoError.at(path, None, None, "is a folder, expected a file") from None
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise AspoError.at(path, None, None, f"file is {len(raw)} bytes; the limit is {MAX_YAML_BYTES}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AspoError.at(
            path, line, None, f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        ) from None


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> YamlDocument:
    """Parses YAML text; scalars stay the text the author typed, so the schema decides types."""
    loader = _loader_for(text)(text)
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise AspoError.at(path, None, None, f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        message = exc.problem or exc.context or "invalid YAML"
        raise AspoError.at(path, line, None, f"invalid YAML: {message}") from None
    except yaml.YAMLError as exc:
        raise AspoError.at(path, None, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    data = _build(node, (), lines, path, line_offset, set()) if node is not None else None
    return YamlDocument(path=path, data=data, lines=lines, line_offset=line_offset)


def _loader_for(text: str):
    brackets = text.count("[") + text.count("{")
    deepest = max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0)
    return _FastLoader if brackets <= _FAST_MAX_BRACKETS and deepest <= _FAST_MAX_INDENT else _SafeLoader


def load_yaml(path: Path) -> YamlDocument:
    """Reads and parses one YAML file."""
    return parse_yaml(read_text(path), path)


def _build(node, loc: Path_, lines, path, offset, seen) -> Any:
    line = node.start_mark.line + 1
    lines.setdefault(loc, line)
    if len(loc) > MAX_DEPTH:
        raise AspoError.at(path, line + offset, format_loc(loc), f"nested deeper than {MAX_DEPTH} levels")
    if id(node) in seen:  # the composer hands back the same node for an alias
        raise AspoError.at(path, lines[loc] + offset, format_loc(loc) or None, "YAML aliases (*name) are not allowed; repeat the value")
    if node.tag not in _STANDARD_TAGS:
        raise AspoError.at(path, line + offset, format_loc(loc) or None, f"unknown YAML tag '{node.tag}'")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL and not node.style:  # plain, not quoted
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), lines, path, offset, seen) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise AspoError.at(path, key_node.start_mark.line + 1 + offset, format_loc(loc) or None, "keys must be plain text")
        key = key_node.value
        if key in result:
            raise AspoError.at(
                path, key_node.start_mark.line + 1 + offset, format_loc(loc + (key,)),
                f"duplicate key (first given on line {lines[loc + (key,)] + offset})",
            )
        lines[loc + (key,)] = key_node.start_mark.line + 1
        result[key] = _build(value_node, loc + (key,), lines, path, offset, seen)
    return result
