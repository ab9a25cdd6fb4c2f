"""A block file's parts as written: YAML front matter between '---' lines, the body, then '## Notes'."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aspo.core.errors import AspoError
from aspo.core.rulebook import INVALID_FILE
from aspo.core.yamlfile import YamlDocument, parse_yaml, read_text

#: The heading that ends a block's body and starts its speaker notes, in every language.
NOTES_HEADING = "## Notes"


@dataclass(frozen=True)
class BlockFile:
    """A block's or a block translation's file, split: its front matter parsed, its body's and notes' text."""

    front: YamlDocument
    body_lines: list[str]  # as written, for checks that point at a line
    first_body_line: int  # the file line of body_lines[0]
    body: str
    notes: str
    title_line: int
    body_line: int  # the file line of the body's first text, for template errors
    notes_line: int


def read_block_file(path: Path) -> BlockFile:
    """The parts of the block file at `path`; AspoError where it is not laid out so."""
    lines = read_text(path).split("\n")
    if not lines or lines[0].strip() != "---":
        raise AspoError.at(path, 1, None, "a block starts with a '---' line, then YAML front matter, then '---'",
                           INVALID_FILE)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise AspoError.at(path, 1, None, "front matter is not closed by a '---' line", INVALID_FILE)
    front = parse_yaml("\n".join(lines[1:end]), path, line_offset=1)
    rest = lines[end + 1:]
    notes_at = next((i for i, line in enumerate(rest) if line.strip() == NOTES_HEADING), None)
    body_lines = rest if notes_at is None else rest[:notes_at]
    notes_lines = [] if notes_at is None else rest[notes_at + 1:]
    first = end + 2
    return BlockFile(front, body_lines, first, "\n".join(body_lines).strip("\n"), "\n".join(notes_lines).strip("\n"),
                     title_line=front.line_of(("title",)) or 2, body_line=first + _leading_blank_lines(body_lines),
                     notes_line=first + (notes_at or 0) + 1 + _leading_blank_lines(notes_lines))


def _leading_blank_lines(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count
