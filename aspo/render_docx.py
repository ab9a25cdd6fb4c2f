"""Renders the point offering: the document sections as a Word file on the marketing template."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph

from aspo.document import BulletList, Document, Paragraph, Section, Table
from aspo.errors import AspoError
from aspo.layouts import read_document_template
from aspo.logo import Logo
from aspo.package import (
    normalize_zip,
    replace_package_metadata,
    set_core_properties,
    template_bytes,
)

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


#: Templates already checked, by their bytes: the checks that run when the library loads, on the bytes used here.
_CHECKED: set[bytes] = set()
_CHECKED_KEPT = 8


def _open_template(path: Path):
    data = template_bytes(path, "document_template")
    if data not in _CHECKED:
        read_document_template(path, data)
        if len(_CHECKED) >= _CHECKED_KEPT:
            _CHECKED.clear()
        _CHECKED.add(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for files it cannot use
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AspoError.at(
            path, None, "document_template", f"is not a Word .docx file ({detail})"
        ) from None


def _resolve_styles(document, doc: Document) -> dict[str, str | None]:
    """Each role's style id, looked up once: python-docx scans every style definition on each
    lookup by name, and again (for the default) on each lookup by style object."""
    by_type: dict[object, dict[str, object]] = {WD_STYLE_TYPE.PARAGRAPH: {}, WD_STYLE_TYPE.TABLE: {}}
    for style in document.styles:
        names = by_type.get(style.type)
        if names is not None and style.name is not None:
            names.setdefault(style.name, style)
    wanted = {role: doc.styles[role] for role in doc.styles}
    for role in _USED_ROLES:
        wanted.setdefault(role, DEFAULT_STYLES[role])
    resolved = {}
    for role, name in wanted.items():
        kind = WD_STYLE_TYPE.TABLE if role == "table" else WD_STYLE_TYPE.PARAGRAPH
        style = by_type[kind].get(name)
        if style is None:
            others = ", ".join(sorted(by_type[kind]))
            other_kind = WD_STYLE_TYPE.PARAGRAPH if kind == WD_STYLE_TYPE.TABLE else WD_STYLE_TYPE.TABLE
            if name in by_type[other_kind]:
                what = "table" if kind == WD_STYLE_TYPE.TABLE else "paragraph"
                message = f"style '{name}' is not a {what} style in this file; it has: {others}"
            else:
                message = f"style '{name}' is not in this file; it has: {others}"
            raise AspoError.at(doc.document_template, None, f"styles.{role}", message)
        # the default style of its kind is applied by naming none, as python-docx does
        resolved[role] = None if style.element.default else style.style_id
    return resolved


class _Writer:
    """Appends paragraphs and tables to the body, before its final section properties."""

    def __init__(self, document):
        self.document = document
        self.parent = document._body
        self.body = document.element.body
        sect = qn("w:sectPr")
        for child in list(self.body):
            if child.tag != sect:
                self.body.remove(child)
        self.sect = self.body.find(sect)

    def paragraph(self, text: str, style_id: str | None) -> None:
        p = OxmlElement("w:p")
        if style_id:
            pPr = OxmlElement("w:pPr")
            pPr.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
            p.append(pPr)
        if self.sect is not None:
            self.sect.addprevious(p)
        else:
            self.body.append(p)
        if text:
            DocxParagraph(p, self.parent).add_run(text)

    def picture(self, logo: Logo, style_id: str | None) -> None:
        """The logo in a paragraph of its own, at most LOGO_HEIGHT high and LOGO_WIDTH wide."""
        self.paragraph("", style_id)
        paragraph = DocxParagraph(self.sect.getprevious() if self.sect is not None else self.body[-1], self.parent)
        scale = min(LOGO_WIDTH / logo.width, LOGO_HEIGHT / logo.height)
        paragraph.add_run().add_picture(io.BytesIO(logo.data), width=Emu(round(logo.width * scale)),
                                        height=Emu(round(logo.height * scale)))

    def table(self, table: Table, style_id: str | None) -> None:
        rows = [tuple(table.header)] + [tuple(row) for row in table.rows]
        width = max(len(row) for row in rows) or 1
        shape = self.document.add_table(rows=len(rows), cols=width)
        shape._tbl.tblStyle_val = style_id
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

    def body_of(self, section: Section, styles: dict) -> None:
        for element in section.document_body:
            if isinstance(element, Paragraph):
                self.paragraph(element.text, styles["body"])
            elif isinstance(element, BulletList):
                for item in element.items:
                    self.paragraph(item.text, styles["bullet"])
            elif isinstance(element, Table):
                self.table(element, styles["table"])


def _set_package_properties(document, doc: Document) -> None:
    set_core_properties(document.core_properties, doc.properties)
    package = document.part.package
    replace_package_metadata(package, doc.properties.company, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, package))


def render_docx(doc: Document) -> bytes:
    """The point offering for `doc` as .docx bytes, identical for identical input."""
    path = Path(doc.document_template)
    document = _open_template(path)
    styles = _resolve_styles(document, doc)
    writer = _Writer(document)
    if doc.logo is not None:  # on the first page, above the title
        writer.picture(doc.logo, styles["body"])
    group = None
    for section in doc.document_sections:
        if section.kind == "title":
            group = None
            if section.title:
                writer.paragraph(section.title, styles["title"])
            if section.subtitle:
                writer.paragraph(section.subtitle, styles["subtitle"])
        elif section.group:
            if section.group != group:
                writer.paragraph(section.group, styles["heading"])
                group = section.group
            if section.title:
                writer.paragraph(section.title, styles["subheading"])
        else:
            group = None
            if section.title:
                writer.paragraph(section.title, styles["heading"])
        writer.body_of(section, styles)
    _set_package_properties(document, doc)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue(), doc.properties.created)
