"""How much text a placeholder holds: the estimate behind shrink-to-fit and the overflow lint.

The renderer (aspo.render.powerpoint) shrinks text the way PowerPoint would when it overflows its
placeholder, and `aspo check` warns about the same text before anything is rendered. Both
read the placeholders' geometry from aspo.office.deck_template (no python-pptx) and lay a section out on
its slide with `slide_text`, so what the lint measures is what the deck will hold.

The estimate is deliberately simple: an average glyph width of a Calibri-like font and a
fixed line height, against the placeholder's size less PowerPoint's default insets.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

from aspo.compose.document import BulletList, Callout, Callouts, Chart, Document, Paragraph, Section, Table
from aspo.office.deck_template import EMU_PER_PT, DeckTemplate, SlideLayout, TextBox

#: Average glyph width of a Calibri-like font, in ems, and line height, in sizes.
CHAR_WIDTH = 0.5
LINE_HEIGHT = 1.2
INSET_X, INSET_Y = 14.4, 7.2  # points: python-pptx's and PowerPoint's default insets
#: PowerPoint's own shrink-text-on-overflow steps: (font scale, line spacing reduction).
SHRINK_STEPS = ((1.0, 0.0), (0.925, 0.1), (0.85, 0.2), (0.775, 0.2), (0.7, 0.2),
                (0.625, 0.2), (0.55, 0.2), (0.475, 0.2))
#: Table text sizes tried, largest first: table text may be smaller than body text.
TABLE_SIZES = (16, 14, 12, 11, 10, 9, 8, 7, 6)
#: The widest a word's letters are on average, in ems: a column is never narrower than its longest word
#: at this width, so no word is broken inside (capitals and digits are wider than the average glyph).
WORD_CHAR_WIDTH = 0.62
#: Callout figure sizes tried, largest first; the label under each figure is smaller.
FIGURE_SIZES = (44, 40, 36, 32, 28, 24, 20, 18, 16)
#: The share of a results box the callouts may take when a chart shares it.
CALLOUT_SHARE = 0.5
#: How a table that has no placeholder of its own is written into the text: one line per row.
TABLE_SEPARATOR = " \u2014 "

Lines = tuple[tuple[str, int], ...]  # (text, outline level) per paragraph


# --- text height ---------------------------------------------------------------------------


def lines(text: str, width: float, size: float) -> int:
    """How many lines `text` wraps to in `width` points at `size` points."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def text_height(paragraphs: Sequence[tuple[str, int]], box: TextBox, scale: float = 1.0,
                reduction: float = 0.0) -> float:
    """The height (points) the paragraphs take in the box, at a font scale and a line
    spacing reduction as PowerPoint's shrink-on-overflow sets them."""
    width = box.width / EMU_PER_PT - INSET_X
    total = 0.0
    for text, level in paragraphs:
        level = min(level, 8)
        size = box.sizes[level] * scale
        usable = max(width - box.indents[level], width * 0.3) / box.width_factor
        gap = box.spacing[level] if level < len(box.spacing) else 0.0
        total += lines(text, usable, size) * size * LINE_HEIGHT * (1 - reduction) + max(size * 0.2, gap)
    return total


def room(box: TextBox) -> float:
    """The height (points) a box has for text."""
    return box.height / EMU_PER_PT - INSET_Y


def shrink(paragraphs: Sequence[tuple[str, int]], box: TextBox) -> tuple[float, float] | None:
    """The (font scale, line spacing reduction) PowerPoint would apply to make the text fit;
    None when it fits as it is. The last step when even that does not fit."""
    space = room(box)
    if space <= 0 or text_height(paragraphs, box) <= space:
        return None
    for scale, reduction in SHRINK_STEPS[1:]:
        if text_height(paragraphs, box, scale, reduction) <= space:
            break
    return scale, reduction


# --- tables --------------------------------------------------------------------------------

#: Glyph widths of Calibri (and Carlito, drawn with its metrics), in thousandths of an em, from ' ' to '~': a
#: table's rows are sized to their text, so a cell's lines are measured glyph by glyph, not by the average.
GLYPH_WIDTHS = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520,
    420, 855, 646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498, 291, 479,
    525, 423, 525, 498, 305, 471, 525, 230, 239, 455, 230, 799, 525, 527, 525, 525, 349, 391, 335, 525, 452, 715,
    433, 453, 395, 314, 460, 314, 498)
OTHER_GLYPH_WIDTH = 0.6  # ems: any other character, on the wide side ('—' is 0.9, accented letters about 0.5)
BOLD_WIDTH = 1.05  # how much wider bold glyphs are at most, on average over a word: a table's header row is bold
#: Room kept beyond a line's measured width, for kerning and each application's rounding.
GLYPH_MARGIN = 1.05
#: A table line's height, in sizes: Calibri's ascent, descent and line gap, which LibreOffice and PowerPoint add up.
TABLE_LINE_HEIGHT = 1.22


def table_rows(table: Table) -> list[tuple[str, ...]]:
    """The header row and the body rows of a table."""
    return [tuple(table.header)] + [tuple(row) for row in table.rows]


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


def wrapped_lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in `width` points at `size` points, wrapped at spaces as a renderer
    wraps it (a word longer than a line is broken, and counts the lines it takes)."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0
        for word in part.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            if len(word) > per_line:
                count += (len(word) - 1) // per_line
                used = len(word) % per_line or per_line
            else:
                used += (1 if used else 0) + len(word)
        total += count
    return total


def word_width(word: str, size: float) -> float:
    """The points a word needs on one line, estimated on the wide side."""
    return len(word) * size * WORD_CHAR_WIDTH


def measured_width(text: str, size: float, bold: bool = False) -> float:
    """The points `text` takes on one line at `size` points, glyph by glyph, with a margin."""
    ems = sum(GLYPH_WIDTHS[code - 32] / 1000 if 32 <= (code := ord(char)) < 127 else OTHER_GLYPH_WIDTH
              for char in text)
    return ems * size * GLYPH_MARGIN * (BOLD_WIDTH if bold else 1.0)


def cell_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines a table cell's text takes in `width` points at `size` points, wrapped at spaces and measured
    glyph by glyph (a word wider than the cell is broken, and counts the lines it takes)."""
    space = measured_width(" ", size, bold)
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for word in part.split():
            need = measured_width(word, size, bold)
            if used and used + space + need > width:
                count, used = count + 1, 0.0
            if need > width:
                count += int(need // max(width, 1.0))
                used = need % max(width, 1.0)
            else:
                used += (space if used else 0.0) + need
        total += count
    return total


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
    by how much text each column holds; None when the longest words alone need more than `total`."""
    cells = [[row[col] if col < len(row) else "" for row in rows] for col in range(columns)]
    least = [(max((measured_width(w, size, bold=at == 0) * factor for at, c in enumerate(column) for w in c.split()),
                  default=0.0) + INSET_X) * EMU_PER_PT for column in cells]
    spare = total - sum(least)
    if spare < 0:
        return None
    shares = [max(sum(len(c) for c in column), 1) for column in cells]
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
        shares = [max(sum(len(row[c]) if c < len(row) else 0 for row in rows), 1) for c in range(columns)]
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
    header, body, grouped = tuple(table.header), [tuple(row) for row in table.rows], table.group_first_column
    whole = [header, *body]
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
            return [replace(table, rows=tuple(rows), slide_fit=(size, tuple(widths))) for rows in pieces]
    return None  # pragma: no cover - the smallest size is among those tried


# --- results: callouts and a chart -----------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class CalloutFit:
    """Results as large figures in a placeholder, at sizes that fit its region."""

    box: TextBox
    region: Region  # the placeholder's box, or its top part when a chart shares it
    items: tuple[Callout, ...]
    figure_size: float
    label_size: float


#: A chart's text size (points): its title, labels and legend, at least the template's smallest text size.
CHART_TEXT_SIZE = 12
#: What a chart draws around its plot area, in text lines of its size: its margins (top and bottom together, and
#: left and right together), and the category names under the columns (as LibreOffice lays it out).
CHART_MARGIN_LINES, CATEGORY_LINES = 1.0, 1.5
#: The share of its width a chart's title wraps at, in a bold face (wider than the average glyph).
TITLE_WIDTH_SHARE, TITLE_CHAR_WIDTH = 0.8, 0.56
#: The room over a column for its value label (one line: labels do not wrap), with the gap to the column, in lines.
LABEL_LINES = 1.6
#: The most of the plot's height the room for labels may take: a chart too small for more is left off the slide.
LABEL_ROOM_SHARE = 0.5
#: The gap between categories, in columns: python-pptx's and PowerPoint's gap width, 150 %.
GAP_COLUMNS = 1.5
_NUMBER_CODE = re.compile(r"^[#,0.]+")


def _round_out(value: float) -> float:
    """`value` rounded away from zero to three significant digits: an axis bound as a person would set it."""
    if value == 0:
        return 0.0
    exponent = math.floor(math.log10(abs(value))) - 2
    return math.copysign(float(f"{math.ceil(round(abs(value) / 10.0 ** exponent, 9))}e{exponent}"), value)


@dataclass(frozen=True)
class ChartFit:
    """A chart in the region of a placeholder it replaces, or shares with callouts, with its text size.

    Its value labels stand over the columns on one line each; the value axis (hidden) reaches beyond the tallest
    column by a label's height, so no label meets the title. When the labels with their unit are wider than the
    room between two columns, they show the number alone and the title names the unit."""

    box: TextBox
    region: Region
    chart: Chart
    size: float = CHART_TEXT_SIZE

    @property
    def unit(self) -> str:
        """The unit as the labels draw it after the number: ' stops per quarter' for '#,##0" stops per quarter"'."""
        tail = _NUMBER_CODE.sub("", self.chart.number_format)
        return re.sub(r"\\(.)", r"\1", tail.replace('"', ""))

    def _labels(self, unit: str) -> list[str]:
        decimals = 1 if "0.0" in self.chart.number_format else 0
        return [f"{value:,.{decimals}f}{unit}" for _, values in self.chart.series for value in values]

    def _label_room(self) -> float:
        """The width (points) a label has: from one column's middle to the next one's."""
        series = max(len(self.chart.series), 1)
        plot = self.region.width / EMU_PER_PT - CHART_MARGIN_LINES * self.size * LINE_HEIGHT
        category = plot / max(len(self.chart.categories), 1)
        return category if series == 1 else category / (series + GAP_COLUMNS)

    def _fits_labels(self, unit: str) -> bool:
        return all(word_width(label, self.size) <= self._label_room() for label in self._labels(unit))

    @property
    def with_unit(self) -> bool:
        """Whether the labels show the unit: '11 stops per quarter', else '11' and the unit in the title."""
        return not self.unit.strip() or self._fits_labels(self.unit)

    @property
    def label_format(self) -> str:
        """The labels' number format: the chart's, or its number alone."""
        if self.with_unit:
            return self.chart.number_format
        return _NUMBER_CODE.match(self.chart.number_format).group(0)

    @property
    def title(self) -> str:
        """The chart's title, naming the unit when the labels do not."""
        unit = self.unit.strip()
        if self.with_unit or unit.casefold() in self.chart.title.casefold():
            return self.chart.title
        return f"{self.chart.title} ({unit})" if self.chart.title else unit

    def _plot_height(self) -> float:
        """The height (points) left for the columns: the region less its title, legend, category names, margins."""
        width, height = self.region.width / EMU_PER_PT, self.region.height / EMU_PER_PT
        title_width = width * TITLE_WIDTH_SHARE * CHAR_WIDTH / TITLE_CHAR_WIDTH
        used = wrapped_lines(self.title, title_width, self.size) if self.title else 0
        if len(self.chart.series) > 1:  # the legend under the plot: its entries side by side, a key before each
            used += wrapped_lines("    ".join(f"xx {name}" for name, _ in self.chart.series), width, self.size)
        return height - (used + CHART_MARGIN_LINES + CATEGORY_LINES) * self.size * LINE_HEIGHT

    def label_share(self) -> float:
        """The share of the plot's height kept beyond the tallest column (and the deepest) for its label."""
        plot = self._plot_height()
        return LABEL_LINES * self.size * LINE_HEIGHT / plot if plot > 0 else 1.0

    def fits(self) -> bool:
        """Whether the columns keep room to be read beside their labels, and each label (at least its number)
        room beside the next one."""
        return self.label_share() <= LABEL_ROOM_SHARE and (self.with_unit or self._fits_labels(""))

    def value_axis(self) -> tuple[float, float]:
        """The value axis's (minimum, maximum): zero and the values, with room for the labels beyond them, so that
        the label over the tallest column stays in the plot, clear of the title."""
        values = [value for _, series in self.chart.series for value in series]
        low, high = min([0.0, *values]), max([0.0, *values])
        share = min(self.label_share(), LABEL_ROOM_SHARE)
        span, sides = (high - low) or 1.0, (high > 0) + (low < 0) or 1
        room = span / (1 - share * sides) * share  # on each side that has columns
        return (_round_out(low - room) if low < 0 else 0.0), (_round_out(high + room) if high > 0 or low == 0
                                                               else 0.0)


#: Room kept beyond the estimate of callouts: their region is cut to size, so an underestimate would spill.
CALLOUT_MARGIN = 1.12


def callout_height(items: Sequence[Callout], box: TextBox, figure_size: float, label_size: float) -> float:
    width = (box.width / EMU_PER_PT - INSET_X) / box.width_factor
    return CALLOUT_MARGIN * sum(
        wrapped_lines(item.figure, width, figure_size) * figure_size * LINE_HEIGHT
        + wrapped_lines(item.label, width, label_size) * label_size * LINE_HEIGHT + label_size * 0.6
        for item in items
    ) + INSET_Y


def _callout_sizes(items, box: TextBox, space: float, min_size: float) -> tuple[float, float] | None:
    label_top = max(min(box.sizes[0] * 0.8, 18.0), min_size)
    for figure in FIGURE_SIZES:
        label = max(min(label_top, figure * 0.5), min_size)
        longest = max((word_width(w, figure) * box.width_factor for i in items for w in i.figure.split()), default=0)
        if longest + INSET_X <= box.width / EMU_PER_PT and callout_height(items, box, figure, label) <= space:
            return figure, label
    return None


def fit_results(callouts: Callouts | None, chart: Chart | None, box: TextBox,
                min_size: float) -> tuple[CalloutFit | None, ChartFit | None]:
    """Callouts at the top of the box and the chart below them, or whichever of the two fits alone;
    the callouts win when both cannot share the box. A chart whose columns would have no room beside their
    labels is left out (fit_deck's notes say so)."""
    whole = Region(box.left, box.top, box.width, box.height)
    height = box.height / EMU_PER_PT
    size = max(min_size, CHART_TEXT_SIZE)
    if callouts is None:
        alone = None if chart is None else ChartFit(box, whole, chart, size)
        return None, alone if alone is not None and alone.fits() else None
    items = callouts.items
    if chart is not None:
        sizes = _callout_sizes(items, box, height * CALLOUT_SHARE, min_size)
        if sizes is not None:
            used = min(math.ceil(callout_height(items, box, *sizes) * EMU_PER_PT), box.height)
            top = Region(box.left, box.top, box.width, used)
            below = ChartFit(box, Region(box.left, box.top + used, box.width, box.height - used), chart, size)
            if below.fits():
                return CalloutFit(box, top, items, *sizes), below
    # the results that fit, first ones first (a small results box keeps the headline figures): the document
    # has them all
    for count in range(len(items), 0, -1):
        sizes = _callout_sizes(items[:count], box, height, min_size)
        if sizes is not None:
            return CalloutFit(box, whole, items[:count], *sizes), None
    return CalloutFit(box, whole, items[:1], FIGURE_SIZES[-1], min_size), None


# --- a section on its slide ----------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    """The paragraphs one placeholder receives."""

    box: TextBox
    paragraphs: Lines


@dataclass(frozen=True)
class SlideText:
    """A deck section laid out on its layout, as the renderer fills it."""

    title: Fill | None  # None: no title, or no title placeholder
    subtitle: Fill | None  # the subtitle placeholder: the subtitle, then any body text it also takes
    body: Fill | None  # the text placeholder: paragraphs, bullets and tables as lines
    tables: tuple[tuple[Table, TextBox], ...]  # the tables with a placeholder of their own, in order
    callouts: CalloutFit | None = None  # results as large figures, in a placeholder of their own
    chart: ChartFit | None = None  # the results chart, below the callouts or in its own placeholder

    @property
    def fills(self) -> tuple[Fill, ...]:
        """Every placeholder that receives text, title first."""
        return tuple(f for f in (self.title, self.subtitle, self.body) if f is not None)


class NoTextPlaceholder(ValueError):
    """The section has text but its layout has no placeholder left to hold it."""


def slide_text(section: Section, layout: SlideLayout, min_size: float = 10) -> SlideText:
    """Which placeholder of `layout` gets which text of `section`.

    The title goes into the title placeholder. A subtitle goes into the layout's subtitle
    placeholder, or on a cover ("title") section without one, into its first text placeholder.
    Paragraphs (level 0) and bullet items (level 1 when the slide also has paragraphs, else
    level 0) go into the first free body placeholder; each table takes the next free body
    placeholder, and becomes lines of text in the text placeholder when none is left. Results
    (callouts, with a chart below them) take the next free placeholder; without one, the
    callouts become lines of text and the chart stays in the draft. Detail meant for the
    document only stays off the slide.
    """
    title_box, bodies = layout.title, list(layout.bodies)

    title = None
    if title_box is not None and section.title:
        title = Fill(title_box, ((section.title, 0),))

    subtitle_lines: list[tuple[str, int]] = []
    subtitle_box = None
    if section.subtitle and bodies:
        # a subtitle placeholder wherever the layout has one; on a cover, else its first text placeholder
        marked = [box for box in bodies if box.kind == "subTitle"]
        subtitle_box = marked[0] if marked else bodies[0] if section.kind == "title" else None
    if subtitle_box is not None:
        subtitle_lines.append((section.subtitle, 0))
        bodies = [box for box in bodies if box is not subtitle_box]

    body = section.deck_body  # without the detail meant for the document only
    has_text = any(isinstance(el, (Paragraph, BulletList)) for el in body)
    has_paragraphs = any(isinstance(el, Paragraph) for el in body)
    tables = [el for el in body if isinstance(el, Table)]
    callouts = next((el for el in body if isinstance(el, Callouts)), None)
    chart = next((el for el in body if isinstance(el, Chart)), None)
    bullet_level = 1 if has_paragraphs else 0

    text_box = None
    free = list(bodies)
    if (has_text or len(tables) > len(bodies)) and bodies:
        text_box = free.pop(0)
    table_slots = dict(zip((id(t) for t in tables), free))
    free = free[len(table_slots):]
    results_box = free[0] if free and (callouts or chart) else None

    # a cover slide with nothing else to hold its text puts it under the subtitle
    text_lines = [] if text_box is not None else subtitle_lines if subtitle_box is not None else None

    def target() -> list[tuple[str, int]]:
        if text_lines is None:
            raise NoTextPlaceholder(f"layout '{layout.name}' has no placeholder left for the text "
                                    f"of section '{section.key}'")
        return text_lines

    placed = []
    for element in body:
        if isinstance(element, Paragraph):
            target().append((element.text, 0))
        elif isinstance(element, BulletList):
            target().extend((item.text, bullet_level) for item in element.items)
        elif isinstance(element, Table):
            slot = table_slots.get(id(element))
            if slot is not None:
                placed.append((element, slot))
            else:
                target().extend((line, bullet_level) for line in table_lines(element))
        elif isinstance(element, Callouts) and results_box is None:
            target().extend((f"{item.figure}: {item.label}", bullet_level) for item in element.items)

    callout_fit = chart_fit = None
    if results_box is not None:
        callout_fit, chart_fit = fit_results(callouts, chart, results_box, min_size)

    return SlideText(
        title=title,
        subtitle=None if subtitle_box is None else Fill(subtitle_box, tuple(subtitle_lines)),
        body=None if text_box is None else Fill(text_box, tuple(text_lines)),
        tables=tuple(placed),
        callouts=callout_fit,
        chart=chart_fit,
    )


def _callouts_left_off(section: Section, laid_out: SlideText) -> list[Paragraph]:
    """The speaker note (and so the draft's) saying which results the slide's results box has no room for."""
    callouts = next((element for element in section.deck_body if isinstance(element, Callouts)), None)
    if laid_out.callouts is None or callouts is None or len(laid_out.callouts.items) >= len(callouts.items):
        return []
    left = len(callouts.items) - len(laid_out.callouts.items)
    return [Paragraph(f"The results box of this layout holds {len(laid_out.callouts.items)} of the "
                      f"{len(callouts.items)} results: the other {left} are in the document only.")]


def _chart_left_off(chart: Chart, laid_out: SlideText) -> Paragraph:
    """The speaker note (and so the draft's) saying the slide has no room for its chart."""
    named = f"the chart \u201c{chart.title}\u201d"
    where = (f"The results box of this layout has no room for {named} below the results"
             if laid_out.callouts is not None else f"This layout has no room for {named}")
    return Paragraph(f"{where}: it is left off the slide; its figures are in the document.")


def fit_deck(sections: Sequence[Section], template: DeckTemplate, min_size: float) -> tuple[Section, ...]:
    """The sections with every slide table that does not fit its box at `min_size` split across
    continuation slides, or, when a single row is too big for a slide, left to the document; the
    speaker notes (and so the draft) say which, and which results (callouts, a chart) the slide has no room for."""
    fitted: list[Section] = []
    for section in sections:
        layout = template.layout(section.layout) if section.layout else None
        if layout is None:
            fitted.append(section)
            continue
        try:
            laid_out = slide_text(section, layout, min_size)
        except NoTextPlaceholder:  # reported by the layout checks
            fitted.append(section)
            continue
        chart = next((element for element in section.deck_body if isinstance(element, Chart)), None)
        chart_left_off = []
        if chart is not None and laid_out.chart is None:
            chart_left_off = [_chart_left_off(chart, laid_out)]
            # out of the model, so the draft shows no chart on the slide, and the results get the chart's room
            section = replace(section, body=tuple(element for element in section.body if element is not chart))
            laid_out = slide_text(section, layout, min_size)
        extra: list[Section] = []
        body = list(section.body)
        notes = list(section.notes) + _callouts_left_off(section, laid_out) + chart_left_off
        for table, box in laid_out.tables:
            if fit_table(table_rows(table), box, min_size, table.group_first_column) is not None:
                continue
            at = next(i for i, element in enumerate(body) if element is table)
            pieces = split_table(table, box, min_size)
            if pieces is None:
                body[at] = replace(table, in_deck=False)
                notes.append(Paragraph("The table is too big for a slide even at the template's smallest text "
                                       f"size ({min_size:g} pt): it is in the document only."))
                continue
            body[at:at + 1] = [replace(table, in_deck=False), replace(pieces[0], in_document=False)]
            for number, piece in enumerate(pieces[1:], start=2):
                extra.append(replace(section, key=f"{section.key}-part{number}", title=f"{section.title} (continued)",
                                     body=(replace(piece, in_document=False),), notes=(), in_document=False))
            notes.append(Paragraph(f"The table does not fit one slide at the template's smallest text size "
                                   f"({min_size:g} pt): it continues on the next {len(pieces) - 1} slide(s); "
                                   "the document has it whole."))
        fitted.append(replace(section, body=tuple(body), notes=tuple(notes)))
        fitted.extend(extra)
    return tuple(fitted)


# --- the overflow lint ---------------------------------------------------------------------


@dataclass(frozen=True)
class Overflow:
    """Text estimated taller than its placeholder, at 100 %."""

    section_key: str
    field: str  # "title" or "body" (a subtitle placeholder is a body placeholder)
    layout: str
    needed_pt: float
    room_pt: float
    placeholder: str = ""  # what the layout calls it: "title", "subtitle", "body" or "content"
    shrink_to: float = 1.0  # the font scale PowerPoint's shrink-on-overflow will use
    fits_shrunk: bool = True  # False: it overflows even at PowerPoint's smallest shrink

    @property
    def over(self) -> float:
        """How much more the text needs than the placeholder holds: 0.4 is 40 % over."""
        return self.needed_pt / self.room_pt - 1

    @property
    def cut(self) -> float:
        """The share of the text to cut for it to fit: 0.29 is about 29 %."""
        return 1 - self.room_pt / self.needed_pt

    @property
    def message(self) -> str:
        what = "title" if self.field == "title" else "text"
        where = self.placeholder or self.field
        shrunk = (f"PowerPoint shrinks it to {_percent(self.shrink_to)}" if self.fits_shrunk
                  else f"it overflows even shrunk to {_percent(self.shrink_to)}")
        return (f"{what} needs about {self.needed_pt:.0f} pt but the {where} placeholder of layout "
                f"'{self.layout}' holds {self.room_pt:.0f} pt ({_percent(self.over)} over; "
                f"cut about {_percent(self.cut)}, else {shrunk})")


def _percent(share: float) -> str:
    return f"{max(1, round(share * 100))}%"


_PLACEHOLDER_NAMES = {"title": "title", "ctrTitle": "title", "subTitle": "subtitle", "body": "body"}


def overflows(document: Document, template: DeckTemplate, min_size: float = 10) -> list[Overflow]:
    """Every title and text placeholder of the deck whose text is estimated not to fit.

    Sections whose layout is missing or cannot hold their text are left to the layout
    checks (aspo.library.content), which report them on their own.
    """
    found = []
    for section in document.deck_sections:
        layout = template.layout(section.layout)
        if layout is None:
            continue
        try:
            laid_out = slide_text(section, layout, min_size)
        except NoTextPlaceholder:
            continue
        callouts = laid_out.callouts
        if callouts is not None:  # sized by fit_results; at the smallest sizes they may still not fit
            needed = callout_height(callouts.items, callouts.box, callouts.figure_size, callouts.label_size)
            space = callouts.region.height / EMU_PER_PT
            if needed > space:
                found.append(Overflow(section_key=section.key, field="body", layout=layout.name, needed_pt=needed,
                                      room_pt=space, placeholder="results", shrink_to=1.0, fits_shrunk=False))
        for fill in laid_out.fills:
            space = room(fill.box)
            needed = text_height(fill.paragraphs, fill.box)
            if not fill.paragraphs or space <= 0 or needed <= space:
                continue
            scale, reduction = shrink(fill.paragraphs, fill.box)
            found.append(Overflow(
                section_key=section.key,
                field="title" if fill is laid_out.title else "body",
                layout=layout.name,
                needed_pt=needed,
                room_pt=space,
                placeholder=_PLACEHOLDER_NAMES.get(fill.box.kind, "content"),
                shrink_to=scale,
                fits_shrunk=text_height(fill.paragraphs, fill.box, scale, reduction) <= space,
            ))
    return found


@dataclass(frozen=True)
class PlacedText:
    """The text one title or text placeholder of a deck's slide receives, to estimate it at other text sizes."""

    section_key: str
    field: str  # "title" or "body", as Overflow.field
    layout: str
    box: TextBox
    paragraphs: Lines

    @property
    def placeholder(self) -> str:
        """What the layout calls it, as Overflow.placeholder: "title", "subtitle", "body" or "content"."""
        return _PLACEHOLDER_NAMES.get(self.box.kind, "content")

    def over_at(self, size: float) -> float:
        """How much more the text needs than the placeholder holds (0.4 is 40 % over; below 0 it fits) with the
        placeholder's first level at `size` points and its other levels scaled alike, at 100 %."""
        scaled = replace(self.box, sizes=tuple(level * size / self.box.sizes[0] for level in self.box.sizes))
        return text_height(self.paragraphs, scaled) / room(self.box) - 1


def placed_texts(document: Document, template: DeckTemplate, min_size: float = 10) -> list[PlacedText]:
    """Every title and text placeholder of the deck that receives text, laid out as `overflows` lays it out
    (sections whose layout is missing or cannot hold their text, and boxes without room, left out)."""
    found = []
    for section in document.deck_sections:
        layout = template.layout(section.layout)
        if layout is None:
            continue
        try:
            laid_out = slide_text(section, layout, min_size)
        except NoTextPlaceholder:
            continue
        for fill in laid_out.fills:
            if fill.paragraphs and room(fill.box) > 0 and fill.box.sizes[0] > 0:
                found.append(PlacedText(section.key, "title" if fill is laid_out.title else "body", layout.name,
                                        fill.box, fill.paragraphs))
    return found
