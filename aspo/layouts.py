"""What the Office template files offer (slide layouts, placeholders, Word styles), read straight from the zip."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from aspo.errors import HYGIENE, LAYOUT, AspoError, quoted
from aspo.fit import EMU_PER_PT, TextBox
from aspo.hygiene import findings

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MASTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE_TYPES = {"title", "ctrTitle"}
_BODY_TYPES = {None, "body", "obj", "subTitle"}
# Word stores built-in names in lower case; these are the names people see in Word (python-docx's BabelFish).
_UI_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
             **{f"heading {n}": f"Heading {n}" for n in range(1, 10)}}


#: The master placeholder a layout placeholder takes its position and size from, by type
#: (as python-pptx and PowerPoint look it up); a placeholder without a type is "obj".
_BASE_TYPES = {"title": "title", "ctrTitle": "title", "body": "body", "obj": "body", "subTitle": "body"}
#: Shapes that may be placeholders: the direct children of a slide's shape tree.
_SHAPES = {f"{_P}{tag}" for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart")}
_UNITS = {"mm": 36000, "cm": 360000, "in": 914400, "pt": 12700, "pc": 152400, "pi": 152400}


@dataclass(frozen=True)
class SlideLayout:
    """One slide layout: its name, which placeholders it has and where they are."""

    name: str
    has_title: bool
    body_placeholders: int
    title: TextBox | None = None  # the first title placeholder
    bodies: tuple[TextBox, ...] = ()  # body, content and subtitle placeholders with idx >= 1, in idx order
    part: str = ""  # where it is in the package: "ppt/slideLayouts/slideLayout2.xml"


@dataclass(frozen=True)
class DeckTemplate:
    path: Path
    layouts: tuple[SlideLayout, ...]

    def layout(self, name: str) -> SlideLayout | None:
        return next((layout for layout in self.layouts if layout.name == name), None)


#: The package's main content type, by what it is: only a saved presentation or document will do.
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "a PowerPoint .pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "a PowerPoint template (.potx)",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "a PowerPoint show (.ppsx)",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "a macro-enabled PowerPoint file (.pptm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "a Word .docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a macro-enabled Word file (.docm)",
}
_EXPECTED = {"PowerPoint": "a PowerPoint .pptx", "Word": "a Word .docx"}
#: Real templates unpack to a few MB; far more is a zip bomb or the wrong file.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def _open(path: Path, kind: str, main_part: str, data: bytes | None = None) -> zipfile.ZipFile:
    """Opens a template package, refusing with one clear line anything that is not a sound file of its kind."""
    def refuse(message: str, part: str | None = None, rule: str = LAYOUT) -> AspoError:
        return AspoError.at(path, None, part, message, rule)

    if data is None:
        if path.is_dir():
            raise refuse(f"is a folder, expected {_EXPECTED[kind]}")
        if not path.is_file():
            raise refuse(f"{kind} template not found")
        try:
            with open(path, "rb") as stream:
                head = stream.read(len(_LFS_POINTER))
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror}") from None
    else:
        head = data[:len(_LFS_POINTER)]
    if not head:
        raise refuse(f"is empty (0 bytes); restore it from git or save it again from {kind}")
    if head == _LFS_POINTER:
        raise refuse("is a Git LFS pointer, not the file itself; run `git lfs pull`")
    try:
        package = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        if head.startswith(b"PK"):
            raise refuse(f"is damaged or truncated (not a complete zip package); save it again from {kind}") from None
        raise refuse(f"not a {kind} file (it is not a zip package); save it again from {kind}") from None
    try:
        _check_package(package, kind, main_part, refuse)
    except BaseException:
        package.close()
        raise
    return package


def _check_package(package: zipfile.ZipFile, kind: str, main_part: str, refuse) -> None:
    declared = sum(info.file_size for info in package.infolist())
    if declared > MAX_UNPACKED_BYTES:
        raise refuse(f"unpacks to {_megabytes(declared)} MB, more than the "
                     f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB a template may hold")
    _check_parts(package, kind, refuse)
    what = _main_type(package)
    if what != _EXPECTED[kind]:
        found = what or "not an Office file"
        raise refuse(f"is {found}, expected {_EXPECTED[kind]}; open it in {kind} and save it as {_EXPECTED[kind][2:]}"
                     if what else f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}",
                     rule=HYGIENE if what and "macro" in what else LAYOUT)
    if main_part not in package.namelist():
        raise refuse(f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}")
    # whatever the template carries, every output carries: nothing may load, run or hide in it
    refused = next((found for found in findings(package, kind) if found.refused), None)
    if refused is not None:
        raise refuse(refused.message, refused.part, HYGIENE)


def _megabytes(size: int) -> int:
    """Whole megabytes, rounded up: 200.3 MB is "201 MB", never the limit it exceeds."""
    return -(-size // (1024 * 1024))


_CHUNK = 1 << 20


def _check_parts(package: zipfile.ZipFile, kind: str, refuse) -> None:
    """Reads every part once (a few ms for a real template): each must unpack, match its checksum and,
    for XML parts, be well-formed XML; what they really unpack to is counted, whatever their headers say."""
    unpacked = 0
    for info in package.infolist():
        if info.is_dir():
            continue
        checker = _XmlChecker() if info.filename.endswith((".xml", ".rels")) else None
        try:
            with package.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise refuse(f"unpacks to more than the {MAX_UNPACKED_BYTES // (1024 * 1024)} MB "
                                     "a template may hold")
                    if checker:
                        checker.feed(chunk)
            if checker:
                checker.close()
        except zipfile.BadZipFile as exc:
            problem = "fails its checksum" if "CRC" in str(exc) else "cannot be unpacked"
            raise refuse(f"is damaged: {info.filename} {problem}; save it again from {kind}") from None
        except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
            raise refuse(f"is damaged: {info.filename} cannot be unpacked; save it again from {kind}") from None
        except _NotWellFormed as exc:
            raise refuse(f"is damaged: {info.filename} {exc}; save it again from {kind}") from None


class _NotWellFormed(Exception):
    pass


class _XmlChecker:
    """Checks that a part is well-formed XML as it is read, in constant memory; Office parts never
    declare a DTD, so one is refused (no entity expansion, no entity bombs)."""

    def __init__(self):
        from xml.parsers import expat

        self._error = expat.ExpatError
        self._parser = expat.ParserCreate()
        self._parser.StartDoctypeDeclHandler = self._doctype

    @staticmethod
    def _doctype(*args):
        raise _NotWellFormed("declares a DTD, which Office files never do")

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self._parser.Parse(data, final)
        except self._error as exc:
            raise _NotWellFormed(f"is not well-formed XML (line {exc.lineno}, column {exc.offset + 1}: "
                                 f"{_expat_message(exc)})") from None

    def close(self) -> None:
        self.feed(b"", True)


def _expat_message(exc) -> str:
    from xml.parsers import expat

    return expat.ErrorString(exc.code) if exc.code else str(exc)


def _main_type(package: zipfile.ZipFile) -> str | None:
    """What [Content_Types].xml says the package is, in words; None when it says nothing known."""
    try:
        root = ElementTree.fromstring(package.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    for override in root:
        found = _MAIN_TYPES.get(override.get("ContentType", ""))
        if found:
            return found
    return None


def _xml(package: zipfile.ZipFile, name: str, path: Path):
    try:
        return ElementTree.fromstring(package.read(name))
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise AspoError.at(path, None, None, f"damaged file: cannot read {name} ({exc})", LAYOUT) from None


#: Generous for real corporate templates; far more makes every build slow (python-pptx reads every slide).
MAX_SLIDES = 500
MAX_LAYOUTS = 200
MAX_PLACEHOLDERS = 100  # per layout or master


def read_deck_template(path: Path, data: bytes | None = None) -> DeckTemplate:
    """Layout names and placeholders of a .pptx, in file order; `data`: the file's bytes,
    already read."""
    with _open(path, "PowerPoint", "ppt/presentation.xml", data) as package:
        slides = len(_xml(package, "ppt/presentation.xml", path).findall(f"{_P}sldIdLst/{_P}sldId"))
        if slides > MAX_SLIDES:
            raise AspoError.at(path, None, None, f"has {slides} slides, more than the {MAX_SLIDES} a template may "
                               "hold; delete its sample slides (aspo leaves them out of every deck) and save again",
                               LAYOUT)
        names = [n for n in package.namelist() if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", n)]
        if len(names) > MAX_LAYOUTS:
            raise AspoError.at(path, None, None, f"has {len(names)} slide layouts, more than the {MAX_LAYOUTS} a "
                               "template may hold; delete the layouts no outline uses (in PowerPoint: View > "
                               "Slide Master) and save again", LAYOUT)
        names.sort(key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
        for notes_master in (n for n in package.namelist() if re.fullmatch(r"ppt/notesMasters/[^/]+\.xml", n)):
            _check_placeholders(_xml(package, notes_master, path), notes_master, path)  # notes slides copy them
        masters: dict[str | None, _Master] = {}
        layouts = []
        for name in names:
            root = _xml(package, name, path)
            c_sld = root.find(f"{_P}cSld")
            _check_placeholders(root, name, path)
            master_name = _master_part(package, name, path)
            if master_name not in masters:
                masters[master_name] = _Master(package, master_name, path)
            title, bodies = _boxes(root, masters[master_name])
            layouts.append(SlideLayout(c_sld.get("name", "") if c_sld is not None else "",
                                       title is not None, len(bodies), title, bodies, name))
    return DeckTemplate(path, tuple(layouts))


class _Master:
    """What a layout inherits from its slide master: placeholder positions and text styles."""

    def __init__(self, package: zipfile.ZipFile, name: str | None, path: Path):
        root = None
        if name is not None and name in package.namelist():
            root = _xml(package, name, path)
            _check_placeholders(root, name, path)
        self.placeholders = [] if root is None else _placeholders(root)
        styles = None if root is None else root.find(f"{_P}txStyles")
        self.title_style = None if styles is None else styles.find(f"{_P}titleStyle")
        self.body_style = None if styles is None else styles.find(f"{_P}bodyStyle")

    def base(self, ph) -> ElementTree.Element | None:
        """The master placeholder a layout placeholder inherits its position and size from:
        the one of its type, else the one with its idx."""
        base_type = _BASE_TYPES.get(ph.get("type", "obj"))
        for shape, master_ph in self.placeholders:
            if master_ph.get("type", "obj") == base_type:
                return shape
        idx = ph.get("idx", "0")
        for shape, master_ph in self.placeholders:
            if master_ph.get("idx", "0") == idx:
                return shape
        return None


_PH_TYPES = {"title", "body", "ctrTitle", "subTitle", "dt", "sldNum", "ftr", "hdr", "obj", "chart", "tbl",
             "clipArt", "dgm", "media", "sldImg", "pic"}
_PH_VALUES = {"type": _PH_TYPES, "sz": {"full", "half", "quarter"}, "orient": {"horz", "vert"},
              "hasCustomPrompt": {"true", "false", "1", "0"}}
_UINT_MAX = 4294967295


def _check_placeholders(root, part: str, path: Path) -> None:
    """Refuses placeholders python-pptx cannot read (it fails on them mid-build), and too many of them."""
    found = _placeholders(root)
    if len(found) > MAX_PLACEHOLDERS:
        c_sld = root.find(f"{_P}cSld")
        name = c_sld.get("name", "") if c_sld is not None else ""
        what = {f"{_P}sldLayout": f"layout {quoted(name)}", f"{_P}notesMaster": "the notes master"}.get(
            root.tag, "the slide master")
        raise AspoError.at(path, None, part, f"{what} has {len(found)} placeholders, more than the "
                           f"{MAX_PLACEHOLDERS} a layout may hold; delete the ones it does not need "
                           "(in PowerPoint: View > Slide Master) and save again", LAYOUT)
    for shape, ph in found:
        c_nv_pr = shape[0].find(f"{_P}cNvPr")
        shown = quoted(c_nv_pr.get("name", "")) if c_nv_pr is not None else "''"
        idx = ph.get("idx")
        if idx is not None and not (idx.isascii() and idx.isdigit() and int(idx) <= _UINT_MAX):
            raise AspoError.at(path, None, part, f"placeholder {shown} has idx {quoted(idx)}, not a whole number "
                               f"from 0 to {_UINT_MAX}; save the template again from PowerPoint", LAYOUT)
        for attribute, allowed in _PH_VALUES.items():
            value = ph.get(attribute)
            if value is not None and value not in allowed:
                raise AspoError.at(path, None, part, f"placeholder {shown} has {attribute} {quoted(value)}, "
                                   f"which PowerPoint does not know; save the template again from PowerPoint",
                                   LAYOUT)


def _master_part(package: zipfile.ZipFile, layout: str, path: Path) -> str | None:
    """The package name of a layout's slide master, from the layout's relationships."""
    folder, file = posixpath.split(layout)
    rels = f"{folder}/_rels/{file}.rels"
    if rels not in package.namelist():
        return None
    for rel in _xml(package, rels, path).iter(f"{_REL}Relationship"):
        if rel.get("Type") == _MASTER_REL and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target))
    return None


def _placeholders(root) -> list[tuple[ElementTree.Element, ElementTree.Element]]:
    """(shape, p:ph) of each placeholder among the shapes of a slide, layout or master."""
    tree = root.find(f"{_P}cSld/{_P}spTree")
    found = []
    for shape in [] if tree is None else tree:
        if shape.tag not in _SHAPES or not len(shape):
            continue
        ph = shape[0].find(f"{_P}nvPr/{_P}ph")
        if ph is not None:
            found.append((shape, ph))
    return found


def _boxes(root, master: _Master) -> tuple[TextBox | None, tuple[TextBox, ...]]:
    """A layout's title placeholder and its body placeholders (in idx order), measured."""
    title = None
    bodies = []
    for shape, ph in _placeholders(root):
        kind = ph.get("type")
        idx = _int(ph.get("idx")) or 0
        is_title = kind in _TITLE_TYPES
        if not is_title and not (kind in _BODY_TYPES and idx >= 1):
            continue
        own = _position(shape)
        base = master.base(ph)
        inherited = _position(base) if base is not None else (None,) * 4
        left, top, width, height = (value if value is not None else (fallback or 0)
                                    for value, fallback in zip(own, inherited))
        sizes, indents = _level_metrics(shape, master.title_style if is_title else master.body_style)
        box = TextBox(idx, kind, left, top, width, height, sizes, indents)
        if is_title:
            title = title or box
        else:
            bodies.append(box)
    bodies.sort(key=lambda box: box.idx)
    return title, tuple(bodies)


def _position(shape) -> tuple[int | None, int | None, int | None, int | None]:
    """A shape's own left, top, width and height (EMU); None for what it leaves to its master."""
    xfrm = shape.find(f"{_P}spPr/{_A}xfrm")
    if xfrm is None:
        xfrm = shape.find(f"{_P}xfrm")  # a graphic frame
    if xfrm is None:
        xfrm = shape.find(f"{_P}grpSpPr/{_A}xfrm")
    if xfrm is None:
        return None, None, None, None
    off, ext = xfrm.find(f"{_A}off"), xfrm.find(f"{_A}ext")
    return (None if off is None else _coordinate(off.get("x")), None if off is None else _coordinate(off.get("y")),
            None if ext is None else _coordinate(ext.get("cx")), None if ext is None else _coordinate(ext.get("cy")))


def _coordinate(value: str | None) -> int | None:
    """EMU, or a universal measure such as "1.5in"."""
    if value is None:
        return None
    if value[-2:] in _UNITS:
        try:
            return int(round(float(value[:-2]) * _UNITS[value[-2:]]))
        except ValueError:
            return None
    return _int(value)


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _level_metrics(shape, style) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Text size and left margin (points) per level: the placeholder's own list style first,
    then the master's title or body style; 18 pt and no margin where neither says."""
    sizes, indents = [], []
    for level in range(1, 10):
        size = margin = None
        for source in (shape.find(f"{_P}txBody/{_A}lstStyle/{_A}lvl{level}pPr"),
                       None if style is None else style.find(f"{_A}lvl{level}pPr")):
            if source is None:
                continue
            if margin is None:
                margin = _int(source.get("marL"))
            rpr = source.find(f"{_A}defRPr")
            if size is None and rpr is not None and _int(rpr.get("sz")) is not None:
                size = _int(rpr.get("sz")) / 100
        sizes.append(size or 18.0)
        indents.append((margin or 0) / EMU_PER_PT)
    return tuple(sizes), tuple(indents)


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
    path: Path
    styles: tuple[WordStyle, ...] = ()  # paragraph and table styles, in file order
    page: PageSetup | None = None  # None: the file sets no page size
    heading_font: str | None = None  # the theme's major (headings) and minor (body) Latin fonts
    body_font: str | None = None
    theme_colors: tuple[tuple[str, str], ...] = ()  # ("accent1", "4472C4"), in the theme's order

    @property
    def paragraph_styles(self) -> frozenset[str]:
        return frozenset(style.name for style in self.styles if style.kind == "paragraph")

    @property
    def table_styles(self) -> frozenset[str]:
        return frozenset(style.name for style in self.styles if style.kind == "table")


def read_document_template(path: Path, data: bytes | None = None, *, checked: bool = True) -> DocumentTemplate:
    """The paragraph and table styles of a .docx, its page and theme; `data`: the file's bytes, already read.
    `checked=False` reads a file the checks would refuse (to show it as text) without refusing it."""
    if not checked:
        try:
            with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as package:
                return _document_template(path, package, checked)
        except (zipfile.BadZipFile, OSError) as exc:
            raise AspoError.at(path, None, None, f"cannot read this file as a Word .docx file ({exc})",
                               LAYOUT) from None
    with _open(path, "Word", "word/document.xml", data) as package:
        return _document_template(path, package, checked)


def _document_template(path: Path, package: zipfile.ZipFile, checked: bool) -> DocumentTemplate:
    names = set(package.namelist())

    def part(name: str):
        return _xml(package, name, path) if name in names else None

    styles_root = part("word/styles.xml")
    theme = part("word/theme/theme1.xml")
    major, minor, colors = _theme(theme)
    styles = () if styles_root is None else _word_styles(styles_root, part("word/numbering.xml"), major, minor,
                                                          path if checked else None)
    return DocumentTemplate(path, styles, _page(part("word/document.xml")), major, minor, colors)


def _word_styles(root, numbering, major: str | None, minor: str | None, checked: Path | None) -> tuple:
    """Every paragraph and table style, with what it inherits resolved; `checked`: refuse (naming this file)
    a style Word or python-docx cannot read."""
    by_id = {}
    for style in root.iter(f"{_W}style"):
        if checked is not None and (problem := _style_problem(style)):
            name_el = style.find(f"{_W}name")
            name = "" if name_el is None else name_el.get(f"{_W}val", "")
            shown = quoted(_UI_NAMES.get(name, name) or style.get(f"{_W}styleId", ""))
            raise AspoError.at(checked, None, "word/styles.xml", f"style {shown} {problem}; save the template again "
                               "from Word", LAYOUT)
        by_id.setdefault(style.get(f"{_W}styleId", ""), style)
    lists = _Numbering(numbering, by_id)
    defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    found = []
    for style_id, style in by_id.items():
        kind = style.get(f"{_W}type", "paragraph")  # Word's default type
        name_el = style.find(f"{_W}name")
        if kind not in ("paragraph", "table") or name_el is None:
            continue  # python-docx and Word's style list show no style without a name
        name = name_el.get(f"{_W}val", "")
        chain = _chain(style, by_id)
        num_id = _inherited(chain, f"{_W}pPr/{_W}numPr/{_W}numId")
        level = _inherited(chain, f"{_W}pPr/{_W}numPr/{_W}ilvl")
        numbering_format, numbering_text = lists.level(num_id, level or "0") if num_id else (None, "")
        run = [element.find(f"{_W}rPr") for element in chain] + [defaults]
        run = [element for element in run if element is not None]
        found.append(WordStyle(
            style_id=style_id, name=_UI_NAMES.get(name, name), kind=kind,
            builtin=None if _on(style.get(f"{_W}customStyle")) else name.lower(),
            based_on=_val(style.find(f"{_W}basedOn")), default=_on(style.get(f"{_W}default")),
            numbering=numbering_format, numbering_text=numbering_text, font=_font(run, major, minor),
            size=_size(run), bold=_toggle(run, "b"), italic=_toggle(run, "i"), color=_color(run)))
    return tuple(found)


def _val(element) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _on(value: str | None) -> bool:
    return value in ("1", "true", "on")


def _chain(style, by_id: dict) -> list:
    """The style, then what it is based on, outwards; a loop or a missing style ends it."""
    chain = [style]
    while len(chain) < 50:
        base = by_id.get(_val(chain[-1].find(f"{_W}basedOn")))
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
        for num in [] if root is None else root.iter(f"{_W}num"):
            overrides = {o.get(f"{_W}ilvl", "0"): o.find(f"{_W}lvl") for o in num.iter(f"{_W}lvlOverride")}
            self.nums[num.get(f"{_W}numId", "")] = (_val(num.find(f"{_W}abstractNumId")),
                                                   {k: v for k, v in overrides.items() if v is not None})
        for abstract in [] if root is None else root.iter(f"{_W}abstractNum"):
            levels = {lvl.get(f"{_W}ilvl", "0"): lvl for lvl in abstract.iter(f"{_W}lvl")}
            self.abstracts[abstract.get(f"{_W}abstractNumId", "")] = (levels, _val(abstract.find(f"{_W}numStyleLink")))

    def level(self, num_id: str, ilvl: str, depth: int = 0) -> tuple[str | None, str]:
        """(w:numFmt, w:lvlText) of one level; (None, "") when numId 0 or a missing definition means no list."""
        if num_id == "0" or num_id not in self.nums or depth > 3:
            return None, ""
        abstract_id, overrides = self.nums[num_id]
        levels, link = self.abstracts.get(abstract_id, ({}, None))
        lvl = overrides.get(ilvl, levels.get(ilvl))
        if lvl is None and link is not None:  # a list style's definition lives in the numbering style it names
            linked = _val(self.styles[link].find(f"{_W}pPr/{_W}numPr/{_W}numId")) if link in self.styles else None
            return self.level(linked, ilvl, depth + 1) if linked else (None, "")
        if lvl is None:
            return None, ""
        return _val(lvl.find(f"{_W}numFmt")) or "decimal", _val(lvl.find(f"{_W}lvlText")) or ""


_THEME_FONTS = ("major", "minor")


def _font(run: list, major: str | None, minor: str | None) -> str | None:
    for rpr in run:
        fonts = rpr.find(f"{_W}rFonts")
        if fonts is None:
            continue
        theme = fonts.get(f"{_W}asciiTheme")
        if theme is not None:
            return major if theme.startswith("major") else minor
        if fonts.get(f"{_W}ascii"):
            return fonts.get(f"{_W}ascii")
    return None


def _size(run: list) -> float | None:
    for rpr in run:
        value = _val(rpr.find(f"{_W}sz"))
        if value is not None and value.isdigit():
            return int(value) / 2
    return None


def _toggle(run: list, tag: str) -> bool:
    for rpr in run:
        element = rpr.find(f"{_W}{tag}")
        if element is not None:
            return element.get(f"{_W}val", "true") in ("1", "true", "on")
    return False


def _color(run: list) -> str | None:
    for rpr in run:
        element = rpr.find(f"{_W}color")
        if element is not None:
            return element.get(f"{_W}themeColor") or element.get(f"{_W}val")
    return None


def _theme(root) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
    """The theme's major and minor Latin fonts and its colours (RRGGBB), from word/theme/theme1.xml."""
    if root is None:
        return None, None, ()
    fonts = []
    for kind in _THEME_FONTS:
        latin = root.find(f"{_A}themeElements/{_A}fontScheme/{_A}{kind}Font/{_A}latin")
        fonts.append(latin.get("typeface") or None if latin is not None else None)
    colors = []
    scheme = root.find(f"{_A}themeElements/{_A}clrScheme")
    for color in [] if scheme is None else scheme:
        value = next((c.get("val") if c.tag == f"{_A}srgbClr" else c.get("lastClr") for c in color), None)
        if value:
            colors.append((color.tag.rsplit("}", 1)[-1], value.upper()))
    return fonts[0], fonts[1], tuple(colors)


def _page(document) -> PageSetup | None:
    """The body's last section properties: the page every paragraph aspo writes is on."""
    sect = None if document is None else document.find(f"{_W}body/{_W}sectPr")
    size = None if sect is None else sect.find(f"{_W}pgSz")
    width, height = (None, None) if size is None else (_int(size.get(f"{_W}w")), _int(size.get(f"{_W}h")))
    if not width or not height:
        return None
    margins = sect.find(f"{_W}pgMar")
    sides = tuple((_int(margins.get(f"{_W}{side}")) or 0) if margins is not None else 0
                  for side in ("top", "right", "bottom", "left"))
    return PageSetup(width, height, size.get(f"{_W}orient") == "landscape" or width > height, sides)


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
    kind = style.get(f"{_W}type")
    if kind is not None and kind not in _STYLE_TYPES:
        return f"has w:type {quoted(kind)}, which is not {', '.join(_STYLE_TYPES[:-1])} or {_STYLE_TYPES[-1]}"
    for attribute in ("default", "customStyle"):
        value = style.get(f"{_W}{attribute}")
        if value is not None and value not in _ON_OFF:
            return f"has w:{attribute} {quoted(value)}, which is not on or off (1, 0, true, false, on, off)"
    for element in style.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        theme = element.get(f"{_W}themeColor")
        if tag == "color" and theme is not None and theme not in _THEME_COLORS:
            return f"has w:color w:themeColor {quoted(theme)}, not a theme color Word knows"
        value = element.get(f"{_W}val")
        if value is None or element is style:
            continue
        if tag in _TOGGLES and value not in _ON_OFF:
            return f"has w:{tag} w:val {quoted(value)}, which is not on or off (1, 0, true, false, on, off)"
        rule = _VALUE_RULES.get(tag)
        if rule and not rule[0].fullmatch(value):
            return f"has w:{tag} w:val {quoted(value)}, which is not {rule[1]}"
    return None
