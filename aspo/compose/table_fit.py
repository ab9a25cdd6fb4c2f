"""How a table is drawn on a slide: one text size, its column widths and row heights, and the pieces it is
split into when it continues over slides."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from aspo.compose.document import Table
from aspo.compose.nobreak import keep_together
from aspo.compose.text_measure import (
    INSET_X,
    INSET_Y,
    TABLE_LINE_HEIGHT,
    breakable_words,
    cell_lines,
    measured_width,
    text_columns,
)
from aspo.office.deck_template import EMU_PER_PT, TextBox

#: Table text sizes tried, largest first: table text may be smaller than body text.
TABLE_SIZES = (16, 14, 12, 11, 10, 9, 8, 7, 6)
#: How a table that has no placeholder of its own is written into the text: one line per row.
TABLE_SEPARATOR = " \u2014 "



# --- tables --------------------------------------------------------------------------------

def table_rows(table: Table) -> list[tuple[str, ...]]:
    """The header row and the body rows of a table, as a slide draws them: the names, dates and amounts of each
    cell joined by no-break spaces while a document is composed and rendered (nobreak.keeping_together), so its
    columns are sized for them whole (unless the table's columns are too narrow for that: Table.names_whole)."""
    join = keep_together if table.names_whole else str
    return [tuple(map(join, row)) for row in [table.header, *table.rows]]


def first_cell_spans(rows: Sequence[Sequence[str]], grouped: bool) -> tuple[int, ...]:
    """How many rows each row's first cell spans, header first: 1 as a rule; in a table grouped by its first
    column, a group's first row spans the group (its cell merged down) and the others 0 (merged into it)."""
    spans = [1] * len(rows)
    if not grouped:
        return tuple(spans)
    start = 1
    for at in range(2, len(rows) + 1):
        if at == len(rows) or rows[at][:1] != rows[start][:1]:
            if at - start > 1:
                spans[start:at] = [at - start] + [0] * (at - start - 1)
            start = at
    return tuple(spans)


def shown_rows(rows: Sequence[Sequence[str]], spans: Sequence[int]) -> list[tuple[str, ...]]:
    """The rows as drawn: a first cell merged into the one above shows nothing."""
    return [("", *row[1:]) if span == 0 and row else tuple(row) for row, span in zip(rows, spans)]


def table_lines(table: Table) -> list[str]:
    """A table written as text, one line per row: "a — b — c"."""
    found = []
    if table.header:
        found.append(TABLE_SEPARATOR.join(table.header))
    found.extend(TABLE_SEPARATOR.join(row) for row in table.rows)
    return found


@dataclass(frozen=True)
class TableFit:
    """How a table is drawn in its box: column widths (EMU) and one text size (points)."""

    widths: tuple[int, ...]
    size: float
    row_heights: tuple[float, ...]  # points, each row grown to its text
    spans: tuple[int, ...] = ()  # rows each row's first cell spans (first_cell_spans); () none merged


def column_widths(rows: Sequence[Sequence[str]], columns: int, total: int, size: float,
                  factor: float = 1.0) -> list[int] | None:
    """Column widths (EMU) that hold each column's longest word on one line at `size`, the rest shared
    by how much text each column holds; None when the longest words alone need more than `total`. Chinese and
    Japanese text breaks between its characters: its "words" are those (aspo.compose.text_measure.line_pieces)."""
    cells = [[row[col] if col < len(row) else "" for row in rows] for col in range(columns)]
    least = [(max((measured_width(w, size, bold=at == 0) * factor for at, c in enumerate(column)
                       for w in breakable_words(c)),
                  default=0.0) + INSET_X) * EMU_PER_PT for column in cells]
    spare = total - sum(least)
    if spare < 0:
        return None
    shares = [max(sum(text_columns(c) for c in column), 1) for column in cells]
    widths = [int(low + spare * share / sum(shares)) for low, share in zip(least, shares)]
    widths[-1] += total - sum(widths)
    return widths


def _row_heights(rows, widths, size: float, factor: float = 1.0, spans: Sequence[int] = ()) -> tuple[float, ...]:
    """Each row's height (points) as wide as its tallest cell; a first cell merged down over a group is counted
    against the group's rows together, the last one grown when they are too short for it."""
    spans = tuple(spans) or (1,) * len(rows)
    cell_widths = [(width / EMU_PER_PT - INSET_X) / factor for width in widths]

    def height(text: str, col: int, header: bool) -> float:
        return cell_lines(text, cell_widths[col], size, bold=header) * size * TABLE_LINE_HEIGHT + INSET_Y

    heights = [max(height(row[col] if col < len(row) else "", col, at == 0)
                   for col in range(1 if span != 1 else 0, len(widths)) or (0,))
               for at, (row, span) in enumerate(zip(rows, spans))]
    for at, span in enumerate(spans):
        if span > 1:
            short = height(rows[at][0] if rows[at] else "", 0, False) - sum(heights[at:at + span])
            if short > 0:
                heights[at + span - 1] += short
    return tuple(heights)


def _table_sizes(min_size: float) -> list[float]:
    return sorted({s for s in TABLE_SIZES if s >= min_size} | {min_size}, reverse=True)


def _fit_at(rows, spans, widths, size: float, factor: float) -> TableFit:
    return TableFit(tuple(widths), size, _row_heights(rows, widths, size, factor, spans), spans)


def fit_table(rows: Sequence[Sequence[str]], box: TextBox, min_size: float, grouped: bool = False) -> TableFit | None:
    """The largest text size, no smaller than `min_size`, at which the rows (header first) fit the box with no
    word broken, and the column widths for it; None when they do not fit even at `min_size`. `grouped`: rows
    whose first cell repeats the row above's share one merged first cell."""
    columns = max((len(row) for row in rows), default=1) or 1
    spans = first_cell_spans(rows, grouped)
    space = box.height / EMU_PER_PT
    for size in _table_sizes(min_size):
        widths = column_widths(shown_rows(rows, spans), columns, box.width, size, box.width_factor)
        if widths is None:
            continue
        fit = _fit_at(rows, spans, widths, size, box.width_factor)
        if sum(fit.row_heights) <= space:
            return fit
    return None


def smallest_table(rows: Sequence[Sequence[str]], box: TextBox, min_size: float, grouped: bool = False) -> TableFit:
    """The table at `min_size`, fitting or not: what is drawn when nothing better is left."""
    columns = max((len(row) for row in rows), default=1) or 1
    spans = first_cell_spans(rows, grouped)
    widths = column_widths(shown_rows(rows, spans), columns, box.width, min_size, box.width_factor)
    if widths is None:  # even one word per column is too wide: share the width by text instead
        shares = [max(sum(text_columns(row[c]) if c < len(row) else 0 for row in rows), 1) for c in range(columns)]
        widths = [int(box.width * share / sum(shares)) for share in shares]
        widths[-1] += box.width - sum(widths)
    return _fit_at(rows, spans, widths, min_size, box.width_factor)


def table_fit(table: Table, box: TextBox, min_size: float) -> TableFit:
    """How the renderer draws a table (or one piece of a split table, at the size and widths of all its pieces)."""
    rows, grouped = table_rows(table), table.group_first_column
    if table.slide_fit is not None:
        size, widths = table.slide_fit
        return _fit_at(rows, first_cell_spans(rows, grouped), widths, size, box.width_factor)
    return fit_table(rows, box, min_size, grouped) or smallest_table(rows, box, min_size, grouped)


def _pieces_at(table: Table, box: TextBox, size: float) -> tuple[list[list[tuple[str, ...]]], list[int]] | None:
    """The table's body rows in pieces that each fit the box under the header at `size`, with the column widths
    of the whole table; None when a row does not fit a slide of its own. A group of a grouped table stays
    together unless it is longer than a slide, and then goes on at the top of the next piece, its name repeated."""
    whole, grouped = table_rows(table), table.group_first_column
    header, body = whole[0], whole[1:]
    columns = max((len(row) for row in whole), default=1) or 1
    widths = column_widths(shown_rows(whole, first_cell_spans(whole, grouped)), columns, box.width, size,
                           box.width_factor)
    if widths is None:
        return None
    space = box.height / EMU_PER_PT

    def fits(rows) -> bool:
        with_header = [header, *rows]
        spans = first_cell_spans(with_header, grouped)
        return sum(_row_heights(with_header, widths, size, box.width_factor, spans)) <= space

    groups: list[list[tuple[str, ...]]] = []
    for row in body:
        if grouped and groups and groups[-1][0][:1] == row[:1]:
            groups[-1].append(row)
        else:
            groups.append([row])
    pieces: list[list[tuple[str, ...]]] = []
    current: list[tuple[str, ...]] = []
    for group in groups:
        if fits(current + group):
            current += group
            continue
        if current and fits(group):
            pieces.append(current)
            current = list(group)
            continue
        rest = list(group)  # longer than a slide: it fills this piece and goes on
        while rest:
            take = len(rest)
            while take and not fits(current + rest[:take]):
                take -= 1
            if take == 0 and not current:
                return None
            current += rest[:take]
            rest = rest[take:]
            if rest:
                pieces.append(current)
                current = []
    if current:
        pieces.append(current)
    return pieces, widths


def split_table(table: Table, box: TextBox, min_size: float) -> list[Table] | None:
    """The table in pieces that each fit the box, each with the header, all drawn at one text size and with the
    same column widths (the largest size that needs no more pieces than the smallest does); [table] when it fits
    whole, None when a single row does not fit even at `min_size`."""
    if fit_table(table_rows(table), box, min_size, table.group_first_column) is not None:
        return [table]
    fewest = _pieces_at(table, box, min_size)
    if fewest is None:
        return None
    for size in _table_sizes(min_size):
        found = _pieces_at(table, box, size)
        if found is not None and len(found[0]) <= len(fewest[0]):
            pieces, widths = found
            # each piece the model's rows, as measured (its names joined only as the renderer draws them)
            starts = [sum(map(len, pieces[:at])) for at in range(len(pieces) + 1)]
            return [replace(table, rows=table.rows[start:end], slide_fit=(size, tuple(widths)))
                    for start, end in zip(starts, starts[1:])]
    return None  # pragma: no cover - the smallest size is among those tried
