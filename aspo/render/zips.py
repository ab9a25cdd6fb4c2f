"""Deterministic zips: the same entries always give the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Iterable

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
