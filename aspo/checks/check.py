"""aspo check: every problem in the content library and the accounts, as path:line:col: RULE message."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from aspo.checks.settings import Settings, load_settings
from aspo.compose.document import Document
from aspo.core.errors import AspoError, Problem, display_path
from aspo.core.rulebook import (
    ANALYST_SPEAK,
    CONTENT_GAP,
    INVALID_FILE,
    LIMITED_WITHOUT_NUANCE,
    NO_OWNER,
    NO_REVIEW_DATE,
    OVERFLOW,
    REVIEW_EXPIRED,
    REVIEW_SOON,
    ROADMAP_AS_AVAILABLE,
    RULES,
    SCHEMA,
    TEMPLATE_HYPERLINK,
    UNKNOWN_INDUSTRY,
    UNSOURCED_CLAIM,
)
from aspo.library.account import Account
from aspo.library.account_paths import account_files, account_files_in
from aspo.library.content import Block, Library, read_library
from aspo.library.schema import COMPANY_SIZES, AccountFile
from aspo.plan.plan import Plan, plan_account
from aspo.plan.selection import select

CLAIM = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(%|percent\b|x\b|times\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Diagnostic:
    """One finding, as linters print them."""

    path: str
    line: int
    column: int
    rule: str
    severity: str  # "error" or "warning"
    message: str
    measure: float | None = None  # how bad, where the rule can say: the summary names each rule's worst

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.rule} {self.message}"


def run_check(templates: Path, accounts: Path | list[Path], today: dt.date, *,
              library_rules: bool = True) -> list[Diagnostic]:
    """Checks templates/ and the accounts without writing anything.

    `accounts` is the accounts folder (none there is no problem for a library check) or the account files and
    folders a user named (each must exist). Without `library_rules` the library's own content rules (review dates,
    owners, wording, claims, hyperlinks) are left out: what a rep checking an account needs is what stops the
    library loading or their account building, and how their account's slides fit."""
    # per_file_ignores match paths relative to templates/, or to the project for accounts (accounts/acme.yaml)
    roots = [Path(templates), Path(templates).parent] + ([Path(accounts).parent] if isinstance(accounts, Path) else [])
    try:
        settings = load_settings(templates)
    except AspoError as exc:
        return _diagnostics(exc.problems, Settings(), roots)
    library, problems = read_library(templates)
    planned: list[Plan] = []
    if isinstance(accounts, Path):
        account_paths = _account_paths(accounts)
    else:
        try:
            account_paths = account_files(accounts)
        except AspoError as exc:
            problems.extend(exc.problems)
            account_paths = []
    if library is not None:
        for path in account_paths:
            try:
                planned.append(plan_account(path, library))  # as `aspo build` plans them
            except AspoError as exc:
                problems.extend(exc.problems)
        template_problems, documents = _template_problems(library, planned)
        problems.extend(template_problems)
        problems.extend(_overflow_problems(library, documents, settings))
        problems.extend(_account_problems(library, planned))
        if library_rules:
            problems.extend(_content_problems(library, settings, today))
            problems.extend(_hyperlink_problems(library))
            problems.extend(_import_problems(templates, library))
    return _diagnostics(problems, settings, roots)


@dataclass(frozen=True)
class CheckTarget:
    """What one `aspo check` looks at."""

    templates: Path
    accounts: Path | list[Path]  # the accounts folder, or the files and folders a user named
    library_rules: bool


def check_target(paths: list[Path], templates: Path | None = None, accounts: Path | None = None) -> CheckTarget:
    """Reads `aspo check PATHS…`: a folder holding templates/ is a project; other paths are accounts."""
    from aspo.core.workspace import TEMPLATES, project_path

    projects = [path for path in paths if path.is_dir() and (path / TEMPLATES).is_dir()]
    if len(projects) > 1:
        raise AspoError.at(projects[1], None, None, f"a second project (after {display_path(projects[0])}); "
                           "check one project at a time", INVALID_FILE)
    named = [path for path in paths if path not in projects]
    for path in named:
        if not os.path.lexists(path):
            raise AspoError.at(path, None, None, "no such file or folder", INVALID_FILE)
    project = projects[0] if projects else None
    if templates is None:
        templates = project / TEMPLATES if project else project_path(TEMPLATES)
    if named:
        return CheckTarget(templates, named, library_rules=False)
    if accounts is None:
        accounts = project / "accounts" if project else project_path("accounts")
    return CheckTarget(templates, accounts, library_rules=True)


def _account_paths(folder: Path) -> list[Path]:
    """The account files `aspo build` would take from the folder; none is no problem for a library check."""
    return account_files_in(folder) if folder.is_dir() else []


def _diagnostics(problems, settings: Settings, roots: list[Path]) -> list[Diagnostic]:
    found: dict[tuple, Diagnostic] = {}
    for problem in problems:
        rule = problem.rule or SCHEMA
        severity = settings.severity(rule, _relative(problem.path, roots))
        if severity == "off":
            continue
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        diagnostic = Diagnostic(display_path(problem.path), problem.line or 1, problem.column or 1, rule, severity,
                                message, problem.measure)
        found.setdefault((diagnostic.path, diagnostic.line, diagnostic.rule, diagnostic.message), diagnostic)
    return sorted(found.values(), key=lambda d: (d.path, d.line, d.column, d.rule, d.message))


def _relative(path, roots: list[Path]) -> str:
    """The path per_file_ignores patterns match: relative to templates/, or accounts/<file> for accounts."""
    path = Path(path or "").resolve()
    for root in (Path(root).resolve() for root in roots):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


# --- templates render for probe accounts that fill or leave out every field, and for what each account gets ------


#: Values a template may branch on beyond a field being there or not: a template that reads one of them meets
#: every stage, size, industry and attendee's persona the library knows, through the probes' variants.
_VALUES = frozenset({"account", "account.industry", "account.size", "account.stage", "meeting", "meeting.attendees"})


def probe_account(library: Library, variant: int = 0, *, full: bool = True) -> Account:
    """A synthetic account for templates to meet: `full`, with every optional field filled and every list holding
    something (an attendee for every persona, a priority for every pain); else with every optional field left out
    and every list as short as the schema allows. `variant` picks the variant-th stage, size, industry and (for
    the short one) attendee's persona, wrapping around."""

    def nth(values) -> str:
        values = list(values)
        return values[variant % len(values)]

    facts = {"name": "Probe Account", "industry": nth(library.industries), "size": nth(COMPANY_SIZES),
             "region": "Probe region", "stage": nth(library.stages)}
    if full:
        data = {**facts,
                "meeting": {"date": "2030-01-01", "goal": "Probe goal",
                            "attendees": [{"name": f"Probe {p}", "title": "Probe title", "persona": p}
                                          for p in library.personas]},
                "priorities": [{"text": f"Probe priority about {pain}", "pain": pain} for pain in library.pains],
                "owns": [next(iter(library.products))], "competitors": ["Probe competitor"],
                "next_step": {"action": "Probe action", "owner": "Probe owner", "by": "2030-01-15"},
                "rep": {"name": "Probe Rep", "title": "Probe rep title", "email": "probe@example.com",
                        "phone": "+1 555 0100"},
                "notes": "Probe notes"}
    else:
        data = {**facts,
                "meeting": {"date": "2030-01-01", "goal": "Probe goal",
                            "attendees": [{"name": "Probe attendee", "title": "Probe title",
                                           "persona": nth(library.personas)}]},
                "priorities": [{"text": "Probe priority"}],
                "next_step": {"action": "Probe action"},
                "rep": {"name": "Probe Rep", "email": "probe@example.com"}}
    return Account(data=AccountFile.model_validate(data), doc=None, path=Path("probe.yaml"), slug="probe")


def _template_problems(library: Library, planned: list[Plan]) -> tuple[list[Problem], list[Document]]:
    """Template errors, in time linear in blocks plus accounts; and the sample accounts' documents.

    Every block meets both probe accounts: the full one (a priority block answering a priority) and the short one
    (a priority block pinned: `priority.text` empty), so every field filled and left out, every list full and
    empty (`account.competitors[0]` fails for the short one); a block that reads the stage, size, industry or
    attendees also meets the probes' variants, which hold every value of those. A pin can put any block in front
    of any account, so each block meets every probe whatever its applies_to. The outline and the catalog's
    wording meet the probes through a composed document, as they meet every account.

    Each account's document is composed once: with the account's own values it renders what the account gets
    (its blocks, the outline, its capabilities' wording), and C501 measures it. Blocks the account does not get
    are not rendered for it: the probes meet every shape its values can take, the rest depends on comparing its
    free text (`{% if account.name == ... %}`), and no build of the account renders them."""
    from aspo.compose.composer import Composer, compose  # Jinja loads only here
    from aspo.compose.templating import Renderer

    renderer = Renderer()
    problems: list[Problem] = []
    documents: list[Document] = []

    def attempt(render, *args):
        try:
            return render(*args)
        except AspoError as exc:
            problems.extend(exc.problems)
            return None

    blocks = list(library.blocks.values())
    with renderer.batch():  # the sandbox's limits set up once; each render keeps its own budget
        composers = {}
        for full in (True, False):
            probe = probe_account(library, full=full)
            plan = Plan(probe, select(probe, library), library)
            attempt(compose, plan, renderer)
            composers[full] = Composer(probe, library, plan.selection, renderer)
            for block in blocks:
                attempt(composers[full].block_text, block, _probe_priority(block, full))
        wording = library.catalog.wording
        wording_branches = _branches(renderer, (wording.ga, wording.limited, wording.roadmap_note))
        outline_branches = wording_branches or _branches(
            renderer, [text for section in library.outline.sections for text in (section.title, section.subtitle)])
        branching = [block for block in blocks if _branches(renderer, _sources(block))
                     or (wording_branches and any("capability" in (renderer.reads(s) or ()) for s in _sources(block)))]
        for variant in range(1, max(len(library.stages), len(COMPANY_SIZES), len(library.industries), len(library.personas))):
            if not (branching or outline_branches):
                break
            for full in (True, False):
                probe = probe_account(library, variant, full=full)
                if outline_branches:
                    attempt(Composer(probe, library, select(probe, library), renderer).compose)
                # a Composer's selection only words the reasons of its sources: the variant-0 probe's will do
                composer = Composer(probe, library, composers[full].selection, renderer)
                for block in branching:
                    attempt(composer.block_text, block, _probe_priority(block, full))
        for plan in planned:
            document = attempt(compose, plan, renderer)
            if document is not None:
                documents.append(document)
                continue
            # composing stops at the first error: each block the account gets renders on its own, so that an
            # error in another of them is reported as well
            composer = Composer(plan.account, library, plan.selection, renderer)
            for block_id, priority_text, pains in _blocks_of(plan):
                attempt(composer.block_text, library.blocks[block_id], priority_text, pains)
    return problems, documents


def _probe_priority(block: Block, full: bool) -> str | None:
    """`priority.text` as a probe gives it: a priority's words for the full probe, empty (pinned) for the short."""
    if block.meta.section != "priorities":
        return None
    return "Probe priority" if full else ""


def _sources(block: Block) -> tuple[str, ...]:
    return (block.meta.title, block.body, block.notes)


def _branches(renderer, sources) -> bool:
    """Whether any of these templates reads a value it may branch on (see _VALUES)."""
    return any(not _VALUES.isdisjoint(renderer.reads(source) or ()) for source in sources if source)


def _blocks_of(plan: Plan):
    """(block id, priority text, pains) of every block the account's document renders, as compose renders it."""
    for match in plan.selection.priorities:
        if match.block:
            yield match.block, match.text, match.pains
    for section, block_ids in plan.selection.section_blocks.items():
        for block_id in block_ids:
            yield block_id, ("" if section == "priorities" else None), None


def _overflow_problems(library: Library, documents: list[Document], settings: Settings) -> list[Problem]:
    """Slides whose text overflows its placeholder by more than the tolerance, at the text's source."""
    from aspo.compose.slide_fit import overflows

    try:
        template = library.deck  # read once per library, as the layout checks read it
    except AspoError:
        return []  # reported as E203 already
    problems = []
    for document in documents:
        sections = {section.key: section for section in document.sections}
        for overflow in overflows(document, template, document.min_font_size):
            if overflow.over * 100 <= settings.overflow_tolerance:
                continue
            section = sections[overflow.section_key]
            path, line = _source_of(library, section, overflow.field)
            problems.append(Problem(path, line, None, f"{overflow.field} of slide “{section.title}” for "
                                                      f"{document.account_name}: {overflow.message}", OVERFLOW,
                                  measure=overflow.over))
    return problems


def _import_problems(templates: Path, library: Library) -> list[Problem]:
    """templates/import.yaml, read as `aspo import` reads it: its columns, thresholds and mapped ids."""
    from aspo.library.import_settings import read_import_settings

    return read_import_settings(templates, library)[1]


def _hyperlink_problems(library: Library) -> list[Problem]:
    """Every hyperlink the template files carry (C801): each output carries them too."""
    import zipfile

    from aspo.office.hygiene import findings

    problems = []
    for path, kind in ((library.deck_template, "PowerPoint"), (library.document_template, "Word")):
        try:
            with zipfile.ZipFile(path) as package:
                found = findings(package, kind)
        except (OSError, zipfile.BadZipFile):
            continue  # reported as E203 already
        problems.extend(Problem(path, None, finding.part, finding.message, TEMPLATE_HYPERLINK)
                        for finding in found if not finding.refused)
    return problems


def _source_of(library: Library, section, field: str) -> tuple[Path, int | None]:
    """The file and line that wrote a slide's title or body: its block or scenario, else the outline."""
    for source in section.sources:
        if source.kind == "block" and source.id in library.blocks:
            block = library.blocks[source.id]
            return block.path, block.title_line if field == "title" else block.body_line
        if source.kind == "scenario" and source.id in library.scenarios:
            scenario = library.scenarios[source.id]
            return scenario.path, scenario.doc.line_of(("title",) if field == "title" else ("challenge",))
    kinds = [s.kind for s in library.outline.sections]
    index = kinds.index(section.kind) if section.kind in kinds else 0
    return library.outline_doc.path, library.outline_doc.line_of(("sections", index, "title"))


# --- content rules ----------------------------------------------------------------------------


def _content_problems(library: Library, settings: Settings, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    results = " ".join(r.value or f"from {r.before:g} to {r.after:g} {r.unit or ''}"
                       for s in library.scenarios.values() for r in s.meta.results)
    for item in [*library.blocks.values(), *library.scenarios.values()]:
        problems.extend(_review_problems(item, settings, today))
    for block in library.blocks.values():
        text = _FileText(block.path)
        shown_from = text.index_of_line(block.title_line)  # title and body: what the prospect reads
        notes_from = text.index_of_line(block.notes_line - 1) if block.notes else len(text.text)
        shown = (shown_from, notes_from)
        stages = block.meta.applies_to.stages or list(library.stages)
        if any(stage in settings.analyst_stages for stage in stages):
            for word in settings.analyst_words:
                where = text.find(_phrase(word), *shown)
                if where:
                    problems.append(_at(block.path, where,
                                            f"analyst speak '{word}' in a block for {'/'.join(settings.analyst_stages)} "
                                            "buyers; say what it means for this account instead", ANALYST_SPEAK))
        for cap_id, (capability, _) in library.capabilities.items():
            where = text.find(_phrase(capability.name), *shown)
            if not where:
                continue
            if capability.maturity == "roadmap":
                problems.append(_at(block.path, where,
                                        f"names roadmap capability '{capability.name}' (planned "
                                        f"{capability.planned or 'no date'}) where the prospect reads it; "
                                        "roadmap belongs in speaker notes only", ROADMAP_AS_AVAILABLE))
            elif capability.maturity == "limited" and f"capability('{cap_id}')" not in text.text.replace('"', "'"):
                problems.append(_at(block.path, where,
                                        f"names limited capability '{capability.name}' without its nuance; "
                                        f"use {{{{ capability('{cap_id}') }}}}", LIMITED_WITHOUT_NUANCE))
        if not block.meta.sources:
            for match in CLAIM.finditer(text.text, *shown):
                if match.group(1) not in results:
                    problems.append(_at(block.path, text.position(match.start()),
                                            f"quantified claim '{match.group(0)}' has no source; list the scenario "
                                            "or document behind it under sources:", UNSOURCED_CLAIM))
    for scenario in library.scenarios.values():
        text = _FileText(scenario.path)
        for capability, _ in library.capabilities.values():
            where = text.find(_phrase(capability.name))
            if capability.maturity == "roadmap" and where:
                problems.append(_at(scenario.path, where,
                                        f"names roadmap capability '{capability.name}'; no customer runs it yet",
                                        ROADMAP_AS_AVAILABLE))
    return problems


def _review_problems(item, settings: Settings, today: dt.date) -> list[Problem]:
    meta, doc = item.meta, item.doc
    kind = "block" if isinstance(item, Block) else "scenario"
    problems = []
    if not meta.owner:
        problems.append(doc.problem(("id",), f"{kind} has no owner; add owner: with who answers for it", NO_OWNER))
    if meta.review_by is None:
        problems.append(doc.problem(("id",), f"{kind} has no review_by date", NO_REVIEW_DATE))
    elif meta.review_by < today:
        problems.append(doc.problem(("review_by",), f"review_by {meta.review_by} has passed: review the {kind}, "
                                                   "then move the date; builds no longer use it", REVIEW_EXPIRED)
                        ._replace(measure=(today - meta.review_by).days))
    elif meta.review_by <= today + dt.timedelta(days=settings.review_soon_days):
        days = (meta.review_by - today).days
        problems.append(doc.problem(("review_by",), f"review_by {meta.review_by} is in {days} days", REVIEW_SOON)
                        ._replace(measure=-days))
    return problems


def _account_problems(library: Library, planned: list[Plan]) -> list[Problem]:
    problems = []
    for plan in planned:
        account, selection = plan.account, plan.selection
        if not account.industry_known(library):
            problems.append(account.doc.problem(("industry",), f"content gap: {account.industry_gap(library)}",
                                                UNKNOWN_INDUSTRY))
        for match in selection.priorities:
            if match.block is None:
                problems.append(account.doc.problem(
                    ("priorities", match.index - 1, "text"),
                    f"content gap: {match.reason} (\u201c{match.text}\u201d)", CONTENT_GAP))
    return problems


def _at(path: Path, where: tuple[int, int], message: str, rule: str) -> Problem:
    return Problem(path, where[0], None, message, rule, where[1])


def _phrase(words: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.IGNORECASE)


class _FileText:
    """A file's text with offsets turned into 1-based lines and columns."""

    def __init__(self, path: Path):
        self.text = path.read_text(encoding="utf-8-sig")
        self._starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def index_of_line(self, line: int) -> int:
        return self._starts[min(max(line, 1), len(self._starts)) - 1]

    def position(self, offset: int) -> tuple[int, int]:
        line = next(n for n in range(len(self._starts), 0, -1) if self._starts[n - 1] <= offset)
        return line, offset - self._starts[line - 1] + 1

    def find(self, pattern: re.Pattern, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        match = pattern.search(self.text, start, len(self.text) if end is None else end)
        return self.position(match.start()) if match else None


# --- output ---------------------------------------------------------------------------------


def as_text(diagnostics: list[Diagnostic]) -> str:
    lines = [str(d) for d in diagnostics]
    if diagnostics:
        lines += summary_by_rule(diagnostics)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    lines.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines) + "\n"


#: How each measured rule words its worst finding's measure.
_WORST = {OVERFLOW: lambda over: f"{round(over * 100)}% over", REVIEW_EXPIRED: lambda days: f"{days:.0f} days ago",
          REVIEW_SOON: lambda days: f"in {-days:.0f} days"}


def summary_by_rule(diagnostics: list[Diagnostic]) -> list[str]:
    """One line per rule found: how many, its name and severity, and for a measured rule where its worst is."""
    by_rule: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_rule.setdefault(diagnostic.rule, []).append(diagnostic)
    width = len(str(max(len(found) for found in by_rule.values())))
    lines = ["by rule:"]
    for rule, found in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        severities = "/".join(sorted({d.severity for d in found}))
        line = f"  {rule} × {len(found):<{width}}  {RULES[rule].name} ({severities})"
        measured = [d for d in found if d.measure is not None]
        if measured and rule in _WORST:
            worst = max(measured, key=lambda d: d.measure)
            line += f", worst: {worst.path}:{worst.line}:{worst.column} ({_WORST[rule](worst.measure)})"
        lines.append(line)
    return lines


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([
        {"path": d.path, "line": d.line, "column": d.column, "rule": d.rule, "name": RULES[d.rule].name,
         "severity": d.severity, "message": d.message} for d in diagnostics
    ], indent=2, ensure_ascii=False) + "\n"
