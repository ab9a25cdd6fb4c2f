"""What a Word template offers: its paragraph and table styles, page and theme, read straight from the zip."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from aspo.core.bounded import OverBudget, ZipBudget, open_zip
from aspo.core.errors import AspoError, quoted
from aspo.core.rulebook import LAYOUT
from aspo.office.deck_template import ScriptFonts
from aspo.office.ooxml import A, W
from aspo.office.safety import TEMPLATE_LIMIT, digest, int_or_none, open_template, part_xml, template_data

# Word stores built-in names in lower case; these are the names people see in Word (python-docx's BabelFish).
_UI_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
             **{f"heading {n}": f"Heading {n}" for n in range(1, 10)}}


@dataclass(frozen=True)
class WordStyle:
    """One paragraph or table style of a Word template: how Word shows it, what it is built as, how it looks."""

    style_id: str  # w:styleId; Word localizes it ("berschrift1" in German)
    name: str  # as Word shows it: "Heading 1" for w:name "heading 1"
    kind: str  # "paragraph" or "table"
    builtin: str | None  # w:name lower-cased for a built-in style ("heading 1"), English in any UI language
    based_on: str | None = None  # the w:styleId it is based on
    default: bool = False  # the default style of its kind
    numbering: str | None = None  # the w:numFmt its list numbering draws ("bullet", "decimal", "none"); None: none
    numbering_text: str = ""  # that level's w:lvlText: "•", "%1.%2"
    font: str | None = None  # the Latin font, theme fonts resolved
    size: float | None = None  # points
    bold: bool = False
    italic: bool = False
    color: str | None = None  # RRGGBB, or a theme colour's name

    @property
    def draws_numbering(self) -> bool:
        """Whether Word and LibreOffice draw a bullet or a number in front of its paragraphs."""
        return self.numbering not in (None, "none") and bool(self.numbering_text.strip())

    @property
    def draws_bullets(self) -> bool:
        return self.numbering == "bullet" and self.draws_numbering


@dataclass(frozen=True)
class PageSetup:
    """The last section's page size and margins, in twentieths of a point (as Word stores them)."""

    width: int
    height: int
    landscape: bool
    margins: tuple[int, int, int, int]  # top, right, bottom, left


@dataclass(frozen=True)
class DocumentTemplate:
    """A Word template's styles and page, as aspo reads them."""

    path: Path
    styles: tuple[WordStyle, ...] = ()  # paragraph and table styles, in file order
    page: PageSetup | None = None  # None: the file sets no page size
    heading_font: str | None = None  # the theme's major (headings) and minor (body) Latin fonts
    body_font: str | None = None
    theme_colors: tuple[tuple[str, str], ...] = ()  # ("accent1", "4472C4"), in the theme's order
    digest: str = ""  # of the bytes read (aspo.office.safety.digest), when checked
    #: The body text's font for each script: the document defaults' (w:docDefaults w:rFonts), else the theme's minor
    #: font's; None where neither names one.
    script_fonts: ScriptFonts = ScriptFonts()
    #: Whether its paragraphs read right to left unless they say otherwise: w:bidi in the document defaults' or the
    #: default paragraph style's (Normal) paragraph properties.
    right_to_left_ready: bool = False

    @property
    def paragraph_styles(self) -> frozenset[str]:
        return frozenset(style.name for style in self.styles if style.kind == "paragraph")

    @property
    def table_styles(self) -> frozenset[str]:
        return frozenset(style.name for style in self.styles if style.kind == "table")


def read_document_template(path: Path, data: bytes | None = None, *, checked: bool = True) -> DocumentTemplate:
    """The paragraph and table styles of a .docx, its page and theme; `data`: the file's bytes, already read.
    `checked=False` reads a file the checks would refuse (to show it as text) without refusing it."""
    data = template_data(path, "Word", data)
    if not checked:
        try:
            with open_zip(data, limit_is=TEMPLATE_LIMIT) as package:
                return _document_template(path, package, checked)
        except OverBudget as exc:
            raise AspoError.at(path, None, None, str(exc), LAYOUT) from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise AspoError.at(path, None, None, f"cannot read this file as a Word .docx file ({exc})",
                               LAYOUT) from None
    with open_template(path, "Word", "word/document.xml", data) as package:
        return replace(_document_template(path, package, checked), digest=digest(data))


def _document_template(path: Path, package: ZipBudget, checked: bool) -> DocumentTemplate:
    names = set(package.namelist())

    def part(name: str):
        return part_xml(package, name, path) if name in names else None

    styles_root = part("word/styles.xml")
    theme = part("word/theme/theme1.xml")
    major, minor, colors = _word_theme(theme)
    styles = () if styles_root is None else _word_styles(styles_root, part("word/numbering.xml"), major, minor,
                                                          path if checked else None)
    return DocumentTemplate(path, styles, _page(part("word/document.xml")), major, minor, colors,
                            script_fonts=_script_fonts(styles_root, theme), right_to_left_ready=_bidi(styles_root))


def _word_styles(root, numbering, major: str | None, minor: str | None, checked: Path | None) -> tuple:
    """Every paragraph and table style, with what it inherits resolved; `checked`: refuse (naming this file)
    a style Word or python-docx cannot read."""
    by_id = {}
    for style in root.iter(f"{W}style"):
        if checked is not None and (problem := _style_problem(style)):
            name_el = style.find(f"{W}name")
            name = "" if name_el is None else name_el.get(f"{W}val", "")
            shown = quoted(_UI_NAMES.get(name, name) or style.get(f"{W}styleId", ""))
            raise AspoError.at(checked, None, "word/styles.xml", f"style {shown} {problem}; save the template again "
                               "from Word", LAYOUT)
        by_id.setdefault(style.get(f"{W}styleId", ""), style)
    lists = _Numbering(numbering, by_id)
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    found = []
    for style_id, style in by_id.items():
        kind = style.get(f"{W}type", "paragraph")  # Word's default type
        name_el = style.find(f"{W}name")
        if kind not in ("paragraph", "table") or name_el is None:
            continue  # python-docx and Word's style list show no style without a name
        name = name_el.get(f"{W}val", "")
        chain = _chain(style, by_id)
        num_id = _inherited(chain, f"{W}pPr/{W}numPr/{W}numId")
        level = _inherited(chain, f"{W}pPr/{W}numPr/{W}ilvl")
        numbering_format, numbering_text = lists.level(num_id, level or "0") if num_id else (None, "")
        run = [element.find(f"{W}rPr") for element in chain] + [defaults]
        run = [element for element in run if element is not None]
        found.append(WordStyle(
            style_id=style_id, name=_UI_NAMES.get(name, name), kind=kind,
            builtin=None if _on(style.get(f"{W}customStyle")) else name.lower(),
            based_on=_val(style.find(f"{W}basedOn")), default=_on(style.get(f"{W}default")),
            numbering=numbering_format, numbering_text=numbering_text, font=_font(run, major, minor),
            size=_size(run), bold=_toggle(run, "b"), italic=_toggle(run, "i"), color=_color(run)))
    return tuple(found)


def _val(element) -> str | None:
    return None if element is None else element.get(f"{W}val")


def _on(value: str | None) -> bool:
    return value in ("1", "true", "on")


def _chain(style, by_id: dict) -> list:
    """The style, then what it is based on, outwards; a loop or a missing style ends it."""
    chain = [style]
    while len(chain) < 50:
        base = by_id.get(_val(chain[-1].find(f"{W}basedOn")))
        if base is None or base in chain:
            break
        chain.append(base)
    return chain


def _inherited(chain: list, path: str) -> str | None:
    """The first w:val at `path` along a style's chain: a style's own setting wins over its base's."""
    for element in chain:
        value = _val(element.find(path))
        if value is not None:
            return value
    return None


class _Numbering:
    """word/numbering.xml: which format and text each list level draws."""

    def __init__(self, root, styles: dict):
        self.nums: dict[str, tuple[str | None, dict]] = {}
        self.abstracts: dict[str, tuple[dict, str | None]] = {}
        self.styles = styles
        for num in [] if root is None else root.iter(f"{W}num"):
            overrides = {o.get(f"{W}ilvl", "0"): o.find(f"{W}lvl") for o in num.iter(f"{W}lvlOverride")}
            self.nums[num.get(f"{W}numId", "")] = (_val(num.find(f"{W}abstractNumId")),
                                                   {k: v for k, v in overrides.items() if v is not None})
        for abstract in [] if root is None else root.iter(f"{W}abstractNum"):
            levels = {lvl.get(f"{W}ilvl", "0"): lvl for lvl in abstract.iter(f"{W}lvl")}
            self.abstracts[abstract.get(f"{W}abstractNumId", "")] = (levels, _val(abstract.find(f"{W}numStyleLink")))

    def level(self, num_id: str, ilvl: str, depth: int = 0) -> tuple[str | None, str]:
        """(w:numFmt, w:lvlText) of one level; (None, "") when numId 0 or a missing definition means no list."""
        if num_id == "0" or num_id not in self.nums or depth > 3:
            return None, ""
        abstract_id, overrides = self.nums[num_id]
        levels, link = self.abstracts.get(abstract_id, ({}, None))
        lvl = overrides.get(ilvl, levels.get(ilvl))
        if lvl is None and link is not None:  # a list style's definition lives in the numbering style it names
            linked = _val(self.styles[link].find(f"{W}pPr/{W}numPr/{W}numId")) if link in self.styles else None
            return self.level(linked, ilvl, depth + 1) if linked else (None, "")
        if lvl is None:
            return None, ""
        return _val(lvl.find(f"{W}numFmt")) or "decimal", _val(lvl.find(f"{W}lvlText")) or ""


_THEME_FONTS = ("major", "minor")


def _font(run: list, major: str | None, minor: str | None) -> str | None:
    for rpr in run:
        fonts = rpr.find(f"{W}rFonts")
        if fonts is None:
            continue
        theme = fonts.get(f"{W}asciiTheme")
        if theme is not None:
            return major if theme.startswith("major") else minor
        if fonts.get(f"{W}ascii"):
            return fonts.get(f"{W}ascii")
    return None


def _size(run: list) -> float | None:
    for rpr in run:
        value = _val(rpr.find(f"{W}sz"))
        if value is not None and value.isdigit():
            return int(value) / 2
    return None


def _toggle(run: list, tag: str) -> bool:
    for rpr in run:
        element = rpr.find(f"{W}{tag}")
        if element is not None:
            return element.get(f"{W}val", "true") in ("1", "true", "on")
    return False


def _color(run: list) -> str | None:
    for rpr in run:
        element = rpr.find(f"{W}color")
        if element is not None:
            return element.get(f"{W}themeColor") or element.get(f"{W}val")
    return None


def _word_theme(root) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
    """The theme's major and minor Latin fonts and its colours (RRGGBB), from word/theme/theme1.xml."""
    if root is None:
        return None, None, ()
    fonts = []
    for kind in _THEME_FONTS:
        latin = root.find(f"{A}themeElements/{A}fontScheme/{A}{kind}Font/{A}latin")
        fonts.append(latin.get("typeface") or None if latin is not None else None)
    colors = []
    scheme = root.find(f"{A}themeElements/{A}clrScheme")
    for color in [] if scheme is None else scheme:
        value = next((c.get("val") if c.tag == f"{A}srgbClr" else c.get("lastClr") for c in color), None)
        if value:
            colors.append((color.tag.rsplit("}", 1)[-1], value.upper()))
    return fonts[0], fonts[1], tuple(colors)


#: Each script's w:rFonts attributes (the typeface, and the theme font that overrides it) and theme font slot.
_SCRIPTS = (("ascii", "asciiTheme", "latin"), ("eastAsia", "eastAsiaTheme", "ea"), ("cs", "cstheme", "cs"))


def _script_fonts(styles, theme) -> ScriptFonts:
    """The body text's font for each script: the document defaults' w:rFonts (a theme font it names resolved, as
    Word resolves it before the typeface beside it), else the theme's minor font; "" is none."""
    fonts = None if styles is None else styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    scheme = None if theme is None else theme.find(f"{A}themeElements/{A}fontScheme")

    def theme_font(kind: str, script: str) -> str | None:
        found = None if scheme is None else scheme.find(f"{A}{kind}Font/{A}{script}")
        return None if found is None else found.get("typeface") or None

    found = []
    for typeface, themed, script in _SCRIPTS:
        named = None if fonts is None else fonts.get(f"{W}{themed}")
        if named:  # majorEastAsia, minorBidi, minorHAnsi...
            found.append(theme_font("major" if named.startswith("major") else "minor", script))
        else:
            found.append((fonts.get(f"{W}{typeface}") if fonts is not None else None) or theme_font("minor", script))
    return ScriptFonts(*found)


def _bidi(styles) -> bool:
    """Whether paragraphs read right to left unless they say otherwise: w:bidi in the default paragraph style's
    (Normal) paragraph properties, else in the document defaults'."""
    if styles is None:
        return False
    normal = next((style for style in styles.iter(f"{W}style")
                   if style.get(f"{W}type", "paragraph") == "paragraph" and _on(style.get(f"{W}default"))), None)
    for element in (None if normal is None else normal.find(f"{W}pPr/{W}bidi"),
                    styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}bidi")):
        if element is not None:
            return _on(element.get(f"{W}val", "true"))
    return False


def _page(document) -> PageSetup | None:
    """The body's last section properties: the page every paragraph aspo writes is on."""
    sect = None if document is None else document.find(f"{W}body/{W}sectPr")
    size = None if sect is None else sect.find(f"{W}pgSz")
    width, height = (None, None) if size is None else (int_or_none(size.get(f"{W}w")), int_or_none(size.get(f"{W}h")))
    if not width or not height:
        return None
    margins = sect.find(f"{W}pgMar")
    sides = tuple((int_or_none(margins.get(f"{W}{side}")) or 0) if margins is not None else 0
                  for side in ("top", "right", "bottom", "left"))
    return PageSetup(width, height, size.get(f"{W}orient") == "landscape" or width > height, sides)


_STYLE_TYPES = ("paragraph", "character", "table", "numbering")
_ON_OFF = {"0", "1", "true", "false", "on", "off"}
#: Properties whose w:val is on or off (ST_OnOff): python-docx and Word refuse other values.
_TOGGLES = {"b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
            "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "specVanish", "rtl", "cs", "oMath",
            "keepNext", "keepLines", "pageBreakBefore", "widowControl", "suppressLineNumbers",
            "suppressAutoHyphens", "contextualSpacing", "mirrorIndents", "bidi", "qFormat", "semiHidden",
            "unhideWhenUsed", "locked", "hidden", "autoRedefine", "personal", "personalCompose", "personalReply"}
_HALF_POINTS = re.compile(r"\d+|\d+(\.\d+)?(mm|cm|in|pt|pc|pi)")
_SIGNED = re.compile(r"-?\d+|-?\d+(\.\d+)?(mm|cm|in|pt|pc|pi)")
_VALUE_RULES = {
    "sz": (_HALF_POINTS, "a size in half-points"), "szCs": (_HALF_POINTS, "a size in half-points"),
    "kern": (_HALF_POINTS, "a size in half-points"), "position": (_SIGNED, "a whole number"),
    "spacing": (_SIGNED, "a whole number"), "w": (re.compile(r"\d+%?"), "a percentage"),
    "outlineLvl": (re.compile(r"[0-9]"), "a level from 0 to 9"), "uiPriority": (_SIGNED, "a whole number"),
    "color": (re.compile(r"[0-9A-Fa-f]{6}|auto"), "six hex digits (RRGGBB) or auto"),
}
_THEME_COLORS = {"dark1", "light1", "dark2", "light2", "accent1", "accent2", "accent3", "accent4", "accent5",
                 "accent6", "hyperlink", "followedHyperlink", "none", "background1", "text1", "background2",
                 "text2"}


def _style_problem(style) -> str | None:
    """What is wrong with one style's attributes, in words; None when python-docx and Word can read it."""
    kind = style.get(f"{W}type")
    if kind is not None and kind not in _STYLE_TYPES:
        return f"has w:type {quoted(kind)}, which is not {', '.join(_STYLE_TYPES[:-1])} or {_STYLE_TYPES[-1]}"
    for attribute in ("default", "customStyle"):
        value = style.get(f"{W}{attribute}")
        if value is not None and value not in _ON_OFF:
            return f"has w:{attribute} {quoted(value)}, which is not on or off (1, 0, true, false, on, off)"
    for element in style.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        theme = element.get(f"{W}themeColor")
        if tag == "color" and theme is not None and theme not in _THEME_COLORS:
            return f"has w:color w:themeColor {quoted(theme)}, not a theme color Word knows"
        value = element.get(f"{W}val")
        if value is None or element is style:
            continue
        if tag in _TOGGLES and value not in _ON_OFF:
            return f"has w:{tag} w:val {quoted(value)}, which is not on or off (1, 0, true, false, on, off)"
        rule = _VALUE_RULES.get(tag)
        if rule and not rule[0].fullmatch(value):
            return f"has w:{tag} w:val {quoted(value)}, which is not {rule[1]}"
    return None
