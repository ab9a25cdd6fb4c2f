"""The OOXML names aspo reads and writes: namespaces and relationship types, declared once."""

from __future__ import annotations

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MASTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


SLIDE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"


LAYOUT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"
THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
