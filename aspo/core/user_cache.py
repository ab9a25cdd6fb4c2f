"""The user's cache: where it is, and entries that keep what a slow read made (the validated library, an account)
for as long as every file it was read from has the same content, safe with any number of processes at once."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from aspo import __version__

try:  # the standard library's own BLAKE2, without loading OpenSSL as importing hashlib does (10 ms)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python without it
    from hashlib import blake2b
from aspo.core.bounded import read_regular
from aspo.core.errors import AspoError
from aspo.core.files import write_file_atomic

#: Turns the warm entries off (as `--no-cache` does): every command reads the library and accounts afresh.
NO_CACHE = "ASPO_NO_CACHE"
#: The first bytes of every entry: anything else in the folder is not one.
MAGIC = b"aspo warm entry 1\n"
#: The sample library's entry is about 300 KB, an account's 10 KB; one past this is not aspo's.
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: Entries kept: the least recently used go first, past this many or this size.
MAX_ENTRIES = 256
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: A source file past this is never hashed: aspo refuses far smaller ones when it reads them.
MAX_SOURCE_BYTES = 256 * 1024 * 1024


def cache_folder() -> Path:
    """The user's cache for aspo: ASPO_CACHE_DIR, else XDG_CACHE_HOME/aspo, else ~/.cache/aspo."""
    return Path(os.environ.get("ASPO_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "aspo"))


def warm_folder() -> Path:
    return cache_folder() / "warm"


def enabled() -> bool:
    return os.environ.get(NO_CACHE, "") in ("", "0")


def bytes_hash(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


def content_hash(path: Path, limit: int = MAX_SOURCE_BYTES) -> str | None:
    """The content hash of a regular file of at most `limit` bytes; None for anything else, or a file that cannot
    be read (an entry naming it is then not used, and the slow way says what is wrong with it). Never waits on a
    named pipe, nor reads a huge file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return bytes_hash(b"".join(chunks)) if size <= limit else None


def folder_hashes(root: Path) -> dict[str, str | None]:
    """Every file under `root`, hidden ones too, by its path relative to `root`, with its content hash; and every
    folder, empty ones too. Linked folders are followed, as the library's readers follow them (each real folder
    once: a link back up is no loop)."""
    found: dict[str, str | None] = {}
    root = str(root)
    seen = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            folders[:] = []
            found[os.path.relpath(folder, root) + os.sep] = "seen " + real
            continue
        seen.add(real)
        folders.sort()
        found[os.path.relpath(folder, root) + os.sep] = "folder"
        for name in sorted(files):
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = content_hash(Path(path))
    return found


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def code_in_use() -> dict:
    """aspo's version, Python's, and each file of aspo's code loaded so far (with the labels aspo ships), by size
    and time: what made an entry, so that one pickled by other code is never read back as this code's objects.
    Written while the slow read has loaded all it uses; checked by code_now() against the files it names."""
    files = sorted({module.__file__ for module in list(sys.modules.values())
                    if (getattr(module, "__file__", None) or "").startswith(_PACKAGE + os.sep)})
    labels = os.path.join(_PACKAGE, "library", "labels")
    files += sorted(os.path.join(labels, name) for name in os.listdir(labels)) if os.path.isdir(labels) else []
    return code_now({"version": None, "files": {os.path.relpath(path, _PACKAGE): None for path in files}})


def code_now(recorded: dict) -> dict:
    """`recorded`'s files of aspo as they are now, with aspo's and Python's versions now (looked at once per
    process for each list of files: a batch build reads a hundred accounts' entries)."""
    names = tuple(recorded["files"])
    if names not in _code_seen:
        files = {}
        for name in names:
            try:
                info = os.stat(os.path.join(_PACKAGE, name))
                files[name] = [info.st_size, info.st_mtime_ns]
            except OSError:
                files[name] = None
        labels = os.path.join(_PACKAGE, "library", "labels")
        _code_seen[names] = {"version": [__version__, sys.version, sys.implementation.cache_tag], "files": files,
                             "labels": sorted(os.listdir(labels)) if os.path.isdir(labels) else [],
                             "libraries": _libraries()}
    return _code_seen[names]


_code_seen: dict[tuple, dict] = {}

#: The libraries whose versions shape what an entry holds: how files are parsed and validated, which locales exist.
_SHAPING = ("yaml", "pydantic", "pydantic_core", "babel")


def _libraries() -> dict[str, list | None]:
    """Each shaping library's module file, by size and time (an upgrade rewrites it), found without importing it."""
    from importlib.util import find_spec

    found: dict[str, list | None] = {}
    for name in _SHAPING:
        try:
            spec = find_spec(name)
            origin = spec.origin if spec is not None else None
            info = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            origin, info = None, None
        found[name] = [origin, info.st_size, info.st_mtime_ns] if info is not None else None
    return found


def _entry_path(identity: list) -> Path:
    name = bytes_hash(json.dumps(identity, ensure_ascii=True).encode())
    return warm_folder() / f"{name}.entry"


def read_entry(identity: list, sources_now) -> dict[str, bytes] | None:
    """The parts kept under `identity`, when the entry is whole, written by this code for this identity, and
    `sources_now(recorded)` gives back exactly the sources it records (their content hashes now); else None.
    Never raises: a missing, damaged or foreign entry only means reading the slow way."""
    if not enabled():
        return None
    path = _entry_path(identity)
    try:
        raw = read_regular(path, MAX_ENTRY_BYTES)
        if not raw.startswith(MAGIC):
            return None
        end = raw.index(b"\n", len(MAGIC))
        header = json.loads(raw[len(MAGIC):end])
        if header["identity"] != identity or code_now(header["code"]) != header["code"]:
            return None
        if sources_now(header["sources"]) != header["sources"]:
            return None
        parts, offset = {}, end + 1
        for name, size, digest in header["parts"]:
            part = raw[offset:offset + size]
            if len(part) != size or bytes_hash(part) != digest:
                return None
            parts[name] = part
            offset += size
        if offset != len(raw):
            return None
    except (AspoError, ValueError, KeyError, TypeError):
        return None
    try:
        os.utime(path)  # recently used: the last to go when the cache is trimmed
    except OSError:
        pass
    return parts


def write_entry(identity: list, sources: dict, parts: dict[str, bytes]) -> None:
    """Keeps `parts` under `identity`, for as long as `sources` (as recorded for read_entry) hold; written whole or
    not at all, so two processes writing the same entry leave one of theirs. A cache that cannot be written is
    left alone: the next command reads the slow way again."""
    if not enabled():
        return
    header = {"code": code_in_use(), "identity": identity, "sources": sources,
              "parts": [[name, len(data), bytes_hash(data)]
                        for name, data in parts.items()]}
    data = b"".join((MAGIC, json.dumps(header, ensure_ascii=True).encode(), b"\n", *parts.values()))
    if len(data) > MAX_ENTRY_BYTES:
        return
    path = _entry_path(identity)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomic(path, data, sync=False)
        _trim(path.parent, weigh=len(data) > 64 * 1024)  # a library: weighed; an account (a few KB): counted
    except OSError:
        pass


def _trim(folder: Path, weigh: bool) -> None:
    """Removes the least recently used entries past MAX_ENTRIES or (when `weigh`, after writing a large one: a
    library's) MAX_TOTAL_BYTES. Counting is one listing; weighing looks at every entry."""
    if not weigh and len(os.listdir(folder)) <= MAX_ENTRIES:
        return
    entries = []
    with os.scandir(folder) as found:
        for item in found:
            if item.name.endswith(".entry"):
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                entries.append((info.st_mtime_ns, info.st_size, item.path))
    if len(entries) <= MAX_ENTRIES and sum(size for _, size, _ in entries) <= MAX_TOTAL_BYTES:
        return
    entries.sort(reverse=True)
    total = 0
    for index, (_, size, path) in enumerate(entries):
        total += size
        if index >= MAX_ENTRIES or total > MAX_TOTAL_BYTES:
            try:
                os.unlink(path)
            except OSError:  # another process removed it first
                pass
