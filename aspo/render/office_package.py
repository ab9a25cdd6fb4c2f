"""Deterministic Office packages: the same content always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Callable, Iterable

from aspo.office.ooxml import EXTENDED_PROPERTIES_REL, NAMESPACES, THUMBNAIL_REL
from aspo.office.safety import digest
from aspo.render.zips import Deflated, write_zip

# --- what both renderers share ---------------------------------------------------------------

def template_bytes(path: str | os.PathLike, field: str | None = None) -> bytes:
    """The bytes of a template file, or AspoError saying why they cannot be read; a named pipe, a device or a file
    larger than a template may unpack to is refused unread (aspo.core.bounded)."""
    from aspo.core.bounded import MAX_UNPACKED_BYTES, read_regular
    from aspo.core.errors import AspoError
    from aspo.core.rulebook import LAYOUT

    path = Path(path)
    if path.is_dir():
        raise AspoError.at(path, None, field, "the template is a directory, not a file")
    if not path.exists():
        raise AspoError.at(path, None, field, "the template file does not exist")
    try:
        return read_regular(path, MAX_UNPACKED_BYTES, LAYOUT)
    except AspoError as exc:
        raise AspoError.at(path, None, field, exc.problems[0].message, LAYOUT) from None


def checked_template(path: Path, field: str, checked, read: Callable):
    """A template's bytes and the library's reading of them (`checked`, which has their `digest`): read here with
    `read(path, data)` when there is none, refused when the file changed since the library read it."""
    from aspo.core.errors import AspoError
    from aspo.core.rulebook import LAYOUT

    data = template_bytes(path, field)
    if checked is None:
        return data, read(path, data)
    if checked.digest != digest(data):
        raise AspoError.at(path, None, field, "changed after the templates were checked; run aspo again", LAYOUT)
    return data, checked


def _utc_naive(when: dt.datetime) -> dt.datetime:
    """The Office libraries write datetimes as given with a 'Z': hand them UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def _short(text: str) -> str:
    """Core properties hold at most 255 characters, on one line."""
    text = " ".join(str(text).split())
    return text if len(text) <= 255 else text[:254] + "\u2026"


def set_core_properties(props, meta) -> None:
    """Fills a python-pptx or python-docx CoreProperties from an aspo `Properties`.

    Every field the libraries' defaults fill is overwritten, so the files name the vendor
    and the rep, never the library that wrote them.
    """
    props.title = _short(meta.title)
    props.subject = _short(meta.subject)
    props.author = _short(meta.author)
    props.last_modified_by = _short(meta.author)
    props.keywords = _short(meta.keywords)
    props.category = _short(meta.category)
    props.comments = ""
    props.revision = 1
    created = _utc_naive(meta.created)
    props.created = created
    props.modified = created
    element = props._element
    for tag in ("lastPrinted", "identifier", "contentStatus", "version"):
        for child in element.findall("{*}" + tag):
            element.remove(child)


def replace_package_metadata(package, company: str, make_app_part) -> None:
    """Drops the template's thumbnail (a picture of the template, not of this file) and writes
    docProps/app.xml naming only the vendor; `make_app_part(blob)` builds the part where there is none.

    Works on python-pptx's and python-docx's packages alike: both keep package relationships in a dict.
    """
    rels = _package_rels(package)
    blob = app_properties_xml(company)
    app = None
    for rId, rel in list(rels.items()):
        if rel.is_external:
            continue
        if rel.reltype == THUMBNAIL_REL:
            rels.pop(rId)
        elif rel.reltype == EXTENDED_PROPERTIES_REL:
            app = rel.target_part
    if app is not None:
        app._blob = blob
    else:
        package.relate_to(make_app_part(blob), EXTENDED_PROPERTIES_REL)


def app_properties_xml(company: str) -> bytes:
    """docProps/app.xml naming the vendor as the company, and no application or library."""
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{NAMESPACES["ep"]}" xmlns:vt="{NAMESPACES["vt"]}">'
        f"<Company>{escape(company)}</Company></Properties>"
    ).encode("utf-8")


# --- a template opened once, the start of every file made from it ------------------------------


class TemplatePackage:
    """A template as python-pptx or python-docx opened it, once, as the start of every file made from it.

    `new_package` gives each file a package of its own in which the parts it changes (`changing`, and every part
    that relates to one of them) are copies, and all others are the template's, shared and never changed;
    `write` puts the shared ones into the zip from their bytes as serialized and deflated here, once. The file is
    the one the library's own save and normalize_zip would write: the same parts in the same order.

    Works on python-pptx's and python-docx's packages alike, as replace_package_metadata does.
    """

    def __init__(self, package, changing: Iterable, lazy: type, content_types: Callable[[list], bytes],
                 rels_xml: Callable[[object], bytes] = lambda rels: rels.xml):
        self.package = package
        self._lazy = lazy  # the library's lazyproperty: what a copied part must not keep from its original
        self._content_types = content_types  # [Content_Types].xml for the parts, as the library's save writes it
        self._rels_xml = rels_xml  # a .rels part, as the library writes it
        self.parts = list(package.iter_parts())
        self._relating: dict[object, list] = {part: [] for part in self.parts}  # part -> parts relating to it
        for part in self.parts:
            for rel in part.rels.values():
                if not rel.is_external and rel.target_part in self._relating:
                    self._relating[rel.target_part].append(part)
        self._changing = self.reaching(changing)
        self._stored = {part: self._entries(part, Deflated.of) for part in self.parts if part not in self._changing}
        self._variants: dict[tuple, object] = {}  # (template's part, key) -> its variant (`variant`)

    def reaching(self, parts: Iterable) -> set:
        """`parts` and every part that relates to one of them, directly or through others."""
        found, todo = set(), [part for part in parts if part in self._relating]
        while todo:
            part = todo.pop()
            if part not in found:
                found.add(part)
                todo.extend(self._relating[part])
        return found

    def variant(self, part, key, change: Callable[[object], None]):
        """The template's shared `part` as `change(its XML)` leaves a copy of it, made and stored as written once
        for each `key`, to share among every file made with that key (`new_package`'s `variants`): a document's
        language in its styles costs no file a copy. None when a part shared with the template relates to it
        (it could not relate to the variant), or it is copied for each file anyway."""
        found = self._variants.get((part, key))
        if found is None:
            if part in self._changing or not self.reaching([part]) - {part} <= self._changing:
                return None
            found = _copy_part(part, self.package, self._lazy)
            _copy_rels(part.rels, found.rels, {})
            change(found._element)
            self._stored[found] = self._entries(found, Deflated.of)
            self._variants[part, key] = found
        return found

    def new_package(self, package, also: Iterable = (), variants: dict | None = None) -> dict:
        """Fills the empty `package` (of the template's type) with the template's relationships and parts: copies
        of those that change (and of `also`, and what relates to them), the template's own for the others, and
        for a part of `variants` (template's part -> its `variant`), that variant.
        Returns the copies, by the template's part: a file relates new parts to those, not to the originals."""
        copying = self._changing | self.reaching(also)
        copies = {part: _copy_part(part, package, self._lazy) for part in self.parts if part in copying}
        made = list(copies.items())
        copies.update(variants or {})  # a variant's relationships are its own already
        _copy_rels(_package_rels(self.package), _package_rels(package), copies)
        for part, copy in made:
            _copy_rels(part.rels, copy.rels, copies)
        return copies

    def write(self, package, when: dt.datetime) -> bytes:
        """`package` (made by new_package, then changed) as a deterministic zip: what the library's save writes,
        as normalize_zip rewrites it."""
        parts = list(package.iter_parts())
        entries: list[tuple[str, bytes | Deflated]] = [
            ("[Content_Types].xml", self._content_types(parts)),
            ("_rels/.rels", self._rels_xml(_package_rels(package)))]
        for part in parts:
            blob, rels = self._stored.get(part) or self._entries(part)
            entries.append((part.partname.membername, blob))
            if rels is not None:
                entries.append((part.partname.rels_uri.membername, rels))
        return write_zip(entries, when)

    def _entries(self, part, stored=lambda content: content) -> tuple:
        """A part's content and its relationships' (None without any), as the library writes them."""
        return stored(part.blob), stored(self._rels_xml(part.rels)) if len(part.rels) else None

    def unchanged(self) -> bool:
        """Whether every shared part still serializes to what was stored (for tests: no file changed them)."""
        return all(self._entries(part, Deflated.of) == stored for part, stored in self._stored.items())


def _package_rels(package):
    return package._rels if hasattr(package, "_rels") else package.rels


def _copy_part(part, package, lazy: type):
    """`part` for another package: its own XML (a deep copy), no relationships yet, nothing cached from the
    original (the library caches lookups, its relationships among them, in the part's attributes)."""
    import copy

    clone = copy.copy(part)
    attributes = vars(clone)
    for name in list(attributes):
        if name == "_rels" or isinstance(getattr(type(clone), name, None), lazy):
            del attributes[name]
    clone._package = package
    if hasattr(part, "_element"):
        clone._element = copy.deepcopy(part._element)
    return clone


def _copy_rels(source, target, copies: dict) -> None:
    """Every relationship of `source` into the empty `target`, with its rId, to the copy of its part if it has one."""
    for rId, rel in source.items():
        to = rel.target_ref if rel.is_external else copies.get(rel.target_part, rel.target_part)
        if hasattr(target, "add_relationship"):  # python-docx
            target.add_relationship(rel.reltype, to, rId, rel.is_external)
        else:  # python-pptx
            target._rels[rId] = type(rel)(target._base_uri, rId, rel.reltype, rel._target_mode, to)


def drop_thumbnail(package) -> None:
    """Drops the template's thumbnail: a picture of the template, not of any file made from it."""
    rels = _package_rels(package)
    for rId, rel in list(rels.items()):
        if not rel.is_external and rel.reltype == THUMBNAIL_REL:
            rels.pop(rId)
