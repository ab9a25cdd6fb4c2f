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


def table_rows(table: Table) -> list[tuple[str, ...]]:
    """The header row and the body rows of a table."""
    return [tuple(table.header)] + [tuple(row) for row in table.rows]


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


@dataclass(frozen=True)
class TableFit:
    """How a table is drawn in its box: column widths (EMU) and one text size (points)."""

    widths: tuple[int, ...]
    size: float
    row_heights: tuple[float, ...]  # points, each row grown to its text


def column_widths(rows: Sequence[Sequence[str]], columns: int, total: int, size: float,
                  factor: float = 1.0) -> list[int] | None:
    """Column widths (EMU) that hold each column's longest word on one line at `size`, the rest shared
    by how much text each column holds; None when the longest words alone need more than `total`."""
    cells = [[row[col] if col < len(row) else "" for row in rows] for col in range(columns)]
    least = [(max((word_width(w, size) * factor for c in column for w in c.split()), default=0.0) + INSET_X)
             * EMU_PER_PT for column in cells]
    spare = total - sum(least)
    if spare < 0:
        return None
    shares = [max(sum(len(c) for c in column), 1) for column in cells]
    widths = [int(low + spare * share / sum(shares)) for low, share in zip(least, shares)]
    widths[-1] += total - sum(widths)
    return widths


def _row_heights(rows, widths, size: float, factor: float = 1.0) -> tuple[float, ...]:
    cell_widths = [(width / EMU_PER_PT - INSET_X) / factor for width in widths]
    return tuple(
        max(wrapped_lines(row[col] if col < len(row) else "", cell_widths[col], size)
            for col in range(len(widths))) * size * LINE_HEIGHT + INSET_Y
        for row in rows
    )


def fit_table(rows: Sequence[Sequence[str]], box: TextBox, min_size: float) -> TableFit | None:
    """The largest text size, no smaller than `min_size`, at which the rows fit the box with no word
    broken, and the column widths for it; None when they do not fit even at `min_size`."""
    columns = max((len(row) for row in rows), default=1) or 1
    space = box.height / EMU_PER_PT
    for size in sorted({s for s in TABLE_SIZES if s >= min_size} | {min_size}, reverse=True):
        widths = column_widths(rows, columns, box.width, size, box.width_factor)
        if widths is None:
            continue
        heights = _row_heights(rows, widths, size, box.width_factor)
        if sum(heights) <= space:
            return TableFit(tuple(widths), size, heights)
    return None


def smallest_table(rows: Sequence[Sequence[str]], box: TextBox, min_size: float) -> TableFit:
    """The table at `min_size`, fitting or not: what is drawn when nothing better is left."""
    columns = max((len(row) for row in rows), default=1) or 1
    widths = column_widths(rows, columns, box.width, min_size, box.width_factor)
    if widths is None:  # even one word per column is too wide: share the width by text instead
        shares = [max(sum(len(row[c]) if c < len(row) else 0 for row in rows), 1) for c in range(columns)]
        widths = [int(box.width * share / sum(shares)) for share in shares]
        widths[-1] += box.width - sum(widths)
    return TableFit(tuple(widths), min_size, _row_heights(rows, widths, min_size, box.width_factor))


def split_table(table: Table, box: TextBox, min_size: float) -> list[Table] | None:
    """The table in pieces that each fit the box, each with the header; [table] when it fits whole,
    None when a single row does not fit even at `min_size`."""
    rows = list(table.rows)
    pieces: list[Table] = []
    while rows:
        take = len(rows)
        while take and fit_table([table.header, *rows[:take]], box, min_size) is None:
            take -= 1
        if take == 0:
            return None
        pieces.append(replace(table, rows=tuple(rows[:take])))
        rows = rows[take:]
    return pieces or [table]


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


@dataclass(frozen=True)
class ChartFit:
    """A chart in the region of a placeholder it replaces, or shares with callouts."""

    box: TextBox
    region: Region
    chart: Chart


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
    the callouts win when both cannot share the box."""
    whole = Region(box.left, box.top, box.width, box.height)
    height = box.height / EMU_PER_PT
    if callouts is None:
        return None, None if chart is None else ChartFit(box, whole, chart)
    items = callouts.items
    if chart is not None:
        sizes = _callout_sizes(items, box, height * CALLOUT_SHARE, min_size)
        if sizes is not None:
            used = min(math.ceil(callout_height(items, box, *sizes) * EMU_PER_PT), box.height)
            top = Region(box.left, box.top, box.width, used)
            below = Region(box.left, box.top + used, box.width, box.height - used)
            return CalloutFit(box, top, items, *sizes), ChartFit(box, below, chart)
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


def fit_deck(sections: Sequence[Section], template: DeckTemplate, min_size: float) -> tuple[Section, ...]:
    """The sections with every slide table that does not fit its box at `min_size` split across
    continuation slides, or, when a single row is too big for a slide, left to the document; the
    speaker notes (and so the draft) say which."""
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
        extra: list[Section] = []
        body = list(section.body)
        notes = list(section.notes)
        callouts = next((element for element in body if isinstance(element, Callouts)), None)
        if laid_out.callouts is not None and callouts is not None \
                and len(laid_out.callouts.items) < len(callouts.items):
            left = len(callouts.items) - len(laid_out.callouts.items)
            notes.append(Paragraph(f"The results box of this layout holds {len(laid_out.callouts.items)} of the "
                                   f"{len(callouts.items)} results: the other {left} are in the document only."))
        for table, box in laid_out.tables:
            if fit_table(table_rows(table), box, min_size) is not None:
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
