"""Writing an account's outputs: the whole set or nothing, swapped into place in one atomic step."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from aspo.core.children import process_alive
from aspo.core.errors import AspoError, special_kind
from aspo.core.files import current_umask
from aspo.core.rulebook import OUTPUT
from aspo.library.protected import relation, resolved, shown_folder

STAGING = ".aspo-staging-"  # + slug + "-" + pid + "-" + random: a build in progress, or a killed one's leftovers
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_outputs(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Writes every file into a staging folder beside `folder`, then swaps the two folders.

    Whatever happens (an error, Ctrl-C, a kill), `folder` holds either the complete previous set or the
    complete new one. Everything in `folder` that aspo did not write (files, folders, links) is carried
    over as it is, so nothing is lost.
    """
    folder = Path(folder)
    _refuse_links(folder, files)
    parent = folder.parent
    refuse_output_file(parent)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(parent, folder.name)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{folder.name}-{os.getpid()}-", dir=parent))
        os.chmod(staging, _folder_mode(folder))  # mkdtemp's 0700 would hide outputs from other users
    except OSError as exc:
        raise AspoError.at(parent, None, None, f"cannot create output folder: {exc.strerror}", OUTPUT) from None
    try:
        for name, data in files.items():
            _write_file(staging / name, data)
        _carry_over(folder, staging, files)
        _fsync_dir(staging)
        _swap_into_place(staging, folder)
        _fsync_dir(parent)
        return [folder / name for name in files]
    except OSError as exc:
        raise AspoError.at(folder, None, None, f"cannot write outputs: {exc.strerror or exc}", OUTPUT) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the new set if we failed, the old one if we succeeded


def refuse_output_file(output: Path) -> None:
    """The --output folder may not exist yet, but must not be a file."""
    if output.exists() and not output.is_dir():
        raise AspoError.at(output, None, None, "exists and is not a folder; choose another --output", OUTPUT)


def _refuse_links(folder: Path, files: dict[str, bytes]) -> None:
    if folder.is_symlink():
        raise AspoError.at(folder, None, None, "is a link; aspo writes a real folder here and will not follow it",
                           OUTPUT)
    if folder.exists() and not folder.is_dir():
        raise AspoError.at(folder, None, None, "exists and is not a folder; move it away", OUTPUT)
    for name in files:
        if (folder / name).is_symlink():
            raise AspoError.at(folder / name, None, None, "is a link; aspo will not replace it", OUTPUT)


def _folder_mode(folder: Path) -> int:
    if folder.is_dir():
        return folder.stat().st_mode & 0o7777
    return 0o777 & ~current_umask()


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _carry_over(folder: Path, staging: Path, files: dict[str, bytes]) -> None:
    """Mirrors what aspo does not write from the old folder into the new one: files hard-linked (or copied),
    folders recreated, links copied as links (never followed). What the previous build wrote is not kept:
    the new build replaces it (its manifest lists it)."""
    if not folder.is_dir():
        return
    ours = set(files) | _previous_outputs(folder)
    for item in sorted(folder.iterdir()):
        if item.name not in ours:
            _mirror(item, staging / item.name)


def _previous_outputs(folder: Path) -> set[str]:
    """The files the previous build wrote, as its manifest lists them."""
    from aspo.build.manifest import MANIFEST, load_manifest

    try:
        recorded = load_manifest(folder / MANIFEST).get("outputs")
    except AspoError:  # none, or none aspo can read: what it names is not known, so everything is carried over
        return set()
    recorded = recorded if isinstance(recorded, dict) else {}
    return {name for name in recorded if isinstance(name, str) and "/" not in name} | {MANIFEST}


def _mirror(source: Path, target: Path) -> None:
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
    elif stat.S_ISDIR(info.st_mode):
        target.mkdir()
        for item in sorted(source.iterdir()):
            _mirror(item, target / item.name)
        os.chmod(target, stat.S_IMODE(info.st_mode))
    elif stat.S_ISREG(info.st_mode):
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
    else:
        raise AspoError.at(source, None, None, f"is {special_kind(info.st_mode)}, which aspo cannot carry over "
                           "to the new build; move it out of the output folder", OUTPUT)


def refuse_protected(folder: Path, account: Path, templates: Path) -> None:
    """Refuses an output folder that is, holds or lies inside the templates folder or the account's own folder,
    so a build can never swap away or litter the library or the accounts.

    The account's folder may hold output/ when it is the project itself (it holds templates/ too).
    """
    target = resolved(folder)
    account_folder = resolved(account.parent)
    library = resolved(templates)
    protected = [(library, "the templates folder", True),
                 (account_folder, "the folder of the account file", relation(account_folder, library) != "holds")]
    for place, what, no_inside in protected:
        how = relation(target, place)  # the guard every writing command shares (aspo/library/protected.py)
        if how is None or how == "lies inside" and not no_inside:
            continue
        problem = f"is {what}" if how == "is" else f"{how} {what} ({shown_folder(place)})"
        raise AspoError.at(account, None, None, f"its output folder {shown_folder(folder)} {problem}; "
                           "rename the account file or choose another --output", OUTPUT)


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Puts staging where folder is; afterwards staging holds the old folder (if there was one)."""
    if not folder.exists():
        try:
            os.rename(staging, folder)
            staging.mkdir()  # so the caller's cleanup has something to remove
            return
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):  # another build created it meanwhile
                raise
    if _exchange(staging, folder):
        return
    # No atomic exchange on this system: two renames, with a moment where folder is missing.
    old = staging.with_name(staging.name + "_old")
    os.rename(folder, old)
    os.rename(staging, folder)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swaps two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = _libc()
    if libc is None or not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM):  # the filesystem or kernel cannot exchange
        return False
    raise OSError(code, os.strerror(code))


_LIBC = []


def _libc():
    if not _LIBC:
        import ctypes  # only where a folder is swapped

        try:  # the symbols the process already has, libc's among them: finding libc's file would run ldconfig
            _LIBC.append(ctypes.CDLL(None, use_errno=True))
        except OSError:
            _LIBC.append(None)
    return _LIBC[0]


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_staging(parent: Path, slug: str | None = None) -> None:
    """Removes staging folders left by builds that were killed (their process no longer runs)."""
    prefix = STAGING + (f"{slug}-" if slug else "")
    for item in parent.glob(prefix + "*"):
        pid = _pid_of(item.name)
        if pid is None or not process_alive(pid):
            shutil.rmtree(item, ignore_errors=True)


def remove_own_staging(parent: Path) -> None:
    """Removes this process's staging folders: a stop (Ctrl-C, SIGTERM) that lands while write_outputs is cleaning
    up cuts that cleanup short."""
    for item in Path(parent).glob(STAGING + "*"):
        if _pid_of(item.name) == os.getpid():
            shutil.rmtree(item, ignore_errors=True)


def _pid_of(name: str) -> int | None:
    """The pid in ".aspo-staging-<slug>-<pid>-<random>" (the random part never holds a '-'); ASCII digits only
    (str.isdigit takes "²", which int() refuses)."""
    parts = name.rsplit("-", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isascii() and parts[1].isdigit() else None
