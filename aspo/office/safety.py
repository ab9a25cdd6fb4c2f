"""Opening an Office template safely: one clear line for anything that is not a sound file of its kind."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from aspo.core.errors import AspoError
from aspo.core.rulebook import HYGIENE, LAYOUT
from aspo.office.hygiene import findings

#: The package's main content type, by what it is: only a saved presentation or document will do.
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "a PowerPoint .pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "a PowerPoint template (.potx)",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "a PowerPoint show (.ppsx)",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "a macro-enabled PowerPoint file (.pptm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "a Word .docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a macro-enabled Word file (.docm)",
}
_EXPECTED = {"PowerPoint": "a PowerPoint .pptx", "Word": "a Word .docx"}
#: Real templates unpack to a few MB; far more is a zip bomb or the wrong file.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def template_data(path: Path, kind: str, data: bytes | None = None) -> bytes | None:
    """The template's bytes (`data` when already read), refusing with one clear line a file that cannot be read;
    None for a file larger than any template may unpack to, which is not read into memory (the zip's own
    sizes refuse it)."""
    if data is not None:
        return data
    if path.is_dir():
        raise AspoError.at(path, None, None, f"is a folder, expected {_EXPECTED[kind]}", LAYOUT)
    if not path.is_file():
        raise AspoError.at(path, None, None, f"{kind} template not found", LAYOUT)
    try:
        if path.stat().st_size > MAX_UNPACKED_BYTES:
            return None
        return path.read_bytes()
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot read: {exc.strerror}", LAYOUT) from None


def open_template(path: Path, kind: str, main_part: str, data: bytes | None) -> zipfile.ZipFile:
    """Opens a template package, refusing with one clear line anything that is not a sound file of its kind."""
    def refuse(message: str, part: str | None = None, rule: str = LAYOUT) -> AspoError:
        return AspoError.at(path, None, part, message, rule)

    if data is None:
        try:
            with open(path, "rb") as stream:
                head = stream.read(len(_LFS_POINTER))
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror}") from None
    else:
        head = data[:len(_LFS_POINTER)]
    if not head:
        raise refuse(f"is empty (0 bytes); restore it from git or save it again from {kind}")
    if head == _LFS_POINTER:
        raise refuse("is a Git LFS pointer, not the file itself; run `git lfs pull`")
    try:
        package = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        if head.startswith(b"PK"):
            raise refuse(f"is damaged or truncated (not a complete zip package); save it again from {kind}") from None
        raise refuse(f"not a {kind} file (it is not a zip package); save it again from {kind}") from None
    try:
        _check_package(package, kind, main_part, refuse)
    except BaseException:
        package.close()
        raise
    return package


def digest(data: bytes | None) -> str:
    """What tells a template's bytes from any others: a renderer given the bytes a reading came from
    need not read them again. "" for a file not read into memory."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


def _check_package(package: zipfile.ZipFile, kind: str, main_part: str, refuse) -> None:
    declared = sum(info.file_size for info in package.infolist())
    if declared > MAX_UNPACKED_BYTES:
        raise refuse(f"unpacks to {_megabytes(declared)} MB, more than the "
                     f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB a template may hold")
    _check_parts(package, kind, refuse)
    what = _main_type(package)
    if what != _EXPECTED[kind]:
        found = what or "not an Office file"
        raise refuse(f"is {found}, expected {_EXPECTED[kind]}; open it in {kind} and save it as {_EXPECTED[kind][2:]}"
                     if what else f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}",
                     rule=HYGIENE if what and "macro" in what else LAYOUT)
    if main_part not in package.namelist():
        raise refuse(f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}")
    # whatever the template carries, every output carries: nothing may load, run or hide in it
    refused = next((found for found in findings(package, kind) if found.refused), None)
    if refused is not None:
        raise refuse(refused.message, refused.part, HYGIENE)


def _megabytes(size: int) -> int:
    """Whole megabytes, rounded up: 200.3 MB is "201 MB", never the limit it exceeds."""
    return -(-size // (1024 * 1024))


_CHUNK = 1 << 20


def _check_parts(package: zipfile.ZipFile, kind: str, refuse) -> None:
    """Reads every part once (a few ms for a real template): each must unpack, match its checksum and,
    for XML parts, be well-formed XML; what they really unpack to is counted, whatever their headers say."""
    unpacked = 0
    for info in package.infolist():
        if info.is_dir():
            continue
        checker = _XmlChecker() if info.filename.endswith((".xml", ".rels")) else None
        try:
            with package.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise refuse(f"unpacks to more than the {MAX_UNPACKED_BYTES // (1024 * 1024)} MB "
                                     "a template may hold")
                    if checker:
                        checker.feed(chunk)
            if checker:
                checker.close()
        except zipfile.BadZipFile as exc:
            problem = "fails its checksum" if "CRC" in str(exc) else "cannot be unpacked"
            raise refuse(f"is damaged: {info.filename} {problem}; save it again from {kind}") from None
        except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
            raise refuse(f"is damaged: {info.filename} cannot be unpacked; save it again from {kind}") from None
        except _NotWellFormed as exc:
            raise refuse(f"is damaged: {info.filename} {exc}; save it again from {kind}") from None


class _NotWellFormed(Exception):
    pass


class _XmlChecker:
    """Checks that a part is well-formed XML as it is read, in constant memory; Office parts never
    declare a DTD, so one is refused (no entity expansion, no entity bombs)."""

    def __init__(self):
        from xml.parsers import expat

        self._error = expat.ExpatError
        self._parser = expat.ParserCreate()
        self._parser.StartDoctypeDeclHandler = self._doctype

    @staticmethod
    def _doctype(*args):
        raise _NotWellFormed("declares a DTD, which Office files never do")

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self._parser.Parse(data, final)
        except self._error as exc:
            raise _NotWellFormed(f"is not well-formed XML (line {exc.lineno}, column {exc.offset + 1}: "
                                 f"{_expat_message(exc)})") from None

    def close(self) -> None:
        self.feed(b"", True)


def _expat_message(exc) -> str:
    from xml.parsers import expat

    return expat.ErrorString(exc.code) if exc.code else str(exc)


def _main_type(package: zipfile.ZipFile) -> str | None:
    """What [Content_Types].xml says the package is, in words; None when it says nothing known."""
    try:
        root = ElementTree.fromstring(package.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    for override in root:
        found = _MAIN_TYPES.get(override.get("ContentType", ""))
        if found:
            return found
    return None


def part_xml(package: zipfile.ZipFile, name: str, path: Path):
    try:
        return ElementTree.fromstring(package.read(name))
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise AspoError.at(path, None, None, f"damaged file: cannot read {name} ({exc})", LAYOUT) from None


def int_or_none(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
