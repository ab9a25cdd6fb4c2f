"""Renders the deck: one slide per deck section, on the layouts of the marketing template."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.parts.slide import NotesSlidePart
from pptx.util import Emu, Pt

from aspo.document import BulletList, Document, Paragraph, Section, Table
from aspo.errors import AspoError
from aspo.package import (
    app_properties_xml,
    normalize_zip,
    set_core_properties,
    template_bytes,
)

_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_BODY_TYPES = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE,
               PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT}

#: Table text sizes tried, largest first: table text may be smaller than body text.
_TABLE_SIZES = (16, 14, 12, 11, 10, 9, 8)

_SEPARATOR = " \u2014 "
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_TXBODY = f"{{{_P}}}txBody"
_AUTOFIT_TAGS = {f"{{{_A}}}noAutofit", f"{{{_A}}}normAutofit", f"{{{_A}}}spAutoFit"}
_EMU_PER_PT = 12700


def _open_template(path: Path):
    data = template_bytes(path, "deck_template")
    try:
        return Presentation(io.BytesIO(data)), data
    except Exception as exc:  # python-pptx raises several kinds for files it cannot use
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AspoError.at(
            path, None, "deck_template",
            f"is not a PowerPoint .pptx file ({detail})",
        ) from None


def _set_package_properties(prs, doc: Document) -> None:
    set_core_properties(prs.core_properties, doc.properties)
    package = prs.part.package
    rels = package._rels
    app = None
    for rId, rel in list(rels.items()):
        if rel.is_external:
            continue
        if rel.reltype == RT.THUMBNAIL:  # a picture of the template, not of this deck
            package.drop_rel(rId)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            app = rel.target_part
    blob = app_properties_xml(doc.properties.company)
    if app is not None:
        app._blob = blob
    else:
        part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, package, blob)
        package.relate_to(part, RT.EXTENDED_PROPERTIES)


def _remove_existing_slides(prs) -> None:
    """Sample slides a template may carry are not part of any deck."""
    id_list = prs.slides._sldIdLst
    for slide_id in list(id_list):
        prs.part.drop_rel(slide_id.rId)
        id_list.remove(slide_id)


@dataclass(frozen=True)
class _Box:
    """Where a layout placeholder sits and how big its text is at each outline level."""

    idx: int
    kind: object
    left: int
    top: int
    width: int
    height: int
    sizes: tuple[float, ...]  # points, levels 0..8
    indents: tuple[float, ...]  # points, levels 0..8


def _level_metrics(ph_element, style) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Text size and left margin per level: the placeholder's own list style first, then the
    master's title or body style."""
    sizes, indents = [], []
    for level in range(1, 10):
        size = margin = None
        for source in (ph_element.find(f"{_TXBODY}/{{{_A}}}lstStyle/{{{_A}}}lvl{level}pPr"),
                       None if style is None else style.find(f"{{{_A}}}lvl{level}pPr")):
            if source is None:
                continue
            if margin is None and source.get("marL") is not None:
                margin = int(source.get("marL"))
            rpr = source.find(f"{{{_A}}}defRPr")
            if size is None and rpr is not None and rpr.get("sz") is not None:
                size = int(rpr.get("sz")) / 100
        sizes.append(size or 18.0)
        indents.append((margin or 0) / _EMU_PER_PT)
    return tuple(sizes), tuple(indents)


def _placeholder_kind(layout) -> tuple[_Box | None, list[_Box]]:
    """A layout's title placeholder and its body placeholders (in idx order), measured once."""
    styles = layout.slide_master._element.find(f"{{{_P}}}txStyles")
    title_style = None if styles is None else styles.find(f"{{{_P}}}titleStyle")
    body_style = None if styles is None else styles.find(f"{{{_P}}}bodyStyle")
    title = None
    bodies = []
    for ph in layout.placeholders:
        fmt = ph.placeholder_format
        kind, idx = fmt.type, fmt.idx
        is_title = kind in _TITLE_TYPES
        if not is_title and not (kind in _BODY_TYPES and idx >= 1):
            continue
        sizes, indents = _level_metrics(ph._element, title_style if is_title else body_style)
        box = _Box(idx, kind, ph.left or 0, ph.top or 0, ph.width or 0, ph.height or 0,
                   sizes, indents)
        if is_title:
            title = title or box
        else:
            bodies.append(box)
    bodies.sort(key=lambda box: box.idx)
    return title, bodies


#: Average glyph width of a Calibri-like font, in ems, and line height, in sizes.
_CHAR_WIDTH = 0.5
_LINE_HEIGHT = 1.2
_INSET_X, _INSET_Y = 14.4, 7.2  # points: python-pptx's and PowerPoint's default insets
#: PowerPoint's own shrink-text-on-overflow steps: (font scale, line spacing reduction).
_SHRINK_STEPS = ((1.0, 0.0), (0.925, 0.1), (0.85, 0.2), (0.775, 0.2), (0.7, 0.2),
                 (0.625, 0.2), (0.55, 0.2), (0.475, 0.2))


def _lines(text: str, width: float, size: float) -> int:
    per_line = max(1, int(width / (size * _CHAR_WIDTH)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _text_height(paragraphs, box: _Box, scale: float, reduction: float) -> float:
    width = box.width / _EMU_PER_PT - _INSET_X
    total = 0.0
    for text, level in paragraphs:
        level = min(level, 8)
        size = box.sizes[level] * scale
        usable = max(width - box.indents[level], width * 0.3)
        total += _lines(text, usable, size) * size * _LINE_HEIGHT * (1 - reduction) + size * 0.2
    return total


def _shrink_to_fit(frame, paragraphs, box: _Box) -> None:
    """Sets the shrink PowerPoint itself would apply when the text overflows its placeholder
    (PowerPoint only recomputes it when the text is edited)."""
    room = box.height / _EMU_PER_PT - _INSET_Y
    if room <= 0 or _text_height(paragraphs, box, 1.0, 0.0) <= room:
        return
    for scale, reduction in _SHRINK_STEPS[1:]:
        if _text_height(paragraphs, box, scale, reduction) <= room:
            break
    body_pr = frame._txBody.bodyPr
    for child in list(body_pr):
        if child.tag in _AUTOFIT_TAGS:
            body_pr.remove(child)
    fit = body_pr.makeelement(f"{{{_A}}}normAutofit", {
        "fontScale": str(round(scale * 100000)),
        "lnSpcReduction": str(round(reduction * 100000)),
    })
    body_pr.insert(0, fit)


class _Layouts:
    """The template's layouts by name, each checked once for what it holds."""

    def __init__(self, prs, path: Path, clones: dict):
        self.path = path
        self.by_name = {}
        for layout in prs.slide_layouts:
            self.by_name.setdefault(layout.name, layout)
        self._kinds: dict[str, tuple[_Box | None, list[_Box]]] = clones.setdefault(
            "kinds", {}
        )

    def get(self, section: Section):
        name = section.layout
        layout = self.by_name.get(name)
        if layout is None:
            names = ", ".join(self.by_name)
            raise AspoError.at(
                self.path, None, "layout",
                f"'{name}' is not a slide layout in this file; it has: {names}",
            )
        if name not in self._kinds:
            self._kinds[name] = _placeholder_kind(layout)
        title, bodies = self._kinds[name]
        if title is None and section.title:
            raise AspoError.at(
                self.path, None, "layout",
                f"layout '{name}' has no title placeholder, which section '{section.key}' needs",
            )
        needs_body = bool(section.deck_body) or (section.kind == "title" and section.subtitle)
        if needs_body and not bodies:
            raise AspoError.at(
                self.path, None, "layout",
                f"layout '{name}' has no body or content placeholder, which section "
                f"'{section.key}' needs for its text",
            )
        return layout, title, bodies


#: What _SlideMaker learnt from each template, by the template's bytes: placeholders to
#: clone per layout and a blank notes slide. Kept for a few templates at most.
_CLONES: dict[bytes, dict] = {}
_CLONES_KEPT = 8


def _clones_for(data: bytes) -> dict:
    found = _CLONES.get(data)
    if found is None:
        if len(_CLONES) >= _CLONES_KEPT:
            _CLONES.pop(next(iter(_CLONES)))
        found = _CLONES[data] = {}
    return found


class _SlideMaker:
    """Adds slides and notes slides, cloning each layout's placeholders only once.

    python-pptx finds the placeholders to clone with an XPath query per shape, and names
    each notes slide by walking every part: about half of a deck build. The first slide of
    each layout and the first notes slide of a template are made by python-pptx itself;
    later ones are copies of what it made, so the XML is the same either way.
    """

    fast = True  # tests turn this off to compare with python-pptx's own output

    def __init__(self, prs, clones: dict):
        self.prs = prs
        self.slides = prs.slides
        self._clones = clones
        self._notes_count = 0

    def add_slide(self, layout):
        key = str(layout.part.partname)
        cached = self._clones.get(key) if self.fast else None
        if cached is None:
            slide = self.slides.add_slide(layout)
            tree = slide.shapes._spTree
            self._clones[key] = [copy.deepcopy(shape) for shape in tree.iter_shape_elms()]
            return slide
        rId, slide = self.prs.part.add_slide(layout)
        tree = slide.shapes._spTree
        for shape in cached:
            tree.append(copy.deepcopy(shape))
        self.slides._sldIdLst.add_sldId(rId)
        return slide

    def notes_frame(self, slide):
        self._notes_count += 1
        blank = self._clones.get(None) if self.fast else None
        if blank is None:
            notes = slide.notes_slide
            self._clones[None] = copy.deepcopy(notes._element)
            return notes.notes_text_frame
        # the template's own slides were dropped, so this render's notes slides are the
        # only ones: python-pptx would number them 1, 2, 3... as well
        name = PackURI(f"/ppt/notesSlides/notesSlide{self._notes_count}.xml")
        part = NotesSlidePart(name, CT.PML_NOTES_SLIDE, self.prs.part.package,
                              copy.deepcopy(blank))
        part.relate_to(self.prs.part.notes_master_part, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        notes = part.notes_slide
        for element in notes.shapes._spTree.iter_shape_elms():
            ph = element.find(_PH)
            if ph is not None and ph.get("type") == "body":
                return notes.shapes._shape_factory(element).text_frame
        return None


_PH = f"{{{_P}}}nvSpPr/{{{_P}}}nvPr/{{{_P}}}ph"


def _slide_placeholders(slide) -> dict[int, object]:
    """The slide's placeholder shapes by idx, read from the XML without python-pptx's
    per-shape XPath queries."""
    found = {}
    for element in slide.shapes._spTree.iter_shape_elms():
        ph = element.find(_PH)
        if ph is not None:
            found.setdefault(int(ph.get("idx", "0")), element)
    return found


def _remove_element(element) -> None:
    element.getparent().remove(element)


class _TextFiller:
    """Adds paragraphs to one placeholder's text frame, reusing its first empty paragraph."""

    def __init__(self, placeholder, box: _Box):
        self.placeholder = placeholder
        self.box = box
        self.idx = box.idx
        self.frame = placeholder.text_frame
        self.paragraphs: list[tuple[str, int]] = []
        self.count = 0

    def add(self, text: str, level: int = 0) -> None:
        if self.count == 0:
            para = self.frame.paragraphs[0]
        else:
            para = self.frame.add_paragraph()
        self.count += 1
        self.paragraphs.append((text, level))
        para.text = text
        if level:
            para.level = level

    def fit(self) -> None:
        if self.paragraphs:
            _shrink_to_fit(self.frame, self.paragraphs, self.box)


def _column_widths(rows, columns: int, total: int) -> list[int]:
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


def _table_text_size(rows, widths: list[int], box: _Box):
    """The largest text size at which the table's rows, grown to their text, fit its box."""
    cell_widths = [max(width / _EMU_PER_PT - _INSET_X, 12.0) for width in widths]
    room = box.height / _EMU_PER_PT
    for size in _TABLE_SIZES:
        heights = [
            max(_lines(row[col] if col < len(row) else "", cell_widths[col], size)
                for col in range(len(widths))) * size * _LINE_HEIGHT + _INSET_Y
            for row in rows
        ]
        if sum(heights) <= room:
            break
    return Pt(size)


def _add_table(slide, placeholder, box: _Box, table: Table) -> None:
    columns = max([len(table.header)] + [len(row) for row in table.rows] + [1])
    rows = [tuple(table.header)] + [tuple(r) for r in table.rows]
    widths = _column_widths(rows, columns, box.width)
    size = _table_text_size(rows, widths, box)
    # rows start one line high and grow with their text where the file is shown
    line = Emu(round((size.pt * _LINE_HEIGHT + _INSET_Y) * _EMU_PER_PT))
    frame = slide.shapes.add_table(
        len(rows), columns, box.left, box.top, box.width, line * len(rows)
    )
    for column, width in zip(frame.table.columns, widths):
        column.width = Emu(width)
    for row, values in zip(frame.table.rows, rows):
        for col, cell in enumerate(row.cells):
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = values[col] if col < len(values) else ""
            run.font.size = size
    # keep the table where the placeholder was in the z-order
    placeholder._element.addprevious(frame._element)
    _remove_element(placeholder._element)


def _table_lines(table: Table) -> list[str]:
    lines = []
    if table.header:
        lines.append(_SEPARATOR.join(table.header))
    lines.extend(_SEPARATOR.join(row) for row in table.rows)
    return lines


def _render_section(maker: _SlideMaker, layouts: _Layouts, section: Section) -> None:
    layout, title_box, body_boxes = layouts.get(section)
    slide = maker.add_slide(layout)
    elements = _slide_placeholders(slide)
    shape_of = slide.shapes._shape_factory
    filled: set[int] = set()

    if title_box is not None and section.title and title_box.idx in elements:
        title = _TextFiller(shape_of(elements[title_box.idx]), title_box)
        title.add(section.title)
        title.fit()
        filled.add(title_box.idx)

    bodies = [box for box in body_boxes if box.idx in elements]

    subtitle_filler = None
    if section.subtitle and 1 in elements and (
        section.kind == "title"
        or any(box.idx == 1 and box.kind == PP_PLACEHOLDER.SUBTITLE for box in bodies)
    ):
        subtitle_ph = shape_of(elements[1])
        subtitle_box = next((box for box in bodies if box.idx == 1), None)
        if subtitle_ph.has_text_frame and subtitle_box is not None:
            subtitle_filler = _TextFiller(subtitle_ph, subtitle_box)
            subtitle_filler.add(section.subtitle)
            filled.add(1)
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

    filler = subtitle_filler  # a cover slide with nothing else to hold its text
    if text_box is not None:
        filler = _TextFiller(shape_of(elements[text_box.idx]), text_box)

    def text_target() -> _TextFiller:
        if filler is None:  # pragma: no cover - guarded by _Layouts.get
            raise AspoError.at(layouts.path, None, "layout",
                               f"layout '{section.layout}' has no placeholder left for text")
        return filler

    for element in body:
        if isinstance(element, Paragraph):
            text_target().add(element.text, 0)
        elif isinstance(element, BulletList):
            target = text_target()
            for item in element.items:
                target.add(item.text, bullet_level)
        elif isinstance(element, Table):
            slot = table_slots.get(id(element))
            if slot is not None:
                _add_table(slide, shape_of(elements[slot.idx]), slot, element)
                filled.add(slot.idx)
            else:
                target = text_target()
                for line in _table_lines(element):
                    target.add(line, bullet_level)
    for used in (subtitle_filler, filler):
        if used is not None and used.count:
            filled.add(used.idx)
    for used in {id(f): f for f in (subtitle_filler, filler) if f is not None}.values():
        used.fit()

    # no "Click to add text" left on the slide
    for idx, element in elements.items():
        if idx not in filled:
            _remove_element(element)

    if section.notes:
        notes = maker.notes_frame(slide)
        if notes is not None:  # a notes master without a body placeholder has no room
            notes.text = "\n".join(note.text for note in section.notes)


def render_pptx(doc: Document) -> bytes:
    """The deck for `doc` as .pptx bytes, identical for identical input."""
    path = Path(doc.deck_template)
    prs, data = _open_template(path)
    _remove_existing_slides(prs)
    clones = _clones_for(data)
    layouts = _Layouts(prs, path, clones)
    maker = _SlideMaker(prs, clones)
    for section in doc.deck_sections:
        _render_section(maker, layouts, section)
    _set_package_properties(prs, doc)
    out = io.BytesIO()
    prs.save(out)
    return normalize_zip(out.getvalue(), doc.properties.created)
