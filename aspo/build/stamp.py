"""The quick test of an unchanged account: the sizes and modification times of everything its outputs come
from, kept in the user's cache, so a build with nothing new loads neither the library nor the account."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from aspo import __version__
from aspo.core.bounded import load_json, read_regular
from aspo.core.errors import AspoError
from aspo.core.files import write_file_atomic
from aspo.core.user_cache import cache_folder

#: A stamp is a few hundred bytes; a file past this in the cache is not one.
MAX_STAMP_BYTES = 1024 * 1024


def stamp_path(folder: Path) -> Path:
    """Where the stamp of one output folder is kept: this machine's file times belong in its cache, not beside
    outputs that are shared."""
    name = hashlib.sha256(os.fsencode(Path(folder).resolve())).hexdigest()[:40]
    return cache_folder() / "stamps" / f"{name}.json"


def stat_line(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return f"{path}\0missing"
    return f"{path}\0{found.st_size}\0{found.st_mtime_ns}\0{found.st_ino}"


def templates_stamp(templates: Path) -> str:
    """Every file under templates/, by size and time: any change, addition or removal changes it."""
    root = Path(templates).resolve()
    lines = []
    for folder, folders, files in os.walk(root):
        folders.sort()
        lines.extend(stat_line(Path(folder) / name) for name in sorted(files))
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def account_stamp(library_stamp: str, stat_lines: list[str], settings: dict) -> str:
    """One account's stamp: the library's, its own files' (the account file first, then its logo and any
    template outside templates/), and the build settings that change the output bytes or the files expected."""
    lines = [__version__, library_stamp, os.getcwd(), json.dumps(settings, sort_keys=True), *stat_lines]
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def stamp_record(stamp: str, sources: list[Path], warnings: tuple[str, ...]) -> bytes:
    """What the cache keeps for an output folder: the stamp, the files it covers and the warnings to repeat."""
    record = {"stamp": stamp, "sources": [str(source) for source in sources], "warnings": list(warnings)}
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def unchanged_warnings(folder: Path, account: Path, library_stamp: str, settings: dict) -> tuple[str, ...] | None:
    """The warnings to repeat when the output folder's stamp still holds for this account file; else None."""
    try:
        record = load_json(read_regular(stamp_path(folder), MAX_STAMP_BYTES))
        sources, warnings = record["sources"], record["warnings"]
        if not all(isinstance(item, str) for item in (*sources, *warnings)):
            return None
        sources = [Path(source) for source in sources]
        if not sources or sources[0] != Path(account).resolve():
            return None
        stamp = account_stamp(library_stamp, [stat_line(source) for source in sources], settings)
        return tuple(warnings) if stamp == record["stamp"] else None
    except (AspoError, ValueError, KeyError, TypeError):  # none, or damaged: only a cache, so build the slow way
        return None


def write_stamp(folder: Path, record: bytes) -> None:
    """Records the stamp of an output folder, after its outputs are written (never before: a stop between the two
    must leave a stamp that no longer holds, not one that vouches for outputs not yet there)."""
    path = stamp_path(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomic(path, record, sync=False)  # a kill -9's temporary file goes with the next write here
    except OSError:  # only a cache: the next build takes the slow way again (a file where its folder should be too)
        pass
