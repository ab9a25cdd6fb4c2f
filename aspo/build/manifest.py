"""The provenance manifest: what went into an account's outputs, and why each part is there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from aspo import __version__
from aspo.core.bounded import file_digest, load_json, read_regular
from aspo.core.errors import AspoError
from aspo.plan.key import digest, input_files

if TYPE_CHECKING:  # annotations only: the manifest module stays light for commands that only key accounts
    from aspo.compose.document import Document
    from aspo.library.gitinfo import TemplatesRevision
    from aspo.plan.plan import Plan

#: The manifest's file name in each output folder.
MANIFEST = "manifest.json"
#: A manifest aspo writes is a few kilobytes; a file past this is not one, and is not read.
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
#: (kind, id) -> content hash, of the blocks and scenarios (or other sources) a manifest names.
Sources = dict[tuple[str, str], str | None]


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
    parts = [(section.key, section.title, slides.get(section.key), section.in_document, section.sources)
             for section in document.sections]
    if document.follow_up is not None:  # the e-mail's sources count as used, and its changes show as theirs
        parts.append(("follow-up", document.follow_up.subject, None, False, document.follow_up.every_source))
    manifest = {
        "aspo_version": __version__,
        "account": account.path.name,
        "input_key": plan.key,
        "templates": revision.as_json() if revision else None,
        "inputs": {name: hashes(path) for name, path in input_files(account, library, selection).items()},
        "outputs": {name: digest(data) for name, data in sorted(outputs.items())},
        "sections": [
            {
                "key": key,
                "title": title,
                "slide": slide,
                "document": in_document,
                "sources": [
                    {"kind": s.kind, "id": s.id, "hash": sources_hash[s.kind](s.id), "reason": s.reason}
                    for s in sources
                ],
            }
            for key, title, slide, in_document, sources in parts
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
    """True when the folder's manifest has this input key (None: any) and every output is as it recorded. A manifest
    or output aspo cannot read (damaged, nested past reading, a named pipe, too large) means not current: rebuild."""
    try:
        manifest = load_manifest(folder / MANIFEST)
    except AspoError:
        return False
    if key is not None and manifest.get("input_key") != key:
        return False
    recorded = manifest.get("outputs")
    recorded = recorded if isinstance(recorded, dict) else {}
    return all((found := file_digest(folder / name)) is not None and recorded.get(name) == found for name in names)


def load_manifest(path: Path) -> dict:
    """The manifest at `path`, read within bounds (a regular file of at most MAX_MANIFEST_BYTES), or one line
    saying why it cannot be read."""
    return read_manifest(read_regular(path, MAX_MANIFEST_BYTES), path)


def read_manifest(data: bytes, where: str | os.PathLike) -> dict:
    """A manifest's JSON; one that is not an object reads as empty (written by another version of aspo perhaps).
    JSON that is not valid, or nests deeper than Python's parser reaches, is one line at `where`."""
    try:
        manifest = load_json(data)
    except ValueError as exc:
        raise AspoError.at(where, getattr(exc, "lineno", None), None,
                           f"is not a valid manifest ({getattr(exc, 'msg', exc)})") from None
    return manifest if isinstance(manifest, dict) else {}


def sources_in(manifest: dict, kinds: tuple[str, ...] | None = ("block", "scenario")) -> Sources:
    """The sources a read manifest names, of `kinds` (None: every kind), with their hashes."""
    found: Sources = {}
    # anything missing or odd is skipped, not an error
    sections = manifest.get("sections")
    for section in sections if isinstance(sections, list) else []:
        sources = section.get("sources") if isinstance(section, dict) else None
        for source in sources if isinstance(sources, list) else []:
            kind, item, hash_ = (source.get(key) for key in ("kind", "id", "hash")) if isinstance(source, dict) \
                else (None, None, None)
            # a hand-edited one may hold anything: a kind or id that is a list would not even be a key
            if isinstance(kind, str) and isinstance(item, str) and item and (kinds is None or kind in kinds):
                found[(kind, item)] = hash_ if isinstance(hash_, str) else None
    return found
