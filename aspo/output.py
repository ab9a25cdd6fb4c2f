"""Writing an account's outputs: all of them or none, each file replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aspo.errors import AspoError


def write_outputs(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Writes every file to a temporary name first, then renames them all into place."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise AspoError.at(folder, None, None, "output path exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AspoError.at(folder, None, None, f"cannot create output folder: {exc.strerror}") from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((name, Path(temp)))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        written = []
        for name, temp in staged:
            os.replace(temp, folder / name)
            written.append(folder / name)
        return written
    except OSError as exc:
        raise AspoError.at(folder, None, None, f"cannot write outputs: {exc.strerror}") from None
    finally:
        for _, temp in staged:
            if temp.exists():
                temp.unlink()
