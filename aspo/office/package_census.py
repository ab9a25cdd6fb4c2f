"""What an Office package's parts are, by what its content types and relationships say (never by their names), and
whether a template holds more layouts, masters, slides or media than any deck should copy."""

from __future__ import annotations

import posixpath
from typing import NamedTuple
from xml.etree import ElementTree

from aspo.core.bounded import OverBudget, ZipBudget, zip_errors
from aspo.office.ooxml import CONTENT_TYPES, RELATIONSHIPS, source_part, target_part

#: Generous for real corporate templates; far more makes every build slow (python-pptx reads every part, and every
#: deck carries the layouts, masters and media).
MAX_SLIDES = 500
MAX_LAYOUTS = 200
MAX_MASTERS = 200
MAX_MEDIA = 1000

_PRESENTATION = "application/vnd.openxmlformats-officedocument.presentationml."
#: Kinds of part by the end of their content type, and by the end of the type of a relationship to them.
_BY_CONTENT_TYPE = {f"{_PRESENTATION}{kind}+xml": kind for kind in ("slide", "slideLayout", "slideMaster",
                                                                      "notesSlide", "notesMaster")}
_BY_RELATIONSHIP = {"slide": "slide", "slideLayout": "slideLayout", "slideMaster": "slideMaster",
                    "notesSlide": "notesSlide", "notesMaster": "notesMaster",
                    "image": "media", "media": "media", "video": "media", "audio": "media"}
_MEDIA_TYPES = ("image/", "video/", "audio/")


def census(package: ZipBudget) -> dict[str, set[str]]:
    """The package's parts by kind (slide, slideLayout, slideMaster, notesSlide, notesMaster, media): each part its
    content type or a relationship to it says is one. Parts that are not there are not counted."""
    names = {info.filename for info in package.infolist() if not info.is_dir()}
    found: dict[str, set[str]] = {kind: set() for kind in (*_BY_CONTENT_TYPE.values(), "media")}
    types = content_types(package)
    for name in names:
        content_type = types.of(name)
        kind = _BY_CONTENT_TYPE.get(content_type) or ("media" if content_type.startswith(_MEDIA_TYPES) else None)
        if kind:
            found[kind].add(name)
    for rels in sorted(name for name in names if name.endswith(".rels")):
        for kind, target in _relationships(package, rels):
            if target in names:
                found[kind].add(target)
    return found


def check_census(package: ZipBudget, kind: str) -> str | None:
    """What a template holds too many of, in words; None when it is within every limit. `kind`: PowerPoint or Word."""
    parts = census(package)
    if len(parts["slide"]) > MAX_SLIDES:
        return (f"has {len(parts['slide'])} slides, more than the {MAX_SLIDES} a template may hold; delete its sample "
                "slides (aspo leaves them out of every deck) and save again")
    if len(parts["slideLayout"]) > MAX_LAYOUTS:
        return (f"has {len(parts['slideLayout'])} slide layouts, more than the {MAX_LAYOUTS} a template may hold; "
                "delete the layouts no outline uses (in PowerPoint: View > Slide Master) and save again")
    if len(parts["slideMaster"]) > MAX_MASTERS:
        return (f"has {len(parts['slideMaster'])} slide masters, more than the {MAX_MASTERS} a template may hold; "
                "delete the masters no outline uses (in PowerPoint: View > Slide Master) and save again")
    if len(parts["media"]) > MAX_MEDIA:
        return (f"has {len(parts['media'])} pictures, sounds and videos, more than the {MAX_MEDIA} a template may "
                f"hold, which every {'deck' if kind == 'PowerPoint' else 'document'} would carry; delete the ones "
                "it does not need and save again")
    return None


class ContentTypes(NamedTuple):
    """[Content_Types].xml: content types by lower-case extension (defaults) and by part name (overrides)."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, name: str) -> str:
        """The part's content type: its own, else its extension's; "" when neither is given."""
        return self.overrides.get(name) or self.defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")


def content_types(package: ZipBudget) -> ContentTypes:
    """What the package's [Content_Types].xml says; nothing when it cannot be read (the package check names why)."""
    found = ContentTypes({}, {})
    try:
        root = ElementTree.fromstring(package.read("[Content_Types].xml"))
    except OverBudget:
        raise
    except (ElementTree.ParseError, *zip_errors()):
        return found
    for element in root:
        if element.tag == f"{CONTENT_TYPES}Default":
            found.defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif element.tag == f"{CONTENT_TYPES}Override":
            found.overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    return found


def _relationships(package: ZipBudget, rels: str) -> list[tuple[str, str]]:
    """(kind, target part) of each internal relationship in a .rels part whose type says what its target is."""
    try:
        root = ElementTree.fromstring(package.read(rels))
    except OverBudget:
        raise
    except (ElementTree.ParseError, *zip_errors()):
        return []
    source = source_part(rels)
    found = []
    for rel in root.iter(f"{RELATIONSHIPS}Relationship"):
        kind = _BY_RELATIONSHIP.get(rel.get("Type", "").rsplit("/", 1)[-1])
        target = rel.get("Target", "")
        if kind is None or rel.get("TargetMode") == "External" or not target:
            continue
        found.append((kind, target_part(source, target)))
    return found
