"""Writing one file atomically: the old content or the new, never half of either."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from aspo.core.errors import AspoError
from aspo.core.rulebook import OUTPUT


def current_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def write_file_atomic(path: Path, data: bytes, *, replace: bool = True) -> bool:
    """Writes a file whole or not at all: a reader never sees half of it. With replace=False an existing file
    is left as it is (even one that appears meanwhile) and False is returned."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
