"""Several files of one folder replaced as one change: afterwards every one is new or none is, whatever stops aspo
(an error, Ctrl-C, SIGTERM, kill -9).

Each new file is first written beside its target under a hidden name, and each old one kept under another (a hard
link: the old file stays whole); then a journal naming the change is written, which is the moment the change is
made; then the new files are renamed over the old, the journal is removed, and the old copies last. Whoever reads
the folder next (`settled`) finds a journal and completes the change when every new file is whole, else puts the
old files back; hidden files without a journal are a change never made, and are removed. A lock on the folder
keeps readers from seeing a change half made, and recovery away from a change still being written.

The journal also records what each target was (its digest, size and inode): should a person have changed one after
aspo was killed (edited it, or restored it with git), the change is neither completed nor undone, since either
would overwrite their work; the reader is told which file, and how to keep the folder as it is."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from aspo.core.bounded import file_digest, load_json, read_regular
from aspo.core.errors import AspoError, display_path
from aspo.core.files import current_umask
from aspo.core.rulebook import INVALID_FILE
from aspo.core.stopping import stops_deferred

JOURNAL = ".aspo-change.journal"
#: What every hidden file of a change is called by: new files, old ones kept, the journal while it is written.
HIDDEN = ".aspo-change."
#: A file of the folder or of one folder in it, neither hidden nor `..`: all a change may name.
_SAFE_PATH = re.compile(r"[^./\\][^/\\]*(?:/[^./\\][^/\\]*)?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_JOURNAL_LIMIT = 64 * 1024


class _Found(NamedTuple):
    """What is at a path: enough to tell the very file aspo saw from any other, even one with the same bytes that
    git or an editor wrote there since."""

    sha256: str | None  # None for what is not a regular file (a link, a folder)
    size: int
    inode: int

    @classmethod
    def at(cls, path: Path) -> _Found | None:
        """What is at `path` (a link not followed); None when nothing is."""
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None
        return cls(file_digest(path) if stat.S_ISREG(info.st_mode) else None, info.st_size, info.st_ino)


@dataclass(frozen=True)
class _Entry:
    """One file of a change."""

    path: str  # relative to the folder, with "/": "outline.yaml", "layouts/deck.pptx"
    sha256: str  # of the new content
    old: _Found | None  # the file the change replaces, kept until the change is done; None: there was none

    @property
    def existed(self) -> bool:
        return self.old is not None

    def target(self, root: Path) -> Path:
        return root / self.path

    def staged(self, root: Path) -> Path:
        target = self.target(root)
        return target.with_name(f"{HIDDEN}{target.name}.new")

    def kept(self, root: Path) -> Path:
        target = self.target(root)
        return target.with_name(f"{HIDDEN}{target.name}.old")


def replace_files(root: Path, files: dict[str, bytes], rule: str = INVALID_FILE) -> None:
    """Writes `files` (by path relative to `root`: a file of it or of one folder in it) as one change: all of them
    or none. Ctrl-C and stop signals wait until it is done (a moment); a kill is completed or undone by whoever reads
    the folder next. A file that cannot be written is an AspoError (with `rule`), and nothing is changed."""
    root = Path(root)
    for path in files:
        if not _SAFE_PATH.fullmatch(path):
            raise ValueError(f"not a path a change may name: {path!r}")
    with _locked(root, exclusive=True), stops_deferred():
        _recover(root, rule)
        try:
            for _ in _steps(root, files):
                pass
        except BaseException as exc:
            with contextlib.suppress(OSError):  # what cannot be undone now, the next reader undoes
                _recover(root, rule)  # before the journal: the new files go; after it: the change is completed
            if isinstance(exc, OSError):
                raise AspoError.at(getattr(exc, "filename", None) or root, None, None,
                                   f"cannot write: {exc.strerror or exc}", rule) from None
            raise


@contextlib.contextmanager
def settled(root: Path, rule: str = INVALID_FILE) -> Iterator[None]:
    """For reading the folder: a change a killed aspo left unfinished is completed or undone first, and no change
    is made until the block ends."""
    root = Path(root)
    with _locked(root, exclusive=False) as lock:
        if _unfinished(root):
            lock.take(exclusive=True)
            try:
                _recover(root, rule)
            except OSError as exc:
                raise AspoError.at(exc.filename or root, None, None, "cannot complete or undo the change a killed "
                                   f"`aspo layouts use` left: {exc.strerror or exc}", rule) from None
            lock.take(exclusive=False)
        yield


def _steps(root: Path, files: dict[str, bytes]) -> Iterator[str]:
    """The change, step by step; it may be killed between any two, which is what each yield marks."""
    entries = []
    for path, data in files.items():
        entries.append(_stage(root, path, data))
        yield f"staged {path}"
    _write_journal(root, entries)
    yield "journal written"
    for entry in entries:
        os.replace(entry.staged(root), entry.target(root))
        yield f"renamed {entry.path}"
    _finish(root, entries)
    yield "done"


def _stage(root: Path, path: str, data: bytes) -> _Entry:
    """The new file written whole beside its target, and the old one kept beside it."""
    import hashlib

    entry = _Entry(path, hashlib.sha256(data).hexdigest(), None)
    target, staged = entry.target(root), entry.staged(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = _Found.at(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(staged, mode)
    if old is not None:
        try:
            os.link(target, entry.kept(root), follow_symlinks=False)
        except OSError:  # a file system without hard links: a copy keeps it as well
            import shutil

            shutil.copy2(target, entry.kept(root), follow_symlinks=False)
    return _Entry(path, entry.sha256, old)


def _write_journal(root: Path, entries: list[_Entry]) -> None:
    import json

    text = json.dumps({"files": [{"path": e.path, "sha256": e.sha256, "old": e.old and e.old._asdict()}
                                 for e in entries]})
    temporary = root / f"{JOURNAL}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    _sync_folders({entry.staged(root).parent for entry in entries})  # the new files are there before the journal
    os.replace(temporary, root / JOURNAL)
    _sync_folders({root})


def _finish(root: Path, entries: list[_Entry]) -> None:
    """After the renames: the journal goes (the change is done), then the old copies."""
    _sync_folders({entry.target(root).parent for entry in entries})
    (root / JOURNAL).unlink()
    _sync_folders({root})
    _remove_hidden(root)


def _recover(root: Path, rule: str) -> None:
    """Completes or undoes a change a journal names, then removes what a change left behind. A target someone changed
    since is left as it is, and so is the whole change: the error says which file and how to go on."""
    journal = root / JOURNAL
    if os.path.lexists(journal):
        entries = _read_journal(journal, rule)
        changed = next((entry for entry in entries if not _ours(root, entry)), None)
        if changed is not None:
            raise AspoError.at(changed.target(root), None, None, "changed since `aspo layouts use` was stopped before "
                               "it finished; aspo leaves it as it is and does not finish that adoption: to keep "
                               f"{display_path(root)}/ as it is now, remove {display_path(journal)}, then run "
                               "`aspo layouts use` again if you still want the new template", rule)
        if all(_whole(root, entry) for entry in entries):
            for entry in entries:
                if os.path.lexists(entry.staged(root)):
                    os.replace(entry.staged(root), entry.target(root))
        else:  # a new file was lost: put the old ones back
            for entry in entries:
                if os.path.lexists(entry.kept(root)):
                    os.replace(entry.kept(root), entry.target(root))
                elif not entry.existed and file_digest(entry.target(root)) == entry.sha256:
                    entry.target(root).unlink()
        _finish(root, entries)
    else:
        _remove_hidden(root)


def _ours(root: Path, entry: _Entry) -> bool:
    """The target is as the change left it: still the very old file (or still absent), or already the new one."""
    found = _Found.at(entry.target(root))
    return found == entry.old or (found is not None and found.sha256 == entry.sha256)


def _whole(root: Path, entry: _Entry) -> bool:
    """The entry's new content is there: staged, or already renamed into place."""
    staged = entry.staged(root)
    found = file_digest(staged) if os.path.lexists(staged) else file_digest(entry.target(root))
    return found == entry.sha256


def _read_journal(journal: Path, rule: str) -> list[_Entry]:
    def damaged() -> AspoError:
        return AspoError.at(journal, None, None, "an unfinished change to the templates (a killed `aspo layouts use`) "
                            "left this record, which cannot be read; remove it, then check templates/outline.yaml "
                            "and templates/layouts/ (git status shows what changed)", rule)

    try:
        found = load_json(read_regular(journal, _JOURNAL_LIMIT, rule))
        entries = [_Entry(item["path"], item["sha256"], _old(item["old"])) for item in found["files"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise damaged() from None
    if not all(isinstance(e.path, str) and _SAFE_PATH.fullmatch(e.path) and isinstance(e.sha256, str)
               and _SHA256.fullmatch(e.sha256) for e in entries):
        raise damaged()
    return entries


def _old(item) -> _Found | None:
    """A journal's record of an old file, checked: ValueError for anything aspo would not have written."""
    if item is None:
        return None
    old = _Found(item["sha256"], item["size"], item["inode"])
    if (old.sha256 is None or isinstance(old.sha256, str) and _SHA256.fullmatch(old.sha256)) \
            and all(type(number) is int and number >= 0 for number in (old.size, old.inode)):
        return old
    raise ValueError("not a record of a file")


def _folders(root: Path) -> list[Path]:
    """The folder and the folders in it (a link to one too, as templates/layouts may be): where a change's files
    are."""
    found = [root]
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        found += [Path(e.path) for e in entries if not e.name.startswith(".") and e.is_dir()]
    return found


def _hidden(root: Path) -> list[Path]:
    """A change's hidden files, the journal aside."""
    found = []
    for folder in _folders(root):
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            found += [Path(e.path) for e in entries if e.name.startswith(HIDDEN) and e.name != JOURNAL
                      and not e.is_dir(follow_symlinks=False)]
    return found


def _unfinished(root: Path) -> bool:
    return os.path.lexists(root / JOURNAL) or bool(_hidden(root))


def _remove_hidden(root: Path) -> None:
    for path in _hidden(root):
        path.unlink(missing_ok=True)


def _sync_folders(folders) -> None:
    """Renames in these folders reach the disk (a power cut after this cannot undo them)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            handle = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)


class _Lock:
    """flock on the folder itself: shared while reading, exclusive while changing or recovering."""

    def __init__(self, root: Path):
        self.handle: int | None = None
        try:
            import fcntl  # noqa: F401 - POSIX only; elsewhere there is no lock

            self.handle = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        except (ImportError, OSError):
            pass  # no such folder: the reader names it

    def take(self, exclusive: bool) -> None:
        if self.handle is None:
            return
        import fcntl

        with contextlib.suppress(OSError):  # a file system without locks: as without the lock
            fcntl.flock(self.handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def release(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


@contextlib.contextmanager
def _locked(root: Path, exclusive: bool) -> Iterator[_Lock]:
    lock = _Lock(root)
    try:
        lock.take(exclusive)
        yield lock
    finally:
        lock.release()
