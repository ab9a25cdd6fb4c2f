"""Deterministic Office packages: the same content always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

#: The earliest and latest moments a zip entry can record.
_ZIP_MIN = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
_ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)

#: Regular file, rw-r--r--, as written by a Unix host.
_EXTERNAL_ATTR = (0o100644 << 16)
_CREATE_SYSTEM = 3
_COMPRESS_LEVEL = 6


def _as_utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def zip_date_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """The zip entry date_time for `when` (UTC), clamped to what zip can record."""
    when = min(max(_as_utc(when), _ZIP_MIN), _ZIP_MAX)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def normalize_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrites a zip so identical content gives identical bytes.

    Entries keep the order they have in `data`; every entry gets the date_time `when`
    (in UTC, clamped to 1980-01-01 at the earliest), the same attributes and host system,
    and is deflated. No archive comment, no extra fields, no data descriptors.

    Entries already deflated are copied as they are (the Office libraries deflate with the
    same zlib at its default level, so the same content has the same compressed bytes);
    others are deflated at a fixed level.
    """
    try:
        return _normalize_fast(data, zip_date_time(when))
    except _NeedsZipfile:
        return _normalize_zipfile(data, zip_date_time(when))


class _NeedsZipfile(Exception):
    """An archive the fast path does not handle (zip64, encryption, odd headers)."""


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF


def _dos_time(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _normalize_fast(data: bytes, date_time) -> bytes:
    view = memoryview(data)
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for entry in source.infolist():
            if entry.flag_bits & 0x1 or entry.file_size > _LIMIT or entry.compress_size > _LIMIT:
                raise _NeedsZipfile(entry.filename)
            if entry.compress_type == zipfile.ZIP_DEFLATED:
                start = entry.header_offset
                header = _LOCAL.unpack_from(view, start)
                if header[0] != b"PK\x03\x04":
                    raise _NeedsZipfile(entry.filename)
                begin = start + _LOCAL.size + header[9] + header[10]
                entries.append((entry.filename, Deflated(entry.CRC, entry.file_size,
                                                         view[begin:begin + entry.compress_size])))
            else:
                entries.append((entry.filename, source.read(entry)))
        return _write_entries(entries, date_time)


@dataclass(frozen=True)
class Deflated:
    """One zip entry's content as it is stored: deflated (raw, as zip keeps it), with its CRC-32 and size.

    A part every file made from one template carries unchanged is deflated once, when the template is
    prepared, and copied into each file as it is."""

    crc: int
    size: int  # unpacked
    data: bytes | memoryview  # the deflate stream

    @classmethod
    def of(cls, content: bytes) -> "Deflated":
        """`content` deflated at the level every entry is written at (zlib's default, as zipfile's)."""
        packer = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -15)
        return cls(zlib.crc32(content), len(content), packer.compress(content) + packer.flush())


def write_zip(entries: Iterable[tuple[str, bytes | Deflated]], when: dt.datetime) -> bytes:
    """A zip of `entries` (name, content or content already deflated), in their order, as normalize_zip would
    rewrite it: every entry deflated, stamped `when` (UTC, clamped to what zip can record), with the same
    attributes; the same entries always give the same bytes."""
    try:
        return _write_entries(entries, zip_date_time(when))
    except _NeedsZipfile:
        return _normalize_zipfile(_plain_zip(entries), zip_date_time(when))


def _plain_zip(entries: Iterable[tuple[str, bytes | Deflated]]) -> bytes:
    """The entries in a zip written by zipfile (for what the fast writer leaves to it: zip64)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for name, content in entries:
            if isinstance(content, Deflated):
                content = zlib.decompress(bytes(content.data), -15)
            target.writestr(name, content)
    return out.getvalue()


def _write_entries(entries: Iterable[tuple[str, bytes | Deflated]], date_time) -> bytes:
    dos_time, dos_date = _dos_time(date_time)
    out = io.BytesIO()
    central = []
    for filename, content in entries:
        stored = content if isinstance(content, Deflated) else Deflated.of(content)
        if stored.size > _LIMIT or len(stored.data) > _LIMIT:
            raise _NeedsZipfile(filename)
        name = filename.encode("utf-8")
        flags = 0x800 if not filename.isascii() else 0
        offset = out.tell()
        if offset > _LIMIT:
            raise _NeedsZipfile(filename)
        out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, dos_time,
                              dos_date, stored.crc, len(stored.data), stored.size, len(name), 0))
        out.write(name)
        out.write(stored.data)
        central.append(_CENTRAL.pack(
            b"PK\x01\x02", (_CREATE_SYSTEM << 8) | 20, 20, flags, zipfile.ZIP_DEFLATED,
            dos_time, dos_date, stored.crc, len(stored.data), stored.size, len(name), 0, 0, 0, 0,
            _EXTERNAL_ATTR, offset,
        ) + name)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    if len(central) > 0xFFFF or start > _LIMIT:
        raise _NeedsZipfile("too large")
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def _normalize_zipfile(data: bytes, date_time) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL
    ) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _CREATE_SYSTEM
            info.external_attr = _EXTERNAL_ATTR
            target.writestr(info, source.read(entry), compresslevel=_COMPRESS_LEVEL)
    return out.getvalue()


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_workbook(data: bytes, when: dt.datetime) -> bytes:
    """A chart's embedded workbook made deterministic: the writer stamps it with the current time."""
    stamp = _as_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(2), content)
            entries.append((info.filename, content))
    return write_zip(entries, when)


# --- what both renderers share ---------------------------------------------------------------

def template_bytes(path: str | os.PathLike, field: str | None = None) -> bytes:
    """The bytes of a template file, or AspoError saying why they cannot be read."""
    from aspo.errors import AspoError

    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AspoError.at(path, None, field, "the template file does not exist") from None
    except IsADirectoryError:
        raise AspoError.at(path, None, field, "the template is a directory, not a file") from None
    except OSError as exc:
        raise AspoError.at(path, None, field, f"cannot read the template: {exc.strerror}") from None


def checked_template(path: Path, field: str, checked, read: Callable):
    """A template's bytes and the library's reading of them (`checked`, which has their `digest`): read here with
    `read(path, data)` when there is none, refused when the file changed since the library read it."""
    from aspo.errors import AspoError
    from aspo.layouts import digest
    from aspo.rulebook import LAYOUT

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


THUMBNAIL_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
EXTENDED_PROPERTIES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"


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
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
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

    def reaching(self, parts: Iterable) -> set:
        """`parts` and every part that relates to one of them, directly or through others."""
        found, todo = set(), [part for part in parts if part in self._relating]
        while todo:
            part = todo.pop()
            if part not in found:
                found.add(part)
                todo.extend(self._relating[part])
        return found

    def new_package(self, package, also: Iterable = ()) -> dict:
        """Fills the empty `package` (of the template's type) with the template's relationships and parts: copies
        of those that change (and of `also`, and what relates to them), the template's own for the others.
        Returns the copies, by the template's part: a file relates new parts to those, not to the originals."""
        copying = self._changing | self.reaching(also)
        copies = {part: _copy_part(part, package, self._lazy) for part in self.parts if part in copying}
        _copy_rels(_package_rels(self.package), _package_rels(package), copies)
        for part, copy in copies.items():
            _copy_rels(part.rels, copy.rels, copies)
        return copies

    def write(self, package, when: dt.datetime) -> bytes:
        """`package` (made by new_package, then changed) as a deterministic zip: what the library's save writes,
        as normalize_zip rewrites it."""
        parts = list(package.iter_parts())
        entries: list[tuple[str, bytes | Deflated]] = [
            ("[Content_Types].xml", self._content_types(parts)), ("_rels/.rels", self._rels_xml(_package_rels(package)))]
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
