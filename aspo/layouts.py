"""What the Office template files offer (slide layouts, placeholders, Word styles), read straight from the zip."""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from aspo.errors import AspoError, display_path, quoted
from aspo.hygiene import findings
from aspo.rulebook import HYGIENE, LAYOUT

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MASTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ElementTree.register_namespace("a", _A[1:-1])  # list styles written for slides keep the usual prefix
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


EMU_PER_PT = 12700


@dataclass(frozen=True)
class TextBox:
    """Where a layout placeholder sits and how big its text is at each outline level."""

    idx: int
    kind: str | None  # the placeholder's type in the file: "title", "ctrTitle", "body", "obj",
    #                   "subTitle"; None when it has none (PowerPoint reads that as "obj")
    left: int  # EMU
    top: int
    width: int
    height: int
    sizes: tuple[float, ...]  # points, levels 0..8
    indents: tuple[float, ...]  # points, levels 0..8
    slot: int = 0  # its place among the placeholders a new slide copies from the layout
    pinned: bool = False  # its idx is not its own in the layout: the slide must carry its position itself
    own_style: bytes | None = None  # a list style (a:lstStyle) the slide must carry: the layout's is not inherited
    width_factor: float = 1.0  # how wide its font's letters are, relative to the Calibri-like ones assumed here
    spacing: tuple[float, ...] = ()  # points before and after each paragraph, per level, where the template sets it

    @property
    def is_title(self) -> bool:
        return self.kind in ("title", "ctrTitle")


@dataclass(frozen=True)
class Placeholder:
    """One placeholder of a layout as a person sees it: what it holds, its name, where it is."""

    role: str  # title, subtitle, body, picture, chart, table, diagram, media, date, footer, slide number...
    name: str
    left: int  # EMU
    top: int
    width: int
    height: int
    size: float | None = None  # the text size of its first level, points; None when it holds no text


@dataclass(frozen=True)
class SlideLayout:
    """One slide layout: its name, which placeholders it has and where they are."""

    name: str
    has_title: bool
    body_placeholders: int
    title: TextBox | None = None  # the first title placeholder
    bodies: tuple[TextBox, ...] = ()  # body, content and subtitle placeholders, in reading order (see _boxes)
    part: str = ""  # where it is in the package: "ppt/slideLayouts/slideLayout2.xml"
    master: int = 1  # the slide master it belongs to, counted from 1 in the file's order
    kind: str = ""  # the layout's type in the file ("title", "obj", "twoObj"...), the same in every language
    placeholders: tuple[Placeholder, ...] = ()  # every placeholder, in the file's order

    def has(self, role: str) -> bool:
        return any(placeholder.role == role for placeholder in self.placeholders)


@dataclass(frozen=True)
class Theme:
    """A slide master's theme: its fonts and colours, as `aspo layouts show` and a diff tell them."""

    name: str
    heading_font: str
    body_font: str
    colors: tuple[tuple[str, str], ...]  # (slot, "#RRGGBB"): dk1, lt1, dk2, lt2, accent1..6, hlink, folHlink


@dataclass(frozen=True)
class SlideMaster:
    number: int  # counted from 1 in the file's order
    name: str
    theme: Theme | None


@dataclass(frozen=True)
class DeckTemplate:
    path: Path
    layouts: tuple[SlideLayout, ...]
    width: int = 9144000  # slide size, EMU (PowerPoint's 4:3 default)
    height: int = 6858000
    masters: tuple[SlideMaster, ...] = ()
    sample_slides: int = 0  # slides the template carries; no deck keeps them
    designed_master: int = 1  # the slide master its sample slides use most: the template's own look
    master: int = 1  # the slide master whose layouts names select first (outline.yaml's deck.master)
    digest: str = ""  # of the bytes read (aspo.layouts.digest)

    def layout(self, name: str) -> SlideLayout | None:
        """The layout a name selects: the first of that name on the chosen master, else on the others in file
        order (as names are looked up when a deck is built)."""
        found = [layout for layout in self.layouts if layout.name == name]
        return next((layout for layout in found if layout.master == self.master), found[0] if found else None)

    @property
    def usable(self) -> tuple[SlideLayout, ...]:
        """The layouts a name can select: one of each name, the chosen master's first."""
        return tuple(layout for layout in self.ordered if self.layout(layout.name) is layout)

    @property
    def ordered(self) -> tuple[SlideLayout, ...]:
        """The layouts, the chosen master's first."""
        return tuple(sorted(self.layouts, key=lambda layout: layout.master != self.master))

    def names(self) -> str:
        """The layout names, each once and quoted, for a message: "'Title Slide', 'Title, Content'"."""
        return ", ".join(quoted(layout.name) for layout in self.usable)

    @property
    def aspect(self) -> str:
        """The slide shape in words: "16:9", "4:3", "16:10", or width:height in centimetres."""
        for label, ratio in (("16:9", 16 / 9), ("4:3", 4 / 3), ("16:10", 16 / 10)):
            if self.height and abs(self.width / self.height - ratio) < 0.01:
                return label
        return f"{self.width / 360000:.1f}:{self.height / 360000:.1f} cm"


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


def _read(path: Path, kind: str, data: bytes | None = None) -> bytes | None:
    """The template's bytes (`data` when already read), refusing with one clear line a file that cannot be read;
    None for a file larger than any template may unpack to, which is not read into memory (the zip's own
    sizes refuse it)."""
    if data is not None:
        return data
    if path.is_dir():
        raise AspoError.at(path, None, None, f"is a folder, expected {_EXPECTED[kind]}", LAYOUT)
    if not path.is_file():
        raise AspoError.at(path, None, None, f"{kind} template not found", LAYOUT)
    try:
        if path.stat().st_size > MAX_UNPACKED_BYTES:
            return None
        return path.read_bytes()
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot read: {exc.strerror}", LAYOUT) from None


def _open(path: Path, kind: str, main_part: str, data: bytes | None) -> zipfile.ZipFile:
    """Opens a template package, refusing with one clear line anything that is not a sound file of its kind."""
    def refuse(message: str, part: str | None = None, rule: str = LAYOUT) -> AspoError:
        return AspoError.at(path, None, part, message, rule)

    if data is None:
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


def digest(data: bytes | None) -> str:
    """What tells a template's bytes from any others: a renderer given the bytes a reading came from
    need not read them again. "" for a file not read into memory."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


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
    """Layout names and placeholders of a .pptx, in file order, with its slide size and themes; `data`: the
    file's bytes, already read."""
    data = _read(path, "PowerPoint", data)
    with _open(path, "PowerPoint", "ppt/presentation.xml", data) as package:
        presentation = _xml(package, "ppt/presentation.xml", path)
        slide_ids = presentation.findall(f"{_P}sldIdLst/{_P}sldId")
        slides = len(slide_ids)
        if slides > MAX_SLIDES:
            raise AspoError.at(path, None, None, f"has {slides} slides, more than the {MAX_SLIDES} a template may "
                               "hold; delete its sample slides (aspo leaves them out of every deck) and save again",
                               LAYOUT)
        names = [n for n in package.namelist() if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", n)]
        if len(names) > MAX_LAYOUTS:
            raise AspoError.at(path, None, None, f"has {len(names)} slide layouts, more than the {MAX_LAYOUTS} a "
                               "template may hold; delete the layouts no outline uses (in PowerPoint: View > "
                               "Slide Master) and save again", LAYOUT)
        for notes_master in (n for n in package.namelist() if re.fullmatch(r"ppt/notesMasters/[^/]+\.xml", n)):
            _check_placeholders(_xml(package, notes_master, path), notes_master, path)  # notes slides copy them
        master_parts = _master_order(package, presentation, path)
        order = {layout: number for number, layout in enumerate(_layout_order(package, master_parts, path))}
        # layouts in the order PowerPoint lists them: master by master, each master's in its own order; a layout
        # no slide master lists is offered by none (nor by python-pptx, which builds the decks)
        names = sorted((n for n in names if n in order), key=order.get)
        size = presentation.find(f"{_P}sldSz")
        width = _int(size.get("cx")) if size is not None else None
        height = _int(size.get("cy")) if size is not None else None
        slide = (width or 9144000, height or 6858000)
        masters: dict[str | None, _Master] = {}
        layouts = []
        for name in names:
            root = _xml(package, name, path)
            c_sld = root.find(f"{_P}cSld")
            _check_placeholders(root, name, path)
            master_name = _master_part(package, name, path)
            if master_name not in masters:
                masters[master_name] = _Master(package, master_name, path)
            master = masters[master_name]
            title, bodies, described = _boxes(root, master, slide)
            number = master_parts.index(master_name) + 1 if master_name in master_parts else len(master_parts) + 1
            layouts.append(SlideLayout(c_sld.get("name", "") if c_sld is not None else "",
                                       title is not None, len(bodies), title, bodies, name, number,
                                       root.get("type", "cust"), described))
        for part in master_parts:  # masters no layout uses are described too
            if part not in masters:
                masters[part] = _Master(package, part, path)
        found = tuple(SlideMaster(number, masters[part].name, masters[part].theme)
                      for number, part in enumerate(master_parts, start=1))
        designed = _designed_master(package, slide_ids, {layout.part: layout.master for layout in layouts}, path)
    return DeckTemplate(path, tuple(layouts), *slide, found, slides, designed, 1, digest(data))


_SLIDE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"


def _designed_master(package: zipfile.ZipFile, slide_ids, master_of: dict[str, int], path: Path) -> int:
    """The slide master the template's own slides use most (the first of those equally used); 1 without
    slides. LibreOffice writes its default master first and the template's design after it."""
    slides = _targets(package, "ppt/presentation.xml", _SLIDE_REL, path)
    used: Counter[int] = Counter()
    for entry in slide_ids:
        part = slides.get(entry.get(_R_ID))
        if part is None or part not in package.namelist():
            continue
        layout = next(iter(_targets(package, part, _LAYOUT_REL, path).values()), None)
        if layout in master_of:
            used[master_of[layout]] += 1
    return min(used, key=lambda number: (-used[number], number)) if used else 1


def cm(emu: int) -> str:
    """EMU as centimetres, one decimal: how `layouts show` and `layouts use` give sizes."""
    return f"{emu / 360000:.1f}"


def describe_deck(deck: DeckTemplate) -> dict:
    """What `aspo layouts show` tells of a deck template, for tools (--format json): every layout once
    (the first of its name, the one a name selects), with the masters that repeat its name."""
    repeats: dict[str, list[int]] = {}
    for layout in deck.layouts:
        repeats.setdefault(layout.name, []).append(layout.master)
    return {
        "file": display_path(deck.path),
        "kind": "PowerPoint",
        "slide": {"aspect": deck.aspect, "width": deck.width, "height": deck.height},
        "sample_slides": deck.sample_slides,
        "masters": [{"number": master.number, "name": master.name,
                     "theme": None if master.theme is None else {
                         "name": master.theme.name, "heading_font": master.theme.heading_font,
                         "body_font": master.theme.body_font, "colors": dict(master.theme.colors)}}
                    for master in deck.masters],
        "layouts": [{"name": layout.name, "master": layout.master, "also_in_masters": repeats[layout.name][1:],
                     "type": layout.kind,
                     "placeholders": [{"role": ph.role, "name": ph.name, "left": ph.left, "top": ph.top,
                                       "width": ph.width, "height": ph.height, "size": ph.size}
                                      for ph in layout.placeholders]}
                    for layout in deck.usable],
    }


def deck_lines(description: dict) -> list[tuple[str, list[str]]]:
    """The description as text, heading by heading: the file, each theme, then each layout (names quoted)."""
    slide = description["slide"]
    masters = description["masters"]
    count = len(description["layouts"])
    samples = description["sample_slides"]
    head = [f"slides {slide['aspect']} ({cm(slide['width'])} x {cm(slide['height'])} cm), "
            f"{len(masters)} slide master{'s' if len(masters) != 1 else ''}, {count} layout{'s' if count != 1 else ''}"
            + (f", {samples} sample slide{'s' if samples != 1 else ''} (left out of every deck)" if samples else "")]
    found = [(f"{description['kind']} template", head)]
    for master in masters:
        theme = master["theme"]
        label = f"master {master['number']}" + (f" {quoted(master['name'])}" if master["name"] else "")
        if theme is None:
            found.append((label, ["no theme"]))
            continue
        found.append((f"{label}: theme {quoted(theme['name'])}", [
            f"fonts: {quoted(theme['heading_font'])} for headings, {quoted(theme['body_font'])} for body text",
            *(f"colour {slot}: {value}" for slot, value in theme["colors"].items())]))
    several = len(masters) > 1
    for layout in description["layouts"]:
        where = [f"master {layout['master']}"] if several else []
        if layout["also_in_masters"]:
            others = ", ".join(str(number) for number in layout["also_in_masters"])
            where.append(f"also in master {others}, which its name does not select")
        label = f"layout {quoted(layout['name'], 80)}" + (f" ({'; '.join(where)})" if where else "")
        lines = [_placeholder_line(ph) for ph in layout["placeholders"]] or ["no placeholders"]
        found.append((label, lines))
    return found


def _placeholder_line(ph: dict) -> str:
    size = f", {ph['size']:g} pt" if ph["size"] else ""
    return (f"{ph['role']} {quoted(ph['name'])}{size}: {cm(ph['width'])} x {cm(ph['height'])} cm "
            f"at {cm(ph['left'])}, {cm(ph['top'])} cm")


def describe_template(path: Path) -> dict:
    """What `aspo layouts show` tells of a .pptx or .docx template."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pptx":
        return describe_deck(read_deck_template(Path(path)))
    if suffix == ".docx":
        from aspo.word_styles import describe_document_template

        return describe_document_template(Path(path))
    raise AspoError.at(path, None, None, "expected a PowerPoint .pptx or Word .docx template", LAYOUT)


def template_lines(description: dict) -> list[tuple[str, list[str]]]:
    """A description as text, heading by heading."""
    if description.get("kind") == "PowerPoint":
        return deck_lines(description)
    from aspo.word_styles import document_template_lines

    return [("Word template", document_template_lines(description))]


_LAYOUT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"
_THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _targets(package: zipfile.ZipFile, part: str, kind: str, path: Path) -> dict[str, str]:
    """A part's internal relationships of one type: rId -> the target's package name."""
    folder, file = posixpath.split(part)
    rels = f"{folder}/_rels/{file}.rels"
    found = {}
    if rels in package.namelist():
        for rel in _xml(package, rels, path).iter(f"{_REL}Relationship"):
            if rel.get("Type") == kind and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                found[rel.get("Id", "")] = (target.lstrip("/") if target.startswith("/")
                                            else posixpath.normpath(posixpath.join(folder, target)))
    return found


def _master_order(package: zipfile.ZipFile, presentation, path: Path) -> list[str]:
    """The slide masters' package names in the order the presentation lists them."""
    targets = _targets(package, "ppt/presentation.xml", _MASTER_REL, path)
    ordered = [targets[entry.get(_R_ID)] for entry in presentation.iterfind(f"{_P}sldMasterIdLst/{_P}sldMasterId")
               if entry.get(_R_ID) in targets]
    return [part for part in dict.fromkeys(ordered) if part in package.namelist()]


def _layout_order(package: zipfile.ZipFile, master_parts: list[str], path: Path) -> list[str]:
    """Every layout's package name, master by master, in each master's own order."""
    found = []
    for part in master_parts:
        targets = _targets(package, part, _LAYOUT_REL, path)
        root = _xml(package, part, path)
        found += [targets[entry.get(_R_ID)] for entry in root.iterfind(f"{_P}sldLayoutIdLst/{_P}sldLayoutId")
                  if entry.get(_R_ID) in targets]
    return list(dict.fromkeys(found))


_COLOR_SLOTS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


def _theme(package: zipfile.ZipFile, master: str, path: Path) -> Theme | None:
    """The theme a slide master uses: its name, heading and body fonts, and colours."""
    part = next(iter(_targets(package, master, _THEME_REL, path).values()), None)
    if part is None or part not in package.namelist():
        return None
    root = _xml(package, part, path)
    elements = root.find(f"{_A}themeElements")
    if elements is None:
        return None
    colors = []
    scheme = elements.find(f"{_A}clrScheme")
    for slot in _COLOR_SLOTS:
        element = None if scheme is None else scheme.find(f"{_A}{slot}")
        value = None
        if element is not None and len(element):
            color = element[0]
            value = color.get("val") if color.tag == f"{_A}srgbClr" else color.get("lastClr")
        if value:
            colors.append((slot, f"#{value.upper()}"))
    fonts = elements.find(f"{_A}fontScheme")

    def typeface(which: str) -> str:
        latin = None if fonts is None else fonts.find(f"{_A}{which}/{_A}latin")
        return "" if latin is None else latin.get("typeface", "")

    return Theme(root.get("name", ""), typeface("majorFont"), typeface("minorFont"), tuple(colors))


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
        self.theme = _theme(package, name, path) if root is not None else None
        c_sld = None if root is None else root.find(f"{_P}cSld")
        self.name = "" if c_sld is None else c_sld.get("name", "")

    def width_factor(self, typeface: str | None, is_title: bool) -> float:
        """How wide the placeholder's font is, relative to the estimate's (theme fonts resolved)."""
        if typeface in (None, "", "+mj-lt", "+mn-lt") and self.theme is not None:
            heading = typeface == "+mj-lt" or (typeface in (None, "") and is_title)
            typeface = self.theme.heading_font if heading else self.theme.body_font
        return font_width(typeface)

    def base(self, ph) -> ElementTree.Element | None:
        """The master placeholder a layout placeholder inherits its position and size from:
        the one of its type, else the one with its idx."""
        kind = ph.get("type", "obj")
        base_type = _BASE_TYPES.get(kind, kind)
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
    return next(iter(_targets(package, layout, _MASTER_REL, path).values()), None)


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


#: Placeholders a new slide does not copy from its layout (python-pptx and PowerPoint alike).
_LATENT = {"dt", "ftr", "sldNum"}
_ROLES = {"title": "title", "ctrTitle": "title", "subTitle": "subtitle", "body": "body", "obj": "body",
          "pic": "picture", "clipArt": "picture", "chart": "chart", "tbl": "table", "dgm": "diagram",
          "media": "media", "dt": "date", "ftr": "footer", "sldNum": "slide number", "hdr": "header",
          "sldImg": "slide image"}


def _measured(shape, ph, master: _Master) -> tuple[int, int, int, int]:
    """Where a placeholder is: its own position, else its master's, part by part."""
    own = _position(shape)
    base = master.base(ph)
    inherited = _position(base) if base is not None else (None,) * 4
    return tuple(value if value is not None else (fallback or 0) for value, fallback in zip(own, inherited))


FOOTER_GAP = 50800  # EMU (4 pt) kept between text and a footer it was cut above


def _clipped(box: tuple[int, int, int, int], footers: list[tuple[int, int, int, int]],
             slide: tuple[int, int]) -> tuple[int, int, int, int]:
    """A text box cut to the slide, and above the footers, date and slide number it would run into (some
    templates draw their body through them): text is fitted to what is left."""
    left, top, width, height = box
    width = max(0, min(width, slide[0] - left))
    bottom = min(top + height, slide[1])
    for f_left, f_top, f_width, f_height in footers:
        if f_top > top + (bottom - top) // 2 and f_top < bottom and f_left < left + width and left < f_left + f_width:
            bottom = f_top - FOOTER_GAP
    return left, top, width, max(0, bottom - top)


def _boxes(root, master: _Master, slide: tuple[int, int]
           ) -> tuple[TextBox | None, tuple[TextBox, ...], tuple[Placeholder, ...]]:
    """A layout's title placeholder and its text placeholders, measured, and every placeholder as a person
    sees it (role, name, position as the file has it, text size), in the file's order.

    Placeholders are told apart by type and position, not only by idx: LibreOffice writes layouts whose
    placeholders carry no idx at all. A box's slot is its place among the placeholders a new slide copies,
    which is how the renderer finds it on the slide. Bodies are read in idx order when their idx values tell
    them apart, else top to bottom, left to right."""
    title = None
    bodies = []
    described = []
    found = _placeholders(root)
    idx_count = Counter(_int(ph.get("idx")) or 0 for _, ph in found)
    footers = [_measured(shape, ph, master) for shape, ph in found if ph.get("type") in _LATENT]
    slot = -1
    for shape, ph in found:
        kind = ph.get("type")
        slot += kind not in _LATENT  # a new slide copies all but these, in this order
        measured = _measured(shape, ph, master)
        c_nv_pr = shape[0].find(f"{_P}cNvPr")
        name = "" if c_nv_pr is None else c_nv_pr.get("name", "")
        role = _ROLES.get(kind or "obj", kind or "obj")
        is_title = kind in _TITLE_TYPES
        if not is_title and kind not in _BODY_TYPES:
            described.append(Placeholder(role, name, *measured))
            continue
        levels = _level_metrics(shape, master.base(ph), master.title_style if is_title else master.body_style,
                                is_body=kind in (None, "obj", "body"))
        described.append(Placeholder(role, name, *measured, levels.sizes[0]))
        idx = _int(ph.get("idx")) or 0
        left, top, width, height = _clipped(measured, footers, slide)
        pinned = idx_count[idx] > 1 or (left, top, width, height) != measured
        box = TextBox(idx, kind, left, top, width, height, levels.sizes, levels.indents, slot, pinned,
                      levels.own_style, master.width_factor(levels.typeface, is_title), levels.spacing)
        if is_title:
            title = title or box
        else:
            bodies.append(box)
    if len({box.idx for box in bodies}) == len(bodies):
        bodies.sort(key=lambda box: box.idx)
    else:
        bodies.sort(key=lambda box: (box.top, box.left))
    return title, tuple(bodies), tuple(described)


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


class _Levels(NamedTuple):
    sizes: tuple[float, ...]  # points, levels 1 to 9
    indents: tuple[float, ...]  # points
    spacing: tuple[float, ...]  # points before and after a paragraph
    own_style: bytes | None  # the list style a slide must carry itself
    typeface: str | None  # of the first level


def _level_metrics(shape, base, style, is_body: bool) -> _Levels:
    """Text size and left margin (points) per level, and the list style a slide must carry itself.

    Sizes come from what a slide inherits: the layout placeholder's list style, its master placeholder's,
    then the master's title or body style. LibreOffice writes templates without those: their sizes are
    in the sample paragraphs of the layout or master placeholder, which no slide inherits (PowerPoint
    then draws 18 pt, LibreOffice 32 or 44). For such a placeholder the sizes are read from those
    paragraphs and returned as a list style for the slide, so every application draws the template's
    sizes, the ones the estimates use. 18 pt and no margin where nothing says."""
    inherited = [element.find(f"{_P}txBody/{_A}lstStyle") for element in (shape, base) if element is not None]
    if style is not None:
        inherited.append(style)
    # LibreOffice keeps a body's levels on the master (its own slides draw those); a layout's lone sample
    # paragraph may be stale. Titles and subtitles follow their layout's.
    own, inherited_samples = _sample_levels(shape), _sample_levels(base) if base is not None else {}
    samples = {**own, **inherited_samples} if is_body else {**inherited_samples, **own}
    own_style = None
    if samples and not any(_size_of(source.find(f"{_A}lvl1pPr")) for source in inherited if source is not None):
        own_style = _list_style(samples)
        inherited = [ElementTree.fromstring(own_style)]
    sizes, indents, spacing = [], [], []
    for level in range(1, 10):
        size = margin = None
        gaps: dict[str, float] = {}
        for source in (found.find(f"{_A}lvl{level}pPr") for found in inherited if found is not None):
            if source is None:
                continue
            if margin is None:
                margin = _int(source.get("marL"))
            size = size or _size_of(source)
            for side in ("spcBef", "spcAft"):
                gaps.setdefault(side, _gap(source.find(f"{_A}{side}")))
        sizes.append(size or 18.0)
        indents.append((margin or 0) / EMU_PER_PT)
        line = sizes[-1] * 1.2  # a single-spaced line, as aspo.slide_fit counts it
        spacing.append(sum(gap if gap >= 0 else -gap * line for gap in gaps.values()))
    typeface = next((latin.get("typeface") for found in inherited if found is not None
                     for latin in [found.find(f"{_A}lvl1pPr/{_A}defRPr/{_A}latin")] if latin is not None), None)
    return _Levels(tuple(sizes), tuple(indents), tuple(spacing), own_style, typeface)


def _gap(element) -> float:
    """Space before or after a paragraph: points (spcPts), or minus the share of a line (spcPct)."""
    if element is None:
        return 0.0
    points, percent = element.find(f"{_A}spcPts"), element.find(f"{_A}spcPct")
    if points is not None:
        return (_int(points.get("val")) or 0) / 100
    if percent is not None:
        return -(_int(percent.get("val")) or 0) / 100000
    return 0.0


#: How wide fonts are, relative to Calibri's letters (which the estimates in aspo.slide_fit assume). A font not listed
#: may be missing where the deck is drawn; LibreOffice then draws it in a wide substitute (DejaVu Sans on Linux),
#: so the estimate takes that width and text fits whichever font is drawn.
FONT_WIDTHS = {
    "calibri": 1.0, "calibri light": 1.0, "carlito": 1.0, "cambria": 1.0, "caladea": 1.0, "candara": 1.0,
    "arial": 1.1, "liberation sans": 1.1, "arimo": 1.1, "helvetica": 1.1, "helvetica neue": 1.1,
    "nimbus sans": 1.1, "times new roman": 0.95, "liberation serif": 0.95, "tinos": 0.95, "times": 0.95,
    "georgia": 1.1, "garamond": 0.95, "segoe ui": 1.08, "tahoma": 1.1, "trebuchet ms": 1.05,
    "century gothic": 1.2, "verdana": 1.25, "aptos": 1.05, "roboto": 1.05, "open sans": 1.15, "lato": 1.05,
    "noto sans": 1.2, "dejavu sans": 1.22, "liberation sans narrow": 0.9, "arial narrow": 0.9,
}
MISSING_FONT_WIDTH = 1.22  # DejaVu Sans, LibreOffice's substitute


def font_width(typeface: str | None) -> float:
    """A font's letter width relative to Calibri's; a font not known here counts as its wide substitute."""
    if not typeface:
        return 1.0  # no font named anywhere: the application's default (Calibri in PowerPoint)
    return FONT_WIDTHS.get(typeface.strip("'\" ").casefold(), MISSING_FONT_WIDTH)


def _size_of(level) -> float | None:
    rpr = None if level is None else level.find(f"{_A}defRPr")
    size = None if rpr is None else _int(rpr.get("sz"))
    return None if size is None else size / 100


def _sample_levels(shape) -> dict[int, tuple]:
    """The paragraph and character properties of a placeholder's sample paragraphs, by level (1 to 9)."""
    found: dict[int, tuple] = {}
    for paragraph in shape.iterfind(f"{_P}txBody/{_A}p"):
        ppr = paragraph.find(f"{_A}pPr")
        level = (_int(ppr.get("lvl")) or 0) + 1 if ppr is not None else 1
        rpr = paragraph.find(f"{_A}r/{_A}rPr")
        if rpr is None:
            rpr = paragraph.find(f"{_A}endParaRPr")
        if 1 <= level <= 9 and level not in found and rpr is not None and _int(rpr.get("sz")):
            found[level] = (ppr, rpr)
    return found


def _list_style(samples: dict[int, tuple]) -> bytes:
    """A list style (a:lstStyle) made of sample paragraphs' properties, level by level."""
    style = ElementTree.Element(f"{_A}lstStyle")
    for level in sorted(samples):
        ppr, rpr = samples[level]
        attributes = {} if ppr is None else {k: v for k, v in ppr.items() if k != "lvl"}
        element = ElementTree.SubElement(style, f"{_A}lvl{level}pPr", attributes)
        children = [] if ppr is None else [child for child in ppr if child.tag != f"{_A}extLst"]
        element.extend(children)
        defaults = ElementTree.SubElement(element, f"{_A}defRPr", dict(rpr.items()))
        defaults.extend(child for child in rpr if child.tag != f"{_A}extLst")
    return ElementTree.tostring(style)


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
    digest: str = ""  # of the bytes read (aspo.layouts.digest), when checked

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
    data = _read(path, "Word", data)
    with _open(path, "Word", "word/document.xml", data) as package:
        return replace(_document_template(path, package, checked), digest=digest(data))


def _document_template(path: Path, package: zipfile.ZipFile, checked: bool) -> DocumentTemplate:
    names = set(package.namelist())

    def part(name: str):
        return _xml(package, name, path) if name in names else None

    styles_root = part("word/styles.xml")
    theme = part("word/theme/theme1.xml")
    major, minor, colors = _word_theme(theme)
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


def _word_theme(root) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
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
