"""Writing one file atomically: the old content or the new, never half of either."""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from aspo.core.children import process_alive
from aspo.core.errors import AspoError
from aspo.core.rulebook import OUTPUT

#: A file being written, beside its target: ".<name>.aspo-<pid>-<random>.tmp". The pid tells a later run whether
#: its writer still runs (a kill -9 leaves the file behind); the starter's .gitignore ignores the pattern.
TEMPORARY = re.compile(r"\.(?P<name>.+)\.aspo-(?P<pid>[0-9]+)-[a-z0-9_]+\.tmp")
#: A temporary file younger than this stays though no process has its pid: its writer may be one aspo cannot see
#: (a container sharing the folder numbers its processes apart), and a write takes far less.
ABANDONED_SECONDS = 10 * 60
#: Past this age a temporary file is a leftover whatever its pid says: the pid may be another process's by now,
#: or a process's on another machine sharing the folder.
STALE_SECONDS = 24 * 3600
_swept: set[str] = set()  # the folders this process has looked in for leftovers
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def current_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def write_file_atomic(path: Path, data: bytes, *, replace: bool = True, sync: bool = True,
                      dir_fd: int | None = None) -> bool:
    """Writes a file whole or not at all: a reader never sees half of it. With replace=False an existing file
    is left as it is (even one that appears meanwhile) and False is returned. Leftovers of killed writes in the
    folder are removed the first time this process writes there. `sync` False spares the wait for the disk (a
    cache, which a crash may lose).

    With `dir_fd`, the descriptor of `path`'s folder opened without following links, the file is written there by
    its name and nothing is followed: a link at the name is replaced, never written through."""
    path = Path(path)
    _sweep_once(path.parent, dir_fd)
    name = path.name if dir_fd is not None else str(path)
    temporary, handle = _new_temporary(path, dir_fd)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        try:
            found = os.stat(name, dir_fd=dir_fd, follow_symlinks=dir_fd is None)
        except FileNotFoundError:
            found = None
        # the old file's permissions, or what the umask gives a new one: only now, once it holds all it will
        mode = stat.S_IMODE(found.st_mode) if found is not None and stat.S_ISREG(found.st_mode) \
            else 0o666 & ~current_umask()
        os.chmod(temporary, mode, dir_fd=dir_fd)
        if replace:
            os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            return True
        try:
            os.link(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)  # fails if the path exists: no race
        except FileExistsError:
            return False
        finally:
            _unlink(temporary, dir_fd)
        return True
    except BaseException:
        _unlink(temporary, dir_fd)
        raise


def write_new_file(path: Path, data: bytes) -> bool:
    """Writes a file that is not there yet, whole or not at all, making its folder first; False (and nothing
    written) when something is at `path` already, even a dangling link or a folder. An OSError is an AspoError
    naming the file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_file_atomic(path, data, replace=False)
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot write: {exc.strerror or exc}", OUTPUT) from None


def check_writable(folder: Path) -> None:
    """Raises OSError when no file can be written in `folder`: a file is made there under a temporary name and
    removed (should aspo be killed meanwhile, the next write there removes it)."""
    _sweep_once(folder, None)
    temporary, handle = _new_temporary(Path(folder) / "probe", None)
    os.close(handle)
    os.unlink(temporary)


def _new_temporary(path: Path, dir_fd: int | None) -> tuple[str, int]:
    """A new empty file beside `path` named by TEMPORARY (relative to `dir_fd` when given), and its descriptor."""
    for _ in range(100):
        name = f".{path.name}.aspo-{os.getpid()}-{os.urandom(6).hex()}.tmp"
        temporary = name if dir_fd is not None else str(path.with_name(name))
        try:
            # 0600 while it is written: what a private file will hold is never readable by others meanwhile
            return temporary, os.open(temporary, _OPEN_NEW, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _unlink(name: str, dir_fd: int | None) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def _sweep_once(folder: Path, dir_fd: int | None) -> None:
    key = os.path.abspath(folder)
    if key not in _swept:
        _swept.add(key)
        remove_stale_temporaries(folder, dir_fd=dir_fd)


def remove_stale_temporaries(folder: Path, *, dir_fd: int | None = None) -> list[Path]:
    """Removes the temporary files in `folder` (open as `dir_fd`, if given) whose writer no longer runs and that are
    ABANDONED_SECONDS old, or that are older than a day, and returns them; those of running writers (another aspo at
    work) and fresh ones whose writer aspo may not see stay. Nothing found is no problem."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder if dir_fd is None else dir_fd))
    except OSError:
        return removed
    for entry in entries:
        match = TEMPORARY.fullmatch(entry.name)
        try:
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if (age >= ABANDONED_SECONDS and not process_alive(int(match["pid"]))) or age > STALE_SECONDS:
                os.unlink(entry.path, dir_fd=dir_fd)  # scandir of a descriptor gives each entry's name as its path
                removed.append(Path(folder) / entry.name)
        except OSError:  # gone meanwhile (another run removed it), or not ours to remove
            continue
    return removed
