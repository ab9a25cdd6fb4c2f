"""How a scenario's results share their box on a slide: the callouts' sizes, and a chart with room for its
labels, or none when it would be too small to read."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from aspo.compose.document import Callout, Callouts, Chart
from aspo.compose.text_measure import (
    CHAR_WIDTH,
    INSET_X,
    INSET_Y,
    LINE_HEIGHT,
    line_pieces,
    word_width,
    wrapped_lines,
)
from aspo.office.deck_template import EMU_PER_PT, TextBox

#: Callout figure sizes tried, largest first; the label under each figure is smaller.
FIGURE_SIZES = (44, 40, 36, 32, 28, 24, 20, 18, 16)
#: The share of a results box the callouts may take when a chart shares it.
CALLOUT_SHARE = 0.5


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

    def _sides(self) -> int:
        """How many sides of the axis have columns, and so labels beyond them: 2 when values go both ways."""
        values = [value for _, series in self.chart.series for value in series]
        return (max(values, default=0.0) > 0) + (min(values, default=0.0) < 0) or 1

    def fits(self) -> bool:
        """Whether the columns keep room to be read beside their labels (the room kept beyond the tallest and the
        deepest counted together), and each label (at least its number) room beside the next one."""
        return (self.label_share() * self._sides() <= LABEL_ROOM_SHARE
                and (self.with_unit or self._fits_labels("")))

    def value_axis(self) -> tuple[float, float]:
        """The value axis's (minimum, maximum): zero and the values, with room for the labels beyond them, so that
        the label over the tallest column stays in the plot, clear of the title."""
        values = [value for _, series in self.chart.series for value in series]
        low, high = min([0.0, *values]), max([0.0, *values])
        sides = self._sides()
        share = min(self.label_share(), LABEL_ROOM_SHARE / sides)  # fits() keeps the columns the rest
        span = (high - low) or 1.0
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
        longest = max((word_width(piece, figure) * box.width_factor for i in items for w in i.figure.split()
                       for piece in line_pieces(w)), default=0)
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
