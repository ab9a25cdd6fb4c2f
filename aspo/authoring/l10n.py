"""`aspo l10n`: stamping a reviewed translation with its source's hashes, showing what its source changed since,
and the matrix of every block's and scenario's translations."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from aspo.core.errors import AspoError, display_path
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import INVALID_FILE
from aspo.core.yamlfile import read_text
from aspo.library.content import Library
from aspo.library.languages import maintained
from aspo.library.translation_schema import L10N_FILES
from aspo.library.translations import (
    CLAIMS_CHANGED,
    CURRENT,
    Variant,
    block_wording,
    claims_now,
    l10n_wording,
    own_hash,
    scenario_wording,
    short_hash,
    source_hashes,
    state,
)


def find_variant(library: Library, path: Path) -> Variant:
    """The translation at `path`, as the library loaded it."""
    wanted = Path(path).resolve()
    for by_language in (*library.variants.values(), *library.l10n.values()):
        for variant in by_language.values():
            if variant.path.resolve() == wanted:
                return variant
    raise AspoError.at(path, None, None, "not a translation in the library: blocks/<id>.<lang>.md, "
                       "scenarios/<id>.<lang>.yaml or l10n/<lang>/<file>.yaml", INVALID_FILE)


@dataclass(frozen=True)
class Stamped:
    """One translation stamped: its file, its state before, and whether its stamp changed."""

    path: Path
    was: str  # its state before
    changed: bool


def stamp(library: Library, paths, approved_by: str | None = None) -> list[Stamped]:
    """Records in each translation the hashes of its source as it is now (and, with `approved_by`, its approval):
    say so only after someone who reads both languages has reviewed it against `aspo l10n diff`."""
    planned = []  # every file checked before any is written: one that cannot be stamped stamps none
    for path in paths:
        variant = find_variant(library, path)
        hashes = source_hashes(variant, library)
        if hashes is None:
            raise AspoError.at(path, None, None, f"{variant.kind} {variant.id} has no source to stamp it against",
                               INVALID_FILE)
        fields = {"source": hashes[0], "claims": hashes[1], "reviewed": own_hash(variant)}
        if approved_by:
            fields.update(status="approved", approved_by=approved_by)
        text = read_text(variant.path)
        planned.append((variant, text, _with_fields(text, fields, front_matter=variant.kind == "block")))
    done = []
    for variant, text, new in planned:
        if new != text:
            write_file_atomic(variant.path, new.encode("utf-8"))
        done.append(Stamped(variant.path, state(variant, library), new != text))
    return done


#: The fields of a translation's record, in the order a stamp writes them.
RECORD = ("status", "translated_by", "approved_by", "source", "claims", "reviewed")


def _with_fields(text: str, fields: dict[str, str], front_matter: bool) -> str:
    """`text` with each top-level field set: its value replaced where it is (a comment after it kept), else added
    after the record's last field, or at the end of the front matter, or before the file's first field."""
    if front_matter:
        end = text.index("\n---", 3) + 1
        head, tail = text[:end], text[end:]
    else:
        head, tail = text, ""
    missing = []
    for name, value in fields.items():
        pattern = re.compile(rf"^{re.escape(name)}:[ \t]*(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|[^#\n]*?)"
                             rf"(?P<comment>[ \t]+#[^\n]*)?$", re.M)
        line = f"{name}: {_scalar(value)}"
        if pattern.search(head):
            head = pattern.sub(lambda found: line + (found.group("comment") or ""), head, count=1)
        else:
            missing.append(line + "\n")
    last = max((found.end() for name in RECORD if (found := re.search(rf"^{name}:[^\n]*\n", head, re.M))),
               default=None)
    if last is not None:
        head = head[:last] + "".join(missing) + head[last:]
    elif front_matter:
        head += "".join(missing)
    else:
        first = re.search(r"^[A-Za-z_]", head, re.M)
        at = first.start() if first else len(head)
        head = head[:at] + "".join(missing) + head[at:]
    return head + tail


def _scalar(value: str) -> str:
    """A value as YAML reads it back as this text: plain where that is safe, else double-quoted."""
    import json

    plain = re.fullmatch(r"[A-Za-z0-9][\w.@ ()-]*", value) and not value.endswith(" ")
    plain = plain and value.lower() not in ("null", "true", "false", "yes", "no", "on", "off", "~")
    return value if plain else json.dumps(value, ensure_ascii=False)


def source_diff(library: Library, path: Path) -> str:
    """What the translation's source changed since it was stamped, as a unified diff: from the committed version
    of the source whose wording has the hash the translation records (for an l10n file: the source as it was at
    the translation's last commit), to the source as it is now."""
    from aspo.library.gitinfo import file_versions

    variant = find_variant(library, path)
    source_path, current = _source_of(library, variant)
    recorded = variant.record.source
    if recorded is None:
        return f"{display_path(variant.path)} was never stamped: review it against the whole source\n"
    said = ""
    if _wording(variant, current) == recorded:
        said = f"{display_path(source_path)}: its wording is as {display_path(variant.path)} was stamped against\n"
    else:
        for revision, old in file_versions(source_path):
            if _wording(variant, old) == recorded:
                said = _diff(old, current, source_path, revision)
                break
        else:
            said = (f"{display_path(source_path)}: no committed version has the wording "
                    f"{display_path(variant.path)} records ({recorded}); review it against the whole source\n")
    if variant.kind in ("block", "scenario", "catalog.yaml") and state(variant, library) == CLAIMS_CHANGED:
        said += (f"Its claims changed since the stamp: what it claims now is {', '.join(claims_now(variant, library))}"
                 " (a capability's maturity, live_at or planned is catalog.yaml's: `git log -p "
                 f"{display_path(library.root / 'catalog.yaml')}`)\n")
    return said


def _diff(old: str, new: str, path: Path, revision: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"{display_path(path)}@{revision[:12]}", display_path(path)))


def _source_of(library: Library, variant: Variant) -> tuple[Path, str]:
    if variant.kind == "block":
        path = library.blocks[variant.id].path
    elif variant.kind == "scenario":
        path = library.scenarios[variant.id].path
    else:
        path = library.root / variant.kind
    return path, read_text(path)


def _wording(variant: Variant, text: str) -> str | None:
    """The wording hash a version of the translation's source has (None: that version does not load)."""
    import tempfile

    from aspo.core.yamlfile import load_yaml, parse_yaml
    from aspo.library.content import Scenario, load_block
    from aspo.library.schema import (
        CatalogFile,
        IndustriesFile,
        OutlineFile,
        PainsFile,
        PersonasFile,
        ScenarioFile,
        StagesFile,
    )
    from aspo.library.validation import validate

    try:
        if variant.kind not in ("block", "scenario"):
            model = {"catalog.yaml": CatalogFile, "outline.yaml": OutlineFile, "industries.yaml": IndustriesFile,
                     "stages.yaml": StagesFile, "pains.yaml": PainsFile, "personas.yaml": PersonasFile}[variant.kind]
            found = validate(model, parse_yaml(text, Path(variant.kind)))
            return short_hash(l10n_wording(variant.kind, catalog=found, outline=found,
                                           neutral=getattr(found, "neutral", None),
                                           **{key: getattr(found, key, ()) for key in
                                              ("industries", "stages", "pains", "personas")}))
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / f"{variant.id}{'.md' if variant.kind == 'block' else '.yaml'}"
            copy.write_text(text, encoding="utf-8")
            if variant.kind == "block":
                return block_wording(load_block(copy))
            doc = load_yaml(copy)
            return scenario_wording(Scenario(validate(ScenarioFile, doc), doc, copy))
    except AspoError:
        return None


def matrix(library: Library, accounts: dict[str, list[str]]) -> list[list[str]]:
    """Rows of every block and scenario by language: its translation's state, with the accounts reading that
    language which show it ("missing (2)"). `accounts`: language -> the blocks and scenarios its accounts show."""
    languages = maintained(library.catalog)[1:]
    rows = [["content", library.catalog.languages.source, *languages]]
    keys = [("block", b) for b in library.blocks] + [("scenario", s) for s in library.scenarios]
    for kind, key_id in keys:
        cells = [f"{kind}:{key_id}", "source"]
        for language in languages:
            variant = library.variants.get((kind, key_id), {}).get(language)
            cell = "missing" if variant is None else state(variant, library).replace(CURRENT, "approved")
            used = sum(1 for shown in accounts.get(language, []) if shown == f"{kind}:{key_id}")
            cells.append(f"{cell} ({used})" if used else cell)
        rows.append(cells)
    for name in L10N_FILES:
        cells = [f"l10n:{name}", "source"]
        for language in languages:
            variant = library.l10n.get(language, {}).get(name)
            cells.append("missing" if variant is None else state(variant, library).replace(CURRENT, "approved"))
        rows.append(cells)
    return rows
