"""Reading what a user hands aspo within bounds: regular files only, sizes checked before reading, zips
unpacked against one budget, JSON nesting capped. Every reader of a user's file or zip goes through here."""

from __future__ import annotations

import json
import os
import stat
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from aspo.core.errors import AspoError, special_kind
from aspo.core.rulebook import INVALID_FILE

if TYPE_CHECKING:  # zipfile loads only where a zip is read: `aspo explain` reads none
    import zipfile

#: What any one zip aspo reads (a template, a built deck or document, a file at a git revision) may unpack to:
#: real ones unpack to a few MB; far more is a zip bomb or the wrong file.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: A deck of 200 layouts and 200 slides with their relationships stays well under this.
MAX_ZIP_PARTS = 5_000
#: What a zip's list of its parts (the central directory) may take: 5,000 parts with long names take about 1 MB.
#: zipfile parses the whole list when it opens a zip (a million empty parts: 500 MB), so this is checked first.
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024
_MB = 1024 * 1024
_CHUNK = 1 << 20


def read_regular(path: Path, limit: int, rule: str = INVALID_FILE) -> bytes:
    """Reads a regular file of at most `limit` bytes; its type and size are checked before anything is read,
    so a named pipe cannot hang aspo, a device cannot fill memory, and a huge file costs no memory."""
    raw = b""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
            # O_NONBLOCK: should the file be swapped for a named pipe meanwhile, opening it cannot hang
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "rb") as stream:
                info = os.fstat(stream.fileno())
                raw = _read_up_to(stream, limit + 1, info.st_size) if stat.S_ISREG(info.st_mode) else b""
    except FileNotFoundError:
        raise AspoError.at(path, None, None, "file not found", rule) from None
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot read: {exc.strerror or exc}", rule) from None
    if stat.S_ISDIR(info.st_mode):
        raise AspoError.at(path, None, None, "is a folder, expected a file", rule)
    if not stat.S_ISREG(info.st_mode):
        raise AspoError.at(path, None, None, f"is {special_kind(info.st_mode)}, not a regular file; "
                           "aspo reads only regular files", rule)
    size = max(info.st_size, len(raw))
    if size > limit:
        raise AspoError.at(path, None, None, too_large(size, limit), rule)
    return raw


def too_large(size: int, limit: int) -> str:
    """What a file over its limit is told, both sizes in the limit's unit: "file is 1110011 bytes; the limit is
    1000000 bytes", "file is 2862 MB; the limit is 200 MB"."""
    return f"file is {in_words(size, limit)}; the limit is {in_words(limit, limit, up=False)}"


def in_words(count: int, scale: int | None = None, *, up: bool = True) -> str:
    """A number of bytes in words: bytes below 10 MB (a text file's size, as an editor shows it), else whole MB,
    rounded up (`up=False`: down, for a limit). `scale`: choose the unit by this size instead, so that a size and
    its limit read in one unit."""
    if (count if scale is None else scale) < 10 * _MB:
        return f"{count} bytes"
    return f"{-(-count // _MB) if up else count // _MB} MB"


def _read_up_to(stream, most: int, expected: int) -> bytes:
    """At most `most` bytes, asking first for what the file holds: a read of `most` at once would reserve that
    much memory (200 MB for a template of 20 KB), which a memory limit (ulimit -v) refuses."""
    chunks = []
    want = min(expected + 1, most)
    while most > 0 and (chunk := stream.read(min(want, most))):
        chunks.append(chunk)
        most -= len(chunk)
        want = _CHUNK  # it grew since it was measured
    return b"".join(chunks)


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file, read in pieces (never whole); None for anything else (a link is not followed,
    a named pipe cannot hang the opening) and for a file that cannot be read."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # not even opened: a named pipe's writer would take an open for a reader
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None
        import hashlib  # loads OpenSSL: only where a digest is taken

        found = hashlib.sha256()
        try:
            while piece := stream.read(_CHUNK):
                found.update(piece)
        except OSError:
            return None
    return found.hexdigest()


class OverBudget(ValueError):
    """A zip that unpacks, or would unpack, to more than its budget allows; the message says what, in words."""


class ZipBudget:
    """What one zip may still unpack to. Every part read through it counts what it really unpacks to, whatever
    the zip's headers declare, and reading stops the moment the budget is spent. A part read again costs nothing
    more: the package is held to what it unpacks to once, however many readers look at it.

    Open a user's zip with `open_zip`, which checks the list of parts before zipfile parses it."""

    def __init__(self, package: zipfile.ZipFile, limit: int | None = None, max_parts: int | None = None,
                 *, limit_is: str = "aspo reads"):
        limit = MAX_UNPACKED_BYTES if limit is None else limit
        max_parts = MAX_ZIP_PARTS if max_parts is None else max_parts
        self.package = package
        self.limit = limit
        self.left = limit
        self.limit_is = limit_is  # what the messages call the limit: "the 200 MB aspo reads"
        self._counted: dict[int, int] = {}  # bytes charged so far, by the part's place in the zip
        infos = package.infolist()
        if len(infos) > max_parts:
            raise OverBudget(_too_many_parts(len(infos), max_parts))
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise OverBudget(f"unpacks to {-(-declared // _MB)} MB, more than the {limit // _MB} MB {limit_is}")

    def __enter__(self) -> ZipBudget:
        return self

    def __exit__(self, *exc_info) -> None:
        self.package.close()

    def namelist(self) -> list[str]:
        """The zip's part names, as zipfile gives them: with these and `read`, a budget reads like the zip."""
        return self.package.namelist()

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.package.infolist()

    def chunks(self, name: str | zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes as they unpack, charged to the budget: only those past what earlier reads of the part
        were charged."""
        info = self.package.getinfo(name) if isinstance(name, str) else name
        counted = self._counted.get(info.header_offset, 0)
        done = 0
        with self.package.open(info) as stream:
            while chunk := stream.read(min(_CHUNK, max(counted - done, 0) + self.left + 1)):
                done += len(chunk)
                if done > counted:
                    self.left -= done - counted
                    counted = self._counted[info.header_offset] = done
                    if self.left < 0:
                        raise OverBudget(f"unpacks to more than the {self.limit // _MB} MB {self.limit_is}")
                yield chunk

    def read(self, name: str | zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(name))

    def read_all(self) -> None:
        """Unpacks every part once, counting it: after this, any reader of the package (python-pptx, python-docx)
        unpacks at most the budget, and a part that does not unpack has been named."""
        for info in self.package.infolist():
            if not info.is_dir():
                for _ in self.chunks(info):
                    pass


def zip_errors() -> tuple[type[BaseException], ...]:
    """What a damaged zip raises while it is read (OverBudget is a ValueError too: catch it first)."""
    import zipfile
    import zlib

    return (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error, NotImplementedError,
            RuntimeError, KeyError, ValueError)


def _too_many_parts(count: int, most: int) -> str:
    return f"holds {count} parts, more than the {most} any Office file aspo reads has"


def open_zip(data: bytes, limit: int | None = None, max_parts: int | None = None, *,
             limit_is: str = "aspo reads") -> ZipBudget:
    """The zip in `data`, opened against one budget (see ZipBudget). Its end record and list of parts are read
    first, without zipfile: a zip that says it holds, or holds, more than `max_parts` parts, or whose list of parts
    is larger than MAX_CENTRAL_DIRECTORY, is refused (OverBudget) before zipfile parses that list, which costs
    memory and time by the part. Not a zip, or damaged: what zipfile raises (zip_errors)."""
    import io
    import zipfile

    max_parts = MAX_ZIP_PARTS if max_parts is None else max_parts
    _check_directory(data, max_parts)
    package = zipfile.ZipFile(io.BytesIO(data))
    try:
        return ZipBudget(package, limit, max_parts, limit_is=limit_is)
    except BaseException:
        package.close()
        raise


#: The zip format's records at the end of a zip, as zipfile reads them (APPNOTE 4.3.12 to 4.3.16).
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_ENTRY_SIZE = 46  # a central directory entry's fixed part; its name, extra field and comment follow
_ENTRY_SIGNATURE = b"PK\x01\x02"


def declared_parts(data: bytes) -> tuple[int, int, int] | None:
    """What the zip's end record (or its Zip64 one) says of its list of parts: (parts, where the list starts,
    its size in bytes), read without zipfile and found where zipfile looks for it; None when there is no end
    record (then zipfile refuses the file itself)."""
    end = len(data) - _END.size
    if end < 0:
        return None
    if not (data[end:end + 4] == _END_SIGNATURE and data[-2:] == b"\0\0"):  # else an archive comment follows
        end = data.rfind(_END_SIGNATURE, max(len(data) - (1 << 16) - _END.size, 0))
        if end < 0 or end + _END.size > len(data):
            return None
    _, _, _, _, parts, size, _, _ = _END.unpack_from(data, end)
    start = end - size  # zipfile takes the list to end where the end records begin, whatever offset is written
    locator = end - _ZIP64_LOCATOR.size
    if locator >= 0 and data[locator:locator + 4] == _ZIP64_LOCATOR_SIGNATURE:
        record = locator - _ZIP64_END.size
        if record >= 0 and data[record:record + 4] == _ZIP64_END_SIGNATURE:
            fields = _ZIP64_END.unpack_from(data, record)
            parts, size = fields[7], fields[8]
            start = record - size
    return parts, start, size


def _check_directory(data: bytes, max_parts: int) -> None:
    """Refuses (OverBudget) a zip whose end record declares more than `max_parts` parts, whose list of parts is
    larger than MAX_CENTRAL_DIRECTORY, or whose list holds more entries than `max_parts`: counted by their
    headers, a few microseconds each, as zipfile would find them."""
    declared = declared_parts(data)
    if declared is None:
        return
    parts, start, size = declared
    if parts > max_parts:
        raise OverBudget(_too_many_parts(parts, max_parts))
    if start < 0:
        return  # zipfile refuses it: the list would start before the file
    if size > MAX_CENTRAL_DIRECTORY:
        raise OverBudget(f"lists its parts in {-(-size // _MB)} MB, more than the {MAX_CENTRAL_DIRECTORY // _MB} MB "
                         "any Office file aspo reads needs")
    listing = memoryview(data)[start:start + size]
    count = offset = 0
    while offset + _ENTRY_SIZE <= len(listing) and listing[offset:offset + 4] == _ENTRY_SIGNATURE:
        name, extra, comment = struct.unpack_from("<3H", listing, offset + 28)
        offset += _ENTRY_SIZE + name + extra + comment
        count += 1
    if count > max_parts:
        raise OverBudget(_too_many_parts(count, max_parts))


def checked_zip(data: bytes, refuse: Callable[[str], Exception], limit: int | None = None) -> None:
    """Refuses, through `refuse(message)`, a zip in `data` that is not one, does not unpack, or unpacks past
    `limit` or MAX_ZIP_PARTS: for bytes about to be handed whole to python-pptx or python-docx."""
    import zipfile

    try:
        package = open_zip(data, limit)
    except OverBudget as exc:
        raise refuse(str(exc)) from None
    except zipfile.BadZipFile:
        raise refuse("not a zip package (damaged or not an Office file)") from None
    except zip_errors():
        raise refuse("damaged: a part cannot be unpacked") from None
    try:
        with package:
            package.read_all()
    except OverBudget as exc:
        raise refuse(str(exc)) from None
    except zip_errors():  # a zip whose parts do not unpack: also a bad CRC, which zipfile says with BadZipFile
        raise refuse("damaged: a part cannot be unpacked") from None


def load_json(data: str | bytes) -> Any:
    """JSON parsed, or ValueError for text that is not JSON, or nests so deep that Python's parser, which recurses,
    gives up (a RecursionError, for 200,000 brackets): damage or mischief, never a file aspo wrote."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nests too deep to be a file aspo wrote") from None
