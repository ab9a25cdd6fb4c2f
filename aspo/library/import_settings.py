"""Marketing's settings for `aspo import` (templates/import.yaml): columns, stage and outcome names, persona words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from aspo.core.errors import AspoError, Problem, display_path, quoted, unknown_id
from aspo.core.rulebook import SCHEMA, UNKNOWN_ID
from aspo.core.yamlfile import (
    YamlDocument,
    load_yaml,
)
from aspo.library.content import Library
from aspo.library.crm_presets import HUBSPOT, PRESETS, SALESFORCE
from aspo.library.history import OUTCOMES
from aspo.library.schema import ImportColumns, ImportFile, ImportMap, ImportSplit
from aspo.library.validation import todo, validate

IMPORT_FILE = "import.yaml"

#: Without a preset: the stages and closed stages of both CRMs, so either's export reads without saying which.
DEFAULT_STAGES = {**SALESFORCE.stages, **HUBSPOT.stages}
DEFAULT_OUTCOMES = {**SALESFORCE.outcomes, **HUBSPOT.outcomes}
#: Headers looked for when a column's default header is not in the export (and import.yaml does not rename it).
ALTERNATIVE_HEADERS = {
    "stage_date": (SALESFORCE.columns["stage_date"][0], HUBSPOT.columns["stage_date"][0]),
}
#: Words in job titles that say how senior someone is, not what they do: they never point to a persona alone.
RANK_WORDS = frozenset(
    "a acting an and assistant associate at avp chief deputy director evp executive for general global group head "
    "in interim jr junior lead leader manager of officer on or plant president principal regional senior site sr "
    "svp team the to vice vp".split())

# --- templates/import.yaml ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSettings:
    """How a CRM export is read: its columns, size thresholds and the CRM's words for stages, industries and
    personas, with a preset, import.yaml and the rep's map merged over the built-in defaults; and the words a cell
    is looked up by (the CRM's, and the library's ids and names, normalised), made once for the whole export."""

    columns: dict[str, tuple[tuple[str, ...], ...]]  # our field -> the headers looked for, first found first; a
    # tuple of several is one field made of those columns
    required: frozenset[str]  # fields one of whose columns must be in the header
    split: dict[str, str]  # list field -> `line` or the separator its items are cut at
    smb_below: int
    mid_market_below: int
    stages: dict[str, str]  # a stage's id or name, or a CRM stage -> buying stage id
    outcomes: dict[str, str]  # a CRM stage that closes a deal -> its outcome
    unlisted_stages: dict[str, str]  # a built-in CRM stage -> the stage it means, which the library does not list
    industries: dict[str, str]  # an industries: alias, or an industry's id or name -> industry id
    products: dict[str, str]  # a product's id or name -> product id
    personas: tuple[tuple[tuple[str, ...], str], ...]  # title words -> persona id, longest first
    persona_words: tuple[tuple[str, set[str], set[str]], ...]  # each persona: id, and the words of its id and name
    persona_todo: str  # the placeholder for a persona the title does not settle
    date_order: str | None
    source: Path | None  # templates/import.yaml, when there is one
    preset: str | None = None  # the CRM whose export this is
    map_source: Path | None = None  # the rep's --map file
    date_order_source: Path | None = None  # the file date_order comes from
    columns_source: Path | None = None  # templates/import.yaml, when its columns are read

    def own_file(self) -> str:
        """Where a setting for this export goes, for a message: the rep's map; else, reading a CRM's export, a map
        of theirs; else marketing's import.yaml."""
        if self.map_source:
            return display_path(self.map_source)
        if self.preset:
            return "a --map file"
        return display_path(self.source) if self.source else f"a --map file or templates/{IMPORT_FILE}"

    def named_in(self) -> str:
        """Where a column's header is mapped, for a message."""
        return f"under columns: in {self.own_file()}"


_DEFAULT_COLUMNS = ImportColumns().model_dump()


def normalised(text: str) -> str:
    """A name as compared across systems: no case, spaces or punctuation ('Id. Decision Makers', 'iddecisionmakers'),
    an accent typed apart (NFD) the same as one typed whole."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def words_of(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def _headers(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def read_import_settings(templates: Path, library: Library, preset: str | None = None,
                         map_path: Path | None = None) -> tuple[ImportSettings | None, list[Problem]]:
    """The import settings and every problem in templates/import.yaml (also for `aspo check`) and the rep's map;
    the built-in defaults when neither is there.

    Columns: a preset chosen by --preset or the map gives the export's headers (import.yaml's columns describe
    marketing's default export, and are left aside); else import.yaml's, over its own preset's or the built-in
    ones. The map's columns come last, and each it names is required. Stages, outcomes, industries, personas and
    split merge in that order: the built-in ones (the preset's), import.yaml's, the map's."""
    path = Path(templates) / IMPORT_FILE
    doc: YamlDocument | None = None
    if path.exists() or path.is_symlink():
        try:
            doc = load_yaml(path)
            data = validate(ImportFile, doc)
        except AspoError as exc:
            return None, list(exc.problems)
    else:
        data = ImportFile()
    map_doc: YamlDocument | None = None
    mapped_file = ImportMap()
    if map_path is not None:
        try:
            map_doc = load_yaml(Path(map_path))
            mapped_file = validate(ImportMap, map_doc)
        except AspoError as exc:
            return None, list(exc.problems)
    problems: list[Problem] = []
    if preset and mapped_file.preset and preset != mapped_file.preset:
        return None, [map_doc.problem(("preset",), f"is {mapped_file.preset}, and --preset says {preset}; keep one",
                                      SCHEMA)]
    chosen = preset or mapped_file.preset  # the rep's: marketing's columns, split and date_order are left aside
    crm = PRESETS[chosen or data.preset] if chosen or data.preset else None

    # columns
    if crm is not None:
        columns = dict(crm.columns)
    else:
        columns = {name: (_headers(header), *ALTERNATIVE_HEADERS.get(name, ()))
                   for name, header in _DEFAULT_COLUMNS.items()}
    required = {"name"}
    named: dict[str, YamlDocument] = {}  # the file that names a field's column
    if not chosen:  # marketing's columns that differ from the built-in ones (a default listed is looked for)
        given = data.columns.model_dump()
        for name, header in given.items():
            if header == _DEFAULT_COLUMNS[name]:
                continue
            if header is None:
                columns.pop(name, None)
            else:
                columns[name], required = (_headers(header),), required | {name}
            named[name] = doc
    given = mapped_file.columns.model_dump()
    for name in mapped_file.columns.model_fields_set:
        if given[name] is None:
            columns.pop(name, None)
            required.discard(name)
        else:
            columns[name], required = (_headers(given[name]),), required | {name}
        named[name] = map_doc
    _one_field_a_column(columns, named, problems)
    split = {**ImportSplit().model_dump(), **(crm.split if crm else {})}
    for given_split in ((mapped_file.split,) if chosen else (data.split, mapped_file.split)):
        split.update({name: getattr(given_split, name) for name in given_split.model_fields_set})
    date_order, date_order_source = mapped_file.date_order, Path(map_path) if map_path else None
    if date_order is None and not chosen and data.date_order:
        date_order, date_order_source = data.date_order, path

    # the CRM's words under stages:, outcomes:, industries: and personas:, each a key to match and an id it names
    own_stages = {**_by_words(library.stages.values(), "id"), **_by_words(library.stages.values(), "name")}
    stages = {normalised(k): v for k, v in (crm.stages if crm else DEFAULT_STAGES).items()}
    outcomes = {normalised(k): v for k, v in (crm.outcomes if crm else DEFAULT_OUTCOMES).items()}
    industries: dict[str, str] = {}
    personas: dict[tuple[str, ...], str] = {}
    for file_data, file_doc in ((data, doc), (mapped_file, map_doc)):
        mapped = _vocabulary(file_data, file_doc, library, own_stages, problems)
        # a file's words win over those before it: a CRM stage it lists under stages: is no outcome, and back
        for key, stage in mapped["stages"]:
            stages[key] = stage
            outcomes.pop(key, None)
        for key, outcome in mapped["outcomes"]:
            outcomes[key] = outcome
            stages.pop(key, None)
        industries.update(mapped["industries"])
        personas.update(mapped["personas"])
    outcomes = {key: outcome for key, outcome in outcomes.items() if key not in own_stages}
    settings = ImportSettings(
        columns=columns,
        required=frozenset(required),
        split=split,
        smb_below=data.size.smb_below,
        mid_market_below=data.size.mid_market_below,
        stages={**{key: stage for key, stage in stages.items() if stage in library.stages}, **own_stages},
        unlisted_stages={key: stage for key, stage in stages.items()
                         if stage not in library.stages and key not in own_stages},
        outcomes=outcomes,
        industries={**_by_words(library.industries.values(), "name"), **_by_words(library.industries.values(), "id"),
                    **industries},
        products={**_by_words(library.products.values(), "id"), **_by_words(library.products.values(), "name")},
        personas=tuple(sorted(personas.items(), key=lambda item: -len(item[0]))),
        persona_words=tuple((persona.id, stems(set(words_of(persona.id.replace("-", " "))) - RANK_WORDS),
                             stems(set(words_of(persona.name)) - RANK_WORDS)) for persona in library.personas.values()),
        persona_todo=todo(f"persona id, one of: {', '.join(library.personas)}"),
        date_order=date_order,
        date_order_source=date_order_source if date_order else None,
        source=path if doc else None,
        preset=crm.name if crm else None,
        columns_source=path if doc and not chosen else None,
        map_source=Path(map_path) if map_path is not None else None,
    )
    return settings, sorted(problems, key=lambda problem: (str(problem.path), problem.line or 0))


def _one_field_a_column(columns: dict[str, tuple[tuple[str, ...], ...]], named: dict[str, YamlDocument],
                        problems: list[Problem]) -> None:
    """Refuses a header named as the column of two fields, at the file that names the second."""
    seen: dict[str, str] = {}
    for name, choices in columns.items():
        if len(choices) != 1:  # headers looked for, as a preset's are: the first found is taken
            continue
        keys = [normalised(header) or header for header in choices[0]]
        if len(set(keys)) < len(keys) and name in named:
            twice = next(header for header, key in zip(choices[0], keys) if keys.count(key) > 1)
            problems.append(named[name].problem(("columns", name), f"lists {quoted(twice)} twice; name each column "
                                                "once", SCHEMA))
        for header in choices[0]:
            key = normalised(header) or header
            if key in seen and seen[key] != name and (name in named or seen[key] in named):
                field_name = name if name in named else seen[key]
                other = seen[key] if field_name == name else name
                problems.append(named[field_name].problem(("columns", field_name), f"{quoted(header)} is also the "
                                                          f"column of {other}; each field has its own column", SCHEMA))
            seen.setdefault(key, name)


def _vocabulary(data: ImportFile | ImportMap, doc: YamlDocument | None, library: Library, own_stages: dict[str, str],
                problems: list[Problem]) -> dict[str, list[tuple]]:
    """A file's stages:, outcomes:, industries: and personas:, each entry a key to match and the id it names; an
    entry that names no id, or cannot match, is a problem at its line."""

    def refuse(loc: tuple, message: str, rule: str = UNKNOWN_ID) -> None:  # only what a file says can be wrong
        problems.append(doc.problem(loc, message, rule))

    mapped: dict[str, list[tuple]] = {}
    for section, ids, noun, key_of, unmatchable in (
            ("stages", library.stages, "stage", normalised, "holds no letters or digits to match a CRM stage by"),
            ("outcomes", OUTCOMES, "outcome", normalised, "holds no letters or digits to match a CRM stage by"),
            ("industries", library.industries, "industry", normalised,
             "holds no letters or digits to match an industry by"),
            ("personas", library.personas, "persona", words_of, "holds no word to find in a title")):
        mapped[section] = []
        for crm, target in getattr(data, section).items():
            if not key_of(crm):
                refuse((section, crm), f"{quoted(crm)} {unmatchable}", SCHEMA)
            elif target in ids:
                mapped[section].append((key_of(crm), target))
            else:
                refuse((section, crm), unknown_id(noun, target, list(ids)))
    file_stages = dict(mapped["stages"])
    for crm in data.outcomes:
        if normalised(crm) in file_stages:
            refuse(("outcomes", crm), f"{quoted(crm)} is under stages: too; a CRM stage is a buying stage or an "
                   "outcome: keep one", SCHEMA)
        elif normalised(crm) in own_stages:
            refuse(("outcomes", crm), f"{quoted(crm)} is the library's stage '{own_stages[normalised(crm)]}', which "
                   "always matches as that stage; remove it here", SCHEMA)
    return mapped


def _by_words(entries, attribute: str) -> dict[str, str]:
    """Library entries' ids by their id or name, normalised."""
    return {normalised(getattr(entry, attribute)): entry.id for entry in entries}


def load_import_settings(templates: Path, library: Library, preset: str | None = None,
                         map_path: Path | None = None) -> ImportSettings:
    settings, problems = read_import_settings(templates, library, preset, map_path)
    if problems:
        raise AspoError(problems)
    return settings


def stems(words: set[str]) -> set[str]:
    """Words with a plural 's' dropped, so 'operation' meets 'operations'."""
    return {word[:-1] if word.endswith("s") and len(word) > 3 else word for word in words}
