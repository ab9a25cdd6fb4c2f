"""The provenance manifest: what went into an account's outputs, and why each part is there."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from aspo import __version__

if TYPE_CHECKING:  # annotations only: the manifest module stays light for commands that only key accounts
    from aspo.account import Account
    from aspo.document import Document
    from aspo.gitinfo import TemplatesRevision
    from aspo.library import Library
    from aspo.plan import Plan
    from aspo.selection import Selection

MANIFEST = "manifest.json"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileHashes:
    """Content hashes of input files, each file read once per build."""

    def __init__(self):
        self._cache: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        path = Path(path)
        if path not in self._cache:
            try:
                self._cache[path] = digest(path.read_bytes())
            except OSError as exc:  # a layout template gone: the account is out of date, and loading it says why
                self._cache[path] = f"unreadable: {exc.strerror}"
        return self._cache[path]


def input_files(account: Account, library: Library, selection: Selection) -> dict[str, Path]:
    """Every file this account's outputs depend on, by a name that does not depend on the machine."""
    root = library.root
    prefix = root.resolve().name

    def name(path: Path) -> str:
        try:
            return f"{prefix}/{Path(path).resolve().relative_to(root.resolve()).as_posix()}"
        except ValueError:
            return Path(path).as_posix()

    files = {name(shared): shared for shared in library.shared_files}
    for block_id in selection.used_blocks:
        files[name(library.blocks[block_id].path)] = library.blocks[block_id].path
    for scenario_id in selection.scenarios:
        files[name(library.scenarios[scenario_id].path)] = library.scenarios[scenario_id].path
    files[f"{account.path.resolve().parent.name}/{account.path.name}"] = account.path
    if account.logo is not None:  # a new logo under the same name rebuilds the account
        files[f"{account.path.resolve().parent.name}/{account.data.logo}"] = account.logo.path
    return dict(sorted(files.items()))


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
             list(selection.roadmap), [[d.kind, d.id, list(d.matched)] for d in selection.decisions if d.chosen]],
    }
    return digest(json.dumps(key, sort_keys=True).encode("utf-8"))


def build_manifest(plan: Plan, document: Document, outputs: dict[str, bytes],
                   revision: TemplatesRevision | None) -> bytes:
    """The manifest as sorted, indented JSON: deterministic, so it diffs cleanly."""
    account, library, selection, hashes = plan.account, plan.library, plan.selection, plan.hashes
    sources_hash = {
        "block": lambda i: hashes(library.blocks[i].path),
        "scenario": lambda i: hashes(library.scenarios[i].path),
        "catalog": lambda i: hashes(library.catalog_doc.path),
        "outline": lambda i: hashes(library.outline_doc.path),
        "account": lambda i: hashes(account.path),
    }
    slides = {section.key: number for number, section in enumerate(document.deck_sections, start=1)}
    manifest = {
        "aspo_version": __version__,
        "account": account.path.name,
        "input_key": plan.key,
        "templates": revision.as_json() if revision else None,
        "inputs": {name: hashes(path) for name, path in input_files(account, library, selection).items()},
        "outputs": {name: digest(data) for name, data in sorted(outputs.items())},
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "slide": slides.get(section.key),
                "document": section.in_document,
                "sources": [
                    {"kind": s.kind, "id": s.id, "hash": sources_hash[s.kind](s.id), "reason": s.reason}
                    for s in section.sources
                ],
            }
            for section in document.sections
        ],
        "gaps": [{"priority": g.priority, "pains": list(g.pains), "reason": g.reason} for g in document.gaps],
    }
    return _dumped(manifest)


def with_outputs(manifest: bytes, outputs: dict[str, bytes]) -> bytes:
    """The manifest with more outputs recorded (the PDFs, made after the rest)."""
    loaded = json.loads(manifest)
    loaded["outputs"].update({name: digest(data) for name, data in outputs.items()})
    return _dumped(loaded)


def _dumped(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def is_current(folder: Path, key: str | None, names: list[str]) -> bool:
    """True when the folder's manifest has this input key (None: any) and every output is as it recorded."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if key is not None and manifest.get("input_key") != key:
            return False
        recorded = manifest.get("outputs", {})
        return all(recorded.get(name) == digest((folder / name).read_bytes()) for name in names)
    except (OSError, ValueError, AttributeError):
        return False
