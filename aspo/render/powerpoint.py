"""Renders the deck: one slide per deck section, on the layouts of the marketing template."""

from __future__ import annotations

import copy
import importlib.util
import io
import sys
from dataclasses import replace
from pathlib import Path


def _defer_pillow() -> None:
    """python-pptx imports Pillow as it is imported (for a picture's size, and fit_text's fonts): ~20 ms a deck
    needs only when it gets a picture. Until then Pillow's modules are placeholders (importlib's LazyLoader) that
    load the real module when first used, and are it from then on; a Pillow already imported is left as it is."""
    for name in ("PIL.Image", "PIL.ImageFont"):
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:  # python-pptx says what is missing when it imports it
            return
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        setattr(sys.modules["PIL"], name.rpartition(".")[2], module)
        spec.loader.exec_module(module)


_defer_pillow()

from lxml.etree import Element, SubElement
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import _ContentTypesItem
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.oxml.text import CT_RegularTextRun
from pptx.package import Package
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt, lazyproperty

from aspo.compose.document import Chart, Document, Fonts, Section, Table
from aspo.compose.nobreak import keep_together, keeping_together
from aspo.compose.results_fit import CalloutFit, ChartFit
from aspo.compose.slide_fit import slide_text
from aspo.compose.table_fit import table_fit, table_rows
from aspo.compose.text_measure import shrink
from aspo.core.errors import AspoError
from aspo.core.scripts import east_asian
from aspo.library.logo import Logo
from aspo.office.deck_template import EMU_PER_PT, DeckTemplate, TextBox, read_deck_template
from aspo.office.ooxml import CONTENT_TYPES, EXTENDED_PROPERTIES_REL, NAMESPACES, R_ID, RELATIONSHIPS, A, P
from aspo.render.office_package import (
    TemplatePackage,
    checked_template,
    drop_thumbnail,
    replace_package_metadata,
    set_core_properties,
)
from aspo.render.zips import normalize_workbook

_TXBODY = f"{P}txBody"
_AUTOFIT_TAGS = {f"{A}noAutofit", f"{A}normAutofit", f"{A}spAutoFit"}


def _set_package_properties(prs, doc: Document) -> None:
    set_core_properties(prs.core_properties, doc.properties)
    package = prs.part.package
    replace_package_metadata(package, doc.properties.company, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, package, blob))


def _remove_existing_slides(prs) -> None:
    """Sample slides a template may carry are not part of any deck, nor are custom shows of them.

    One pass: python-pptx's drop_rel scans the whole presentation part for each slide (quadratic)."""
    element = prs.part._element
    for shows in element.findall(f"{P}custShowLst"):
        element.remove(shows)
    id_list = prs.slides._sldIdLst
    dropped = [slide_id.rId for slide_id in id_list]
    for slide_id in list(id_list):
        id_list.remove(slide_id)
    still_used = set(element.xpath("//@r:id"))  # python-pptx maps the r: prefix
    for rId in dropped:
        if rId not in still_used:
            prs.part.rels.pop(rId)


def _shrink_to_fit(body, paragraphs, box: TextBox) -> None:
    """Shrinks text estimated taller than its placeholder as PowerPoint's shrink-on-overflow would, written as
    the text's own sizes and line spacing: PowerPoint only recomputes its shrink when the text is edited, and
    LibreOffice computes one of its own, so only sizes written out are drawn the same everywhere."""
    step = shrink(paragraphs, box)
    if step is None:
        return
    scale, reduction = step
    body_pr = body.bodyPr
    for child in list(body_pr):
        if child.tag in _AUTOFIT_TAGS:
            body_pr.remove(child)
    body_pr.insert(0, body_pr.makeelement(f"{A}normAutofit", {}))  # editing it still shrinks it
    # as python-pptx's run.font.size and paragraph.line_spacing write them
    for p, (_, level) in zip(body.findall(_AP), paragraphs):
        size = _size(box.sizes[min(level, len(box.sizes) - 1)] * scale)
        for r in p.findall(_AR):
            _get_or_add(r, _RPR, _RPR_AFTER).set("sz", size)
        if reduction:
            p_pr = _get_or_add(p, _PPR, _PPR_AFTER)
            for found in p_pr.findall(_LN_SPC):
                p_pr.remove(found)
            spacing = _insert(p_pr, p_pr.makeelement(_LN_SPC, {}), _LN_SPC_AFTER)
            SubElement(spacing, f"{A}spcPct", {"val": str(int(round((1 - reduction) * 100000.0)))})


class PreparedDeck:
    """A deck template read, checked and opened once, for every deck made from it in this process.

    python-pptx opens the template once, its sample slides left out; each deck gets a package of its own that
    shares the template's parts (layouts, masters, themes, pictures) and copies only what a deck changes (the
    presentation part and the document properties), and is written with the shared parts as they were deflated
    here. A new slide starts as a copy of its layout's slide as python-pptx makes it (made once per layout), a
    notes slide as a copy of python-pptx's blank one: the XML is the same as python-pptx's every time.

    Made by whoever renders, and kept for as long as the template is used: `PreparedDeck.open`, or
    `OfficeTemplates(library).deck` (aspo.build.office_templates) for a library's. It assumes what the library checked
    when it loaded: every layout a section names is in the template, with the placeholders the section needs.
    """

    def __init__(self, path: Path, data: bytes, measured: DeckTemplate, master: int = 1):
        self.path, self.master = Path(path), master
        #: the placeholders' geometry, as aspo.office.deck_template reads it (and the library checked it)
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
        self.template = TemplatePackage(package, changing, lazyproperty, _content_types, _rels_xml)
        self._slides: dict[str, object] = {}  # layout part -> a new slide's p:sld, placeholders cloned
        self._notes = None  # a blank notes slide's p:notes, placeholders cloned from the notes master

    @classmethod
    def open(cls, path: Path, master: int = 1, checked: DeckTemplate | None = None) -> PreparedDeck:
        """The template at `path`; `checked`: the library's reading of it, which the bytes read here must be the
        bytes of (else they are checked here, as the library checks them when it loads)."""
        path = Path(path)
        data, checked = checked_template(path, "deck_template", checked, read_deck_template)
        return cls(path, data, checked, master)

    def layout(self, section: Section):
        """The python-pptx layout a section names, and its placeholders as aspo.office.deck_template measured them."""
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

    def presentation(self) -> tuple:
        """A presentation of its own for one deck, sharing the template's unchanged parts, and the parts copied
        for it, by the template's part."""
        package = Package(None)
        copies = self.template.new_package(package)
        return package.presentation_part.presentation, copies

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
            package = Package(None)
            copies = self.template.new_package(package)
            layout = next(iter(self._layouts.values()))
            slide = SlidePart.new(PackURI("/ppt/slides/slide1.xml"), package, copies.get(layout.part, layout.part))
            self._notes = NotesSlidePart.new(package, slide)._element
        return self._notes

    def write(self, prs, when) -> bytes:
        return self.template.write(prs.part.package, when)


def _content_types(parts: list) -> bytes:
    """[Content_Types].xml as python-pptx's save writes it (which it does through its proxies, slowly)."""
    defaults, overrides = _ContentTypesItem(tuple(parts))._defaults_and_overrides
    types = Element(f"{CONTENT_TYPES}Types", nsmap={None: NAMESPACES["ct"]})
    for ext, content_type in sorted(defaults.items()):
        SubElement(types, f"{CONTENT_TYPES}Default", {"Extension": ext, "ContentType": content_type})
    for partname, content_type in sorted(overrides.items()):
        SubElement(types, f"{CONTENT_TYPES}Override", {"PartName": partname, "ContentType": content_type})
    return serialize_part_xml(types)


def _rels_xml(rels) -> bytes:
    """A part's relationships (.rels) as python-pptx writes them: in the order of their rIds' numbers."""
    root = Element(f"{RELATIONSHIPS}Relationships", nsmap={None: NAMESPACES["pr"]})
    for _, rId in sorted((int(rId[3:]) if rId.startswith("rId") and rId[3:].isdigit() else 0, rId) for rId in rels):
        rel = rels[rId]
        attributes = {"Id": rId, "Type": rel.reltype, "Target": rel.target_ref}
        if rel.is_external:
            attributes["TargetMode"] = "External"
        SubElement(root, f"{RELATIONSHIPS}Relationship", attributes)
    return serialize_part_xml(root)


class _SlideMaker:
    """Adds slides and notes slides to one deck, each a copy of what python-pptx would make.

    python-pptx finds the placeholders to clone with an XPath query per shape, and names each notes slide by
    walking every part: about half of a deck build.
    """

    def __init__(self, prs, deck: PreparedDeck, copies: dict):
        self.prs = prs
        self.deck = deck
        self._copies = copies  # of the template's parts, for this deck (PreparedDeck.presentation)
        self._id_list = prs.part._element.get_or_add_sldIdLst()
        # python-pptx's next slide id: one more than the largest in use, 256 at the least
        self._next_id = max([255] + [int(slide_id.get("id")) for slide_id in self._id_list]) + 1
        self._notes_count = 0

    def add_slide(self, layout):
        """As python-pptx's Slides.add_slide, which names the slide by the count of slides before it."""
        part = self.prs.part
        name = PackURI(f"/ppt/slides/slide{len(self._id_list) + 1}.xml")
        slide_part = SlidePart(name, CT.PML_SLIDE, part.package, copy.deepcopy(self.deck.slide_skeleton(layout)))
        _relate(slide_part, self._copies.get(layout.part, layout.part), RT.SLIDE_LAYOUT)
        SubElement(self._id_list, _SLD_ID, {"id": str(self._next_id), R_ID: _relate(part, slide_part, RT.SLIDE)})
        self._next_id += 1
        return slide_part.slide

    def notes_placeholder(self, slide):
        """A new notes slide's body placeholder (None when its notes master has none)."""
        self._notes_count += 1
        # the template's own slides were dropped, so this deck's notes slides are the
        # only ones: python-pptx would number them 1, 2, 3... as well
        name = PackURI(f"/ppt/notesSlides/notesSlide{self._notes_count}.xml")
        part = NotesSlidePart(name, CT.PML_NOTES_SLIDE, self.prs.part.package,
                              copy.deepcopy(self.deck.notes_skeleton()))
        _relate(part, self.prs.part.notes_master_part, RT.NOTES_MASTER)
        _relate(part, slide.part, RT.SLIDE)
        _relate(slide.part, part, RT.NOTES_SLIDE)
        for element in part._element.cSld.spTree.iter_shape_elms():
            ph = element.find(_PH)
            if ph is not None and ph.get("type") == "body":
                return element
        return None


def _relate(source, target, reltype: str) -> str:
    """The rId of a new relationship from `source` to a part it has none to yet: what python-pptx's relate_to
    adds, without first looking through every relationship of the source for one of the same type."""
    return source.rels._add_relationship(reltype, target)


_SLD_ID = f"{P}sldId"
_PH = f"{P}nvSpPr/{P}nvPr/{P}ph"


def _carry_style(element, style: bytes) -> None:
    """Puts the text sizes and formats the layout shows, but a slide would not inherit, on the slide."""
    body = element.find(_TXBODY)
    if body is None:
        return
    found = body.find(f"{A}lstStyle")
    replacement = parse_xml(style)
    if found is not None:
        found.addprevious(replacement)
        body.remove(found)
    else:
        body.find(f"{A}bodyPr").addnext(replacement)


def _slide_placeholders(slide) -> list:
    """The slide's placeholder shapes in the order they were copied from the layout (a box's slot), read
    from the XML without python-pptx's per-shape XPath queries."""
    return [element for element in slide.shapes._spTree.iter_shape_elms() if element.find(_PH) is not None]


def _pin(element, box: TextBox) -> None:
    """Writes a placeholder's position on the slide itself: its layout placeholder shares its idx with
    another (LibreOffice writes layouts without idx), so PowerPoint and LibreOffice could not tell which
    one it inherits from."""
    sp_pr = element.find(f"{P}spPr")
    if sp_pr is None or sp_pr.find(f"{A}xfrm") is not None:
        return
    xfrm = sp_pr.makeelement(f"{A}xfrm", {})
    xfrm.append(xfrm.makeelement(f"{A}off", {"x": str(box.left), "y": str(box.top)}))
    xfrm.append(xfrm.makeelement(f"{A}ext", {"cx": str(box.width), "cy": str(box.height)}))
    sp_pr.insert(0, xfrm)


def _remove_element(element) -> None:
    element.getparent().remove(element)


# --- text, tables and results written as XML, as python-pptx writes them -------------------------
#
# python-pptx's proxies look each element up again on every access (an XPath query or a search for where a
# child belongs): most of a deck's time. What follows writes the same elements in the same order directly; the
# tests compare it with what python-pptx's own calls write.

_AP, _AR, _AT, _RPR, _PPR, _END = (f"{A}{tag}" for tag in ("p", "r", "t", "rPr", "pPr", "endParaRPr"))
_TC, _TR, _GRID_COL = (f"{A}{tag}" for tag in ("tc", "tr", "gridCol"))
_CONTENT = {f"{A}{tag}" for tag in ("r", "br", "fld")}
_BREAKS = ("\n", "\v")  # python-pptx writes these as line breaks (a:br)
_escape = CT_RegularTextRun._escape_ctrl_chars  # control characters as python-pptx writes them in text


_LN_SPC = f"{A}lnSpc"
#: What comes after a paragraph's properties, a run's properties and a paragraph's line spacing, in the schema's
#: order: python-pptx adds each before the first of these it finds.
_PPR_AFTER = tuple(f"{A}{tag}" for tag in ("r", "br", "fld", "endParaRPr"))
_RPR_AFTER = (f"{A}t",)
_LN_SPC_AFTER = tuple(f"{A}{tag}" for tag in (
    "spcBef", "spcAft", "buClrTx", "buClr", "buSzTx", "buSzPct", "buSzPts", "buFontTx", "buFont", "buNone",
    "buAutoNum", "buChar", "buBlip", "tabLst", "defRPr", "extLst"))


def _insert(parent, child, successors: tuple[str, ...]):
    """Puts `child` into `parent` before the first of `successors` found (looked for in that order), else last,
    as python-pptx adds an element; returns it."""
    for tag in successors:
        found = parent.find(tag)
        if found is not None:
            found.addprevious(child)
            return child
    parent.append(child)
    return child


def _get_or_add(parent, tag: str, successors: tuple[str, ...]):
    found = parent.find(tag)
    return found if found is not None else _insert(parent, parent.makeelement(tag, {}), successors)


def _add_run(p, text: str, run_properties: dict | None = None, names_whole: bool = True):
    """A run of `text` at the end of paragraph `p` (before its end-of-paragraph properties), as python-pptx's
    add_run and run.text write it; `run_properties`: a:rPr attributes, as its font.size and font.bold write
    them; `names_whole`: names, dates and amounts joined by no-break spaces (aspo.compose.nobreak)."""
    r = p.makeelement(_AR, {})
    if run_properties is not None:
        SubElement(r, _RPR, run_properties)
    SubElement(r, _AT).text = _escape(keep_together(text) if names_whole else text)
    end = p.find(_END)
    if end is None:
        p.append(r)
    else:
        end.addprevious(r)
    return r


def _set_text(p, text: str) -> None:
    """An empty paragraph's text, as python-pptx's paragraph.text writes it."""
    if any(mark in text for mark in _BREAKS):
        p.append_text(keep_together(text))
    elif text:
        _add_run(p, text)


def _size(points: float) -> str:
    """A text size in a:rPr's sz, as python-pptx's font.size writes Pt(points)."""
    return str(Pt(points).centipoints)


def _fill(element, paragraphs):
    """Writes paragraphs into a placeholder's text body, reusing its first paragraph; returns the body."""
    body = element.get_or_add_txBody()
    for number, (text, level) in enumerate(paragraphs):
        if number == 0:
            p = body.find(_AP)
            if p is None:
                p = body.add_p()
            for child in list(p):
                if child.tag in _CONTENT:
                    p.remove(child)
        else:
            p = SubElement(body, _AP)
        _set_text(p, text)
        if level:
            _get_or_add(p, _PPR, _PPR_AFTER).set("lvl", str(level))
    return body


def _add_table(slide, placeholder, box: TextBox, table: Table, min_size: float) -> None:
    rows = table_rows(table)
    fit = table_fit(table, box, min_size)  # split and sized by aspo.compose.table_fit
    size = {"sz": _size(fit.size)}
    # each row as high as its wrapped text is estimated to be: the frame is where the table is drawn
    heights = [Emu(round(height * EMU_PER_PT)) for height in fit.row_heights]
    frame = slide.shapes.add_table(len(rows), len(fit.widths), box.left, box.top, box.width, sum(heights))
    tbl = frame._element.graphic.graphicData.tbl
    columns, table_rows_ = tbl.tblGrid.findall(_GRID_COL), tbl.findall(_TR)
    # as python-pptx's column.width and row.height, which make the frame the table's size each time
    for column, width in zip(columns, fit.widths):
        column.set("w", str(Emu(width)))
    if fit.widths and columns:
        frame.width = Emu(sum(int(column.get("w")) for column in columns))
    for row, height in zip(table_rows_, heights):
        row.set("h", str(height))
    if heights and table_rows_:
        frame.height = Emu(sum(int(row.get("h")) for row in table_rows_))
    spans = fit.spans or (1,) * len(rows)
    for row, values, span in zip(table_rows_, rows, spans):
        for col, cell in enumerate(row.findall(_TC)):
            text = "" if col == 0 and span == 0 else values[col] if col < len(values) else ""
            _add_run(cell.get_or_add_txBody().p_lst[0], text, size, table.names_whole)
    _merge_groups(frame.table, spans)
    # keep the table where the placeholder was in the z-order
    placeholder.addprevious(frame._element)
    _remove_element(placeholder)


def _merge_groups(table, spans) -> None:
    """A group's first cell merged down over its rows, as python-pptx's cell.merge merges it: the product shown
    once beside its capabilities."""
    for at, span in enumerate(spans):
        if span > 1:
            table.cell(at, 0).merge(table.cell(at + span - 1, 0))


def _add_callouts(element, fit: CalloutFit) -> None:
    """Each result as its figure, large and in the theme's accent colour, over what it measures."""
    region = fit.region
    element.x, element.y, element.cx, element.cy = region.left, region.top, region.width, region.height
    body = element.get_or_add_txBody()
    first = body.find(_AP)
    if first is None or len(first) or first.attrib:  # python-pptx adds to what is there
        return _add_callouts_as_python_pptx(TextFrame(body, None), fit)
    for item in fit.items:
        for text, size, figure in ((item.figure, fit.figure_size, True), (item.label, fit.label_size, False)):
            p = first if first is not None else SubElement(body, _AP)
            first = None
            # no bullet; aspo.compose.results_fit measured these with no spacing but the label's: none inherited
            p_pr = SubElement(p, _PPR, {"marL": "0", "indent": "0"})
            SubElement(SubElement(p_pr, f"{A}lnSpc"), f"{A}spcPct", {"val": "100000"})
            SubElement(SubElement(p_pr, f"{A}spcBef"), f"{A}spcPts", {"val": "0"})
            after = "0" if figure else str(Pt(size * 0.6).centipoints)
            SubElement(SubElement(p_pr, f"{A}spcAft"), f"{A}spcPts", {"val": after})
            SubElement(p_pr, f"{A}buNone")
            r = _add_run(p, text, {"sz": _size(size), "b": "1"} if figure else {"sz": _size(size)})
            if figure:
                fill = SubElement(r.find(_RPR), f"{A}solidFill")
                SubElement(fill, f"{A}schemeClr", {"val": "accent1"})


def _add_callouts_as_python_pptx(frame, fit: CalloutFit) -> None:
    first = True
    for item in fit.items:
        for text, size, figure in ((item.figure, fit.figure_size, True), (item.label, fit.label_size, False)):
            para = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            _no_bullet(para)
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
    p_pr.insert(0, p_pr.makeelement(f"{A}buNone", {}))


def _set_notes(element, lines: list[str]) -> None:
    """A notes placeholder's text, one paragraph a line, as python-pptx's text_frame.text writes it."""
    body = element.get_or_add_txBody()
    for p in body.findall(_AP):
        body.remove(p)
    for line in lines:
        _set_text(SubElement(body, _AP), line)


# --- the reader's language, fonts and direction ----------------------------------------------------------------

_FLD, _BR, _DEF_RPR, _TBL_PR = (f"{A}{tag}" for tag in ("fld", "br", "defRPr", "tblPr"))
#: What comes after a:ea and a:cs in a run's properties, in the schema's order.
_EA_AFTER = tuple(f"{A}{tag}" for tag in ("cs", "sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst"))
_CS_AFTER = _EA_AFTER[1:]
#: Placeholders whose text stays centred right to left too: a cover's title and subtitle.
_CENTRED = ("ctrTitle", "subTitle")
_C_LANG, _C_DATE1904 = qn("c:lang"), qn("c:date1904")


def _mark_text(root, language: str, fonts: Fonts, right_to_left: bool = False, chart: bool = False) -> None:
    """Every run of text below `root` (a slide, a notes slide, a chart) in `language` (a:rPr lang, a run's
    properties added where it has none), with `fonts` for East Asian and complex scripts. In Chinese, Japanese or
    Korean, no paragraph hangs its punctuation past the box (the estimates and the checks keep text inside it).
    Right to left, every paragraph reads so and is aligned right (but a cover's centred title and subtitle, and a
    chart's text), and every table's columns run right to left. `chart`: a chart's default run properties too (its
    labels')."""
    scripts = [(f"{A}{tag}", typeface, after) for tag, typeface, after in (
        ("ea", fonts.east_asian, _EA_AFTER), ("cs", fonts.complex, _CS_AFTER)) if typeface]
    no_hanging = east_asian(language)

    def mark(r_pr) -> None:
        r_pr.set("lang", language)
        for tag, typeface, after in scripts:
            _get_or_add(r_pr, tag, after).set("typeface", typeface)

    if no_hanging or right_to_left:
        centred = set()
        if right_to_left:
            centred = {ph.getparent().getparent().getparent() for ph in root.iter(f"{P}ph")
                       if ph.get("type") in _CENTRED}
            for table in root.iter(_TBL_PR):
                table.set("rtl", "1")
        for p in root.iter(_AP):
            p_pr = p.find(_PPR)
            if p_pr is None:  # first of all, before a field too
                p_pr = p.makeelement(_PPR, {})
                p.insert(0, p_pr)
            if no_hanging:
                p_pr.set("hangingPunct", "0")
            if right_to_left:
                p_pr.set("rtl", "1")
                if not chart and p.getparent().getparent() not in centred:
                    p_pr.set("algn", "r")
    marked = root.makeelement(_RPR, {})  # what a run without properties of its own gets: a copy of this
    mark(marked)
    for run in root.iter(_AR, _FLD, _BR):
        r_pr = run.find(_RPR)
        if r_pr is None:
            run.insert(0, copy.deepcopy(marked))  # a run's properties come first
        else:
            mark(r_pr)
    for properties in root.iter(_END, _DEF_RPR) if chart else root.iter(_END):
        mark(properties)


def _mark_chart(chart_space, doc: Document) -> None:
    """A chart in the customer's language (c:lang, which its editing application starts from), its text too."""
    lang = chart_space.find(_C_LANG)
    if lang is None:
        lang = chart_space.makeelement(_C_LANG, {})
        date = chart_space.find(_C_DATE1904)  # c:lang comes after it, first of all else
        if date is not None:
            date.addnext(lang)
        else:
            chart_space.insert(0, lang)
    lang.set("val", doc.language)
    _mark_text(chart_space, doc.language, doc.fonts, doc.right_to_left, chart=True)


def _xml_escape(text: str) -> str:
    """As xml.sax.saxutils.escape, which would load urllib (and ssl) for one call."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chart_data(chart: Chart, number_format: str):
    from pptx.chart.data import CategoryChartData  # with its workbook writer: only for a deck with a chart

    data = CategoryChartData(number_format=number_format)
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, values)
    return data


def _add_chart(slide, fit: ChartFit, created) -> object:
    """A clustered column chart, before and after: native, so the customer can restyle it. Its value axis leaves
    room over the tallest column for its label, clear of the title (ChartFit.value_axis)."""
    chart, size = fit.chart, fit.size
    region = fit.region
    # python-pptx writes the number format into the chart's XML as it is, and into the chart's workbook through a
    # writer that escapes it: the XML gets it escaped (a unit such as 'R&D hours'), the workbook as it is
    shown = _xml_escape(chart.number_format)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, region.left, region.top, region.width,
                                   region.height, _chart_data(chart, shown))
    graph = frame.chart
    workbook = graph.part.chart_workbook
    blob = (workbook.xlsx_part.blob if shown == chart.number_format
            else _chart_data(chart, chart.number_format).xlsx_blob)
    workbook.update_from_xlsx_blob(normalize_workbook(blob, created))
    graph.has_title = True
    graph.chart_title.text_frame.text = fit.title
    graph.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
    graph.has_legend = len(chart.series) > 1
    if graph.has_legend:
        graph.legend.include_in_layout = False
        graph.legend.position = XL_LEGEND_POSITION.BOTTOM
        graph.legend.font.size = Pt(size)
    plot = graph.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = fit.label_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(size)
    # one line each, as ChartFit measures them (LibreOffice wraps a label at a width of its own)
    labels._element.get_or_add_txPr().find(f"{A}bodyPr").set("wrap", "none")
    axis = graph.value_axis
    axis.visible = False  # the labels carry the values
    axis.has_major_gridlines = False
    axis.minimum_scale, axis.maximum_scale = fit.value_axis()
    if axis.minimum_scale < 0:  # the category names under the plot, not over the columns below zero
        graph.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
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
    laid_out = slide_text(section, measured, min_size)  # which placeholder gets what: aspo.compose.slide_fit
    slide = maker.add_slide(layout)
    elements = _slide_placeholders(slide)
    filled: set[int] = set()

    def placeholder_for(box: TextBox):
        if box.slot >= len(elements):  # pragma: no cover - slots come from the same layout
            return None
        element = elements[box.slot]
        if box.pinned:
            _pin(element, box)
        if box.own_style:
            _carry_style(element, box.own_style)
        return element

    for fill in laid_out.fills:
        placeholder = placeholder_for(fill.box) if fill.paragraphs else None
        if placeholder is None:
            continue
        _shrink_to_fit(_fill(placeholder, fill.paragraphs), fill.paragraphs, fill.box)
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
            frame = _add_chart(slide, laid_out.chart, created)
            placeholder.addnext(frame._element)
            _mark_chart(frame.chart._chartSpace, doc)
        if laid_out.callouts is not None:
            _add_callouts(placeholder, laid_out.callouts)
            filled.add(results.box.slot)

    # no "Click to add text" left on the slide
    for slot, element in enumerate(elements):
        if slot not in filled:
            _remove_element(element)

    if logo is not None and section.kind == "title":
        _add_logo(maker.prs, slide, layout, logo)
    _mark_text(slide._element, doc.language, doc.fonts, doc.right_to_left)

    if section.notes:
        notes = maker.notes_placeholder(slide)
        if notes is not None:  # a notes master without a body placeholder has no room
            _set_notes(notes, [line for note in section.notes for line in note.text.split("\n")])
            _mark_text(notes.getroottree().getroot(), doc.notes_language, doc.fonts)  # the rep's


def _take_out_notes(prs) -> None:
    """Takes every part about notes out of a deck: each slide's notes page and the notes master (the template's,
    or the one python-pptx added), with its theme, as nothing else relates to them."""
    for slide in prs.slides:
        for rId, rel in list(slide.part.rels.items()):
            if rel.reltype == RT.NOTES_SLIDE:
                slide.part.rels.pop(rId)
    element = prs.part._element
    for masters in element.findall(f"{P}notesMasterIdLst"):
        element.remove(masters)
    for rId, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.NOTES_MASTER:
            prs.part.rels.pop(rId)


def _rendered(doc: Document, deck: PreparedDeck | None):
    """The deck for `doc` with each section's notes on its slide's notes page, not yet written, and its prepared
    template."""
    if deck is None:
        deck = PreparedDeck.open(doc.deck_template, doc.deck_master)
    elif deck.path != Path(doc.deck_template) or deck.master != doc.deck_master:
        raise ValueError(f"{deck.path} (master {deck.master}) is prepared, not {doc.deck_template} "
                         f"(master {doc.deck_master})")
    prs, copies = deck.presentation()
    maker = _SlideMaker(prs, deck, copies)
    with keeping_together(doc.locale, doc.unbreakable):  # for _add_run
        for section in doc.deck_sections:
            _render_section(maker, section, doc)
    _set_package_properties(prs, doc)
    return prs, deck


def render_pptx(doc: Document, deck: PreparedDeck | None = None, speaker_notes: bool = False) -> bytes:
    """The deck for `doc` as .pptx bytes, identical for identical input; `deck`: its template, prepared (else it
    is read, checked and opened for this deck alone).

    `speaker_notes`: the presenter's copy, each section's notes on its slide's notes page. Without them it is the
    customer's copy, the one a rep may send: the same slides, and no part about notes at all (no notes slides, no
    notes master), so nothing only the rep may read travels with it. One way to both: the customer's copy is the
    presenter's with its notes taken out."""
    prs, deck = _rendered(doc, deck)
    if not speaker_notes:
        _take_out_notes(prs)
    return deck.write(prs, doc.properties.created)


def render_pptx_copies(doc: Document, deck: PreparedDeck | None = None) -> tuple[bytes, bytes]:
    """The customer's copy and the presenter's copy of the deck, as render_pptx writes each, from one rendering:
    the presenter's is written, then its notes are taken out and the customer's is written."""
    prs, deck = _rendered(doc, deck)
    presenter = deck.write(prs, doc.properties.created)
    _take_out_notes(prs)
    return deck.write(prs, doc.properties.created), presenter
