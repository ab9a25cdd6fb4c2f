"""Renders the point offering: the document sections as a Word file on the marketing template."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph

from aspo.document import BulletList, Document, Paragraph, Section, Table
from aspo.errors import AspoError, quoted
from aspo.layouts import DocumentTemplate, WordStyle, read_document_template
from aspo.logo import Logo
from aspo.package import (
    normalize_zip,
    replace_package_metadata,
    set_core_properties,
    template_bytes,
)
from aspo.word_styles import find_style, role_kind, style_hint, style_names

#: The logo's largest size on the first page, in EMU (1 inch is 914400).
LOGO_WIDTH, LOGO_HEIGHT = 1828800, 685800

#: The Word style each role uses when the document names none.
DEFAULT_STYLES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading": "Heading 1",
    "subheading": "Heading 2",
    "body": "Normal",
    "bullet": "List Bullet",
    "table": "Table Grid",
    "note": "Quote",
}
#: Roles the document body uses; "note" is checked when named but speaker notes stay out.
_USED_ROLES = ("title", "subtitle", "heading", "subheading", "body", "bullet", "table")


#: Templates already read and checked, by their bytes: the checks that run when the library loads, on the bytes
#: used here.
_CHECKED: dict[bytes, DocumentTemplate] = {}
_CHECKED_KEPT = 8


def _open_template(path: Path):
    """The template as python-docx opens it, and its styles as aspo reads them."""
    data = template_bytes(path, "document_template")
    template = _CHECKED.get(data)
    if template is None:
        template = read_document_template(path, data)
        if len(_CHECKED) >= _CHECKED_KEPT:
            _CHECKED.clear()
        _CHECKED[data] = template
    try:
        return docx.Document(io.BytesIO(data)), template
    except Exception as exc:  # python-docx raises several kinds for files it cannot use
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AspoError.at(
            path, None, "document_template", f"is not a Word .docx file ({detail})"
        ) from None


def _resolve_styles(template: DocumentTemplate, doc: Document) -> dict[str, WordStyle | None]:
    """Each role's style, found by the name Word shows, its styleId or its built-in identity;
    None for a table role set to null (no table style: aspo draws borders)."""
    wanted = {role: doc.styles[role] for role in doc.styles}
    for role in _USED_ROLES:
        wanted.setdefault(role, DEFAULT_STYLES[role])
    resolved = {}
    for role, name in wanted.items():
        kind = role_kind(role)
        if name is None and kind == "table":
            resolved[role] = None
            continue
        style = find_style(template, name or "", kind)
        if style is None:
            other_kind = "paragraph" if kind == "table" else "table"
            if find_style(template, name or "", other_kind) is not None:
                message = f"style {quoted(name)} is not a {kind} style in this file; it has: "
            else:
                message = f"style {quoted(name)} is not in this file; it has: "
            raise AspoError.at(doc.document_template, None, f"styles.{role}",
                               message + style_names(template, kind) + style_hint(template, name or "", kind))
        resolved[role] = style
    return resolved


def _style_id(style: WordStyle | None) -> str | None:
    """The id a paragraph names; the default paragraph style applies by naming none, as python-docx does."""
    return None if style is None or (style.default and style.kind == "paragraph") else style.style_id


#: Where Letter paper is the usual size; elsewhere A4.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "PA", "DO", "SV", "NI", "HN"}
_BEFORE_PAGE_SIZE = {qn(f"w:{tag}") for tag in ("headerReference", "footerReference", "footnotePr", "endnotePr",
                                                "type")}


def _territory(locale: str) -> str:
    parts = locale.replace("_", "-").split("-")
    return next((part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()), "")


class _Writer:
    """Appends paragraphs and tables to the body, before its final section properties."""

    def __init__(self, document, styles: dict[str, WordStyle | None]):
        self.document = document
        self.parent = document._body
        self.body = document.element.body
        self.styles = styles
        self.ids = {role: _style_id(style) for role, style in styles.items()}
        bullet = styles["bullet"]
        # a bullet style that draws nothing of its own (no numbering definition) still gets bullets
        self.needs_bullets = bullet is not None and not bullet.draws_numbering
        self.bullet_num: str | None = None
        sect = qn("w:sectPr")
        for child in list(self.body):
            if child.tag != sect:
                self.body.remove(child)
        self.sect = self.body.find(sect)

    def set_page_size(self, locale: str) -> None:
        """A page size and margins where the template sets none (pandoc's reference.docx): without them every
        application picks its own, so the document would not look the same everywhere."""
        if self.sect is None:
            self.sect = OxmlElement("w:sectPr")
            self.body.append(self.sect)
        if self.sect.find(qn("w:pgSz")) is not None:
            return
        width, height = (12240, 15840) if _territory(locale) in LETTER_TERRITORIES else (11906, 16838)  # twips
        size = OxmlElement("w:pgSz", {qn("w:w"): str(width), qn("w:h"): str(height)})
        before = [child for child in self.sect if child.tag in _BEFORE_PAGE_SIZE]
        if before:
            before[-1].addnext(size)
        else:
            self.sect.insert(0, size)
        if self.sect.find(qn("w:pgMar")) is None:
            size.addnext(OxmlElement("w:pgMar", {qn(f"w:{side}"): value for side, value in (
                ("top", "1440"), ("right", "1440"), ("bottom", "1440"), ("left", "1440"),
                ("header", "720"), ("footer", "720"), ("gutter", "0"))}))

    def paragraph(self, text: str, role: str | None, num_id: str | None = None) -> None:
        p = OxmlElement("w:p")
        style_id = self.ids[role] if role else None
        if style_id or num_id:
            pPr = OxmlElement("w:pPr")
            if style_id:
                pPr.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
            if num_id:
                numPr = OxmlElement("w:numPr")
                numPr.append(OxmlElement("w:ilvl", {qn("w:val"): "0"}))
                numPr.append(OxmlElement("w:numId", {qn("w:val"): num_id}))
                pPr.append(numPr)
            p.append(pPr)
        if self.sect is not None:
            self.sect.addprevious(p)
        else:
            self.body.append(p)
        if text:
            DocxParagraph(p, self.parent).add_run(text)

    def bullet(self, text: str) -> None:
        if self.needs_bullets and self.bullet_num is None:
            self.bullet_num = _add_bullet_numbering(self.document)
        self.paragraph(text, "bullet", self.bullet_num)

    def picture(self, logo: Logo, role: str) -> None:
        """The logo in a paragraph of its own, at most LOGO_HEIGHT high and LOGO_WIDTH wide."""
        self.paragraph("", role)
        paragraph = DocxParagraph(self.sect.getprevious() if self.sect is not None else self.body[-1], self.parent)
        scale = min(LOGO_WIDTH / logo.width, LOGO_HEIGHT / logo.height)
        paragraph.add_run().add_picture(io.BytesIO(logo.data), width=Emu(round(logo.width * scale)),
                                        height=Emu(round(logo.height * scale)))

    def table(self, table: Table) -> None:
        rows = [tuple(table.header)] + [tuple(row) for row in table.rows]
        width = max(len(row) for row in rows) or 1
        shape = self.document.add_table(rows=len(rows), cols=width)
        style = self.styles["table"]
        # named even when it is the default table style: LibreOffice applies only a named one
        shape._tbl.tblStyle_val = style.style_id if style is not None else None
        if style is None:  # no table style: thin single borders, so it still reads as a table
            borders = OxmlElement("w:tblBorders")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                borders.append(OxmlElement(f"w:{side}", {qn("w:val"): "single", qn("w:sz"): "4",
                                                          qn("w:space"): "0", qn("w:color"): "auto"}))
            shape._tbl.tblPr.insert_element_before(borders, "w:tblShd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                                   "w:tblCaption", "w:tblDescription", "w:tblPrChange")
        for number, (row, values) in enumerate(zip(shape.rows, rows)):
            if number == 0:
                # the header row repeats on every page the table spans
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for col, cell in enumerate(row.cells):
                text = values[col] if col < len(values) else ""
                if not text:
                    continue
                run = cell.paragraphs[0].add_run(text)
                if number == 0:
                    run.bold = True

    def body_of(self, section: Section) -> None:
        for element in section.document_body:
            if isinstance(element, Paragraph):
                self.paragraph(element.text, "body")
            elif isinstance(element, BulletList):
                for item in element.items:
                    self.bullet(item.text)
            elif isinstance(element, Table):
                self.table(element)


_NUMBERING = "/word/numbering.xml"


def _add_bullet_numbering(document) -> str:
    """The numId of a new one-level list that draws "•", in the document's numbering part (made when it has
    none); its ids follow the template's largest, so the same template always gives the same ids."""
    part = document.part
    try:
        numbering = part.part_related_by(RT.NUMBERING).element
    except KeyError:
        taken = {str(other.partname) for other in part.package.iter_parts()}
        name = _NUMBERING if _NUMBERING not in taken else part.package.next_partname("/word/numbering%d.xml")
        new = NumberingPart(PackURI(name), CT.WML_NUMBERING, parse_xml(f"<w:numbering {nsdecls('w')}/>"),
                            part.package)
        part.relate_to(new, RT.NUMBERING)
        numbering = new.element

    def next_id(tag: str, attribute: str) -> str:
        ids = [int(value) for element in numbering.iter(qn(tag))
               if (value := element.get(qn(attribute), "")).isdigit()]
        return str(max(ids, default=0) + 1)

    abstract_id, num_id = next_id("w:abstractNum", "w:abstractNumId"), next_id("w:num", "w:numId")
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl>'
        "</w:abstractNum>")
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    # abstract definitions come before the nums that use them (the schema's order)
    after = next((child for child in numbering if child.tag in (qn("w:num"), qn("w:numIdMacAtCleanup"))), None)
    if after is not None:
        after.addprevious(abstract)
    else:
        numbering.append(abstract)
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


def _set_package_properties(document, doc: Document) -> None:
    set_core_properties(document.core_properties, doc.properties)
    package = document.part.package
    replace_package_metadata(package, doc.properties.company, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, package))


def render_docx(doc: Document) -> bytes:
    """The point offering for `doc` as .docx bytes, identical for identical input."""
    path = Path(doc.document_template)
    document, template = _open_template(path)
    writer = _Writer(document, _resolve_styles(template, doc))
    writer.set_page_size(doc.locale)
    if doc.logo is not None:  # on the first page, above the title
        writer.picture(doc.logo, "body")
    group = None
    for section in doc.document_sections:
        if section.kind == "title":
            group = None
            if section.title:
                writer.paragraph(section.title, "title")
            if section.subtitle:
                writer.paragraph(section.subtitle, "subtitle")
        elif section.group:
            if section.group != group:
                writer.paragraph(section.group, "heading")
                group = section.group
            if section.title:
                writer.paragraph(section.title, "subheading")
        else:
            group = None
            if section.title:
                writer.paragraph(section.title, "heading")
        writer.body_of(section)
    _set_package_properties(document, doc)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue(), doc.properties.created)
