"""An account's input key: every file and choice that decides its outputs, hashed."""

from __future__ import annotations

import functools
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from aspo import __version__

if TYPE_CHECKING:  # annotations only: keying an account loads nothing the plan has not loaded already
    from aspo.library.account import Account
    from aspo.library.content import Library
    from aspo.plan.selection import Selection


def digest(data: bytes) -> str:
    """The SHA-256 of `data` in hex: how inputs and outputs are fingerprinted in keys and manifests."""
    import hashlib  # loads OpenSSL: only for the commands that write

    return hashlib.sha256(data).hexdigest()


class FileHashes:
    """Content hashes of input files, each file read once per build."""

    def __init__(self):
        self._cache: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        path = Path(path)
        if path not in self._cache:
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):  # swapped for a named pipe since it was loaded: never open
                    raise OSError(0, "not a regular file")
                self._cache[path] = digest(path.read_bytes())
            except OSError as exc:  # a layout template gone: the account is out of date, and loading it says why
                self._cache[path] = f"unreadable: {exc.strerror}"
        return self._cache[path]


def input_files(account: Account, library: Library, selection: Selection) -> dict[str, Path]:
    """Every file this account's outputs depend on, by a name that does not depend on the machine."""
    root, here = library.root, os.getcwd()

    def name(path: Path) -> str:
        return _library_name(here, root, Path(path))

    files = {name(shared): shared for shared in library.shared_files}
    for block_id in selection.used_blocks:
        block = library.blocks[block_id]
        for path in dict.fromkeys(p for p in (block.path, block.text_path, block.notes_path) if p):
            files[name(path)] = path
    for scenario_id in selection.used_scenarios:
        scenario = library.scenarios[scenario_id]
        for path in dict.fromkeys(p for p in (scenario.path, scenario.text_path) if p):
            files[name(path)] = path
    for path in library.translation_files:  # l10n/<lang>/ files and variants: a new translation rebuilds
        files[name(path)] = path
    files[f"{account.path.resolve().parent.name}/{account.path.name}"] = account.path
    if account.logo is not None:  # a new logo under the same name rebuilds the account
        files[f"{account.path.resolve().parent.name}/{account.data.logo}"] = account.logo.path
    return dict(sorted(files.items()))


@functools.lru_cache(maxsize=4096)  # the library's files, named for every account of a build: resolved once
def _library_name(here: str, root: Path, path: Path) -> str:
    """`path` named from the library's folder; `here`, the working folder, is what relative paths resolve from."""
    resolved_root = Path(here, root).resolve()
    try:
        return f"{resolved_root.name}/{Path(here, path).resolve().relative_to(resolved_root).as_posix()}"
    except ValueError:
        return path.as_posix()


def input_key(account: Account, library: Library, selection: Selection, hashes: FileHashes,
              epoch: int | None = None) -> str:
    """What decides the outputs: aspo's version, the files used, what was chosen and why, and the moment
    SOURCE_DATE_EPOCH stamps into the files (another epoch rebuilds with its dates).

    Unused blocks are left out, so editing one block rebuilds exactly the accounts using it;
    a change that alters what is chosen changes the selection part of the key.
    """
    key = {
        "aspo_version": __version__,
        "source_date_epoch": epoch,
        "inputs": {name: hashes(path) for name, path in input_files(account, library, selection).items()},
        "selection": [
            [m.block, m.reason] for m in selection.priorities
        ] + [sorted(selection.section_blocks.items()), list(selection.scenarios), list(selection.capabilities),
             list(selection.roadmap), list(selection.references),
             [[d.kind, d.id, list(d.matched)] for d in selection.decisions if d.chosen]],
    }
    return digest(json.dumps(key, sort_keys=True).encode("utf-8"))
