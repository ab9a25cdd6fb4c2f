"""Renders the point offering: the document sections as a Word file on the marketing template."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls
from docx.package import Package
from docx.parts.numbering import NumberingPart
from docx.shared import Emu, lazyproperty
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml.etree import SubElement

from aspo.compose.document import BulletList, Document, Paragraph, Section, Table
from aspo.compose.nobreak import NoBreak, no_break
from aspo.compose.text_measure import text_columns
from aspo.core.errors import AspoError
from aspo.core.scripts import east_asian
from aspo.library.logo import Logo
from aspo.office.ooxml import EXTENDED_PROPERTIES_REL, XML, W
from aspo.office.word_styles import find_style, role_kind
from aspo.office.word_template import DocumentTemplate, WordStyle, read_document_template
from aspo.render.office_package import (
    TemplatePackage,
    checked_template,
    drop_thumbnail,
    replace_package_metadata,
    set_core_properties,
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


class PreparedDocument:
    """A document template read, checked and opened once, for every document made from it in this process.

    python-docx opens the template once and its body is emptied (its section properties kept); each document
    gets a package of its own that shares the template's parts (styles, theme, headers, pictures) and copies
    only what a document changes (the body, the document properties, and the list definitions when aspo adds
    bullets), and is written with the shared parts as they were deflated here.

    Made by whoever renders, and kept for as long as the template is used: `PreparedDocument.open`, or
    `OfficeTemplates(library).document` (aspo.build.office_templates) for a library's. It assumes what the library
    checked when it loaded: every style a role names is in the template.
    """

    def __init__(self, path: Path, data: bytes, checked: DocumentTemplate):
        self.path = Path(path)
        # the template's styles, as aspo.office.deck_template reads them (and the library checked them)
        self.styles = checked
        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several kinds for files it cannot use
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AspoError.at(path, None, "document_template", f"is not a Word .docx file ({detail})") from None
        body = document.element.body
        for child in list(body):  # the template's own content is no part of any document
            if child.tag != _SECT:
                body.remove(child)
        package = document.part.package
        drop_thumbnail(package)
        self._numbering = next((rel.target_part for rel in document.part.rels.values()
                                if not rel.is_external and rel.reltype == RT.NUMBERING), None)
        self._styles = next((rel.target_part for rel in document.part.rels.values()
                             if not rel.is_external and rel.reltype == RT.STYLES), None)
        changing = [document.part] + [rel.target_part for rel in package.rels.values() if not rel.is_external
                                      and rel.reltype in (RT.CORE_PROPERTIES, EXTENDED_PROPERTIES_REL)]
        self.template = TemplatePackage(package, changing, lazyproperty, _content_types)

    @classmethod
    def open(cls, path: Path, checked: DocumentTemplate | None = None) -> PreparedDocument:
        """The template at `path`; `checked`: the library's reading of it, which the bytes read here must be the
        bytes of (else they are checked here, as the library checks them when it loads)."""
        path = Path(path)
        data, checked = checked_template(path, "document_template", checked, read_document_template)
        return cls(path, data, checked)

    def document(self, numbering: bool = False, language: dict[str, str] | None = None):
        """A python-docx document of its own for one file, sharing the template's unchanged parts; `numbering`:
        with its own copy of the template's list definitions, to add one; `language`: the w:lang attributes of its
        default run properties (its styles, made once for each language and shared)."""
        also = [self._numbering] if numbering and self._numbering is not None else []
        styles, variants = self._styles if language else None, {}
        if styles is not None:
            found = self.template.variant(styles, tuple(sorted(language.items())),
                                          lambda element: _set_default_language(element, language))
            if found is not None:
                variants[styles] = found
            else:  # a part the template shares relates to its styles: this document gets a copy of its own
                also.append(styles)
        package = Package()
        copies = self.template.new_package(package, also, variants)
        if styles is not None and not variants:
            _set_default_language(copies[styles]._element, language)
        package.after_unmarshal()  # python-docx gathers the pictures the package already has
        return package.main_document_part.document

    def write(self, document, when) -> bytes:
        return self.template.write(document.part.package, when)


def _content_types(parts: list) -> bytes:
    """[Content_Types].xml as python-docx's save writes it."""
    return _ContentTypesItem.from_parts(parts).blob


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
            raise LookupError(f"{template.path}: no {kind} style {name!r} for the {role} role; the library's "
                              "checks should have refused it")
        resolved[role] = style
    return resolved


def _style_id(style: WordStyle | None) -> str | None:
    """The id a paragraph names; the default paragraph style applies by naming none, as python-docx does."""
    return None if style is None or (style.default and style.kind == "paragraph") else style.style_id


#: Where Letter paper is the usual size; elsewhere A4.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "PA", "DO", "SV", "NI", "HN"}
_SECT = f"{W}sectPr"
_P, _PPR, _PSTYLE, _KEEP_NEXT, _KEEP_LINES, _NUMPR, _ILVL, _NUMID, _R, _RPR, _B, _T = (
    f"{W}{tag}" for tag in ("p", "pPr", "pStyle", "keepNext", "keepLines", "numPr", "ilvl", "numId", "r", "rPr", "b",
                            "t"))
_VAL, _XML_SPACE = f"{W}val", f"{XML}space"
_RUN_MARKS = ("\t", "\r", "\n")  # python-docx writes these as w:tab and w:br
#: Roles whose paragraphs stay on the page of the paragraph after them, whatever the template's styles say.
_HEADING_ROLES = ("title", "subtitle", "heading", "subheading")
#: The most lines of body text a closing section may take and still move to the next page whole: about half a
#: page, so the page it leaves is at most half empty. A longer one flows on like any section, its heading kept with
#: its first lines: one kept whole that is taller than a page would make Word and LibreOffice break it anywhere,
#: right after its heading too.
CLOSING_KEPT_WHOLE_LINES = 24
#: Characters of body text on a line of the document, on the short side (11 pt text on a Letter or A4 page).
_CHARACTERS_PER_LINE = 85
_BEFORE_PAGE_SIZE = {f"{W}{tag}" for tag in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type")}


def _territory(locale: str) -> str:
    parts = locale.replace("_", "-").split("-")
    return next((part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()), "")


class _Writer:
    """Appends paragraphs and tables to the body, before its final section properties."""

    def __init__(self, document, styles: dict[str, WordStyle | None], keep: NoBreak | None = None):
        self.document = document
        self.keep = keep or NoBreak()  # the words a line must not break inside, joined by no-break spaces
        # set while writing the closing section: each paragraph keeps with the next, so it moves to a page whole
        self.keep_with_next = False
        self.parent = document._body
        self.body = document.element.body
        self.styles = styles
        self.ids = {role: _style_id(style) for role, style in styles.items()}
        # a bullet style that draws nothing of its own (no numbering definition) still gets bullets
        self.needs_bullets = _needs_bullets(styles)
        self.bullet_num: str | None = None
        self.sect = self.body.find(_SECT)  # the template's body is empty but for these (PreparedDocument)

    def set_page_size(self, locale: str) -> None:
        """A page size and margins where the template sets none (pandoc's reference.docx): without them every
        application picks its own, so the document would not look the same everywhere."""
        if self.sect is None:
            self.sect = OxmlElement("w:sectPr")
            self.body.append(self.sect)
        if self.sect.find(f"{W}pgSz") is not None:
            return
        width, height = (12240, 15840) if _territory(locale) in LETTER_TERRITORIES else (11906, 16838)  # twips
        size = OxmlElement("w:pgSz", {f"{W}w": str(width), f"{W}h": str(height)})
        before = [child for child in self.sect if child.tag in _BEFORE_PAGE_SIZE]
        if before:
            before[-1].addnext(size)
        else:
            self.sect.insert(0, size)
        if self.sect.find(f"{W}pgMar") is None:
            size.addnext(OxmlElement("w:pgMar", {f"{W}{side}": value for side, value in (
                ("top", "1440"), ("right", "1440"), ("bottom", "1440"), ("left", "1440"),
                ("header", "720"), ("footer", "720"), ("gutter", "0"))}))

    def paragraph(self, text: str, role: str | None, num_id: str | None = None) -> None:
        p = self.body.makeelement(_P, {})
        style_id = self.ids[role] if role else None
        # set on the paragraph, not left to the style: a user's template may not keep its headings with what follows
        keep_next = role in _HEADING_ROLES or self.keep_with_next
        if style_id or num_id or keep_next:
            pPr = SubElement(p, _PPR)
            if style_id:
                SubElement(pPr, _PSTYLE, {_VAL: style_id})
            if keep_next:  # the schema's order: pStyle, keepNext, keepLines, ..., numPr
                SubElement(pPr, _KEEP_NEXT)
                SubElement(pPr, _KEEP_LINES)
            if num_id:
                numPr = SubElement(pPr, _NUMPR)
                SubElement(numPr, _ILVL, {_VAL: "0"})
                SubElement(numPr, _NUMID, {_VAL: num_id})
        if self.sect is not None:
            self.sect.addprevious(p)
        else:
            self.body.append(p)
        if text:
            self.run(p, text)

    def run(self, p, text: str, bold: bool = False) -> None:
        """A run of `text` at the end of paragraph `p`, as python-docx's add_run(text) and run.bold write it."""
        if any(mark in text for mark in _RUN_MARKS):  # tabs and line breaks: python-docx's own
            run = DocxParagraph(p, self.parent).add_run(self.keep(text))
            if bold:
                run.bold = True
            return
        text = self.keep(text)
        r = SubElement(p, _R)
        if bold:
            SubElement(SubElement(r, _RPR), _B)
        if text:
            t = SubElement(r, _T)
            t.text = text
            if len(text.strip()) < len(text):
                t.set(_XML_SPACE, "preserve")

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
                borders.append(OxmlElement(f"w:{side}", {f"{W}val": "single", f"{W}sz": "4",
                                                          f"{W}space": "0", f"{W}color": "auto"}))
            shape._tbl.tblPr.insert_element_before(borders, "w:tblShd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                                   "w:tblCaption", "w:tblDescription", "w:tblPrChange")
        groups = _row_groups(table)
        for number, (tr, values) in enumerate(zip(shape._tbl.tr_lst, rows)):
            tr_pr = tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))  # a row never starts on one page and ends on the next
            if number == 0:
                # the header row repeats on every page the table spans
                tr_pr.append(OxmlElement("w:tblHeader"))
            # the header with the first row, and a group's rows with each other: keepNext on their paragraphs,
            # which Word and LibreOffice honour where the rows fit on one page
            grouped = number < len(rows) - 1 and groups[number] == groups[number + 1]
            keep = number == 0 or self.keep_with_next or grouped
            for col, tc in enumerate(tr.tc_lst):  # a new table's cells, none merged: python-docx's row.cells
                text = values[col] if col < len(values) else ""
                if col == 0 and number > 0 and groups.count(groups[number]) > 1:
                    # the product once per group, its cell merged down over the group's rows
                    merge = tc.get_or_add_tcPr().get_or_add_vMerge()
                    if groups[number] == number:
                        merge.set(_VAL, "restart")
                    else:  # a continued cell: w:vMerge with no value, and no text of its own
                        text = ""
                if keep:
                    _keep_with_next(tc.p_lst[0])
                if text:
                    self.run(tc.p_lst[0], text, bold=number == 0)

    def end_keeping(self) -> None:
        """The document's last paragraph keeps with nothing: a chain of kept paragraphs ends here."""
        last = self.sect.getprevious() if self.sect is not None else self.body[-1]
        if last is not None and last.tag == _P:
            pPr = last.find(_PPR)
            keep = pPr.find(_KEEP_NEXT) if pPr is not None else None
            if keep is not None:
                pPr.remove(keep)

    def body_of(self, section: Section) -> None:
        for element in section.document_body:
            if isinstance(element, Paragraph):
                self.paragraph(element.text, "body")
            elif isinstance(element, BulletList):
                for item in element.items:
                    self.bullet(item.text)
            elif isinstance(element, Table):
                self.table(element)


def _row_groups(table: Table) -> list[int]:
    """Each row's group (the header row's is 0): with group_first_column, rows whose first cell repeats the row
    above's share its group; otherwise every row is a group of its own."""
    groups, previous = [0], None
    for number, row in enumerate(table.rows, start=1):
        first = row[0] if row else ""
        same = table.group_first_column and number > 1 and first == previous
        groups.append(groups[-1] if same else number)
        previous = first
    return groups


def _fits_half_a_page(section: Section) -> bool:
    """Whether a section's body is estimated at CLOSING_KEPT_WHOLE_LINES lines or fewer (a full-width character
    counts as two)."""
    def lines(text: str) -> int:
        return max(1, -int(-text_columns(text) // _CHARACTERS_PER_LINE))

    count = 0
    for element in section.document_body:
        if isinstance(element, Paragraph):
            count += lines(element.text)
        elif isinstance(element, BulletList):
            count += sum(lines(item.text) for item in element.items)
        elif isinstance(element, Table):  # a cell wraps in its column's share of the line
            columns = max(len(element.header), 1)
            count += sum(max((lines(cell) * columns for cell in row), default=1)
                         for row in (element.header, *element.rows))
    return count <= CLOSING_KEPT_WHOLE_LINES


def _keep_with_next(p) -> None:
    """w:keepNext on paragraph `p`, in its place in the schema's order (after pStyle)."""
    pPr = p.get_or_add_pPr()
    if pPr.find(_KEEP_NEXT) is None:
        style = pPr.find(_PSTYLE)
        if style is not None:
            style.addnext(pPr.makeelement(_KEEP_NEXT, {}))
        else:
            pPr.insert(0, pPr.makeelement(_KEEP_NEXT, {}))


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
        ids = [int(value) for element in numbering.iter(f"{W}{tag}")
               if (value := element.get(f"{W}{attribute}", "")).isdigit()]
        return str(max(ids, default=0) + 1)

    abstract_id, num_id = next_id("abstractNum", "abstractNumId"), next_id("num", "numId")
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl>'
        "</w:abstractNum>")
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    # abstract definitions come before the nums that use them (the schema's order)
    after = next((child for child in numbering if child.tag in (f"{W}num", f"{W}numIdMacAtCleanup")), None)
    if after is not None:
        after.addprevious(abstract)
    else:
        numbering.append(abstract)
    cleanup = numbering.find(f"{W}numIdMacAtCleanup")
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


# --- the reader's language, fonts and direction ----------------------------------------------------------------

def _following(*tags: str) -> dict[str, frozenset[str]]:
    """Each of a schema sequence's elements (w:rPr's, w:pPr's, w:tblPr's) with those that come after it."""
    names = [f"{W}{tag}" for tag in tags]
    return {name: frozenset(names[at + 1:]) for at, name in enumerate(names)}


_RPR_LATER = _following(
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position",
    "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
    "eastAsianLayout", "specVanish", "oMath", "rPrChange")
_PPR_LATER = _following(
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_TBLPR_LATER = _following(
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
    "tblDescription", "tblPrChange")
_R_FONTS, _RTL, _LANG = f"{W}rFonts", f"{W}rtl", f"{W}lang"


def _child(parent, tag: str, later: dict[str, frozenset[str]]):
    """`parent`'s child `tag`, added where it has none in its place in the schema's sequence (`later`: _following's)."""
    found = parent.find(tag)
    if found is not None:
        return found
    child = parent.makeelement(tag, {})
    after = later[tag]
    following = next((element for element in parent if element.tag in after), None)
    if following is not None:
        following.addprevious(child)
    else:
        parent.append(child)
    return child


def _first_child(parent, tag: str):
    """`parent`'s child `tag`, added as its first where it has none (a run's w:rPr, a paragraph's w:pPr)."""
    found = parent.find(tag)
    if found is None:
        found = parent.makeelement(tag, {})
        parent.insert(0, found)
    return found


def _language_attributes(doc: Document) -> dict[str, str]:
    """w:lang's attributes for the customer's text: its language, as the East Asian text's in Chinese, Japanese or
    Korean, and as the right-to-left text's when it reads right to left.

    In Chinese, Japanese or Korean, w:val (the language of the Latin letters and digits among it) is English, as
    Word sets it for those languages: tagged Japanese, LibreOffice breaks a line inside "+1 206 555 0187"."""
    found = {_VAL: doc.language}
    if east_asian(doc.language):
        found = {_VAL: "en-US", f"{W}eastAsia": doc.language}
    if doc.right_to_left:
        found[f"{W}bidi"] = doc.language
    return found


def _set_default_language(styles, language: dict[str, str]) -> None:
    """The styles' default run properties (w:docDefaults) in `language`: what any text without its own reads in."""
    defaults = _first_child(styles, f"{W}docDefaults")
    run = _first_child(_first_child(defaults, f"{W}rPrDefault"), f"{W}rPr")
    _child(run, _LANG, _RPR_LATER).attrib.update(language)


def _mark_text(body, doc: Document) -> None:
    """Every run of the body in the customer's language, with the document's typefaces for East Asian and complex
    scripts; right to left, every paragraph, run and table reads so. Chinese and Japanese commas and full stops
    keep hanging in the right margin, as Word and LibreOffice set them: LibreOffice reads w:overflowPunct, which
    would stop it in Word, the other way round."""
    language = _language_attributes(doc)
    fonts = {f"{W}{attribute}": typeface for attribute, typeface in (("eastAsia", doc.fonts.east_asian),
                                                                      ("cs", doc.fonts.complex)) if typeface}
    # most runs have no properties: they get these alone, in the schema's order (copied: faster than made)
    alone = body.makeelement(_RPR, {})
    if fonts:
        SubElement(alone, _R_FONTS, fonts)
    if doc.right_to_left:
        SubElement(alone, _RTL)
    SubElement(alone, _LANG, language)
    for r in body.iter(_R):
        r_pr = r.find(_RPR)
        if r_pr is None:
            r.insert(0, copy.deepcopy(alone))
            continue
        if fonts:
            _child(r_pr, _R_FONTS, _RPR_LATER).attrib.update(fonts)
        if doc.right_to_left:
            _child(r_pr, _RTL, _RPR_LATER)
        _child(r_pr, _LANG, _RPR_LATER).attrib.update(language)
    if doc.right_to_left:
        for p in body.iter(_P):
            _child(_first_child(p, _PPR), f"{W}bidi", _PPR_LATER)
        for table in body.iter(f"{W}tblPr"):
            _child(table, f"{W}bidiVisual", _TBLPR_LATER)


def _set_package_properties(document, doc: Document) -> None:
    set_core_properties(document.core_properties, doc.properties)
    package = document.part.package
    replace_package_metadata(package, doc.properties.company, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, package))


def _needs_bullets(styles: dict[str, WordStyle | None]) -> bool:
    """Whether bullet items need a list of aspo's: their style draws nothing of its own (no numbering)."""
    bullet = styles["bullet"]
    return bullet is not None and not bullet.draws_numbering


def render_docx(doc: Document, template: PreparedDocument | None = None) -> bytes:
    """The point offering for `doc` as .docx bytes, identical for identical input; `template`: its template,
    prepared (else it is read, checked and opened for this document alone)."""
    if template is None:
        template = PreparedDocument.open(doc.document_template)
    elif template.path != Path(doc.document_template):
        raise ValueError(f"{template.path} is prepared, not {doc.document_template}")
    styles = _resolve_styles(template.styles, doc)
    numbering = _needs_bullets(styles) and any(isinstance(element, BulletList) and element.items
                                               for section in doc.document_sections
                                               for element in section.document_body)
    document = template.document(numbering, _language_attributes(doc))
    writer = _Writer(document, styles, no_break(doc.locale, doc.unbreakable))
    writer.set_page_size(doc.locale)
    if doc.logo is not None:  # on the first page, above the title
        writer.picture(doc.logo, "body")
    group = None
    sections = doc.document_sections
    for section in sections:
        # the closing section (the call to action) moves to the next page whole rather than leave its heading behind
        writer.keep_with_next = len(sections) > 1 and section is sections[-1] and _fits_half_a_page(section)
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
    writer.end_keeping()
    _mark_text(writer.body, doc)
    _set_package_properties(document, doc)
    return template.write(document, doc.properties.created)
