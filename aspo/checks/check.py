"""The runner of `aspo check`: loads the library and accounts, runs every rule, and turns problems into diagnostics."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from aspo.checks.output import Diagnostic
from aspo.checks.probes import probe_templates
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
    SCHEMA,
    TEMPLATE_HYPERLINK,
    UNKNOWN_INDUSTRY,
    UNSOURCED_CLAIM,
)
from aspo.library.account_paths import account_files, account_files_in
from aspo.library.content import Block, Library, read_library
from aspo.plan.plan import Plan, plan_account

CLAIM = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(%|percent\b|x\b|times\b)", re.IGNORECASE)


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
        template_problems, documents = probe_templates(library, planned)
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
