"""Reading what a user hands aspo within bounds: regular files only, sizes checked before reading, zips
unpacked against one budget, JSON nesting capped. Every reader of a user's file or zip goes through here."""

from __future__ import annotations

import hashlib
import json
import os
import stat
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
        raise AspoError.at(path, None, None, _too_large(size, limit), rule)
    return raw


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file, read in pieces (never whole); None for anything else (a link is not followed,
    a named pipe cannot hang the opening) and for a file that cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None
        found = hashlib.sha256()
        try:
            while piece := stream.read(_CHUNK):
                found.update(piece)
        except OSError:
            return None
    return found.hexdigest()


def _too_large(size: int, limit: int) -> str:
    if limit < 10 * 1024 * 1024:  # text files: a byte count the editor can show
        return f"file is {size} bytes; the limit is {limit}"
    return f"file is {-(-size // (1024 * 1024))} MB; the limit is {limit // (1024 * 1024)} MB"


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


class OverBudget(ValueError):
    """A zip that unpacks, or would unpack, to more than its budget allows; the message says what, in words."""


class ZipBudget:
    """What one zip may still unpack to. Every part read through it counts what it really unpacks to, whatever
    the zip's headers declare, and reading stops the moment the budget is spent."""

    def __init__(self, package: zipfile.ZipFile, limit: int = MAX_UNPACKED_BYTES, max_parts: int = MAX_ZIP_PARTS,
                 *, limit_is: str = "aspo reads"):
        self.package = package
        self.limit = limit
        self.left = limit
        self.limit_is = limit_is  # what the messages call the limit: "the 200 MB aspo reads"
        infos = package.infolist()
        if len(infos) > max_parts:
            raise OverBudget(f"holds {len(infos)} parts, more than the {max_parts} any Office file aspo reads has")
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise OverBudget(f"unpacks to {-(-declared // (1024 * 1024))} MB, more than the "
                             f"{limit // (1024 * 1024)} MB {limit_is}")

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
        """The part's bytes as they unpack, charged to the budget."""
        with self.package.open(name) as stream:
            while chunk := stream.read(min(_CHUNK, self.left + 1)):
                self.left -= len(chunk)
                if self.left < 0:
                    raise OverBudget(f"unpacks to more than the {self.limit // (1024 * 1024)} MB {self.limit_is}")
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


def checked_zip(data: bytes, refuse: Callable[[str], Exception], limit: int = MAX_UNPACKED_BYTES) -> None:
    """Refuses, through `refuse(message)`, a zip in `data` that is not one, does not unpack, or unpacks past
    `limit` or MAX_ZIP_PARTS: for bytes about to be handed whole to python-pptx or python-docx."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            ZipBudget(package, limit).read_all()
    except OverBudget as exc:
        raise refuse(str(exc)) from None
    except zipfile.BadZipFile:
        raise refuse("not a zip package (damaged or not an Office file)") from None
    except zip_errors():
        raise refuse("damaged: a part cannot be unpacked") from None


def load_json(data: str | bytes) -> Any:
    """JSON parsed, or ValueError for text that is not JSON, or nests so deep that Python's parser, which recurses,
    gives up (a RecursionError, for 200,000 brackets): damage or mischief, never a file aspo wrote."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nests too deep to be a file aspo wrote") from None
