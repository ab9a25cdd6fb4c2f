"""The OOXML names aspo reads and writes, declared once: the namespaces by prefix, the same as `{uri}` prefixes
for ElementTree and lxml tag names (Clark notation: f"{A}p" is a:p), and the relationship types.

The prefixes are python-pptx's and python-docx's (`ct`, `pr`, `ep` for the package's own namespaces)."""

from __future__ import annotations

import posixpath

_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"

#: Namespace URI by prefix.
NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": f"{_OFFICE_DOCUMENT}/relationships",
    "ep": f"{_OFFICE_DOCUMENT}/extended-properties",
    "vt": f"{_OFFICE_DOCUMENT}/docPropsVTypes",
    "ct": f"{_PACKAGE}/content-types",
    "pr": f"{_PACKAGE}/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def clark(prefix: str) -> str:
    """The namespace of `prefix` as the start of a tag or attribute name: "{uri}"."""
    return f"{{{NAMESPACES[prefix]}}}"


A, P, W, R = clark("a"), clark("p"), clark("w"), clark("r")
#: [Content_Types].xml's elements
CONTENT_TYPES = clark("ct")
#: the elements of a part's relationships (.rels)
RELATIONSHIPS = clark("pr")
XML = clark("xml")
#: r:id, the attribute that names a relationship
R_ID = f"{R}id"

# --- relationship types -------------------------------------------------------------------------------------

MASTER_REL = f"{NAMESPACES['r']}/slideMaster"
SLIDE_REL = f"{NAMESPACES['r']}/slide"
LAYOUT_REL = f"{NAMESPACES['r']}/slideLayout"
THEME_REL = f"{NAMESPACES['r']}/theme"
EXTENDED_PROPERTIES_REL = f"{NAMESPACES['r']}/extended-properties"
THUMBNAIL_REL = f"{NAMESPACES['pr']}/metadata/thumbnail"


# --- relationships ------------------------------------------------------------------------------------------


def rels_part(part: str) -> str:
    """The part that holds a part's relationships: "ppt/slides/slide1.xml" -> "ppt/slides/_rels/slide1.xml.rels"."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_part(rels: str) -> str:
    """The part whose relationships a .rels part holds (rels_part's inverse); "" for the package's own, _rels/.rels."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def target_part(source: str, target: str) -> str:
    """The name of the part an internal relationship of `source` leads to: its Target taken from the source's folder
    ("../slideLayouts/slideLayout1.xml" from "ppt/slides/slide1.xml" is "ppt/slideLayouts/slideLayout1.xml"), or
    from the package's root when it starts with "/"."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
