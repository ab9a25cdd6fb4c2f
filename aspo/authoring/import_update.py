"""`aspo import --update`: the CRM's values edited into an account file in place, the rep's words kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from aspo.authoring.import_draft import REP_OWNED, Draft, field_lines, flow_text, item_lines, put, scalar, todo
from aspo.core.errors import AspoError, quoted
from aspo.core.rulebook import SCHEMA
from aspo.core.yamlfile import (
    apply_edits,
    child_node,
    format_loc,
    parse_yaml,
)
from aspo.library.account_paths import name_key, visible_text
from aspo.library.validation import PLACEHOLDER

# --- --update: the CRM's values written where the file has them -------------------------------------------------


class NotInPlace(Exception):
    """An edit the file's shape does not allow (a value written as a list, a list on one line with mappings)."""


class Editor:
    """Edits an account file's text where its values are written: every line no edit touches stays byte for byte,
    comments included."""

    def __init__(self, text: str, path: Path):
        self.text, self.path = text, path
        # the strict reading (a broken file is named as the build names it), and the nodes the edits are made at
        self.doc = parse_yaml(text, path, keep_nodes=True)
        if not isinstance(self.doc.data, dict):
            raise AspoError.at(path, 1, None, "expected a mapping of fields", SCHEMA)
        self.root = self.doc.root
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []
        self.inserts: dict[int, list[str]] = {}
        self.changed: list[str] = []
        self.paths: dict[str, tuple] = {}  # each changed field's path
        self.before: dict[str, Any] = {}  # each changed field's value as the file had it (None: not there)
        self.kept: list[str] = []  # the rep's values kept where the CRM says otherwise
        self.expected: list[tuple[tuple, Any]] = []
        self.warnings: list[str] = []
        self.appended: dict[tuple, int] = {}  # items appended to each sequence
        self.persona_left: int | None = None  # the CRM contact's attendee, when its persona stays a placeholder

    # reading

    def node(self, path: tuple):
        node = self.root
        for key in path:
            if isinstance(key, int):
                node = node.value[key] if isinstance(node, yaml.SequenceNode) and key < len(node.value) else None
            else:
                node = child_node(node, key)
            if node is None:
                return None
        return node

    def value(self, path: tuple):
        return at_path(self.doc.data, path)

    def in_flow(self, path: tuple) -> bool:
        return any(getattr(self.node(path[:depth]), "flow_style", False) for depth in range(len(path) + 1))

    def in_block(self, node, path: tuple) -> bool:
        """Whether the node at `path` is a sequence written one item a line."""
        return isinstance(node, yaml.SequenceNode) and not node.flow_style and not self.in_flow(path[:-1])

    def content_end(self, node) -> int:
        """Where a node's own text ends: a block collection's end mark lies past the comments after it."""
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                return node.start_mark.index + len(self.text[node.start_mark.index:node.end_mark.index].rstrip())
            return node.end_mark.index
        if node.flow_style or not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return self.content_end(last[1] if isinstance(node, yaml.MappingNode) else last)

    def after_line(self, node) -> int:
        """The start of the line after the one a node's text ends on."""
        end = self.content_end(node)
        newline = self.text.find("\n", end)
        return len(self.text) if newline < 0 else newline + 1

    # editing

    def _block_items(self, node, items: list) -> str:
        """Items in place of a block sequence's: the first where its first is, the others a line each below it."""
        lines = [line for item in items for line in item_lines(item, node.start_mark.column)]
        lines[0] = lines[0].lstrip(" ")
        return self.newline.join(lines)

    def _insert(self, at: int, lines: list[str]) -> None:
        block = self.newline.join(lines) + self.newline
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = self.newline + block
        self.inserts.setdefault(at, []).append(block)

    def _changed(self, path: tuple, value) -> None:
        self.changed.append(format_loc(path))
        self.paths[format_loc(path)] = path
        self.before.setdefault(format_loc(path), self.value(path))
        self.expected.append((path, value))

    def merge(self, desired: dict[str, Any], path: tuple = ()) -> None:
        """Sets each value of `desired` (nested by field) that the file does not already hold."""
        missing = {}
        for key, want in desired.items():
            here = path + (key,)
            node = self.node(here)
            if node is None:
                missing[key] = want
                for leaf, value in _leaves(want, here):
                    self._changed(leaf, value)
            elif isinstance(want, dict):
                if not isinstance(node, yaml.MappingNode):
                    raise NotInPlace(f"{format_loc(here)} is not a mapping of fields")
                self.merge(want, here)
            elif not _same(self.value(here), want):
                self._set(here, node, want)
                self._changed(here, want)
        if missing:
            parent = self.node(path)
            if not isinstance(parent, yaml.MappingNode):
                raise NotInPlace(f"{format_loc(path) or 'the file'} is not a mapping of fields")
            if parent.flow_style:
                at = parent.end_mark.index - 1  # its closing brace
                pieces = ", ".join(f"{key}: {flow_text(value)}" for key, value in missing.items())
                self.edits.append((at, at, (", " if parent.value else "") + pieces))
            else:
                indent = parent.value[0][0].start_mark.column if parent.value else 0
                self._insert(self.after_line(parent),
                             [line for key, value in missing.items() for line in field_lines(key, value, indent)])

    def _set(self, path: tuple, node, want) -> None:
        start, end = node.start_mark.index, self.content_end(node)
        if isinstance(want, list) and self.in_block(node, path):
            if not all(isinstance(item, yaml.ScalarNode) for item in node.value):
                raise NotInPlace(f"{format_loc(path)} holds more than names")
            new = self._block_items(node, want)
        elif isinstance(node, yaml.ScalarNode) or isinstance(want, list):
            flow = self.in_flow(path[:-1])
            new = flow_text(want) if isinstance(want, list) else scalar(want, flow=flow)
            if isinstance(node, yaml.ScalarNode) and not node.style and node.value == "":
                new = " " + new  # `by:` with nothing after it
        else:
            raise NotInPlace(f"{format_loc(path)} is a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}"
                             ", not one value")
        self.edits.append((start, end, new))

    def replace_items(self, path: tuple, items: list) -> None:
        """Rewrites a whole sequence the file has (its placeholder priorities) in the style it is written in."""
        node = self.node(path)
        new = self._block_items(node, items) if self.in_block(node, path) else flow_text(items)
        self.edits.append((node.start_mark.index, self.content_end(node), new))
        self._changed(path, items)

    def append_item(self, path: tuple, item: dict) -> int:
        node = self.node(path)
        if not self.in_block(node, path):
            raise NotInPlace(f"{format_loc(path)} is written on one line; write it one item a line")
        self._insert(self.after_line(node), item_lines(item, node.start_mark.column))
        index = len(node.value) + self.appended.get(path, 0)
        self.appended[path] = self.appended.get(path, 0) + 1
        for leaf, value in _leaves(item, path + (index,)):
            self.expected.append((leaf, value))
        self.changed.append(format_loc(path + (index,)))
        self.paths[format_loc(path + (index,))] = path + (index,)
        return index

    def result(self) -> str:
        edits = self.edits + [(at, at, "".join(blocks)) for at, blocks in self.inserts.items()]
        return apply_edits(self.text, edits)


def as_listed(fields: list[str], data: dict[str, Any]) -> tuple[str, ...]:
    """Field paths, each once, in the order an account file lists them: `data`'s, a new file's."""
    order = [format_loc(path) for path, _ in _leaves(data, ())]

    def rank(field_path: str) -> int:
        return next((rank for rank, prefix in enumerate(order) if field_path.startswith(prefix)), len(order))

    return tuple(sorted(dict.fromkeys(fields), key=rank))


def _leaves(value, path: tuple):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, path + (key,))
    else:
        yield path, value


def _same(current, want) -> bool:
    """Whether the file already holds what the CRM says: text compared as it reads (visible_text: an accent typed
    apart, a zero-width space or uneven spaces are no change), lists as sets (a rep's order is kept), names
    without case."""
    if isinstance(want, list):
        return (isinstance(current, list) and all(isinstance(item, str) for item in current)
                and {name_key(item) for item in current} == {name_key(item) for item in want})
    if isinstance(want, dt.date):
        want = want.isoformat()
    return isinstance(current, str) and visible_text(current) == visible_text(str(want))


def _is_placeholder(value) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER)


def _same_name(a, b: str) -> bool:
    return isinstance(a, str) and name_key(a) == name_key(b)


def _first_name(name) -> str:
    return name_key(name).split(" ")[0] if isinstance(name, str) and name.strip() else ""


def find_attendee(attendees: list, contact: dict[str, str]) -> int | None:
    """Which attendee the CRM's contact is: the one with their e-mail, else their full name, else, when one side
    gives a first name only, that first name and the same title ("Renee", Plant Operations, is the rep's "Renee
    Castillo", Plant Operations); never someone whose e-mail is another."""
    people = [(at, person) for at, person in enumerate(attendees) if isinstance(person, dict)]
    email = contact.get("email")
    for at, person in people if email else ():
        if isinstance(person.get("email"), str) and person["email"].casefold() == email.casefold():
            return at
    people = [(at, person) for at, person in people if not (email and isinstance(person.get("email"), str))]
    for at, person in people:
        if _same_name(person.get("name"), contact["name"]):
            return at
    first = _first_name(contact["name"])
    for at, person in people if first and contact["title"] else ():
        one_word = " " not in name_key(contact["name"]) or " " not in name_key(str(person.get("name", "")))
        if one_word and _first_name(person.get("name")) == first and _same_name(person.get("title"),
                                                                                 contact["title"]):
            return at
    return None


def _quoted_value(value) -> str:
    if isinstance(value, list):
        return "; ".join(quoted(str(item.get("text", item) if isinstance(item, dict) else item), 60)
                         for item in value) or "nothing"
    return quoted(value.isoformat() if isinstance(value, dt.date) else str(value), 80)


def plan_update(editor: Editor, draft: Draft, take: frozenset[str] = frozenset()) -> None:
    """The edits that bring an existing file up to date with the CRM: the values the CRM owns, its contacts
    (never a second copy of someone there), and the rep's fields only where they are placeholders, or named by
    `take`; a rep's value the CRM says otherwise is kept and reported."""
    for contact in draft.contacts:
        _update_contact(editor, draft, contact)
    priorities = editor.value(("priorities",))
    if draft.priorities and priorities is None:
        editor.merge({"priorities": [{"text": text} for text in draft.priorities]})
    elif draft.priorities and isinstance(priorities, list) and not _same(
            [p.get("text") if isinstance(p, dict) else p for p in priorities], draft.priorities):
        wanted = [{"text": text} for text in draft.priorities]
        if all(_is_placeholder(p.get("text") if isinstance(p, dict) else p) for p in priorities) \
                or "priorities" in take:  # an empty list too
            editor.replace_items(("priorities",), wanted)
        else:
            editor.kept.append(f"kept the rep's priorities; the CRM now lists {_quoted_value(wanted)} "
                               "(--take priorities takes them)")
    editor.merge(draft.crm)
    for name, paths in REP_OWNED.items():
        for path in paths:
            want = at_path(draft.rep, path)
            if not want:
                continue
            current = editor.value(path)
            if current is None or _is_placeholder(current) or name in take:
                desired: dict[str, Any] = {}
                put(desired, path, want)
                editor.merge(desired)
            elif not _same(current, want):
                editor.kept.append(f"kept the rep's {format_loc(path)}; the CRM now says {_quoted_value(want)} "
                                   f"(--take {name} takes it)")


def _update_contact(editor: Editor, draft: Draft, contact: dict[str, str]) -> None:
    path = ("meeting", "attendees")
    attendees = editor.value(path)
    if not isinstance(attendees, list):
        return
    at = find_attendee(attendees, contact)
    want: dict[str, str] = {}
    if at is None:
        at = next((i for i, a in enumerate(attendees) if isinstance(a, dict) and _is_placeholder(a.get("name"))),
                  None)
        if at is not None:
            want["name"] = contact["name"]
    if at is None:
        persona = contact["persona"] or draft.row.settings.persona_todo
        at = editor.append_item(path, {"name": contact["name"], "title": contact["title"] or todo("their job title"),
                                       "persona": persona, **({"email": contact["email"]} if "email" in contact
                                                              else {})})
        editor.warnings.append(f"{contact['name']}, the CRM's contact, is added as meeting.attendees[{at}]; "
                               "remove whoever no longer attends (and their contact role in the CRM, or the next "
                               "--update adds them again)")
    else:
        if contact["title"]:
            want["title"] = contact["title"]
        if contact.get("email"):
            want["email"] = contact["email"]
        persona = attendees[at].get("persona")
        if contact["persona"] and (persona is None or _is_placeholder(persona)):
            want["persona"] = persona = contact["persona"]
        elif contact["persona"] and contact["persona"] != persona and contact["title"] \
                and not _same_name(attendees[at].get("title"), contact["title"]):
            editor.kept.append(f"kept the rep's persona {_quoted_value(persona)} for {attendees[at].get('name')}; "
                               f"their new title {_quoted_value(contact['title'])} suggests {contact['persona']}")
        editor.merge(want, path + (at,))
    if _is_placeholder(persona):
        editor.persona_left = at


def verify_update(editor: Editor, text: str):
    """Reads the edited text back: it must parse, and hold each value set where it was meant to go. Returns what
    it read."""
    after = parse_yaml(text, editor.path)
    for path, want in editor.expected:
        value = at_path(after.data, path)
        if want != value and not _same(value, want):
            raise NotInPlace(f"{format_loc(path)} did not read back as written")
    return after.data


def at_path(data, path: tuple):
    for key in path:
        if isinstance(data, dict) and key in data or isinstance(data, list) and isinstance(key, int) \
                and key < len(data):
            data = data[key]
        else:
            return None
    return data
