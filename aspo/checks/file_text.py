"""A source file's text as the wording rules search it: whole phrases found, offsets told as lines and columns."""

from __future__ import annotations

import re
from pathlib import Path

from aspo.core.errors import Problem


class FileText:
    """A file's text with offsets turned into 1-based lines and columns."""

    def __init__(self, path: Path):
        self.text = path.read_text(encoding="utf-8-sig")
        self._starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def index_of_line(self, line: int) -> int:
        return self._starts[min(max(line, 1), len(self._starts)) - 1]

    def position(self, offset: int) -> tuple[int, int]:
        line = next(n for n in range(len(self._starts), 0, -1) if self._starts[n - 1] <= offset)
        return line, offset - self._starts[line - 1] + 1

    def find(self, pattern: re.Pattern, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The line and column of the pattern's first match within the spans, in their order."""
        for start, end in spans:
            match = pattern.search(self.text, start, end)
            if match:
                return self.position(match.start())
        return None


def phrase(words: str) -> re.Pattern:
    """The words as a whole phrase, in any case: 'IDC' is not found in 'IDCard'."""
    return re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.IGNORECASE)


def problem_at(path: Path, where: tuple[int, int], message: str, rule: str) -> Problem:
    """A problem at a (line, column) that FileText found."""
    return Problem(path, where[0], None, message, rule, where[1])
