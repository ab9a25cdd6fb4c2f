"""Writing one file atomically: the old content or the new, never half of either."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from aspo.core.errors import AspoError
from aspo.core.rulebook import OUTPUT

#: A file being written, beside its target: ".<name>.aspo-<pid>-<random>.tmp". The pid tells a later run whether
#: its writer still runs (a kill -9 leaves the file behind); the starter's .gitignore ignores the pattern.
TEMPORARY = re.compile(r"\.(?P<name>.+)\.aspo-(?P<pid>\d+)-[a-z0-9_]+\.tmp")
#: Past this age a temporary file is a leftover whatever its pid says: the pid may be another process's by now,
#: or a process's on another machine sharing the folder.
STALE_SECONDS = 24 * 3600
_swept: set[str] = set()  # the folders this process has looked in for leftovers


def current_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def write_file_atomic(path: Path, data: bytes, *, replace: bool = True) -> bool:
    """Writes a file whole or not at all: a reader never sees half of it. With replace=False an existing file
    is left as it is (even one that appears meanwhile) and False is returned. Leftovers of killed writes in the
    folder are removed the first time this process writes there."""
    folder = os.path.abspath(path.parent)
    if folder not in _swept:
        _swept.add(folder)
        remove_stale_temporaries(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.aspo-{os.getpid()}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; a new file gets what the umask gives
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)  # fails if the path exists: no check-then-write race
        except FileExistsError:
            return False
        finally:
            Path(temporary).unlink(missing_ok=True)
        return True
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
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


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Removes the temporary files in `folder` whose writer no longer runs, or that are older than a day, and
    returns them; those of running writers (another aspo at work) stay. Nothing found is no problem."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMPORARY.fullmatch(entry.name)
        try:
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            pid = int(match["pid"])
            if pid != os.getpid() and not process_running(pid) or now - entry.stat(follow_symlinks=False).st_mtime \
                    > STALE_SECONDS:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # gone meanwhile (another run removed it), or not ours to remove
            continue
    return removed


def process_running(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts)."""
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill ends the process: age alone removes files there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's, or a number no process can have: keep the file, age removes it
    return True
