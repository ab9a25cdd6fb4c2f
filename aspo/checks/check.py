"""The runner of `aspo check`: loads the library and accounts, runs the selected rules, reports what they find."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from aspo.checks.output import Diagnostic
from aspo.checks.probes import PROBED_RULES, probe_templates
from aspo.checks.registry import all_rules, check_rules
from aspo.checks.rule import Context
from aspo.checks.settings import Settings, load_settings
from aspo.core.errors import AspoError, Problem, display_path
from aspo.core.rulebook import INVALID_FILE, SCHEMA
from aspo.library.account_paths import account_files, account_files_in
from aspo.library.content import Library, check_library
from aspo.plan.plan import Plan, plan_account


def run_check(templates: Path, accounts: Path | list[Path], today: dt.date, *,
              library_rules: bool = True, rules: Collection[str] | None = None) -> list[Diagnostic]:
    """Checks templates/ and the accounts without writing anything.

    `accounts` is the accounts folder (none there is no problem for a library check) or the account files and
    folders a user named (each must exist). Without `library_rules` the library's own content rules (review dates,
    owners, wording, claims, hyperlinks) are left out: what a rep checking an account needs is what stops the
    library loading or their account building, and how their account's slides fit.

    `rules` (every rule when None) are the rule ids to report: only those of `aspo check`'s own rules run. What
    loading finds is found whatever is chosen (checking needs the library and accounts loaded), and reported if
    chosen; the template probes run when an E rule is chosen or a chosen rule reads the accounts' documents."""
    chosen = frozenset(all_rules() if rules is None else rules)
    # per_file_ignores match paths relative to templates/, or to the project for accounts (accounts/acme.yaml)
    roots = [Path(templates), Path(templates).parent] + ([Path(accounts).parent] if isinstance(accounts, Path) else [])
    try:
        settings = load_settings(templates)
    except AspoError as exc:
        return _diagnostics(exc.problems, Settings(), roots, chosen)
    library, problems = check_library(templates)
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
        context = Context(library, planned, today, lambda: probe_templates(library, planned))
        if chosen & PROBED_RULES:
            problems.extend(context.probed.problems)
        for rule in check_rules():
            if rule.id in chosen and (library_rules or rule.scope == "accounts"):
                problems.extend(rule.run(context, settings.options_of(rule)))
        if library_rules:
            problems.extend(_import_problems(templates, library))
    return _diagnostics(problems, settings, roots, chosen)


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


def _diagnostics(problems, settings: Settings, roots: list[Path], chosen: frozenset[str]) -> list[Diagnostic]:
    """The chosen rules' problems at the severity checks.yaml gives them, each once, in file and line order."""
    found: dict[tuple, Diagnostic] = {}
    for problem in problems:
        rule = problem.rule or SCHEMA
        if rule not in chosen:
            continue
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


def _import_problems(templates: Path, library: Library) -> list[Problem]:
    """templates/import.yaml, read as `aspo import` reads it: its columns, thresholds and mapped ids."""
    from aspo.library.import_settings import read_import_settings

    return read_import_settings(templates, library)[1]
