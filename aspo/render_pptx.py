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
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import _ContentTypesItem
from pptx.oxml import parse_xml
from pptx.package import Package
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.util import Emu, Pt, lazyproperty

from aspo.document import Document, Section, Table
from aspo.errors import AspoError
from aspo.layouts import EMU_PER_PT, DeckTemplate, TextBox, digest, read_deck_template
from aspo.logo import Logo
from aspo.package import (
    EXTENDED_PROPERTIES_REL,
    TemplatePackage,
    drop_thumbnail,
    normalize_workbook,
    replace_package_metadata,
    set_core_properties,
    template_bytes,
)
from aspo.rulebook import LAYOUT
from aspo.slide_fit import (
    CalloutFit,
    ChartFit,
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


class PreparedDeck:
    """A deck template read, checked and opened once, for every deck made from it in this process.

    python-pptx opens the template once, its sample slides left out; each deck gets a package of its own that
    shares the template's parts (layouts, masters, themes, pictures) and copies only what a deck changes (the
    presentation part and the document properties), and is written with the shared parts as they were deflated
    here. A new slide starts as a copy of its layout's slide as python-pptx makes it (made once per layout), a
    notes slide as a copy of python-pptx's blank one: the XML is the same as python-pptx's every time.

    Made by whoever renders, and kept for as long as the template is used: `PreparedDeck.open`, or
    `OfficeTemplates(library).deck` (aspo.package) for a library's. It assumes what the library checked when it
    loaded: every layout a section names is in the template, with the placeholders the section needs.
    """

    def __init__(self, path: Path, data: bytes, measured: DeckTemplate, master: int = 1):
        self.path, self.master = Path(path), master
        #: the placeholders' geometry, as aspo.layouts reads it (and the library checked it)
        self.measured = replace(measured, master=master)
        try:
            prs = Presentation(io.BytesIO(data))
        except Exception as exc:  # python-pptx raises several kinds for files it cannot use
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AspoError.at(path, None, "deck_template",
                               f"is not a PowerPoint .pptx file ({detail})") from None
        _remove_existing_slides(prs)
        package = prs.part.package
        drop_thumbnail(package)
        self._layouts = {str(layout.part.partname).lstrip("/"): layout
                         for master_ in prs.slide_masters for layout in master_.slide_layouts}
        changing = [prs.part] + [rel.target_part for rel in package._rels.values() if not rel.is_external
                                 and rel.reltype in (RT.CORE_PROPERTIES, EXTENDED_PROPERTIES_REL)]
        self.template = TemplatePackage(package, changing, lazyproperty, _content_types)
        self._slides: dict[str, object] = {}  # layout part -> a new slide's p:sld, placeholders cloned
        self._notes = None  # a blank notes slide's p:notes, placeholders cloned from the notes master

    @classmethod
    def open(cls, path: Path, master: int = 1, checked: DeckTemplate | None = None) -> PreparedDeck:
        """The template at `path`; `checked`: the library's reading of it, which the bytes read here must be the
        bytes of (else they are checked here, as the library checks them when it loads)."""
        path = Path(path)
        data = template_bytes(path, "deck_template")
        if checked is None:
            checked = read_deck_template(path, data)
        elif checked.digest != digest(data):
            raise AspoError.at(path, None, "deck_template", "changed after the templates were checked; "
                               "run aspo again", LAYOUT)
        return cls(path, data, checked, master)

    def layout(self, section: Section):
        """The python-pptx layout a section names, and its placeholders as aspo.layouts measured them."""
        measured = self.measured.layout(section.layout)
        layout = self._layouts.get(measured.part) if measured is not None else None
        if layout is None:
            raise LookupError(f"{self.path}: no slide master lists a layout named {section.layout!r}; "
                              "the library's checks should have refused it")
        needs_body = bool(section.deck_body) or (section.kind == "title" and bool(section.subtitle))
        if (section.title and measured.title is None) or (needs_body and not measured.bodies):
            raise LookupError(f"{self.path}: layout {section.layout!r} has no placeholder for the text of section "
                              f"{section.key!r}; the library's checks should have refused it")
        return layout, measured

    def presentation(self):
        """A presentation of its own for one deck, sharing the template's unchanged parts."""
        package = self.template.new_package(Package(None))
        return package.presentation_part.presentation

    def slide_skeleton(self, layout):
        """The p:sld python-pptx makes for a new slide on `layout` (its placeholders cloned), made once."""
        key = str(layout.part.partname)
        found = self._slides.get(key)
        if found is None:
            part = SlidePart.new(PackURI("/ppt/slides/slide1.xml"), self.template.package, layout.part)
            part.slide.shapes.clone_layout_placeholders(layout)
            found = self._slides[key] = part._element
        return found

    def notes_skeleton(self):
        """The p:notes python-pptx makes for a slide's notes (its notes master's placeholders cloned), made once,
        in a presentation of its own (python-pptx adds a notes master to a template without one)."""
        if self._notes is None:
            package = self.template.new_package(Package(None))
            layout = next(iter(self._layouts.values()))
            slide = SlidePart.new(PackURI("/ppt/slides/slide1.xml"), package, layout.part)
            self._notes = NotesSlidePart.new(package, slide)._element
        return self._notes

    def write(self, prs, when) -> bytes:
        return self.template.write(prs.part.package, when)


def _content_types(parts: list) -> bytes:
    """[Content_Types].xml as python-pptx's save writes it."""
    return serialize_part_xml(_ContentTypesItem.xml_for(tuple(parts)))


class _SlideMaker:
    """Adds slides and notes slides to one deck, each a copy of what python-pptx would make.

    python-pptx finds the placeholders to clone with an XPath query per shape, and names each notes slide by
    walking every part: about half of a deck build.
    """

    def __init__(self, prs, deck: PreparedDeck):
        self.prs = prs
        self.deck = deck
        self._id_list = prs.part._element.get_or_add_sldIdLst()
        self._notes_count = 0

    def add_slide(self, layout):
        """As python-pptx's Slides.add_slide, which names the slide by the count of slides before it."""
        part = self.prs.part
        name = PackURI(f"/ppt/slides/slide{len(self._id_list) + 1}.xml")
        slide_part = SlidePart(name, CT.PML_SLIDE, part.package, copy.deepcopy(self.deck.slide_skeleton(layout)))
        slide_part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        self._id_list.add_sldId(part.relate_to(slide_part, RT.SLIDE))
        return slide_part.slide

    def notes_frame(self, slide):
        self._notes_count += 1
        # the template's own slides were dropped, so this deck's notes slides are the
        # only ones: python-pptx would number them 1, 2, 3... as well
        name = PackURI(f"/ppt/notesSlides/notesSlide{self._notes_count}.xml")
        part = NotesSlidePart(name, CT.PML_NOTES_SLIDE, self.prs.part.package,
                              copy.deepcopy(self.deck.notes_skeleton()))
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


def _render_section(maker: _SlideMaker, section: Section, doc: Document) -> None:
    min_size, logo, created = doc.min_font_size, doc.logo, doc.properties.created
    layout, measured = maker.deck.layout(section)
    laid_out = slide_text(section, measured, min_size)  # which placeholder gets what: aspo.slide_fit
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


def render_pptx(doc: Document, deck: PreparedDeck | None = None) -> bytes:
    """The deck for `doc` as .pptx bytes, identical for identical input; `deck`: its template, prepared (else it
    is read, checked and opened for this deck alone)."""
    if deck is None:
        deck = PreparedDeck.open(doc.deck_template, doc.deck_master)
    elif deck.path != Path(doc.deck_template) or deck.master != doc.deck_master:
        raise ValueError(f"{deck.path} (master {deck.master}) is prepared, not {doc.deck_template} "
                         f"(master {doc.deck_master})")
    prs = deck.presentation()
    maker = _SlideMaker(prs, deck)
    for section in doc.deck_sections:
        _render_section(maker, section, doc)
    _set_package_properties(prs, doc)
    return deck.write(prs, doc.properties.created)
