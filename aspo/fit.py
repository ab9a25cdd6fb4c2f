"""How much text a placeholder holds: the estimate behind shrink-to-fit and the overflow lint.

The renderer (aspo.render_pptx) shrinks text the way PowerPoint would when it overflows its
placeholder, and `aspo check` warns about the same text before anything is rendered. Both
read the placeholders' geometry from aspo.layouts (no python-pptx) and lay a section out on
its slide with `slide_text`, so what the lint measures is what the deck will hold.

The estimate is deliberately simple: an average glyph width of a Calibri-like font and a
fixed line height, against the placeholder's size less PowerPoint's default insets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from aspo.document import BulletList, Document, Paragraph, Section, Table

if TYPE_CHECKING:  # aspo.layouts imports this module for TextBox
    from aspo.layouts import DeckTemplate, SlideLayout

EMU_PER_PT = 12700
#: Average glyph width of a Calibri-like font, in ems, and line height, in sizes.
CHAR_WIDTH = 0.5
LINE_HEIGHT = 1.2
INSET_X, INSET_Y = 14.4, 7.2  # points: python-pptx's and PowerPoint's default insets
#: PowerPoint's own shrink-text-on-overflow steps: (font scale, line spacing reduction).
SHRINK_STEPS = ((1.0, 0.0), (0.925, 0.1), (0.85, 0.2), (0.775, 0.2), (0.7, 0.2),
                (0.625, 0.2), (0.55, 0.2), (0.475, 0.2))
#: Table text sizes tried, largest first: table text may be smaller than body text.
TABLE_SIZES = (16, 14, 12, 11, 10, 9, 8)
#: How a table that has no placeholder of its own is written into the text: one line per row.
TABLE_SEPARATOR = " \u2014 "

Lines = tuple[tuple[str, int], ...]  # (text, outline level) per paragraph


@dataclass(frozen=True)
class TextBox:
    """Where a layout placeholder sits and how big its text is at each outline level."""

    idx: int
    kind: str | None  # the placeholder's type in the file: "title", "ctrTitle", "body", "obj",
    #                   "subTitle"; None when it has none (PowerPoint reads that as "obj")
    left: int  # EMU
    top: int
    width: int
    height: int
    sizes: tuple[float, ...]  # points, levels 0..8
    indents: tuple[float, ...]  # points, levels 0..8

    @property
    def is_title(self) -> bool:
        return self.kind in ("title", "ctrTitle")


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
        usable = max(width - box.indents[level], width * 0.3)
        total += lines(text, usable, size) * size * LINE_HEIGHT * (1 - reduction) + size * 0.2
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


def table_columns(table: Table) -> int:
    return max([len(table.header)] + [len(row) for row in table.rows] + [1])


def table_lines(table: Table) -> list[str]:
    """A table written as text, one line per row: "a — b — c"."""
    found = []
    if table.header:
        found.append(TABLE_SEPARATOR.join(table.header))
    found.extend(TABLE_SEPARATOR.join(row) for row in table.rows)
    return found


def column_widths(rows: Sequence[Sequence[str]], columns: int, total: int) -> list[int]:
    """Column widths (EMU) in proportion to how much text each column holds, within limits."""
    weights = []
    for col in range(columns):
        cells = [row[col] if col < len(row) else "" for row in rows]
        average = sum(len(cell) for cell in cells) / len(cells)
        longest_word = max((len(word) for cell in cells for word in cell.split()), default=0)
        weights.append(min(max(average, 2.2 * longest_word, 8), 80))
    scale = total / sum(weights)
    widths = [int(weight * scale) for weight in weights]
    widths[-1] += total - sum(widths)
    return widths


def table_text_size(rows: Sequence[Sequence[str]], widths: Sequence[int], box: TextBox) -> int:
    """The largest text size (points) at which the table's rows, grown to their text, fit its
    box; the smallest size tried when none does."""
    cell_widths = [max(width / EMU_PER_PT - INSET_X, 12.0) for width in widths]
    space = box.height / EMU_PER_PT
    for size in TABLE_SIZES:
        heights = [
            max(lines(row[col] if col < len(row) else "", cell_widths[col], size)
                for col in range(len(widths))) * size * LINE_HEIGHT + INSET_Y
            for row in rows
        ]
        if sum(heights) <= space:
            break
    return size


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

    @property
    def fills(self) -> tuple[Fill, ...]:
        """Every placeholder that receives text, title first."""
        return tuple(f for f in (self.title, self.subtitle, self.body) if f is not None)


class NoTextPlaceholder(ValueError):
    """The section has text but its layout has no placeholder left to hold it."""


def slide_text(section: Section, layout: SlideLayout) -> SlideText:
    """Which placeholder of `layout` gets which text of `section`.

    The title goes into the title placeholder. A subtitle goes into body placeholder idx 1
    on a cover ("title") section, or on any section when that placeholder is a subtitle.
    Paragraphs (level 0) and bullet items (level 1 when the slide also has paragraphs, else
    level 0) go into the first free body placeholder; each table takes the next free body
    placeholder, and becomes lines of text in the text placeholder when none is left. Detail
    meant for the document only stays off the slide.
    """
    title_box, bodies = layout.title, list(layout.bodies)

    title = None
    if title_box is not None and section.title:
        title = Fill(title_box, ((section.title, 0),))

    subtitle_lines: list[tuple[str, int]] = []
    subtitle_box = None
    ones = [box for box in bodies if box.idx == 1]
    if section.subtitle and ones and (section.kind == "title" or any(box.kind == "subTitle" for box in ones)):
        subtitle_box = ones[0]
        subtitle_lines.append((section.subtitle, 0))
        bodies = [box for box in bodies if box.idx != 1]

    body = section.deck_body  # without the detail meant for the document only
    has_text = any(isinstance(el, (Paragraph, BulletList)) for el in body)
    has_paragraphs = any(isinstance(el, Paragraph) for el in body)
    tables = [el for el in body if isinstance(el, Table)]
    bullet_level = 1 if has_paragraphs else 0

    text_box = None
    table_boxes = list(bodies)
    if (has_text or len(tables) > len(bodies)) and bodies:
        text_box = bodies[0]
        table_boxes = bodies[1:]
    table_slots = dict(zip((id(t) for t in tables), table_boxes))

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

    return SlideText(
        title=title,
        subtitle=None if subtitle_box is None else Fill(subtitle_box, tuple(subtitle_lines)),
        body=None if text_box is None else Fill(text_box, tuple(text_lines)),
        tables=tuple(placed),
    )


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


def overflows(document: Document, template: DeckTemplate) -> list[Overflow]:
    """Every title and text placeholder of the deck whose text is estimated not to fit.

    Sections whose layout is missing or cannot hold their text are left to the layout
    checks (aspo.library), which report them on their own.
    """
    found = []
    for section in document.deck_sections:
        layout = template.layout(section.layout)
        if layout is None:
            continue
        try:
            laid_out = slide_text(section, layout)
        except NoTextPlaceholder:
            continue
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
