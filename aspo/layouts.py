"""What the Office template files offer (slide layouts, placeholders, Word styles), read straight from the zip."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from aspo.errors import LAYOUT, AspoError

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE_TYPES = {"title", "ctrTitle"}
_BODY_TYPES = {None, "body", "obj", "subTitle"}
# Word stores built-in names in lower case; these are the names people see in Word (python-docx's BabelFish).
_UI_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
             **{f"heading {n}": f"Heading {n}" for n in range(1, 10)}}


@dataclass(frozen=True)
class SlideLayout:
    """One slide layout: its name and which placeholders it has."""

    name: str
    has_title: bool
    body_placeholders: int


@dataclass(frozen=True)
class DeckTemplate:
    path: Path
    layouts: tuple[SlideLayout, ...]

    def layout(self, name: str) -> SlideLayout | None:
        return next((layout for layout in self.layouts if layout.name == name), None)


@dataclass(frozen=True)
class DocumentTemplate:
    path: Path
    paragraph_styles: frozenset[str]
    table_styles: frozenset[str]


def _open(path: Path, kind: str, main_part: str) -> zipfile.ZipFile:
    if not path.is_file():
        raise AspoError.at(path, None, None, f"{kind} template not found", LAYOUT)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise AspoError.at(path, None, None, f"not a {kind} file (it is not a zip package); save it again from {kind}",
                           LAYOUT) from None
    if main_part not in package.namelist():
        package.close()
        raise AspoError.at(path, None, None, f"not a {kind} file (no {main_part}); expected a {path.suffix} saved from {kind}",
                           LAYOUT)
    return package


def _xml(package: zipfile.ZipFile, name: str, path: Path):
    try:
        return ElementTree.fromstring(package.read(name))
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise AspoError.at(path, None, None, f"damaged file: cannot read {name} ({exc})", LAYOUT) from None


def read_deck_template(path: Path) -> DeckTemplate:
    """Layout names and placeholders of a .pptx, in file order."""
    with _open(path, "PowerPoint", "ppt/presentation.xml") as package:
        names = [n for n in package.namelist() if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", n)]
        names.sort(key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
        layouts = []
        for name in names:
            root = _xml(package, name, path)
            c_sld = root.find(f"{_P}cSld")
            placeholders = [ph for ph in root.iter(f"{_P}ph")]
            has_title = any(ph.get("type") in _TITLE_TYPES for ph in placeholders)
            bodies = sum(1 for ph in placeholders if ph.get("type") in _BODY_TYPES and int(ph.get("idx", "0")) >= 1)
            layouts.append(SlideLayout(c_sld.get("name", "") if c_sld is not None else "", has_title, bodies))
    return DeckTemplate(path, tuple(layouts))


def read_document_template(path: Path) -> DocumentTemplate:
    """Paragraph and table style names of a .docx, as Word shows them."""
    with _open(path, "Word", "word/document.xml") as package:
        if "word/styles.xml" not in package.namelist():
            return DocumentTemplate(path, frozenset(), frozenset())
        root = _xml(package, "word/styles.xml", path)
    paragraph, table = set(), set()
    for style in root.iter(f"{_W}style"):
        name_el = style.find(f"{_W}name")
        if name_el is None:
            continue
        name = name_el.get(f"{_W}val", "")
        name = _UI_NAMES.get(name, name)
        {"paragraph": paragraph, "table": table}.get(style.get(f"{_W}type"), set()).add(name)
    return DocumentTemplate(path, frozenset(paragraph), frozenset(table))

