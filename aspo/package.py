"""Deterministic Office packages: the same content always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

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
    dos_time, dos_date = _dos_time(date_time)
    view = memoryview(data)
    out = io.BytesIO()
    central = []
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for entry in source.infolist():
            if entry.flag_bits & 0x1 or entry.file_size > _LIMIT or entry.compress_size > _LIMIT:
                raise _NeedsZipfile(entry.filename)
            name = entry.filename.encode("utf-8")
            flags = 0x800 if not entry.filename.isascii() else 0
            if entry.compress_type == zipfile.ZIP_DEFLATED:
                start = entry.header_offset
                header = _LOCAL.unpack_from(view, start)
                if header[0] != b"PK\x03\x04":
                    raise _NeedsZipfile(entry.filename)
                begin = start + _LOCAL.size + header[9] + header[10]
                payload = view[begin:begin + entry.compress_size]
                crc, size = entry.CRC, entry.file_size
            else:
                raw = source.read(entry)
                packer = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -15)
                payload = packer.compress(raw) + packer.flush()
                crc, size = zlib.crc32(raw), len(raw)
            offset = out.tell()
            if offset > _LIMIT:
                raise _NeedsZipfile(entry.filename)
            out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, dos_time,
                                  dos_date, crc, len(payload), size, len(name), 0))
            out.write(name)
            out.write(payload)
            central.append(_CENTRAL.pack(
                b"PK\x01\x02", (_CREATE_SYSTEM << 8) | 20, 20, flags, zipfile.ZIP_DEFLATED,
                dos_time, dos_date, crc, len(payload), size, len(name), 0, 0, 0, 0,
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
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(2), content)
            target.writestr(info.filename, content)
    return normalize_zip(out.getvalue(), when)


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (UTC seconds) when set and valid: read once where a build starts, and part of
    every account's input key."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isascii() and raw.isdigit():
        try:
            dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc)
            return int(raw)
        except (OverflowError, OSError, ValueError):
            pass
    return None


def build_timestamp(default: dt.datetime, epoch: int | None) -> dt.datetime:
    """The moment to stamp into built files: the epoch when there is one, else `default`."""
    return default if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)


# --- what both renderers share ---------------------------------------------------------------

_template_cache: dict[Path, tuple[tuple[int, int], bytes]] = {}


def template_bytes(path: str | os.PathLike, field: str | None = None) -> bytes:
    """The bytes of a template file, read once per path and modification."""
    from aspo.errors import AspoError

    path = Path(path)
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _template_cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        data = path.read_bytes()
    except FileNotFoundError:
        raise AspoError.at(path, None, field, "the template file does not exist") from None
    except IsADirectoryError:
        raise AspoError.at(path, None, field, "the template is a directory, not a file") from None
    except OSError as exc:
        raise AspoError.at(path, None, field, f"cannot read the template: {exc.strerror}") from None
    _template_cache[path] = (key, data)
    return data


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
    rels = package._rels if hasattr(package, "_rels") else package.rels
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
