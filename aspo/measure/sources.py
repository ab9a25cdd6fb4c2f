"""What the outcomes report reads: the histories, the library's stages and content, the current builds, the reps'
notes. One bad history is named and left out; the others are still counted."""

from __future__ import annotations

from pathlib import Path

from aspo.build.manifest import load_manifest
from aspo.core.errors import AspoError, Problem
from aspo.core.yamlfile import load_yaml
from aspo.library.content import Library
from aspo.library.history import load_histories
from aspo.measure.outcomes import Report, Settings, outcomes_report


def measure(library: Library, history: Path, accounts: Path, output: Path,
            settings: Settings) -> tuple[Report, list[Problem]]:
    """The outcomes report of every history in a folder, as of `settings.until`."""
    stages = tuple((stage_id, stage.name) for stage_id, stage in library.stages.items())
    histories, problems = load_histories(history, library.stages)
    items = {f"block/{b.id}": b.meta.owner for b in library.blocks.values()}
    items.update({f"scenario/{s.id}": s.meta.owner for s in library.scenarios.values()})
    slugs = [h.slug for h in histories]
    report = outcomes_report(histories, stages, items, settings, _built_keys(Path(output)),
                             {slug: _notes(Path(accounts) / f"{slug}.yaml") for slug in slugs})
    return report, problems


def _built_keys(output: Path) -> dict[str, str]:
    """Each output folder's input key: the builds that exist, presented or not."""
    keys = {}
    if output.is_dir():
        for manifest in sorted(output.glob("*/manifest.json")):
            try:
                key = load_manifest(manifest).get("input_key")
            except AspoError:
                continue  # a damaged manifest is the build's business, not this report's
            if isinstance(key, str):
                keys[manifest.parent.name] = key
    return keys


def _notes(path: Path) -> str | None:
    """The rep's notes in an account file, read leniently: the report must not fail on an account being edited."""
    try:  # as the build reads it, within its bounds (a named pipe or a file nested 100,000 deep is no account)
        data = load_yaml(path).data
    except AspoError:
        return None
    notes = data.get("notes") if isinstance(data, dict) else None
    return " ".join(notes.split()) if isinstance(notes, str) else None
