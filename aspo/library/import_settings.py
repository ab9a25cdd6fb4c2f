"""Marketing's settings for `aspo import` (templates/import.yaml): columns, stage and outcome names, persona words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aspo.core.errors import AspoError, Problem, quoted, unknown_id
from aspo.core.rulebook import SCHEMA, UNKNOWN_ID
from aspo.core.yamlfile import (
    YamlDocument,
    load_yaml,
)
from aspo.library.content import Library
from aspo.library.history import OUTCOMES
from aspo.library.schema import ImportColumns, ImportFile
from aspo.library.validation import todo, validate

IMPORT_FILE = "import.yaml"

#: CRM opportunity stages -> the sample library's buying stages (templates/stages.yaml), compared without case,
#: spaces or punctuation, so HubSpot's labels ("Decision Maker Bought-In") match its internal ids too.
DEFAULT_STAGES = {
    # Salesforce's standard opportunity stages
    "Prospecting": "awareness",
    "Qualification": "awareness",
    "Needs Analysis": "awareness",
    "Value Proposition": "consideration",
    "Id. Decision Makers": "consideration",
    "Perception Analysis": "consideration",
    "Proposal/Price Quote": "decision",
    "Negotiation/Review": "decision",
    # HubSpot's default deal stages
    "appointmentscheduled": "awareness",
    "qualifiedtobuy": "consideration",
    "presentationscheduled": "consideration",
    "decisionmakerboughtin": "decision",
    "contractsent": "decision",
}
#: CRM stages that close a deal -> its outcome, recorded in the account's history (the account's stage stays).
DEFAULT_OUTCOMES = {
    # Salesforce's standard closed stages
    "Closed Won": "won",
    "Closed Lost": "lost",
    # HubSpot's default closed deal stages (internal ids; their labels are the same words)
    "closedwon": "won",
    "closedlost": "lost",
}
#: Headers looked for when a column's default header is not in the export (and import.yaml does not rename it):
#: Salesforce's opportunity field "Last Stage Change Date" (Object Reference: "Opportunity") and HubSpot's deal
#: property "Date entered current stage" (HubSpot Knowledge Base: "Use stage calculated properties").
ALTERNATIVE_HEADERS = {
    "stage_date": ("Last Stage Change Date", "Date entered current stage"),
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
    personas, with import.yaml merged over the built-in defaults; and the words a cell is looked up by (the CRM's,
    and the library's ids and names, normalised), made once for the whole export."""

    columns: dict[str, str]  # our field -> the CSV header, for the fields the export has a column for
    alternatives: dict[str, tuple[str, ...]]  # our field -> headers also looked for, when its header is the default
    required: frozenset[str]  # fields whose column must be in the header
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


_DEFAULT_COLUMNS = ImportColumns().model_dump()


def normalised(text: str) -> str:
    """A name as compared across systems: no case, spaces or punctuation ('Id. Decision Makers', 'iddecisionmakers')."""
    return re.sub(r"[\W_]+", "", text.casefold())


def words_of(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def read_import_settings(templates: Path, library: Library) -> tuple[ImportSettings | None, list[Problem]]:
    """The import settings and every problem in templates/import.yaml (also for `aspo check`); the built-in
    defaults when the file is not there."""
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
    problems: list[Problem] = []

    def refuse(loc: tuple, message: str, rule: str = UNKNOWN_ID) -> None:  # only what a file says can be wrong
        problems.append(doc.problem(loc, message, rule))

    def known(loc: tuple, value: str, ids, noun: str) -> bool:
        if value in ids:
            return True
        refuse(loc, unknown_id(noun, value, ids))
        return False

    columns: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, header in data.columns.model_dump().items():
        if header is None:
            continue
        key = normalised(header) or header
        if key in seen:
            refuse(("columns", name), f"{quoted(header)} is also the column of {seen[key]}; each field has its own "
                   "column", SCHEMA)
        seen[key] = name
        columns[name] = header
    # The CRM's words under stages:, outcomes:, industries: and personas:, each a key to match and an id it names.
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
            elif known((section, crm), target, list(ids), noun):
                mapped[section].append((key_of(crm), target))
    # A library's own ids and names always match: a stage's before the CRM's words, an industry's after its aliases.
    own_stages = {**_by_words(library.stages.values(), "id"), **_by_words(library.stages.values(), "name")}
    file_stages, file_outcomes = dict(mapped["stages"]), dict(mapped["outcomes"])
    for crm in data.outcomes:
        if normalised(crm) in file_stages:
            refuse(("outcomes", crm), f"{quoted(crm)} is under stages: too; a CRM stage is a buying stage or an "
                   "outcome: keep one", SCHEMA)
        elif normalised(crm) in own_stages:
            refuse(("outcomes", crm), f"{quoted(crm)} is the library's stage '{own_stages[normalised(crm)]}', which "
                   "always matches as that stage; remove it here", SCHEMA)
    # import.yaml's words win over the built-in ones: a CRM stage it lists under stages: is no outcome, and back.
    stages = {**{normalised(k): v for k, v in DEFAULT_STAGES.items() if normalised(k) not in file_outcomes},
              **file_stages}
    outcomes = {key: outcome for key, outcome in {**{normalised(k): v for k, v in DEFAULT_OUTCOMES.items()},
                                                  **file_outcomes}.items()
                if key not in stages and key not in own_stages}
    settings = ImportSettings(
        columns=columns,
        alternatives={name: headers for name, headers in ALTERNATIVE_HEADERS.items()
                      if columns.get(name) == _DEFAULT_COLUMNS[name]},
        required=frozenset({"name"} | {name for name, header in columns.items() if header != _DEFAULT_COLUMNS[name]}),
        smb_below=data.size.smb_below,
        mid_market_below=data.size.mid_market_below,
        stages={**{key: stage for key, stage in stages.items() if stage in library.stages}, **own_stages},
        unlisted_stages={key: stage for key, stage in stages.items()
                         if stage not in library.stages and key not in own_stages},
        outcomes=outcomes,
        industries={**_by_words(library.industries.values(), "name"), **_by_words(library.industries.values(), "id"),
                    **dict(mapped["industries"])},
        products={**_by_words(library.products.values(), "id"), **_by_words(library.products.values(), "name")},
        personas=tuple(sorted(mapped["personas"], key=lambda item: -len(item[0]))),
        persona_words=tuple((persona.id, stems(set(words_of(persona.id.replace("-", " "))) - RANK_WORDS),
                             stems(set(words_of(persona.name)) - RANK_WORDS)) for persona in library.personas.values()),
        persona_todo=todo(f"persona id, one of: {', '.join(library.personas)}"),
        date_order=data.date_order,
        source=path if doc else None,
    )
    return settings, sorted(problems, key=lambda problem: problem.line or 0)


def _by_words(entries, attribute: str) -> dict[str, str]:
    """Library entries' ids by their id or name, normalised."""
    return {normalised(getattr(entry, attribute)): entry.id for entry in entries}


def load_import_settings(templates: Path, library: Library) -> ImportSettings:
    settings, problems = read_import_settings(templates, library)
    if problems:
        raise AspoError(problems)
    return settings


def stems(words: set[str]) -> set[str]:
    """Words with a plural 's' dropped, so 'operation' meets 'operations'."""
    return {word[:-1] if word.endswith("s") and len(word) > 3 else word for word in words}
