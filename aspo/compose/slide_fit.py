"""How much text a placeholder holds: the estimate behind shrink-to-fit and the overflow lint.

The renderer (aspo.render.powerpoint) shrinks text the way PowerPoint would when it overflows its
placeholder, and `aspo check` warns about the same text before anything is rendered. Both
read the placeholders' geometry from aspo.office.deck_template (no python-pptx) and lay a section out on
its slide with `slide_text`, so what the lint measures is what the deck will hold.

The measures are aspo.compose.text_measure's; a table (aspo.compose.table_fit) and a scenario's results
(aspo.compose.results_fit) are fitted to their boxes on their own, and `fit_deck` says in the speaker notes what a
slide has no room for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from aspo.compose.document import BulletList, Callouts, Chart, Document, Paragraph, Section, Table
from aspo.compose.results_fit import CalloutFit, ChartFit, callout_height, fit_results
from aspo.compose.table_fit import fit_table, split_table, table_lines, table_rows
from aspo.compose.text_measure import Lines, room, shrink, text_height
from aspo.library.labels import Labels, english
from aspo.office.deck_template import EMU_PER_PT, DeckTemplate, SlideLayout, TextBox

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


def _callouts_left_off(section: Section, laid_out: SlideText, tell: Labels) -> list[Paragraph]:
    """The speaker note (and so the draft's) saying which results the slide's results box has no room for."""
    callouts = next((element for element in section.deck_body if isinstance(element, Callouts)), None)
    if laid_out.callouts is None or callouts is None or len(laid_out.callouts.items) >= len(callouts.items):
        return []
    left = len(callouts.items) - len(laid_out.callouts.items)
    return [Paragraph(tell("results_left_off", shown=len(laid_out.callouts.items), total=len(callouts.items),
                           left=left))]


def _chart_left_off(chart: Chart, laid_out: SlideText, tell: Labels) -> Paragraph:
    """The speaker note (and so the draft's) saying the slide has no room for its chart."""
    key = "chart_left_off_below" if laid_out.callouts is not None else "chart_left_off"
    return Paragraph(tell(key, quote=tell.quote(chart.title)))


def fit_deck(sections: Sequence[Section], template: DeckTemplate, min_size: float, say: Labels | None = None,
             tell: Labels | None = None) -> tuple[Section, ...]:
    """The sections with every slide table that does not fit its box at `min_size` split across
    continuation slides, or, when a single row is too big for a slide, left to the document; the
    speaker notes (and so the draft) say which, and which results (callouts, a chart) the slide has no room for.
    `say` and `tell`: aspo's words in the customer's and the rep's language (default: English)."""
    say = say or english()
    tell = tell or say
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
            chart_left_off = [_chart_left_off(chart, laid_out, tell)]
            # out of the model, so the draft shows no chart on the slide, and the results get the chart's room
            section = replace(section, body=tuple(element for element in section.body if element is not chart))
            laid_out = slide_text(section, layout, min_size)
        extra: list[Section] = []
        body = list(section.body)
        notes = list(section.notes) + _callouts_left_off(section, laid_out, tell) + chart_left_off
        for table, box in laid_out.tables:
            if fit_table(table_rows(table), box, min_size, table.group_first_column) is not None:
                continue
            at = next(i for i, element in enumerate(body) if element is table)
            pieces = split_table(table, box, min_size)
            if pieces is None and table.names_whole:
                # columns too narrow for a name kept whole: it breaks at its spaces, and the table stays on the slide
                table = body[at] = replace(table, names_whole=False)
                if fit_table(table_rows(table), box, min_size, table.group_first_column) is not None:
                    continue
                pieces = split_table(table, box, min_size)
            if pieces is None:
                body[at] = replace(table, in_deck=False)
                notes.append(Paragraph(tell("table_too_big", size=f"{min_size:g}")))
                continue
            body[at:at + 1] = [replace(table, in_deck=False), replace(pieces[0], in_document=False)]
            for number, piece in enumerate(pieces[1:], start=2):
                extra.append(replace(section, key=f"{section.key}-part{number}",
                                     title=say("continued", title=section.title),
                                     body=(replace(piece, in_document=False),), notes=(), in_document=False))
            notes.append(Paragraph(tell("table_continues", size=f"{min_size:g}", count=len(pieces) - 1)))
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


def _laid_out(document: Document, template: DeckTemplate, min_size: float) -> Iterator[tuple[Section, SlideLayout,
                                                                                            SlideText]]:
    """Each slide of the deck with its layout and its text laid out; those whose layout is missing or cannot hold
    their text are left to the layout checks."""
    for section in document.deck_sections:
        layout = template.layout(section.layout)
        if layout is None:
            continue
        try:
            laid_out = slide_text(section, layout, min_size)
        except NoTextPlaceholder:
            continue
        yield section, layout, laid_out


def overflows(document: Document, template: DeckTemplate, min_size: float = 10) -> list[Overflow]:
    """Every title and text placeholder of the deck whose text is estimated not to fit.

    Sections whose layout is missing or cannot hold their text are left to the layout
    checks (aspo.library.content), which report them on their own.
    """
    found = []
    for section, layout, laid_out in _laid_out(document, template, min_size):
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
    for section, layout, laid_out in _laid_out(document, template, min_size):
        for fill in laid_out.fills:
            if fill.paragraphs and room(fill.box) > 0 and fill.box.sizes[0] > 0:
                found.append(PlacedText(section.key, "title" if fill is laid_out.title else "body", layout.name,
                                        fill.box, fill.paragraphs))
    return found
