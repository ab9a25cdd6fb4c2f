"""Translations of the library: variants beside their sources, the l10n/<lang>/ files, and whether each is current.

A variant records two hashes of its source when it was translated (`aspo l10n stamp` writes them): of its wording,
and of its claims (the capabilities and products it calls, their maturity, and its figures). Wording changed since:
the variant is stale, a warning. Claims changed: it is unusable until someone reviews it and stamps it again, so
that no translation outlives a maturity change.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from aspo.core.errors import AspoError, Problem
from aspo.core.rulebook import TRANSLATION_FIELDS
from aspo.core.yamlfile import YamlDocument, load_yaml

#: A variant's file name: the source's id, a dot, a language tag ("priority-energy-cost.de", "x.fr-CA").
VARIANT_STEM = re.compile(r"(?P<id>[a-z0-9][a-z0-9-]*)\.(?P<language>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)")
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
#: A template's call of a catalog entry: {{ capability('x') }}, {{ product("y") }}.
CALLS = re.compile(r"\b(capability|product)\(\s*['\"]([^'\"]+)['\"]\s*\)")
#: A figure as any language writes it: -37, 37,5, 1,250, 1.250, 1 250, 410 000, 410'000, with its sign.
FIGURE = re.compile(r"(?<![\w.,])(?P<sign>[-+\u2212](?=[$\u20ac\u00a3\u00a5]?\d))?[$\u20ac\u00a3\u00a5]?"
                    r"(?P<number>\d+(?:[.,\u00a0\u202f\u2009 '\u2019]\d+)*)")

#: The states of a translation, from best to worst; only the first two reach a build.
CURRENT, STALE, UNSTAMPED, EDITED, CLAIMS_CHANGED, OTHER_CLAIMS, DRAFT, MACHINE = (
    "current", "stale", "unstamped", "edited since its stamp", "claims changed", "other claims", "draft", "machine")
USABLE = (CURRENT, STALE)


@dataclass(frozen=True)
class Variant:
    """One translated file: a block's or scenario's variant, or a file of templates/l10n/<lang>/."""

    kind: str  # "block", "scenario", or the l10n file's name ("catalog.yaml")
    id: str  # the source's id; the file's name for an l10n file
    language: str
    path: Path
    doc: YamlDocument
    record: Any  # its fields, validated: a model of aspo.library.translation_schema
    body: str = ""  # a block's
    notes: str = ""
    title_line: int = 1
    body_line: int = 1
    notes_line: int = 1

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.id


def variant_name(path: Path) -> tuple[str, str] | None:
    """(source id, language) of a variant's file name; None for a source's."""
    found = VARIANT_STEM.fullmatch(path.name.rsplit(".", 1)[0])
    return (found["id"], found["language"]) if found else None


def _source_only(doc: YamlDocument, fields: tuple[str, ...], source: str, loc: tuple = ()) -> list[Problem]:
    data = doc.data
    for part in loc:
        data = data.get(part) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        return []
    return [doc.problem(loc + (name,), f"{name} is set in the source only ({source}): a translation carries the "
                        "text, selection rules come from the source", TRANSLATION_FIELDS)
            for name in fields if name in data]


def load_block_variant(path: Path) -> Variant:
    """A block's translation: front matter with the translated title and its record, then body and notes."""
    from aspo.library.block_file import NOTES_HEADING, read_block_file  # only where one is read
    from aspo.library.translation_schema import BLOCK_SOURCE_ONLY, BlockVariantFront

    source_id, language = variant_name(path)
    read = read_block_file(path)
    problems = _source_only(read.front, BLOCK_SOURCE_ONLY, f"{source_id}.md")
    if problems:
        raise AspoError(problems)
    record = _validate(BlockVariantFront, read.front)
    heading = next((i for i, line in enumerate(read.body_lines) if line.startswith("#")), None)
    if heading is not None:  # "## Notizen" would put the rep's notes on the customer's slide
        raise AspoError.at(path, read.first_body_line + heading, "body", f"{read.body_lines[heading].strip()!r}: a "
                           f"block's speaker notes start at a line '{NOTES_HEADING}', in every language; the body "
                           "has no headings", TRANSLATION_FIELDS)
    return Variant("block", source_id, language, path, read.front, record, body=read.body, notes=read.notes,
                   title_line=read.title_line, body_line=read.body_line, notes_line=read.notes_line)


def load_scenario_variant(path: Path) -> Variant:
    source_id, language = variant_name(path)
    doc = load_yaml(path)
    source = f"{source_id}.yaml"
    from aspo.library.translation_schema import (
        CUSTOMER_SOURCE_ONLY,
        RESULT_SOURCE_ONLY,
        SCENARIO_SOURCE_ONLY,
        ScenarioVariantFile,
    )

    problems = _source_only(doc, SCENARIO_SOURCE_ONLY, source)
    problems += _source_only(doc, CUSTOMER_SOURCE_ONLY, source, ("customer",))
    results = doc.data.get("results") if isinstance(doc.data, dict) else None
    for index, _ in enumerate(results if isinstance(results, list) else ()):
        problems += _source_only(doc, RESULT_SOURCE_ONLY, source, ("results", index))
    if problems:
        raise AspoError(problems)
    return Variant("scenario", source_id, language, path, doc, _validate(ScenarioVariantFile, doc))



def _validate(model, doc: YamlDocument):
    from aspo.library.validation import validate  # pydantic loads only where a translated file is read

    return validate(model, doc)


class Translations:
    """The library's translated files, read on first use and once: a build of accounts that read the source
    language reads none of them. Shared by the library and every copy of it in_languages() makes."""

    def __init__(self, root: Path, variant_files: tuple[Path, ...]):
        self.root, self.variant_files = root, variant_files
        self._read: tuple | None = None

    def read(self) -> tuple[Mapping, Mapping, list[Problem]]:
        """(variants by (kind, id) and language, l10n files by language and name, the problems reading them)."""
        if self._read is None:
            variants: dict[tuple[str, str], dict[str, Variant]] = {}
            problems: list[Problem] = []
            for path in self.variant_files:
                try:
                    variant = (load_block_variant if path.suffix == ".md" else load_scenario_variant)(path)
                except AspoError as exc:
                    problems.extend(exc.problems)
                    continue
                variants.setdefault(variant.key, {})[variant.language] = variant
            files, l10n_problems = _l10n_files(self.root)
            self._read = (MappingProxyType({key: MappingProxyType(dict(sorted(by.items())))
                                            for key, by in sorted(variants.items())}),
                          MappingProxyType({language: MappingProxyType(by) for language, by in files.items()}),
                          problems + l10n_problems)
        return self._read

    def problems(self) -> list[Problem]:
        return self.read()[2]


def _l10n_languages(root: Path) -> Iterator[tuple[str, Path] | Problem]:
    folder = root / "l10n"
    if not folder.is_dir():
        return
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if LANGUAGE_TAG.fullmatch(language_dir.name):
            yield language_dir.name, language_dir
        else:
            yield Problem(language_dir, None, None, f"{language_dir.name!r} is not a language tag (de, fr-CA, ja)",
                          TRANSLATION_FIELDS)


def load_labels(root: Path) -> tuple[dict[str, tuple[Any, YamlDocument]], list[Problem]]:
    """templates/l10n/<lang>/labels.yaml: the library's own labels, by language (every build reads aspo's labels,
    so these are read with the library)."""
    labels: dict[str, tuple[Any, YamlDocument]] = {}
    problems: list[Problem] = []
    for found in _l10n_languages(root):
        if isinstance(found, Problem):
            problems.append(found)
            continue
        language, folder = found
        if (folder / "labels.yaml").is_file():
            from aspo.library.translation_schema import LabelsFile

            try:
                doc = load_yaml(folder / "labels.yaml")
                labels[language] = (_validate(LabelsFile, doc), doc)
            except AspoError as exc:
                problems.extend(exc.problems)
    return labels, problems


def _l10n_files(root: Path) -> tuple[dict[str, dict[str, Variant]], list[Problem]]:
    """templates/l10n/<lang>/*.yaml but labels.yaml: each language's translated files by name, and their problems."""
    from aspo.library.translation_schema import L10N_FILES

    files: dict[str, dict[str, Variant]] = {}
    problems: list[Problem] = []
    for found in _l10n_languages(root):
        if isinstance(found, Problem):
            continue  # said by load_labels
        language, language_dir = found
        for path in sorted(language_dir.glob("*.yaml")):
            try:
                if path.name == "labels.yaml":
                    continue
                doc = load_yaml(path)
                if path.name in L10N_FILES:
                    record = _validate(L10N_FILES[path.name], doc)
                    files.setdefault(language, {})[path.name] = Variant(path.name, path.name, language, path, doc,
                                                                        record)
                else:
                    problems.append(Problem(path, None, None, "not a file aspo reads; l10n/<lang>/ holds "
                                            f"{', '.join([*L10N_FILES, 'labels.yaml'])}", TRANSLATION_FIELDS))
            except AspoError as exc:
                problems.extend(exc.problems)
    return files, problems


# --- what a source says: its wording and its claims, hashed -----------------------------------------------


def short_hash(value: Any) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def figures(text: str) -> Counter:
    """The numbers a text states, however its language writes them: "-37 %" and "-37%", "1,250" and "1.250" and
    "1 250" and "1'250" are each one figure; "+9" is not "-9". A separator before exactly three digits, after a
    first group of one to three digits not led by 0, groups thousands; "." or "," otherwise marks decimals."""
    found: Counter = Counter()
    for match in FIGURE.finditer(text):
        sign = "-" if match.group("sign") in ("-", "\u2212") else ""
        parts = re.split(r"([.,\u00a0\u202f\u2009 '\u2019])", match.group("number"))
        number, fraction, grouping = parts[0], "", 1 <= len(parts[0]) <= 3 and not parts[0].startswith("0")
        for separator, digits in zip(parts[1::2], parts[2::2]):
            if grouping and len(digits) == 3 and not fraction:
                number += digits
            elif separator in ".," and not fraction:
                fraction, grouping = digits, False
            else:  # "in 2026 300 technicians": two figures, not one
                found[sign + _figure(number, fraction)] += 1
                number, fraction, grouping = digits, "", 1 <= len(digits) <= 3 and not digits.startswith("0")
                sign = ""
        found[sign + _figure(number, fraction)] += 1
    return found


def _figure(number: str, fraction: str) -> str:
    fraction = fraction.rstrip("0")
    return f"{int(number)}.{fraction}" if fraction else str(int(number))


def calls(text: str) -> list[str]:
    """The catalog entries a template calls, as "capability:x" and "product:y", sorted."""
    return sorted(f"{kind}:{name}" for kind, name in CALLS.findall(text))


def _maturities(library, capability_ids) -> dict:
    out = {}
    for cap_id in sorted(set(capability_ids)):
        if cap_id in library.capabilities:
            capability = library.capabilities[cap_id][0]
            out[cap_id] = [capability.maturity, capability.live_at, capability.planned]
    return out


def block_wording(block) -> str:
    return short_hash([block.meta.title, block.body, block.notes])


def block_claims(block, library) -> str:
    called, numbers, maturities, _ = _claims("block", block, library)
    return short_hash([called, numbers, maturities])


def _claims(kind: str, source, library) -> tuple[list[str], list[str], dict, list]:
    """What a block or scenario claims: (the catalog entries it calls, its figures, the maturity of the
    capabilities it names or calls, a scenario's measured numbers)."""
    text = _text(kind, source)
    if kind == "block":
        called = calls(text)
        capability_ids = [c.split(":", 1)[1] for c in called if c.startswith("capability:")] + source.meta.capabilities
        return called, sorted(figures(text).elements()), _maturities(library, capability_ids), []
    meta = source.meta
    return ([], sorted(figures(text).elements()), _maturities(library, meta.capabilities),
            [[r.before, r.after, r.unit] for r in meta.results])


def _text(kind: str, source) -> str:
    """A block's or scenario's text, as one: what its figures and calls are read from."""
    if kind == "block":
        return "\n".join((source.meta.title, source.body, source.notes))
    return "\n".join(str(t) for t in _flat(_scenario_text(source.meta)) if t)


def _scenario_text(meta) -> list:
    return [meta.title, meta.customer.described_as, meta.situation, meta.challenge, meta.approach,
            [[r.metric, r.value, r.unit, r.period] for r in meta.results]]


def scenario_wording(scenario) -> str:
    return short_hash(_scenario_text(scenario.meta))


def scenario_claims(scenario, library) -> str:
    _, numbers, maturities, measured = _claims("scenario", scenario, library)
    return short_hash([numbers, measured, maturities])


def _flat(value):
    if isinstance(value, list):
        for item in value:
            yield from _flat(item)
    else:
        yield value


def l10n_source(name: str, library) -> tuple[Any, Any]:
    """(wording, claims) of the source file an l10n file translates, as plain data to hash."""
    wording = l10n_wording(name, catalog=library.catalog, outline=library.outline, neutral=library.neutral_words,
                           industries=library.industries.values(), stages=library.stages.values(),
                           pains=library.pains.values(), personas=library.personas.values())
    return wording, _maturities(library, library.capabilities) if name == "catalog.yaml" else []


def l10n_wording(name: str, catalog=None, outline=None, neutral=None, industries=(), stages=(), pains=(),
                 personas=()) -> Any:
    """What of a source file its l10n file translates, from the file's entries: the library's, or a committed
    version's (`aspo l10n diff`)."""
    if name == "catalog.yaml":
        capabilities = [c for p in catalog.products for c in p.capabilities]
        return [catalog.vendor.tagline, catalog.wording.model_dump(),
                [[p.id, p.name, p.summary] for p in catalog.products],
                [[c.id, c.name, c.summary, c.depends_on, c.planned] for c in capabilities]]
    if name == "outline.yaml":
        return [[s.kind, s.title, s.subtitle] for s in outline.sections]
    if name == "industries.yaml":
        return [dict(neutral), [[i.id, i.name, i.words] for i in industries]]
    if name == "stages.yaml":
        return [[s.id, s.name, s.material] for s in stages]
    if name == "personas.yaml":
        return [[p.id, p.name, p.cares_about] for p in personas]
    return [[p.id, p.name, p.keywords, p.related, p.examples] for p in pains]


def claims_now(variant: Variant, library) -> list[str]:
    """What the translation's source claims now, in words: its calls, their maturity, its figures."""
    if variant.kind in ("block", "scenario"):
        source = (library.blocks if variant.kind == "block" else library.scenarios)[variant.id]
        called, numbers, maturities, _ = _claims(variant.kind, source, library)
    else:
        called, numbers, maturities = [], [], _maturities(library, library.capabilities)
    said = [f"{cap_id} {maturity}" + (f" at {live_at}" if live_at else "") + (f" ({planned})" if planned else "")
            for cap_id, (maturity, live_at, planned) in maturities.items()]
    return said + called + ([f"figures {', '.join(numbers)}"] if numbers else [])


def source_hashes(variant: Variant, library) -> tuple[str, str] | None:
    """The (wording, claims) hashes of the variant's source as it is now; None when it has no source."""
    if variant.kind == "block":
        block = library.blocks.get(variant.id)
        return (block_wording(block), block_claims(block, library)) if block else None
    if variant.kind == "scenario":
        scenario = library.scenarios.get(variant.id)
        return (scenario_wording(scenario), scenario_claims(scenario, library)) if scenario else None
    wording, claims = l10n_source(variant.kind, library)
    return short_hash(wording), short_hash(claims)


def state(variant: Variant, library) -> str:
    """Where the translation stands: only CURRENT and STALE reach a build."""
    record = variant.record
    if record.status != "approved":
        return DRAFT if record.status == "draft" else MACHINE
    if record.source is None or record.claims is None or record.reviewed is None:
        return UNSTAMPED
    if record.reviewed != own_hash(variant):  # approved is this text: an edit since is not reviewed
        return EDITED
    hashes = source_hashes(variant, library)
    if hashes is None:
        return CURRENT  # an orphan: `aspo check` says so, and no build asks for it
    wording, claims = hashes
    if record.claims != claims:
        return CLAIMS_CHANGED
    if variant.kind in ("block", "scenario") and says_other_claims(variant, library):
        return OTHER_CLAIMS
    return STALE if record.source != wording else CURRENT


def own_hash(variant: Variant) -> str:
    """The hash of what the translation itself says, as `aspo l10n stamp` records it (`reviewed:`)."""
    from aspo.library.translation_schema import Translation

    if variant.kind == "block":
        return short_hash([variant.record.title, variant.body, variant.notes])
    return short_hash(variant.record.model_dump(exclude=set(Translation.model_fields)))


def says_other_claims(variant: Variant, library) -> bool:
    """Whether a translation states other figures than its source, or calls other catalog entries."""
    ours, theirs = variant_text(variant), source_text(variant, library)
    return figures(ours) != figures(theirs) or calls(ours) != calls(theirs)


def variant_text(variant: Variant) -> str:
    """What the variant says, as one text: for its figures and calls."""
    record = variant.record
    if variant.kind == "block":
        return "\n".join((record.title, variant.body, variant.notes))
    from aspo.library.translation_schema import Translation

    return "\n".join(str(t) for t in _flat(_strings(record.model_dump(exclude=set(Translation.model_fields))))
                     if t)


def _strings(value) -> list:
    if isinstance(value, dict):
        return [_strings(v) for v in value.values()]
    if isinstance(value, list):
        return [_strings(v) for v in value]
    return [value] if isinstance(value, str) else []


def source_text(variant: Variant, library) -> str:
    if variant.kind not in ("block", "scenario"):
        return ""
    return _text(variant.kind, (library.blocks if variant.kind == "block" else library.scenarios)[variant.id])
