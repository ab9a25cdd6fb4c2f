"""Markdown tables for the reports: one row a line, whatever the cells hold."""

from __future__ import annotations


def cell(value: object) -> str:
    """Table-safe text: a '|' or line break in a rep's words would split the row."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    """The table's lines; 'None.' for no rows."""
    if not rows:
        return ["None."]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)]
