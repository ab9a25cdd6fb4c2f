"""Renders the deck: one slide per deck section, on the layouts of the marketing template."""

from __future__ import annotations

import copy
import io
from dataclasses import replace
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.parts.slide import NotesSlidePart
from pptx.util import Emu, Pt

from aspo.document import Document, Section, Table
from aspo.errors import AspoError, quoted
from aspo.layouts import EMU_PER_PT, TextBox, read_deck_template
from aspo.logo import Logo
from aspo.package import (
    normalize_workbook,
    normalize_zip,
    replace_package_metadata,
    set_core_properties,
    template_bytes,
)
from aspo.slide_fit import (
    CalloutFit,
    ChartFit,
    NoTextPlaceholder,
    fit_table,
    shrink,
    slide_text,
    smallest_table,
    table_rows,
)

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_TXBODY = f"{{{_P}}}txBody"
_AUTOFIT_TAGS = {f"{{{_A}}}noAutofit", f"{{{_A}}}normAutofit", f"{{{_A}}}spAutoFit"}


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
    replace_package_metadata(package, doc.properties.company, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, package, blob))


def _remove_existing_slides(prs) -> None:
    """Sample slides a template may carry are not part of any deck, nor are custom shows of them.

    One pass: python-pptx's drop_rel scans the whole presentation part for each slide (quadratic)."""
    element = prs.part._element
    for shows in element.findall(f"{{{_P}}}custShowLst"):
        element.remove(shows)
    id_list = prs.slides._sldIdLst
    dropped = [slide_id.rId for slide_id in id_list]
    for slide_id in list(id_list):
        id_list.remove(slide_id)
    still_used = set(element.xpath("//@r:id"))  # python-pptx maps the r: prefix
    for rId in dropped:
        if rId not in still_used:
            prs.part.rels.pop(rId)


def _shrink_to_fit(frame, paragraphs, box: TextBox) -> None:
    """Shrinks text estimated taller than its placeholder as PowerPoint's shrink-on-overflow would, written as
    the text's own sizes and line spacing: PowerPoint only recomputes its shrink when the text is edited, and
    LibreOffice computes one of its own, so only sizes written out are drawn the same everywhere."""
    step = shrink(paragraphs, box)
    if step is None:
        return
    scale, reduction = step
    body_pr = frame._txBody.bodyPr
    for child in list(body_pr):
        if child.tag in _AUTOFIT_TAGS:
            body_pr.remove(child)
    body_pr.insert(0, body_pr.makeelement(f"{{{_A}}}normAutofit", {}))  # editing it still shrinks it
    for para, (_, level) in zip(frame.paragraphs, paragraphs):
        size = Pt(box.sizes[min(level, len(box.sizes) - 1)] * scale)
        for run in para.runs:
            run.font.size = size
        if reduction:
            para.line_spacing = 1 - reduction


class _Layouts:
    """The template's layouts by name (the first of each name, masters in file order), each checked once
    for what it holds."""

    def __init__(self, prs, path: Path, data: bytes, clones: dict, master: int):
        self.path = path
        self.by_name = {}
        masters = list(prs.slide_masters)  # prs.slide_layouts holds only the first master's
        chosen = masters[master - 1:master]
        for each in chosen + [other for other in masters if other not in chosen]:
            for layout in each.slide_layouts:
                self.by_name.setdefault(layout.name, layout)
        if "deck" not in clones:  # the placeholders' geometry, as aspo.layouts reads it
            clones["deck"] = read_deck_template(path, data)
        self.deck = replace(clones["deck"], master=master)
        self._by_part = {layout.part: layout for layout in self.deck.layouts}

    def get(self, section: Section):
        name = section.layout
        layout = self.by_name.get(name)
        if layout is None:
            raise AspoError.at(
                self.path, None, "layout",
                f"{quoted(name)} is not a slide layout in this file; it has: {self.deck.names()}",
            )
        measured = self._by_part.get(str(layout.part.partname).lstrip("/")) or self.deck.layout(name)
        if measured is None:  # pragma: no cover - a layout python-pptx finds is in the package
            raise AspoError.at(self.path, None, "layout", f"cannot read the placeholders of layout {quoted(name)}")
        title, bodies = measured.title, measured.bodies
        if title is None and section.title:
            raise AspoError.at(
                self.path, None, "layout",
                f"layout {quoted(name)} has no title placeholder, which section '{section.key}' needs",
            )
        needs_body = bool(section.deck_body) or (section.kind == "title" and section.subtitle)
        if needs_body and not bodies:
            raise AspoError.at(
                self.path, None, "layout",
                f"layout {quoted(name)} has no body or content placeholder, which section "
                f"'{section.key}' needs for its text",
            )
        return layout, measured


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


def _carry_style(element, style: bytes) -> None:
    """Puts the text sizes and formats the layout shows, but a slide would not inherit, on the slide."""
    body = element.find(_TXBODY)
    if body is None:
        return
    found = body.find(f"{{{_A}}}lstStyle")
    replacement = parse_xml(style)
    if found is not None:
        found.addprevious(replacement)
        body.remove(found)
    else:
        body.find(f"{{{_A}}}bodyPr").addnext(replacement)


def _slide_placeholders(slide) -> list:
    """The slide's placeholder shapes in the order they were copied from the layout (a box's slot), read
    from the XML without python-pptx's per-shape XPath queries."""
    return [element for element in slide.shapes._spTree.iter_shape_elms() if element.find(_PH) is not None]


def _pin(element, box: TextBox) -> None:
    """Writes a placeholder's position on the slide itself: its layout placeholder shares its idx with
    another (LibreOffice writes layouts without idx), so PowerPoint and LibreOffice could not tell which
    one it inherits from."""
    sp_pr = element.find(f"{{{_P}}}spPr")
    if sp_pr is None or sp_pr.find(f"{{{_A}}}xfrm") is not None:
        return
    xfrm = sp_pr.makeelement(f"{{{_A}}}xfrm", {})
    xfrm.append(xfrm.makeelement(f"{{{_A}}}off", {"x": str(box.left), "y": str(box.top)}))
    xfrm.append(xfrm.makeelement(f"{{{_A}}}ext", {"cx": str(box.width), "cy": str(box.height)}))
    sp_pr.insert(0, xfrm)


def _remove_element(element) -> None:
    element.getparent().remove(element)


def _fill(placeholder, paragraphs) -> None:
    """Writes paragraphs into a placeholder's text frame, reusing its first empty paragraph."""
    frame = placeholder.text_frame
    for number, (text, level) in enumerate(paragraphs):
        para = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        para.text = text
        if level:
            para.level = level


def _add_table(slide, placeholder, box: TextBox, table: Table, min_size: float) -> None:
    rows = table_rows(table)
    fit = fit_table(rows, box, min_size) or smallest_table(rows, box, min_size)  # aspo.slide_fit split the rest
    size = Pt(fit.size)
    # each row as high as its wrapped text is estimated to be: the frame is where the table is drawn
    heights = [Emu(round(height * EMU_PER_PT)) for height in fit.row_heights]
    frame = slide.shapes.add_table(len(rows), len(fit.widths), box.left, box.top, box.width, sum(heights))
    for column, width in zip(frame.table.columns, fit.widths):
        column.width = Emu(width)
    for row, height in zip(frame.table.rows, heights):
        row.height = height
    for row, values in zip(frame.table.rows, rows):
        for col, cell in enumerate(row.cells):
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = values[col] if col < len(values) else ""
            run.font.size = size
    # keep the table where the placeholder was in the z-order
    placeholder._element.addprevious(frame._element)
    _remove_element(placeholder._element)


def _place(shape, region) -> None:
    shape.left, shape.top, shape.width, shape.height = region.left, region.top, region.width, region.height


def _add_callouts(placeholder, fit: CalloutFit) -> None:
    """Each result as its figure, large and in the theme's accent colour, over what it measures."""
    _place(placeholder, fit.region)
    frame = placeholder.text_frame
    first = True
    for item in fit.items:
        for text, size, figure in ((item.figure, fit.figure_size, True), (item.label, fit.label_size, False)):
            para = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            _no_bullet(para)
            # aspo.slide_fit measured these with no spacing but the label's: none inherited from the template
            para.space_before, para.space_after, para.line_spacing = Pt(0), Pt(0), 1.0
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            if figure:
                run.font.bold = True
                run.font.color.theme_color = MSO_THEME_COLOR.ACCENT_1
            else:
                para.space_after = Pt(size * 0.6)


def _no_bullet(para) -> None:
    p_pr = para._p.get_or_add_pPr()
    p_pr.set("marL", "0")
    p_pr.set("indent", "0")
    p_pr.insert(0, p_pr.makeelement(f"{{{_A}}}buNone", {}))


def _add_chart(slide, fit: ChartFit, size: float, created) -> object:
    """A clustered column chart, before and after: native, so the customer can restyle it."""
    chart = fit.chart
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, values)
    region = fit.region
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, region.left, region.top, region.width,
                                   region.height, data)
    graph = frame.chart
    workbook = graph.part.chart_workbook
    workbook.update_from_xlsx_blob(normalize_workbook(workbook.xlsx_part.blob, created))
    graph.has_title = True
    graph.chart_title.text_frame.text = chart.title
    graph.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
    graph.has_legend = len(chart.series) > 1
    if graph.has_legend:
        graph.legend.include_in_layout = False
        graph.legend.position = XL_LEGEND_POSITION.BOTTOM
        graph.legend.font.size = Pt(size)
    plot = graph.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = chart.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(size)
    graph.value_axis.visible = False  # the labels carry the values
    graph.value_axis.has_major_gridlines = False
    graph.category_axis.tick_labels.font.size = Pt(size)
    return frame


#: Where a logo goes on a cover slide whose layout has no picture placeholder: the top right corner,
#: as far from the edges as the title is from the left edge, at most this share of the slide's height
#: and of its width.
LOGO_HEIGHT_SHARE, LOGO_WIDTH_SHARE = 0.125, 0.25


def _add_logo(prs, slide, layout, logo: Logo) -> None:
    """The account's logo: into the layout's picture placeholder if it has one, else the top right corner."""
    image = io.BytesIO(logo.data)
    for shape in layout.placeholders:
        if shape.placeholder_format.type == PP_PLACEHOLDER.PICTURE:
            box = (shape.left, shape.top, shape.width, shape.height)
            break
    else:
        margin = min([Emu(457200), *(s.left for s in layout.placeholders if s.left)])
        width, height = round(prs.slide_width * LOGO_WIDTH_SHARE), round(prs.slide_height * LOGO_HEIGHT_SHARE)
        box = (prs.slide_width - margin - width, margin, width, height)
    left, top, width, height = box
    # as large as the box allows, keeping the logo's proportions, at the box's top right
    scale = min(width / logo.width, height / logo.height)
    shown_width, shown_height = round(logo.width * scale), round(logo.height * scale)
    slide.shapes.add_picture(image, left + width - shown_width, top, shown_width, shown_height)


def _render_section(maker: _SlideMaker, layouts: _Layouts, section: Section, doc: Document) -> None:
    min_size, logo, created = doc.min_font_size, doc.logo, doc.properties.created
    layout, measured = layouts.get(section)
    try:
        laid_out = slide_text(section, measured, min_size)  # which placeholder gets what: aspo.slide_fit
    except NoTextPlaceholder:  # pragma: no cover - guarded by _Layouts.get
        raise AspoError.at(layouts.path, None, "layout",
                           f"layout '{section.layout}' has no placeholder left for text") from None
    slide = maker.add_slide(layout)
    elements = _slide_placeholders(slide)
    shape_of = slide.shapes._shape_factory
    filled: set[int] = set()

    def placeholder_for(box: TextBox):
        if box.slot >= len(elements):  # pragma: no cover - slots come from the same layout
            return None
        if box.pinned:
            _pin(elements[box.slot], box)
        if box.own_style:
            _carry_style(elements[box.slot], box.own_style)
        return shape_of(elements[box.slot])

    for fill in laid_out.fills:
        placeholder = placeholder_for(fill.box) if fill.paragraphs else None
        if placeholder is None:
            continue
        _fill(placeholder, fill.paragraphs)
        _shrink_to_fit(placeholder.text_frame, fill.paragraphs, fill.box)
        filled.add(fill.box.slot)
    for table, box in laid_out.tables:
        placeholder = placeholder_for(box)
        if placeholder is None:
            continue
        _add_table(slide, placeholder, box, table, min_size)
        filled.add(box.slot)
    results = laid_out.callouts or laid_out.chart
    placeholder = placeholder_for(results.box) if results is not None else None
    if placeholder is not None:
        if laid_out.chart is not None:
            frame = _add_chart(slide, laid_out.chart, max(min_size, 12), created)
            placeholder._element.addnext(frame._element)
        if laid_out.callouts is not None:
            _add_callouts(placeholder, laid_out.callouts)
            filled.add(results.box.slot)

    # no "Click to add text" left on the slide
    for slot, element in enumerate(elements):
        if slot not in filled:
            _remove_element(element)

    if logo is not None and section.kind == "title":
        _add_logo(maker.prs, slide, layout, logo)

    if section.notes:
        notes = maker.notes_frame(slide)
        if notes is not None:  # a notes master without a body placeholder has no room
            notes.text = "\n".join(note.text for note in section.notes)


def render_pptx(doc: Document) -> bytes:
    """The deck for `doc` as .pptx bytes, identical for identical input."""
    path = Path(doc.deck_template)
    data = template_bytes(path, "deck_template")
    clones = _clones_for(data)
    if "deck" not in clones:  # the same checks as when the library loads, on the bytes used here
        clones["deck"] = read_deck_template(path, data)
    prs, data = _open_template(path)
    _remove_existing_slides(prs)
    layouts = _Layouts(prs, path, data, clones, doc.deck_master)
    maker = _SlideMaker(prs, clones)
    for section in doc.deck_sections:
        _render_section(maker, layouts, section, doc)
    _set_package_properties(prs, doc)
    out = io.BytesIO()
    prs.save(out)
    return normalize_zip(out.getvalue(), doc.properties.created)
