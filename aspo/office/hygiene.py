"""What a template may not pass on to outputs (linked content, macros, embedded objects, custom XML), and the
links it may."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from aspo.core.bounded import ZipBudget, open_zip
from aspo.core.errors import quoted
from aspo.office.ooxml import NAMESPACES, RELATIONSHIPS
from aspo.office.package_census import content_types

#: Relationship types end the same in transitional (.../officeDocument/2006/relationships/x) and strict files.
_HYPERLINK = "hyperlink"
_OLE_TYPES = {"oleObject", "package"}
_MACRO_TYPES = {"vbaProject", "vbaProjectSignature", "wordVbaData", "keyMapCustomizations"}
#: Fields that fetch or run something from outside the file when Word shows or updates them.
_FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO"}
_NETWORK = re.compile(r"^(?:[a-z][a-z0-9+.-]*://(?!/)|\\\\|//)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One thing a template carries: `refused` ones stop the build; hyperlinks are only listed."""

    part: str
    message: str
    refused: bool = True


def findings(package: ZipBudget, kind: str) -> list[Finding]:
    """Everything external, active or embedded in the package, in package order; `kind`: PowerPoint or Word. Its
    parts are read against the package's budget (OverBudget when it is spent)."""
    app = _App(kind)
    names = [info.filename for info in package.infolist() if not info.is_dir()]
    types = content_types(package)
    found: list[Finding] = []
    for name in names:
        what = _part_kind(name, types.of(name))
        if what:
            found.append(Finding(name, what(app)))
    for name in names:
        if name.endswith(".rels"):
            found.extend(_relationship_findings(package, name, app))
    if kind == "Word":
        for name in names:
            if name.endswith(".xml") and not name.startswith("customXml/"):
                data = package.read(name)
                if b"instr" in data:
                    found.extend(Finding(name, message) for message in _field_findings(data, app))
    return found


class _App:
    """The words a message uses for the kind of file."""

    def __init__(self, kind: str):
        self.kind = kind
        self.output = "deck" if kind == "PowerPoint" else "document"


def _part_kind(name: str, content_type: str):
    """A message maker for a part that is macros, an ActiveX control, an embedded object or custom XML."""
    base = posixpath.basename(name).lower()
    folders = name.lower().split("/")[:-1]
    if base in ("vbaproject.bin", "vbadata.xml") or "macroenabled" in content_type.lower() \
            or "vbaproject" in content_type.lower() or "vbadata" in content_type.lower():
        return lambda app: (f"macros (a VBA project) would be copied into every {app.output}; save the template "
                            f"as a {app.kind} {'.pptx' if app.kind == 'PowerPoint' else '.docx'} "
                            "(File > Save As), which leaves them out")
    if "activex" in folders or "activex" in content_type.lower():
        return lambda app: (f"an ActiveX control would be copied into every {app.output}; "
                            "delete it from the template and save again")
    if "embeddings" in folders or content_type.endswith("oleObject"):
        return lambda app: (f"an embedded object (OLE) would be copied into every {app.output}; "
                            "delete it from the template and save again")
    if folders[:1] == ["customxml"]:
        return lambda app: (f"custom XML data (SharePoint properties or data bindings) would be copied into every "
                            f"{app.output}; remove it (in {app.kind}: File > Info > Check for Issues > "
                            "Inspect Document > Custom XML Data) and save again")
    return None


def _relationship_findings(package: ZipBudget, name: str, app: _App) -> list[Finding]:
    try:
        root = ElementTree.fromstring(package.read(name))
    except ElementTree.ParseError:
        return []  # the package check names the part
    found = []
    for rel in root.iter(f"{RELATIONSHIPS}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            if kind in _OLE_TYPES:
                found.append(Finding(name, f"an embedded object (OLE) would be copied into every {app.output}; "
                                           "delete it from the template and save again"))
            elif kind in _MACRO_TYPES:
                found.append(Finding(name, f"macros would be copied into every {app.output}; save the template "
                                           f"again as a plain {app.kind} file (File > Save As)"))
            elif kind in ("customXml", "customXmlProps"):
                found.append(Finding(name, f"custom XML data would be copied into every {app.output}; remove it "
                                           f"(in {app.kind}: File > Info > Check for Issues > Inspect Document > "
                                           "Custom XML Data) and save again"))
            continue
        if kind == _HYPERLINK:
            found.append(Finding(name, f"hyperlink to {quoted(target, 80)}: every {app.output} built from this "
                                       "template carries it; check that it points where you mean", refused=False))
            continue
        found.append(Finding(name, _external_message(kind, target, app)))
    return found


def _loads_from(target: str) -> str:
    return "from the network" if _NETWORK.match(target) else "from outside the file"


def _external_message(kind: str, target: str, app: _App) -> str:
    where = f"{quoted(target, 80)} loads {_loads_from(target)} when the {app.output} opens"
    if kind == "image":
        insert = "Change Picture > From a File > Insert" if app.kind == "PowerPoint" else "Insert > Pictures > Insert"
        return f"picture linked to {where}; embed it instead (in {app.kind}: {insert}, not Link to File) or remove it"
    if kind == "attachedTemplate":
        return (f"template attached from {where}; remove it (in Word: Developer > Document Template, "
                "attach Normal) and save again")
    if kind in _OLE_TYPES:
        return (f"object linked to {where}; break the link (in {app.kind}: File > Info > Edit Links to Files > "
                "Break Link) and save again")
    noun = {"frame": "frame", "subDocument": "subdocument", "video": "video", "audio": "sound",
            "media": "media"}.get(kind, f"external {kind or 'relationship'}")
    return f"{noun} linked to {where}; remove it and save again"


def _field_findings(data: bytes, app: _App) -> list[str]:
    """Messages for the fields in a Word part that fetch: simple fields and complex ones (split over runs)."""
    from xml.parsers import expat

    instructions: list[str] = []
    stack: list[list[str] | None] = []  # each open complex field's instruction; None once read
    in_instr = [False]

    def start(tag, attrs):
        local = tag.rsplit(" ", 1)[-1]
        if local == "fldSimple":
            instructions.append(attrs.get(f"{NAMESPACES['w']} instr", ""))
        elif local == "fldChar":
            kind = attrs.get(f"{NAMESPACES['w']} fldCharType")
            if kind == "begin":
                stack.append([])
            elif kind in ("separate", "end") and stack:
                if stack[-1] is not None:
                    instructions.append("".join(stack[-1]))
                if kind == "end":
                    stack.pop()
                else:
                    stack[-1] = None
        elif local == "instrText":
            in_instr[0] = True

    def end(tag):
        if tag.rsplit(" ", 1)[-1] == "instrText":
            in_instr[0] = False

    def text(chars):
        if in_instr[0] and stack and stack[-1] is not None:
            stack[-1].append(chars)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return []  # the package check names the part
    found = []
    for instruction in instructions:
        words = instruction.split(None, 1)
        name = words[0].upper() if words else ""
        if name not in _FETCHING_FIELDS:
            continue
        argument = words[1] if len(words) > 1 else ""
        quoted_arg = re.match(r'\s*"([^"]*)"', argument)
        # Word doubles backslashes inside field arguments
        target = (quoted_arg.group(1) if quoted_arg else (argument.split() or [""])[0]).replace("\\\\", "\\")
        if name in ("DDE", "DDEAUTO"):
            found.append(f"{name} field runs {quoted(target, 80)} when the {app.output} opens or its fields "
                         "update; remove the field (in Word: Alt+F9 shows field codes) and save again")
            continue
        remedy = {"INCLUDEPICTURE": "insert the picture itself", "LINK": "break the link"}.get(
            name, "paste the text itself")
        found.append(f"{name} field loads {quoted(target, 80)} {_loads_from(target)} when the {app.output} opens "
                     f"or its fields update; {remedy} or remove the field (in Word: Alt+F9 shows field codes)")
    return found


#: The empty elements that point at custom XML: relationships to it and content types of its parts.
_CUSTOM_XML_RELATIONSHIP = re.compile(
    rb"""<(?:\w+:)?Relationship\b[^>]*Type=["'][^"']*/customXml(?:Props)?["'][^>]*/>""")
_CUSTOM_XML_OVERRIDE = re.compile(rb"""<(?:\w+:)?Override\b[^>]*PartName=["']/customXml/[^"']*["'][^>]*/>""", re.I)


def without_custom_xml(data: bytes, limit_is: str = "aspo reads") -> tuple[bytes, tuple[str, ...]]:
    """The package without its custom XML data (SharePoint properties, data bindings), which nothing aspo
    makes needs and every output would carry, and the parts removed; the same bytes when it has none. The parts
    kept are unpacked against one budget, the parts removed never: OverBudget (its message saying `limit_is`) for a
    package that declares, or unpacks to, more than a template may hold."""
    import io
    import zipfile

    # what the whole package declares counts: it is refused at once
    with open_zip(data, limit_is=limit_is) as budget:
        removed = tuple(info.filename for info in budget.infolist() if info.filename.lower().startswith("customxml/"))
        if not removed:
            return data, ()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as copy:
            for info in budget.infolist():
                if info.filename in removed:
                    continue
                content = budget.read(info)
                if info.filename.endswith(".rels"):
                    content = _CUSTOM_XML_RELATIONSHIP.sub(b"", content)
                elif info.filename == "[Content_Types].xml":
                    content = _CUSTOM_XML_OVERRIDE.sub(b"", content)
                copy.writestr(info, content)
    return out.getvalue(), removed
