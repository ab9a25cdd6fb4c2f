"""Opening an Office template safely: one clear line for anything that is not a sound file of its kind."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from aspo.core.bounded import MAX_UNPACKED_BYTES, OverBudget, ZipBudget, open_zip, read_regular, zip_errors
from aspo.core.errors import AspoError
from aspo.core.rulebook import HYGIENE, LAYOUT
from aspo.office.hygiene import findings
from aspo.office.package_census import check_census

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
#: What the messages call the limit on what a template unpacks to (and on the file itself): real templates unpack to
#: a few MB; far more is a zip bomb or the wrong file.
TEMPLATE_LIMIT = "a template may hold"
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def template_data(path: Path, kind: str, data: bytes | None = None) -> bytes:
    """The template's bytes (`data` when already read), refusing with one clear line a file that cannot be read:
    missing, a folder, not a regular file (a named pipe, a device), or larger than a template may unpack to, all
    before anything is read."""
    if data is not None:
        return data
    if os.path.isdir(path):
        raise AspoError.at(path, None, None, f"is a folder, expected {_EXPECTED[kind]}", LAYOUT)
    if not os.path.exists(path):
        raise AspoError.at(path, None, None, f"{kind} template not found", LAYOUT)
    return read_regular(path, MAX_UNPACKED_BYTES, LAYOUT)


def open_template(path: Path, kind: str, main_part: str, data: bytes | None) -> ZipBudget:
    """Opens a template package, refusing with one clear line anything that is not a sound file of its kind. Every
    part read through what it returns (a ZipBudget, which reads like the zip) counts against one budget."""
    def refuse(message: str, part: str | None = None, rule: str = LAYOUT) -> AspoError:
        return AspoError.at(path, None, part, message, rule)

    data = template_data(path, kind, data)
    head = data[:len(_LFS_POINTER)]
    if not head:
        raise refuse(f"is empty (0 bytes); restore it from git or save it again from {kind}")
    if head == _LFS_POINTER:
        raise refuse("is a Git LFS pointer, not the file itself; run `git lfs pull`")
    try:
        budget = open_zip(data, limit_is=TEMPLATE_LIMIT)
    except OverBudget as exc:
        raise refuse(str(exc)) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        if head.startswith(b"PK"):
            raise refuse(f"is damaged or truncated (not a complete zip package); save it again from {kind}") from None
        raise refuse(f"not a {kind} file (it is not a zip package); save it again from {kind}") from None
    try:
        _check_package(budget, kind, main_part, refuse)
    except OverBudget as exc:
        budget.package.close()
        raise refuse(str(exc)) from None
    except BaseException:
        budget.package.close()
        raise
    return budget


def digest(data: bytes | None) -> str:
    """What tells a template's bytes from any others: a renderer given the bytes a reading came from
    need not read them again. "" for a file not read into memory."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


def _check_package(package: ZipBudget, kind: str, main_part: str, refuse) -> None:
    _check_parts(package, kind, refuse)
    what = _main_type(package)
    if what != _EXPECTED[kind]:
        found = what or "not an Office file"
        raise refuse(f"is {found}, expected {_EXPECTED[kind]}; open it in {kind} and save it as {_EXPECTED[kind][2:]}"
                     if what else f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}",
                     rule=HYGIENE if what and "macro" in what else LAYOUT)
    if main_part not in package.namelist():
        raise refuse(f"not a {kind} file (no {main_part}); expected {_EXPECTED[kind]} saved from {kind}")
    problem = check_census(package, kind)
    if problem is not None:
        raise refuse(problem)
    # whatever the template carries, every output carries: nothing may load, run or hide in it
    refused = next((found for found in findings(package, kind) if found.refused), None)
    if refused is not None:
        raise refuse(refused.message, refused.part, HYGIENE)


def _check_parts(package: ZipBudget, kind: str, refuse) -> None:
    """Reads every part once (a few ms for a real template), against the package's budget: each must unpack,
    match its checksum and, for XML parts, be well-formed XML."""
    for info in package.infolist():
        if info.is_dir():
            continue
        checker = _XmlChecker() if info.filename.endswith((".xml", ".rels")) else None
        try:
            for chunk in package.chunks(info):
                if checker:
                    checker.feed(chunk)
            if checker:
                checker.close()
        except OverBudget:
            raise
        except zipfile.BadZipFile as exc:
            problem = "fails its checksum" if "CRC" in str(exc) else "cannot be unpacked"
            raise refuse(f"is damaged: {info.filename} {problem}; save it again from {kind}") from None
        except _NotWellFormed as exc:
            raise refuse(f"is damaged: {info.filename} {exc}; save it again from {kind}") from None
        except zip_errors():
            raise refuse(f"is damaged: {info.filename} cannot be unpacked; save it again from {kind}") from None


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


def _main_type(package: ZipBudget) -> str | None:
    """What [Content_Types].xml says the package is, in words; None when it says nothing known."""
    try:
        root = ElementTree.fromstring(package.read("[Content_Types].xml"))
    except OverBudget:
        raise
    except (ElementTree.ParseError, *zip_errors()):
        return None
    for override in root:
        found = _MAIN_TYPES.get(override.get("ContentType", ""))
        if found:
            return found
    return None


def part_xml(package: ZipBudget, name: str, path: Path):
    """A part of a package `open_template` opened, parsed; a part that cannot be read is one line."""
    try:
        return ElementTree.fromstring(package.read(name))
    except OverBudget as exc:
        raise AspoError.at(path, None, None, str(exc), LAYOUT) from None
    except (ElementTree.ParseError, *zip_errors()) as exc:
        raise AspoError.at(path, None, None, f"damaged file: cannot read {name} ({exc})", LAYOUT) from None


def int_or_none(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
