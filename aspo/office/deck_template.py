"""What the Office template files offer (slide layouts, placeholders, Word styles), read straight from the zip."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from aspo.core.bounded import ZipBudget
from aspo.core.errors import AspoError, quoted
from aspo.core.rulebook import LAYOUT
from aspo.office.ooxml import (
    LAYOUT_REL,
    MASTER_REL,
    R_ID,
    RELATIONSHIPS,
    SLIDE_REL,
    THEME_REL,
    A,
    P,
    rels_part,
    target_part,
)
from aspo.office.package_census import census
from aspo.office.safety import digest, int_or_none, open_template, part_xml, template_data

ElementTree.register_namespace("a", A[1:-1])  # list styles written for slides keep the usual prefix
_TITLE_TYPES = {"title", "ctrTitle"}
_BODY_TYPES = {None, "body", "obj", "subTitle"}


#: The master placeholder a layout placeholder takes its position and size from, by type
#: (as python-pptx and PowerPoint look it up); a placeholder without a type is "obj".
_BASE_TYPES = {"title": "title", "ctrTitle": "title", "body": "body", "obj": "body", "subTitle": "body"}
#: Shapes that may be placeholders: the direct children of a slide's shape tree.
_SHAPES = {f"{P}{tag}" for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart")}
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
class ScriptFonts:
    """The typefaces a template's body text is drawn in, by script: its theme's minor font (a:minorFont). None: the
    template names none, and each application picks its own (for Japanese text, one that may lack its glyphs)."""

    latin: str | None = None
    east_asian: str | None = None  # Chinese, Japanese, Korean
    complex: str | None = None  # Arabic, Hebrew, Thai, Indic scripts


@dataclass(frozen=True)
class Theme:
    """A slide master's theme: its fonts and colours, as `aspo layouts show` and a diff tell them."""

    name: str
    heading_font: str
    body_font: str
    colors: tuple[tuple[str, str], ...]  # (slot, "#RRGGBB"): dk1, lt1, dk2, lt2, accent1..6, hlink, folHlink
    script_fonts: ScriptFonts = ScriptFonts()  # the body font for each script


@dataclass(frozen=True)
class SlideMaster:
    """One slide master of a deck template: its place, name, theme and reading direction."""

    number: int  # counted from 1 in the file's order
    name: str
    theme: Theme | None
    right_to_left: bool = False  # its body text style's first level reads right to left (p:bodyStyle a:lvl1pPr rtl)


@dataclass(frozen=True)
class DeckTemplate:
    """A deck template's layouts, slide size and masters, as aspo reads them."""

    path: Path
    layouts: tuple[SlideLayout, ...]
    width: int = 9144000  # slide size, EMU (PowerPoint's 4:3 default)
    height: int = 6858000
    masters: tuple[SlideMaster, ...] = ()
    sample_slides: int = 0  # slides the template carries; no deck keeps them
    designed_master: int = 1  # the slide master its sample slides use most: the template's own look
    master: int = 1  # the slide master whose layouts names select first (outline.yaml's deck.master)
    digest: str = ""  # of the bytes read (aspo.office.safety.digest)

    @property
    def chosen_master(self) -> SlideMaster | None:
        """The slide master whose layouts names select first (`master`), else the first."""
        return next((m for m in self.masters if m.number == self.master), self.masters[0] if self.masters else None)

    @property
    def script_fonts(self) -> ScriptFonts:
        """The body font of the chosen master's theme for each script (None where the theme leaves it empty)."""
        master = self.chosen_master
        return master.theme.script_fonts if master is not None and master.theme is not None else ScriptFonts()

    @property
    def right_to_left_ready(self) -> bool:
        """Whether the chosen master's body text reads right to left (its p:bodyStyle's first level is rtl="1")."""
        master = self.chosen_master
        return master is not None and master.right_to_left

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


#: The placeholders a slide takes text or the logo in: each needs an area on the slide. Footers, dates and slide
#: numbers are left out: no slide copies them.
DRAWN_ROLES = ("title", "subtitle", "body", "picture")


#: How to mend a placeholder with no area on the slide.
BOX_FIX = "give it a size on the slide (in PowerPoint: View > Slide Master) and adopt the template again"


def box_problems(layout: SlideLayout, width: int, height: int) -> tuple[str, ...]:
    """What is wrong with where each placeholder a slide fills sits, as the layout and its master place it
    together (a layout placeholder without a position of its own takes its master's): no width, no height, or
    wholly off the `width` x `height` slide, so that its text would be drawn off the slide or not at all. A box
    only partly off the slide is no problem: its text is fitted to, and pinned on, the part on the slide
    (_clipped), as some of LibreOffice's own templates need. One phrase per placeholder: "placeholder 'Title 1'
    (title) is 0.0 x 2.2 cm at 0.0, 0.5 cm: it has no width"."""
    found = []
    for box in layout.placeholders:
        if box.role not in DRAWN_ROLES:
            continue
        if box.width <= 0 or box.height <= 0:
            empty = [side for side, size in (("width", box.width), ("height", box.height)) if size <= 0]
            wrong = "it has no " + " and no ".join(empty)
        else:
            edges = [edge for edge, out in (("left", box.left + box.width <= 0), ("top", box.top + box.height <= 0),
                                            ("right", box.left >= width), ("bottom", box.top >= height)) if out]
            if not edges:
                continue
            wrong = f"it lies wholly off the slide, past its {' and '.join(edges)} edge{'s' * (len(edges) > 1)}"
        found.append(f"placeholder {quoted(box.name)} ({box.role}) is {cm(box.width)} x {cm(box.height)} cm "
                     f"at {cm(box.left)}, {cm(box.top)} cm on a {cm(width)} x {cm(height)} cm slide: {wrong}")
    return tuple(found)


def cm(emu: int) -> str:
    """EMU as centimetres, one decimal: how `layouts show` and `layouts use` give sizes."""
    return f"{emu / 360000:.1f}"


#: Generous for real corporate templates; far more makes every build slow. The limits on slides, layouts, masters
#: and media are aspo.office.package_census's, checked when the template is opened.
MAX_PLACEHOLDERS = 100  # per layout or master


def read_deck_template(path: Path, data: bytes | None = None) -> DeckTemplate:
    """Layout names and placeholders of a .pptx, in file order, with its slide size and themes; `data`: the
    file's bytes, already read."""
    data = template_data(path, "PowerPoint", data)
    # opening counts the slides, layouts, masters and media by what they are (aspo.office.package_census)
    with open_template(path, "PowerPoint", "ppt/presentation.xml", data) as package:
        presentation = part_xml(package, "ppt/presentation.xml", path)
        slide_ids = presentation.findall(f"{P}sldIdLst/{P}sldId")
        slides = len(slide_ids)
        for notes_master in sorted(census(package)["notesMaster"]):
            _check_placeholders(part_xml(package, notes_master, path), notes_master, path)  # notes slides copy them
        master_parts = _master_order(package, presentation, path)
        # layouts in the order PowerPoint lists them: master by master, each master's in its own order, whatever
        # their part names; a layout no slide master lists is offered by none (nor by python-pptx, which builds
        # the decks)
        names = _layout_order(package, master_parts, path)
        size = presentation.find(f"{P}sldSz")
        width = int_or_none(size.get("cx")) if size is not None else None
        height = int_or_none(size.get("cy")) if size is not None else None
        slide = (width or 9144000, height or 6858000)
        masters: dict[str | None, _Master] = {}
        layouts = []
        for name in names:
            root = part_xml(package, name, path)
            c_sld = root.find(f"{P}cSld")
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
        found = tuple(SlideMaster(number, masters[part].name, masters[part].theme, masters[part].right_to_left)
                      for number, part in enumerate(master_parts, start=1))
        designed = _designed_master(package, slide_ids, {layout.part: layout.master for layout in layouts}, path)
    return DeckTemplate(path, tuple(layouts), *slide, found, slides, designed, 1, digest(data))


def _designed_master(package: ZipBudget, slide_ids, master_of: dict[str, int], path: Path) -> int:
    """The slide master the template's own slides use most (the first of those equally used); 1 without
    slides. LibreOffice writes its default master first and the template's design after it."""
    slides = _targets(package, "ppt/presentation.xml", SLIDE_REL, path)
    used: Counter[int] = Counter()
    for entry in slide_ids:
        part = slides.get(entry.get(R_ID))
        if part is None or part not in package.namelist():
            continue
        layout = next(iter(_targets(package, part, LAYOUT_REL, path).values()), None)
        if layout in master_of:
            used[master_of[layout]] += 1
    return min(used, key=lambda number: (-used[number], number)) if used else 1


def _targets(package: ZipBudget, part: str, kind: str, path: Path) -> dict[str, str]:
    """A part's internal relationships of one type: rId -> the target's package name."""
    rels = rels_part(part)
    found = {}
    if rels in package.namelist():
        for rel in part_xml(package, rels, path).iter(f"{RELATIONSHIPS}Relationship"):
            if rel.get("Type") == kind and rel.get("TargetMode") != "External":
                found[rel.get("Id", "")] = target_part(part, rel.get("Target", ""))
    return found


def _master_order(package: ZipBudget, presentation, path: Path) -> list[str]:
    """The slide masters' package names in the order the presentation lists them."""
    targets = _targets(package, "ppt/presentation.xml", MASTER_REL, path)
    ordered = [targets[entry.get(R_ID)] for entry in presentation.iterfind(f"{P}sldMasterIdLst/{P}sldMasterId")
               if entry.get(R_ID) in targets]
    return [part for part in dict.fromkeys(ordered) if part in package.namelist()]


def _layout_order(package: ZipBudget, master_parts: list[str], path: Path) -> list[str]:
    """Every layout's package name, master by master, in each master's own order (a layout listed but not in the
    package left out)."""
    found = []
    names = set(package.namelist())
    for part in master_parts:
        targets = _targets(package, part, LAYOUT_REL, path)
        root = part_xml(package, part, path)
        found += [targets[entry.get(R_ID)] for entry in root.iterfind(f"{P}sldLayoutIdLst/{P}sldLayoutId")
                  if entry.get(R_ID) in targets]
    return [part for part in dict.fromkeys(found) if part in names]


_COLOR_SLOTS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


def _theme(package: ZipBudget, master: str, path: Path) -> Theme | None:
    """The theme a slide master uses: its name, heading and body fonts, and colours."""
    part = next(iter(_targets(package, master, THEME_REL, path).values()), None)
    if part is None or part not in package.namelist():
        return None
    root = part_xml(package, part, path)
    elements = root.find(f"{A}themeElements")
    if elements is None:
        return None
    colors = []
    scheme = elements.find(f"{A}clrScheme")
    for slot in _COLOR_SLOTS:
        element = None if scheme is None else scheme.find(f"{A}{slot}")
        value = None
        if element is not None and len(element):
            color = element[0]
            value = color.get("val") if color.tag == f"{A}srgbClr" else color.get("lastClr")
        if value:
            colors.append((slot, f"#{value.upper()}"))
    fonts = elements.find(f"{A}fontScheme")

    def typeface(which: str, script: str = "latin") -> str:
        found = None if fonts is None else fonts.find(f"{A}{which}/{A}{script}")
        return "" if found is None else found.get("typeface", "")

    scripts = ScriptFonts(*(typeface("minorFont", script) or None for script in ("latin", "ea", "cs")))
    return Theme(root.get("name", ""), typeface("majorFont"), typeface("minorFont"), tuple(colors), scripts)


class _Master:
    """What a layout inherits from its slide master: placeholder positions and text styles."""

    def __init__(self, package: ZipBudget, name: str | None, path: Path):
        root = None
        if name is not None and name in package.namelist():
            root = part_xml(package, name, path)
            _check_placeholders(root, name, path)
        self.placeholders = [] if root is None else _placeholders(root)
        styles = None if root is None else root.find(f"{P}txStyles")
        self.title_style = None if styles is None else styles.find(f"{P}titleStyle")
        self.body_style = None if styles is None else styles.find(f"{P}bodyStyle")
        first = None if self.body_style is None else self.body_style.find(f"{A}lvl1pPr")
        self.right_to_left = first is not None and first.get("rtl") in ("1", "true")
        self.theme = _theme(package, name, path) if root is not None else None
        c_sld = None if root is None else root.find(f"{P}cSld")
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
        c_sld = root.find(f"{P}cSld")
        name = c_sld.get("name", "") if c_sld is not None else ""
        what = {f"{P}sldLayout": f"layout {quoted(name)}", f"{P}notesMaster": "the notes master"}.get(
            root.tag, "the slide master")
        raise AspoError.at(path, None, part, f"{what} has {len(found)} placeholders, more than the "
                           f"{MAX_PLACEHOLDERS} a layout may hold; delete the ones it does not need "
                           "(in PowerPoint: View > Slide Master) and save again", LAYOUT)
    for shape, ph in found:
        c_nv_pr = shape[0].find(f"{P}cNvPr")
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


def _master_part(package: ZipBudget, layout: str, path: Path) -> str | None:
    """The package name of a layout's slide master, from the layout's relationships."""
    return next(iter(_targets(package, layout, MASTER_REL, path).values()), None)


def _placeholders(root) -> list[tuple[ElementTree.Element, ElementTree.Element]]:
    """(shape, p:ph) of each placeholder among the shapes of a slide, layout or master."""
    tree = root.find(f"{P}cSld/{P}spTree")
    found = []
    for shape in [] if tree is None else tree:
        if shape.tag not in _SHAPES or not len(shape):
            continue
        ph = shape[0].find(f"{P}nvPr/{P}ph")
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
    """A text box cut to the slide on every side, and above the footers, date and slide number it would run into
    (some templates draw their body through them): text is fitted to what is left."""
    left, top, width, height = box
    right, bottom = min(left + width, slide[0]), min(top + height, slide[1])
    left, top = max(left, 0), max(top, 0)
    width = max(0, right - left)
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
    idx_count = Counter(int_or_none(ph.get("idx")) or 0 for _, ph in found)
    footers = [_measured(shape, ph, master) for shape, ph in found if ph.get("type") in _LATENT]
    slot = -1
    for shape, ph in found:
        kind = ph.get("type")
        slot += kind not in _LATENT  # a new slide copies all but these, in this order
        measured = _measured(shape, ph, master)
        c_nv_pr = shape[0].find(f"{P}cNvPr")
        name = "" if c_nv_pr is None else c_nv_pr.get("name", "")
        role = _ROLES.get(kind or "obj", kind or "obj")
        is_title = kind in _TITLE_TYPES
        if not is_title and kind not in _BODY_TYPES:
            described.append(Placeholder(role, name, *measured))
            continue
        levels = _level_metrics(shape, master.base(ph), master.title_style if is_title else master.body_style,
                                is_body=kind in (None, "obj", "body"))
        described.append(Placeholder(role, name, *measured, levels.sizes[0]))
        idx = int_or_none(ph.get("idx")) or 0
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
    xfrm = shape.find(f"{P}spPr/{A}xfrm")
    if xfrm is None:
        xfrm = shape.find(f"{P}xfrm")  # a graphic frame
    if xfrm is None:
        xfrm = shape.find(f"{P}grpSpPr/{A}xfrm")
    if xfrm is None:
        return None, None, None, None
    off, ext = xfrm.find(f"{A}off"), xfrm.find(f"{A}ext")
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
    return int_or_none(value)


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
    inherited = [element.find(f"{P}txBody/{A}lstStyle") for element in (shape, base) if element is not None]
    if style is not None:
        inherited.append(style)
    # LibreOffice keeps a body's levels on the master (its own slides draw those); a layout's lone sample
    # paragraph may be stale. Titles and subtitles follow their layout's.
    own, inherited_samples = _sample_levels(shape), _sample_levels(base) if base is not None else {}
    samples = {**own, **inherited_samples} if is_body else {**inherited_samples, **own}
    own_style = None
    if samples and not any(_size_of(source.find(f"{A}lvl1pPr")) for source in inherited if source is not None):
        own_style = _list_style(samples)
        inherited = [ElementTree.fromstring(own_style)]
    sizes, indents, spacing = [], [], []
    for level in range(1, 10):
        size = margin = None
        gaps: dict[str, float] = {}
        for source in (found.find(f"{A}lvl{level}pPr") for found in inherited if found is not None):
            if source is None:
                continue
            if margin is None:
                margin = int_or_none(source.get("marL"))
            size = size or _size_of(source)
            for side in ("spcBef", "spcAft"):
                gaps.setdefault(side, _gap(source.find(f"{A}{side}")))
        sizes.append(size or 18.0)
        indents.append((margin or 0) / EMU_PER_PT)
        line = sizes[-1] * 1.2  # a single-spaced line, as aspo.compose.text_measure counts it
        spacing.append(sum(gap if gap >= 0 else -gap * line for gap in gaps.values()))
    typeface = next((latin.get("typeface") for found in inherited if found is not None
                     for latin in [found.find(f"{A}lvl1pPr/{A}defRPr/{A}latin")] if latin is not None), None)
    return _Levels(tuple(sizes), tuple(indents), tuple(spacing), own_style, typeface)


def _gap(element) -> float:
    """Space before or after a paragraph: points (spcPts), or minus the share of a line (spcPct)."""
    if element is None:
        return 0.0
    points, percent = element.find(f"{A}spcPts"), element.find(f"{A}spcPct")
    if points is not None:
        return (int_or_none(points.get("val")) or 0) / 100
    if percent is not None:
        return -(int_or_none(percent.get("val")) or 0) / 100000
    return 0.0


#: How wide fonts are, relative to Calibri's letters (which the estimates in aspo.compose.text_measure assume). A font
#: not listed may be missing where the deck is drawn; LibreOffice then draws it in a wide substitute (DejaVu Sans on
#: Linux), so the estimate takes that width and text fits whichever font is drawn.
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
    rpr = None if level is None else level.find(f"{A}defRPr")
    size = None if rpr is None else int_or_none(rpr.get("sz"))
    return None if size is None else size / 100


def _sample_levels(shape) -> dict[int, tuple]:
    """The paragraph and character properties of a placeholder's sample paragraphs, by level (1 to 9)."""
    found: dict[int, tuple] = {}
    for paragraph in shape.iterfind(f"{P}txBody/{A}p"):
        ppr = paragraph.find(f"{A}pPr")
        level = (int_or_none(ppr.get("lvl")) or 0) + 1 if ppr is not None else 1
        rpr = paragraph.find(f"{A}r/{A}rPr")
        if rpr is None:
            rpr = paragraph.find(f"{A}endParaRPr")
        if 1 <= level <= 9 and level not in found and rpr is not None and int_or_none(rpr.get("sz")):
            found[level] = (ppr, rpr)
    return found


def _list_style(samples: dict[int, tuple]) -> bytes:
    """A list style (a:lstStyle) made of sample paragraphs' properties, level by level."""
    style = ElementTree.Element(f"{A}lstStyle")
    for level in sorted(samples):
        ppr, rpr = samples[level]
        attributes = {} if ppr is None else {k: v for k, v in ppr.items() if k != "lvl"}
        element = ElementTree.SubElement(style, f"{A}lvl{level}pPr", attributes)
        children = [] if ppr is None else [child for child in ppr if child.tag != f"{A}extLst"]
        element.extend(children)
        defaults = ElementTree.SubElement(element, f"{A}defRPr", dict(rpr.items()))
        defaults.extend(child for child in rpr if child.tag != f"{A}extLst")
    return ElementTree.tostring(style)
