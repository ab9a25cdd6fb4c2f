#!/usr/bin/env python3
"""Builds the marketing-editable layout files from the libraries' own defaults.

    python tools/make_layouts.py [OUTPUT_DIR] [--vendor NAME]   (default: templates/layouts, Meridian Ops)

writes deck.pptx (a 16:9 slide master in the vendor's identity: its name on the wordmarks, the theme
and the file properties) and offering.docx (a slim Word reference document with the named styles the
renderer uses, the vendor's name in its footer). The output is byte-identical on every run. Marketing may
restyle both files in PowerPoint or Word afterwards, as long as the layout and style names stay.
The starter library `aspo init` writes has its own pair, made with

    python tools/make_layouts.py aspo/starter/templates/layouts --vendor Brightwell
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aspo.compose.document import Properties  # noqa: E402
from aspo.office.ooxml import NAMESPACES  # noqa: E402
from aspo.render.office_package import replace_package_metadata, set_core_properties  # noqa: E402
from aspo.render.zips import normalize_zip  # noqa: E402

VENDOR = "Meridian Ops"  # --vendor sets it
STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

# --- the identity --------------------------------------------------------------------------
NAVY = "14213D"
TEAL = "1B998B"
WARM = "F4A259"
INK = "1F2A37"
MIST = "E8EEF2"
SLATE = "5C6B7A"
RULE = "BFC8D2"
FONT = "Calibri"  # metric-compatible with Carlito, which LibreOffice substitutes

COLOURS = {
    "dk1": INK,
    "lt1": "FFFFFF",
    "dk2": NAVY,
    "lt2": MIST,
    "accent1": TEAL,
    "accent2": WARM,
    "accent3": "2E5EAA",
    "accent4": "5B8C5A",
    "accent5": "BC4B51",
    "accent6": "8E7DBE",
    "hlink": TEAL,
    "folHlink": SLATE,
}

A, P, R, W = (NAMESPACES[prefix] for prefix in "aprw")
NS = {prefix: NAMESPACES[prefix] for prefix in "aprw"}


def a(tag: str) -> str:
    return f"{{{A}}}{tag}"


def p_(tag: str) -> str:
    return f"{{{P}}}{tag}"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def restyle_theme(blob: bytes) -> bytes:
    """The theme's colours and fonts, in the vendor's identity."""
    root = etree.fromstring(blob)
    root.set("name", VENDOR)
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", VENDOR)
    for slot, rgb in COLOURS.items():
        holder = scheme.find(f"a:{slot}", NS)
        for child in list(holder):
            holder.remove(child)
        etree.SubElement(holder, a("srgbClr"), val=rgb)
    fonts = root.find(".//a:fontScheme", NS)
    fonts.set("name", VENDOR)
    for kind in ("majorFont", "minorFont"):
        fonts.find(f"a:{kind}/a:latin", NS).set("typeface", FONT)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def template_properties(title: str, subject: str) -> Properties:
    return Properties(title=title, subject=subject, author=f"{VENDOR} Marketing", company=VENDOR, keywords="",
                      category="Template", created=STAMP)


# === deck.pptx ===============================================================================

SLIDE_W, SLIDE_H = 12192000, 6858000
MARGIN = 609600  # 0.667 in
CONTENT_W = SLIDE_W - 2 * MARGIN
BAND_H = 411480  # navy band at the foot of every slide
BAND_Y = SLIDE_H - BAND_H
RULE_H = 45720  # teal rule above the band
TITLE_BOX = (MARGIN, 365760, CONTENT_W, 1143000)  # two lines of 30 pt titles
BODY_BOX = (MARGIN, 1645920, CONTENT_W, 4526280)
GAP = 365760
HALF_W = (CONTENT_W - GAP) // 2
HALF_WIDTH_SIZES = {1: 2000, 2: 1800, 3: 1600}  # half-width columns take smaller text, as PowerPoint's own do

KEEP_LAYOUTS = ("Title Slide", "Title and Content", "Section Header", "Two Content", "Title Only")


def xfrm(sp, box) -> None:
    """Sets an explicit position on a shape element (p:sp)."""
    spPr = sp.find("p:spPr", NS)
    old = spPr.find("a:xfrm", NS)
    if old is not None:
        spPr.remove(old)
    x, y, cx, cy = box
    new = etree.Element(a("xfrm"))
    etree.SubElement(new, a("off"), x=str(x), y=str(y))
    etree.SubElement(new, a("ext"), cx=str(cx), cy=str(cy))
    spPr.insert(0, new)


def scheme_fill(parent, colour: str):
    fill = etree.SubElement(parent, a("solidFill"))
    etree.SubElement(fill, a("schemeClr"), val=colour)
    return fill


def set_text_colour(defRPr, colour: str) -> None:
    for old in defRPr.findall("a:solidFill", NS):
        defRPr.remove(old)
    fill = etree.Element(a("solidFill"))
    etree.SubElement(fill, a("schemeClr"), val=colour)
    defRPr.insert(0, fill)


_next_id = [100]


def rect(name: str, box, colour: str, text: str | None = None, text_colour: str = "bg1",
         size: int = 1400, bold: bool = True):
    """A plain filled rectangle (optionally with a line of text) for a master or layout."""
    _next_id[0] += 1
    x, y, cx, cy = box
    sp = etree.Element(p_("sp"), nsmap={"a": A, "p": P})
    nv = etree.SubElement(sp, p_("nvSpPr"))
    etree.SubElement(nv, p_("cNvPr"), id=str(_next_id[0]), name=name)
    etree.SubElement(nv, p_("cNvSpPr"))
    etree.SubElement(nv, p_("nvPr"))
    spPr = etree.SubElement(sp, p_("spPr"))
    xf = etree.SubElement(spPr, a("xfrm"))
    etree.SubElement(xf, a("off"), x=str(x), y=str(y))
    etree.SubElement(xf, a("ext"), cx=str(cx), cy=str(cy))
    geom = etree.SubElement(spPr, a("prstGeom"), prst="rect")
    etree.SubElement(geom, a("avLst"))
    scheme_fill(spPr, colour)
    etree.SubElement(etree.SubElement(spPr, a("ln")), a("noFill"))
    body = etree.SubElement(sp, p_("txBody"))
    etree.SubElement(body, a("bodyPr"), wrap="none", lIns="91440", tIns="0", rIns="91440",
                     bIns="0", rtlCol="0", anchor="ctr")
    etree.SubElement(body, a("lstStyle"))
    para = etree.SubElement(body, a("p"))
    if text:
        run = etree.SubElement(para, a("r"))
        rPr = etree.SubElement(run, a("rPr"), lang="en-US", sz=str(size), b="1" if bold else "0")
        scheme_fill(rPr, text_colour)
        etree.SubElement(rPr, a("latin"), typeface="+mj-lt")
        etree.SubElement(run, a("t")).text = text
    else:
        etree.SubElement(para, a("endParaRPr"), lang="en-US")
    return sp


def placeholder_sps(tree):
    for sp in tree.findall("p:sp", NS):
        ph = sp.find("p:nvSpPr/p:nvPr/p:ph", NS)
        if ph is not None:
            yield sp, ph.get("type", "obj"), int(ph.get("idx", "0"))


def insert_decor(tree, shapes) -> None:
    """Adds decoration behind the placeholders (right after the group properties)."""
    anchor = tree.find("p:grpSpPr", NS)
    position = list(tree).index(anchor) + 1
    for offset, shape in enumerate(shapes):
        tree.insert(position + offset, shape)


def style_master(master) -> None:
    root = master._element
    tree = root.find("p:cSld/p:spTree", NS)
    footer_boxes = {
        "dt": (MARGIN + 2743200 + GAP, BAND_Y, 1828800, BAND_H),
        "ftr": (MARGIN + 2743200 + GAP + 1828800 + GAP, BAND_Y, 3657600, BAND_H),
        "sldNum": (SLIDE_W - MARGIN - 1828800, BAND_Y, 1828800, BAND_H),
    }
    for sp, kind, _idx in placeholder_sps(tree):
        if kind == "title":
            xfrm(sp, TITLE_BOX)
            sp.find("p:txBody/a:bodyPr", NS).set("anchor", "b")
        elif kind == "body":
            xfrm(sp, BODY_BOX)
        elif kind in footer_boxes:
            xfrm(sp, footer_boxes[kind])
            for defRPr in sp.iterfind("p:txBody/a:lstStyle//a:defRPr", NS):
                set_text_colour(defRPr, "bg1")
    insert_decor(tree, [
        rect(f"{mark()} Band", (0, BAND_Y, SLIDE_W, BAND_H), "tx2"),
        rect(f"{mark()} Rule", (0, BAND_Y - RULE_H, SLIDE_W, RULE_H), "accent1"),
        rect(f"{mark()} Title Accent", (MARGIN + 91440, TITLE_BOX[1] + TITLE_BOX[3] + 45720,
                                       1097280, 54864), "accent2"),
        # as navy as the band: only its text shows
        rect(f"{mark()} Wordmark", (MARGIN, BAND_Y, 2743200, BAND_H), "tx2", VENDOR),
    ])
    styles = root.find("p:txStyles", NS)
    title = styles.find("p:titleStyle/a:lvl1pPr", NS)
    title.set("algn", "l")
    title_rpr = title.find("a:defRPr", NS)
    title_rpr.set("sz", "3000")
    title_rpr.set("b", "1")
    set_text_colour(title_rpr, "tx2")
    sizes = {1: 2400, 2: 2000, 3: 1800, 4: 1600, 5: 1600}
    for level in range(1, 10):
        pPr = styles.find(f"p:bodyStyle/a:lvl{level}pPr", NS)
        if pPr is None:
            continue
        rpr = pPr.find("a:defRPr", NS)
        rpr.set("sz", str(sizes.get(level, 1600)))
        colour = etree.Element(a("buClr"))
        etree.SubElement(colour, a("schemeClr"), val="accent1")
        spcBef = pPr.find("a:spcBef", NS)
        spcBef.addnext(colour)


def layout_background(layout_root, colour: str) -> None:
    cSld = layout_root.find("p:cSld", NS)
    bg = etree.Element(p_("bg"))
    bgPr = etree.SubElement(bg, p_("bgPr"))
    scheme_fill(bgPr, colour)
    etree.SubElement(bgPr, a("effectLst"))
    cSld.insert(0, bg)


def smaller_text(sp, sizes: dict[int, int]) -> None:
    """Smaller text per level in a narrow placeholder; bullets and margins stay the master's."""
    body = sp.find("p:txBody", NS)
    new = etree.Element(a("lstStyle"))
    for level, size in sorted(sizes.items()):
        etree.SubElement(etree.SubElement(new, a(f"lvl{level}pPr")), a("defRPr"), sz=str(size))
    body.replace(body.find("a:lstStyle", NS), new)


def level_one_style(sp, colour: str, size: int | None = None, align: str = "l",
                    bullets: bool = False) -> None:
    """Replaces a layout placeholder's list style with one first-level paragraph style."""
    body = sp.find("p:txBody", NS)
    old = body.find("a:lstStyle", NS)
    new = etree.Element(a("lstStyle"))
    lvl = etree.SubElement(new, a("lvl1pPr"), algn=align)
    if not bullets:
        lvl.set("marL", "0")
        lvl.set("indent", "0")
        etree.SubElement(lvl, a("buNone"))
    rpr = etree.SubElement(lvl, a("defRPr"))
    if size:
        rpr.set("sz", str(size))
    scheme_fill(rpr, colour)
    body.replace(old, new)


def style_layouts(prs) -> None:
    for layout in list(prs.slide_layouts):
        if layout.name not in KEEP_LAYOUTS:
            prs.slide_layouts.remove(layout)
    for layout in prs.slide_layouts:
        root = layout._element
        tree = root.find("p:cSld/p:spTree", NS)
        name = layout.name
        for sp, kind, idx in placeholder_sps(tree):
            if kind in ("dt", "ftr", "sldNum"):
                continue
            if name == "Title Slide":
                if kind == "ctrTitle":
                    xfrm(sp, (MARGIN, 1828800, CONTENT_W, 1645920))
                    sp.find("p:txBody/a:bodyPr", NS).set("anchor", "b")
                    level_one_style(sp, "bg1", 4400)
                elif idx == 1:
                    xfrm(sp, (MARGIN, 3749040, CONTENT_W, 1280160))
                    level_one_style(sp, "accent2", 2400)
            elif name == "Section Header":
                if kind == "title":
                    xfrm(sp, (MARGIN, 2103120, CONTENT_W, 1463040))
                    sp.find("p:txBody/a:bodyPr", NS).set("anchor", "b")
                    level_one_style(sp, "bg1", 4000)
                elif idx == 1:
                    xfrm(sp, (MARGIN, 3840480, CONTENT_W, 1463040))
                    level_one_style(sp, "tx2", 2400)
            elif name == "Two Content":
                if kind == "title":
                    xfrm(sp, TITLE_BOX)
                elif idx == 1:
                    xfrm(sp, (MARGIN, BODY_BOX[1], HALF_W, BODY_BOX[3]))
                    smaller_text(sp, HALF_WIDTH_SIZES)
                elif idx == 2:
                    xfrm(sp, (MARGIN + HALF_W + GAP, BODY_BOX[1], HALF_W, BODY_BOX[3]))
                    smaller_text(sp, HALF_WIDTH_SIZES)
            else:  # Title and Content, Title Only
                xfrm(sp, TITLE_BOX if kind == "title" else BODY_BOX)
        if name == "Section Header":
            # a teal divider with the navy band, the accent moved above the title
            layout_background(root, "accent1")
            root.set("showMasterSp", "0")
            insert_decor(tree, [
                rect(f"{mark()} Band", (0, BAND_Y, SLIDE_W, BAND_H), "tx2"),
                rect(f"{mark()} Divider Rule", (MARGIN + 91440, 1920240, 1097280, 73152), "accent2"),
                rect(f"{mark()} Wordmark", (MARGIN, BAND_Y, 2743200, BAND_H), "tx2", VENDOR),
            ])
        if name == "Title Slide":
            # a navy cover with its own rules instead of the master's band
            layout_background(root, "tx2")
            root.set("showMasterSp", "0")
            insert_decor(tree, [
                rect(f"{mark()} Cover Rule", (MARGIN + 91440, 3611880, 1828800, 73152), "accent2"),
                rect(f"{mark()} Cover Band", (0, SLIDE_H - 228600, SLIDE_W, 228600), "accent1"),
                rect(f"{mark()} Cover Wordmark", (MARGIN, 640080, 3657600, 457200), "tx2", VENDOR,
                     size=2000),
            ])


def build_deck() -> bytes:
    from pptx import Presentation
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    sldSz = prs.part._element.find("p:sldSz", NS)
    sldSz.attrib.pop("type", None)
    for slide_id in list(prs.slides._sldIdLst):  # the default has none; be sure
        prs.part.drop_rel(slide_id.rId)
        prs.slides._sldIdLst.remove(slide_id)

    master = prs.slide_master
    style_master(master)
    style_layouts(prs)
    for number, layout in enumerate(prs.slide_layouts, start=1):
        layout.part.partname = PackURI(f"/ppt/slideLayouts/slideLayout{number}.xml")
    # theme of the slide master
    theme = master.part.part_related_by(RT.THEME)
    theme._blob = restyle_theme(theme.blob)

    # a notes master in the identity, so rendering notes never has to create one
    notes_master = prs.notes_master
    notes_theme = notes_master.part.part_related_by(RT.THEME)
    notes_theme._blob = restyle_theme(notes_theme.blob)
    pres = prs.part._element
    if pres.find("p:notesMasterIdLst", NS) is None:
        rId = next(rId for rId, rel in prs.part.rels.items() if rel.reltype == RT.NOTES_MASTER)
        lst = etree.Element(p_("notesMasterIdLst"))
        etree.SubElement(lst, p_("notesMasterId")).set(f"{{{R}}}id", rId)
        pres.find("p:sldMasterIdLst", NS).addnext(lst)

    # no printer settings, no stale thumbnail
    for rId, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part.drop_rel(rId)
    package = prs.part.package

    set_core_properties(prs.core_properties,
                        template_properties(f"{VENDOR} deck layouts", "Slide master for account-specific decks"))
    replace_package_metadata(package, VENDOR, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, package, blob))

    out = io.BytesIO()
    prs.save(out)
    return normalize_zip(out.getvalue(), STAMP)


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# === offering.docx ===========================================================================

KEEP_STYLES = {
    # what the renderer uses by role, and what those are based on
    "Normal", "Title", "Subtitle", "Heading1", "Heading2", "ListBullet", "TableGrid", "Quote",
    # the defaults every document needs, and the footer
    "DefaultParagraphFont", "TableNormal", "NoList", "Footer",
}


def _el(tag: str, **attrs):
    node = etree.Element(w(tag))
    for key, value in attrs.items():
        node.set(w(key), str(value))
    return node


def _sub(parent, tag: str, **attrs):
    node = _el(tag, **attrs)
    parent.append(node)
    return node


def _replace_rpr(style, build) -> None:
    old = style.find("w:rPr", NS)
    if old is not None:
        style.remove(old)
    rpr = _el("rPr")
    build(rpr)
    style.append(rpr)


def _replace_ppr(style, build) -> None:
    old = style.find("w:pPr", NS)
    new = _el("pPr")
    build(new)
    if old is not None:
        style.replace(old, new)
    else:
        rpr = style.find("w:rPr", NS)
        if rpr is not None:
            rpr.addprevious(new)
        else:
            style.append(new)


def _theme_fonts(rpr, major: bool) -> None:
    kind = "major" if major else "minor"
    _sub(rpr, "rFonts", asciiTheme=f"{kind}HAnsi", eastAsiaTheme=f"{kind}EastAsia",
         hAnsiTheme=f"{kind}HAnsi", cstheme=f"{kind}Bidi")


def _colour(rpr, rgb: str, theme: str | None = None) -> None:
    node = _sub(rpr, "color", val=rgb)
    if theme:
        node.set(w("themeColor"), theme)


def _size(rpr, half_points: int) -> None:
    _sub(rpr, "sz", val=half_points)
    _sub(rpr, "szCs", val=half_points)


def _border(ppr, side: str, rgb: str, size: int, space: int) -> None:
    borders = ppr.find("w:pBdr", NS)
    if borders is None:
        borders = _sub(ppr, "pBdr")
    _sub(borders, side, val="single", sz=size, space=space, color=rgb)


def slim_styles(doc) -> None:
    styles = doc.styles.element
    latent = styles.find("w:latentStyles", NS)
    if latent is not None:
        styles.remove(latent)
    by_id = {}
    for style in styles.findall("w:style", NS):
        sid = style.get(w("styleId"))
        if sid not in KEEP_STYLES:
            styles.remove(style)
            continue
        by_id[sid] = style
        for tag in ("link", "rsid"):
            for node in style.findall(f"w:{tag}", NS):
                style.remove(node)

    defaults = styles.find("w:docDefaults", NS)
    rpr = defaults.find("w:rPrDefault/w:rPr", NS)
    for node in rpr.findall("w:sz", NS) + rpr.findall("w:szCs", NS):
        node.set(w("val"), "22")
    spacing = defaults.find("w:pPrDefault/w:pPr/w:spacing", NS)
    spacing.set(w("after"), "160")
    spacing.set(w("line"), "264")

    _replace_rpr(by_id["Normal"], lambda r: _colour(r, INK, "text1"))

    def title_ppr(ppr):
        _border(ppr, "bottom", TEAL, 12, 6)
        _sub(ppr, "spacing", after="120", line="240", lineRule="auto")
        _sub(ppr, "contextualSpacing")

    def title_rpr(r):
        _theme_fonts(r, major=True)
        _sub(r, "b")
        _sub(r, "bCs")
        _colour(r, NAVY, "text2")
        _sub(r, "kern", val="28")
        _size(r, 56)

    _replace_ppr(by_id["Title"], title_ppr)
    _replace_rpr(by_id["Title"], title_rpr)

    def subtitle_ppr(ppr):
        _sub(ppr, "spacing", before="120", after="480")

    def subtitle_rpr(r):
        _theme_fonts(r, major=True)
        _colour(r, TEAL, "accent1")
        _size(r, 30)

    _replace_ppr(by_id["Subtitle"], subtitle_ppr)
    _replace_rpr(by_id["Subtitle"], subtitle_rpr)

    def heading_ppr(before: str, after: str, level: int, rule: bool):
        def build(ppr):
            _sub(ppr, "keepNext")
            _sub(ppr, "keepLines")
            if rule:
                _border(ppr, "bottom", WARM, 8, 4)
            _sub(ppr, "spacing", before=before, after=after)
            _sub(ppr, "outlineLvl", val=level)
        return build

    def heading_rpr(rgb: str, theme: str, size: int):
        def build(r):
            _theme_fonts(r, major=True)
            _sub(r, "b")
            _sub(r, "bCs")
            _colour(r, rgb, theme)
            _size(r, size)
        return build

    _replace_ppr(by_id["Heading1"], heading_ppr("360", "120", 0, True))
    _replace_rpr(by_id["Heading1"], heading_rpr(NAVY, "text2", 32))
    _replace_ppr(by_id["Heading2"], heading_ppr("240", "80", 1, False))
    _replace_rpr(by_id["Heading2"], heading_rpr(TEAL, "accent1", 26))

    def bullet_ppr(ppr):
        num = _sub(ppr, "numPr")
        _sub(num, "numId", val="1")
        _sub(ppr, "spacing", after="80")
        _sub(ppr, "contextualSpacing")

    _replace_ppr(by_id["ListBullet"], bullet_ppr)

    def quote_ppr(ppr):
        _border(ppr, "left", TEAL, 18, 8)
        _sub(ppr, "spacing", before="120", after="160")
        _sub(ppr, "ind", left="284", right="284")

    def quote_rpr(r):
        _sub(r, "i")
        _sub(r, "iCs")
        _colour(r, SLATE)

    _replace_ppr(by_id["Quote"], quote_ppr)
    _replace_rpr(by_id["Quote"], quote_rpr)

    def footer_ppr(ppr):
        tabs = _sub(ppr, "tabs")
        _sub(tabs, "tab", val="right", pos=str(TEXT_WIDTH))
        _sub(ppr, "spacing", after="0", line="240", lineRule="auto")

    def footer_rpr(r):
        _colour(r, SLATE)
        _size(r, 16)

    _replace_ppr(by_id["Footer"], footer_ppr)
    _replace_rpr(by_id["Footer"], footer_rpr)

    grid = by_id["TableGrid"]
    tblPr = grid.find("w:tblPr", NS)
    borders = tblPr.find("w:tblBorders", NS)
    for edge in borders:
        edge.set(w("color"), RULE)
    margins = tblPr.find("w:tblCellMar", NS)
    margins.find("w:top", NS).set(w("w"), "57")
    margins.find("w:bottom", NS).set(w("w"), "57")
    header = _sub(grid, "tblStylePr", type="firstRow")
    header_rpr = _sub(header, "rPr")
    _sub(header_rpr, "b")
    _sub(header_rpr, "bCs")
    _colour(header_rpr, NAVY, "text2")
    # bold navy text on a pale band with a teal rule: readable even where a reader ignores
    # the header row's text colour
    tcPr = _sub(header, "tcPr")
    tcBorders = _sub(tcPr, "tcBorders")
    _sub(tcBorders, "bottom", val="single", sz="12", space="0", color=TEAL)
    _sub(tcPr, "shd", val="clear", color="auto", fill=MIST)


def slim_numbering(doc) -> None:
    numbering = doc.part.numbering_part.element
    keep_abstract = set()
    for num in numbering.findall("w:num", NS):
        if num.get(w("numId")) == "1":
            keep_abstract.add(num.find("w:abstractNumId", NS).get(w("val")))
        else:
            numbering.remove(num)
    for abstract in numbering.findall("w:abstractNum", NS):
        if abstract.get(w("abstractNumId")) not in keep_abstract:
            numbering.remove(abstract)
            continue
        lvl = abstract.find("w:lvl", NS)
        lvl.find("w:lvlText", NS).set(w("val"), "\u2022")
        rpr = lvl.find("w:rPr", NS)
        for child in list(rpr):
            rpr.remove(child)
        _sub(rpr, "rFonts", ascii=FONT, hAnsi=FONT, hint="default")
        _colour(rpr, TEAL)


PAGE_W, PAGE_H = 11906, 16838  # A4, twentieths of a point
PAGE_MARGIN = 1247  # 2.2 cm
TEXT_WIDTH = PAGE_W - 2 * PAGE_MARGIN


def set_page(doc) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != w("sectPr"):
            body.remove(child)
    sectPr = body.find("w:sectPr", NS)
    for key in list(sectPr.attrib):
        del sectPr.attrib[key]
    pgSz = sectPr.find("w:pgSz", NS)
    pgSz.set(w("w"), str(PAGE_W))
    pgSz.set(w("h"), str(PAGE_H))
    pgMar = sectPr.find("w:pgMar", NS)
    for side in ("top", "right", "bottom", "left"):
        pgMar.set(w(side), str(PAGE_MARGIN))
    pgMar.set(w("header"), "624")
    pgMar.set(w("footer"), "624")

    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.text = f"{VENDOR}\t"  # no words of one language: the document may be in any (docs/translations.md)
    field = etree.SubElement(para._p, w("fldSimple"))
    field.set(w("instr"), " PAGE ")
    run = etree.SubElement(field, w("r"))
    etree.SubElement(run, w("t")).text = "1"


def slim_settings(doc) -> None:
    settings = doc.settings.element
    for tag in ("rsids", "savePreviewPicture", "proofState", "attachedTemplate"):
        for node in settings.findall(f"w:{tag}", NS):
            settings.remove(node)


def build_offering() -> bytes:
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    doc = docx.Document()
    package = doc.part.package
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype in (STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            doc.part.rels.pop(rId)
    theme = doc.part.part_related_by(RT.THEME)
    theme._blob = restyle_theme(theme.blob)

    slim_styles(doc)
    slim_numbering(doc)
    slim_settings(doc)
    set_page(doc)

    set_core_properties(doc.core_properties,
                        template_properties(f"{VENDOR} point offering styles",
                                            "Reference document for account-specific point offerings"))
    replace_package_metadata(package, VENDOR, lambda blob: Part(
        PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, package))

    out = io.BytesIO()
    doc.save(out)
    return normalize_zip(out.getvalue(), STAMP)


def mark() -> str:
    """The first word of the vendor's name, which names the identity's shapes ("Meridian Band")."""
    return VENDOR.split()[0]


def main(argv: list[str]) -> int:
    global VENDOR
    parser = argparse.ArgumentParser(prog="python tools/make_layouts.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dir", metavar="OUTPUT_DIR", nargs="?", type=Path,
                        default=ROOT / "templates" / "layouts",
                        help="where deck.pptx and offering.docx are written (default: templates/layouts)")
    parser.add_argument("--vendor", default=VENDOR, metavar="NAME",
                        help=f"the vendor whose name the layouts carry (default: {VENDOR})")
    args = parser.parse_args(argv[1:])
    VENDOR = args.vendor
    target = args.output_dir
    target.mkdir(parents=True, exist_ok=True)
    for name, build in (("deck.pptx", build_deck), ("offering.docx", build_offering)):
        path = target / name
        data = build()
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
