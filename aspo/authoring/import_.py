"""Importing accounts from a CRM export: one account file per CSV row, --update refreshing what the CRM owns, and
the CRM's stage or outcome appended to each account's history."""

from __future__ import annotations

import codecs
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from aspo.authoring.import_draft import Draft, account_text, draft_account, slug_of
from aspo.authoring.import_history import events_of, make_event, news, said, unreadable
from aspo.authoring.import_table import Record, Table, read_csv
from aspo.authoring.import_update import Editor, NotInPlace, as_listed, folded_text, plan_update, verify_update
from aspo.core.errors import AspoError, Problem, did_you_mean, display_path, quoted
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import INVALID_FILE, SCHEMA
from aspo.core.yamlfile import (
    MAX_YAML_BYTES,
    decode_text,
    format_loc,
    parse_yaml,
    read_bytes,
)
from aspo.library.account_paths import account_files_in, schema_modeline
from aspo.library.content import Library, read_library
from aspo.library.history import append_events
from aspo.library.import_settings import IMPORT_FILE, ImportSettings, load_import_settings, normalised
from aspo.library.schema import AccountFile
from aspo.library.validation import validate_draft

# --- the export's columns -------------------------------------------------------------------------------------------

#: What each account gets when the export has no column for a field.
_WITHOUT_COLUMN = {
    "industry": "industry for the rep to fill in", "employees": "size for the rep to fill in",
    "region": "region for the rep to fill in", "stage": "stage for the rep to fill in",
    "meeting_date": "meeting.date for the rep to fill in", "meeting_goal": "meeting.goal for the rep to fill in",
    "contact_name": "the attendee's name for the rep to fill in",
    "contact_title": "the attendee's title and persona for the rep to fill in",
    "priorities": "priorities for the rep to fill in", "owns": "owns empty", "competitors": "competitors empty",
    "next_step": "next_step.action for the rep to fill in", "next_step_date": "next_step.by out",
    "rep_name": "rep.name for the rep to fill in", "rep_email": "rep.email for the rep to fill in",
}
#: Columns looked for but not missed: without them an account has no opportunity id, and history is dated the day
#: an import first sees a stage (each row's line says "seen on").
_UNSAID = frozenset({"opportunity", "stage_date"})


def _close(word: str, choices: list[str]) -> str:
    """ (did you mean 'x'?), or ''."""
    close = did_you_mean(word, choices)
    return f" ({close[2:]})" if close else ""


def match_columns(table: Table, settings: ImportSettings) -> tuple[dict[str, int], list[Problem]]:
    """Where each field's column is in the header (compared without case, spaces or punctuation), and a note
    for each expected column the export lacks; a required one missing refuses the whole file."""
    places: dict[str, list[int]] = {}
    for index, header in enumerate(table.header):
        places.setdefault(normalised(header) or header, []).append(index)
    index: dict[str, int] = {}
    for name, header in settings.columns.items():
        found = places.get(normalised(header) or header, [])
        for other in settings.alternatives.get(name, ()) if not found else ():
            found = places.get(normalised(other), [])
            if found:
                header = other
                break
        if len(found) > 1:
            raise AspoError.at(table.path, 1, None, f"columns {found[0] + 1} and {found[1] + 1} are both "
                               f"{quoted(header)}; rename one", INVALID_FILE)
        if found and found[0] not in index.values():
            index[name] = found[0]
    unused = [header for at, header in enumerate(table.header) if at not in index.values() and header]
    missing = [header for name, header in settings.columns.items() if name in settings.required and name not in index]
    if missing:
        names = ", ".join(f"{quoted(header)}{_close(header, unused)}" for header in missing)
        where = f"under columns: in {display_path(settings.source)}" if settings.source else \
            f"under columns: in a templates/{IMPORT_FILE}"
        raise AspoError.at(table.path, 1, None, f"the header has no column {names}; rename the column, or map the "
                           f"export's own name {where}", INVALID_FILE)
    notes = [Problem(table.path, 1, None, f"no column {quoted(header)}{_close(header, unused)}: every account leaves "
                     f"{_WITHOUT_COLUMN[name]}", INVALID_FILE)
             for name, header in settings.columns.items() if name not in index and name not in _UNSAID]
    return index, notes


# --- the accounts folder ------------------------------------------------------------------------------------------


class AccountFolder:
    """The account files already in the accounts folder, by file name and, read when first needed, by the
    account name and the opportunity id they hold: a hand-written acme.yaml for "Acme Packaging" is that
    account's file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.by_stem: dict[str, list[Path]] = {}
        for path in account_files_in(folder) if folder.is_dir() else []:
            self.by_stem.setdefault(path.stem.lower(), []).append(path)
        self._held: dict[Path, dict] | None = None
        self._index: dict[tuple[str, str], list[Path]] = {}

    def held(self) -> dict[Path, dict]:
        """Each readable account file's fields (a broken file is found by its name only)."""
        if self._held is None:
            self._held = {}
            for paths in self.by_stem.values():
                for path in paths:
                    try:
                        data = parse_yaml(read_text_of(path)[0], path).data
                    except AspoError:
                        continue
                    if not isinstance(data, dict):
                        continue
                    self._held[path] = data
                    for key, same in (("name", folded_text), ("opportunity", str.strip)):  # ids keep their case
                        if isinstance(data.get(key), str):
                            self._index.setdefault((key, same(data[key])), []).append(path)
        return self._held

    def by_name(self, name: str) -> list[Path]:
        self.held()
        return self._index.get(("name", folded_text(name)), [])

    def by_opportunity(self, opportunity: str) -> list[Path]:
        self.held()
        return self._index.get(("opportunity", opportunity.strip()), [])

    def name_in(self, path: Path) -> str | None:
        name = self.held().get(path, {}).get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None

    def find(self, slug: str, name: str) -> tuple[Path, bool]:
        """The account's file, and whether it exists; refuses two candidates."""
        found = self.by_stem.get(slug) or self.by_name(name)
        if len(found) > 1:
            raise ValueError(f"both {display_path(found[0])} and {display_path(found[1])} could be its file; "
                             "keep one")
        return (found[0], True) if found else (self.folder / f"{slug}.yaml", False)


def read_text_of(path: Path) -> tuple[str, bytes]:
    """An account file's text (a BOM left out) and its bytes as they are. Unlike yamlfile.read_text (load_yaml), a
    line break editors do not count (U+2028 after a comment) is read as YAML reads it, so such a file is still
    found by the name it holds, and updated, rather than doubled by a new file."""
    raw = read_bytes(path)
    return decode_text(raw, path), raw


# --- the import ---------------------------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = "created", "updated", "unchanged", "skipped", "failed"


@dataclass
class Outcome:
    """What became of one row."""

    row: int
    status: str
    path: Path | None = None
    changed: tuple[str, ...] = ()  # fields updated (or that --update would update)
    todo: tuple[str, ...] = ()  # placeholders a created file leaves for the rep
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: bytes | None = None  # what to write
    before: bytes | None = None  # the file as read, for an update
    account: str = ""  # the account's name, which starts its history file
    opportunity: str | None = None  # the CRM's, or the account file's
    events: list = field(default_factory=list)  # what to append to the account's history
    draft: Draft | None = None  # what the row says

    def describe(self, dry_run: bool = False) -> str:
        """The row's line, e.g. `updated    accounts/acme.yaml (stage, meeting.date)`."""
        shown = display_path(self.path)
        if self.status == CREATED:
            label, rest = ("would create" if dry_run else CREATED), (f" (to fill in: {', '.join(self.todo)})"
                                                                     if self.todo else "")
        elif self.status == UPDATED:
            label, rest = ("would update" if dry_run else UPDATED), f" ({', '.join(self.changed)})"
        elif self.status == SKIPPED:
            label = SKIPPED
            rest = (f": exists; the CRM has new {', '.join(self.changed)} (use --update)" if self.changed
                    else ": exists (use --update)")
        else:
            label, rest = self.status, ""
        if self.events:
            rest += f" · history: {', '.join(said(event) for event in self.events)}"
        return f"{label:<{12 if dry_run else 10}} {shown}{rest}"


@dataclass
class ImportResult:
    source: Path
    outcomes: list[Outcome]
    notes: list[Problem]  # about the export as a whole: the columns it lacks
    dry_run: bool

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def summary(self) -> str:
        counts = {status: sum(o.status == status for o in self.outcomes)
                  for status in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
        rows = len(self.outcomes)
        named = {CREATED: "to create", UPDATED: "to update"} if self.dry_run else {}
        shown = ", ".join(f"{count} {named.get(status, status)}" for status, count in counts.items() if count) \
            or "nothing to import"
        failed = self.failed
        if failed:
            shown += f" (row{'s' if len(failed) > 1 else ''} {', '.join(str(o.row) for o in failed)})"
        if self.dry_run:
            shown += "; dry run: nothing written"
        return f"{rows} row{'s' if rows != 1 else ''} in {display_path(self.source)}: {shown}"


def import_accounts(source: Path, templates: Path, accounts: Path, history: Path, today: dt.date, update: bool = False,
                    dry_run: bool = False) -> ImportResult:
    """Writes one account file per row of a CRM export into `accounts`, never over an existing one; with
    `update`, refreshes in an existing file only the values the CRM holds. The CRM's stage or outcome goes into
    the history of each account written (or, with `update`, found) when its history lacks it. A row with a problem
    is named and skipped, the others are written; a problem with the export as a whole (unreadable, a required
    column missing) or with the library refuses everything before anything is written."""
    source, accounts, history = Path(source), Path(accounts), Path(history)
    library, problems = read_library(templates, layouts=False)
    if library is None:  # a block or scenario with a problem is `aspo check`'s business: the vocabulary is enough
        raise AspoError(problems)
    settings = load_import_settings(templates, library)
    table = read_csv(source)
    index, notes = match_columns(table, settings)
    if accounts.exists() and not accounts.is_dir():
        raise AspoError.at(accounts, None, None, "exists and is not a folder; choose another --accounts",
                           INVALID_FILE)
    folder = AccountFolder(accounts)
    modeline = schema_modeline(templates, accounts)
    taken: dict[str, int] = {}
    outcomes = []
    for record in table.records:
        if not any(record.cells):
            continue  # a blank line, as spreadsheets leave at the end
        outcome = _plan_row(table, record, index, settings, library, folder, taken, modeline, update, today)
        if outcome.status != FAILED:
            _plan_history(outcome, library, history, update, today)
        outcomes.append(outcome)
    if not dry_run:
        if any(outcome.data is not None for outcome in outcomes):
            try:
                accounts.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AspoError.at(accounts, None, None, f"cannot create the accounts folder: {exc.strerror}",
                                   INVALID_FILE) from None
        for outcome in outcomes:
            _write(outcome, source)
            _append(outcome, library, history)
    return ImportResult(source, outcomes, notes, dry_run)


def _plan_row(table: Table, record: Record, index: dict[str, int], settings: ImportSettings, library: Library,
              folder: AccountFolder, taken: dict[str, int], modeline: str | None, update: bool,
              today: dt.date) -> Outcome:
    draft = draft_account(table, record, index, settings, library, today)
    outcome = Outcome(record.row, FAILED, errors=draft.problems, warnings=draft.warnings, draft=draft)
    if draft.problems:
        return outcome
    name = draft.data["name"]

    def fail(message: str) -> Outcome:  # about the account's name
        outcome.errors.append(draft.row.problem(draft.row.column("name"), message))
        return outcome

    slug = slug_of(name)
    if not slug:
        return fail(f"{quoted(name)} gives no file name: a file name needs letters a-z or digits; add a Latin "
                    "spelling of the name")
    try:
        path, exists = folder.find(slug, name)
    except ValueError as exc:
        return fail(f"{quoted(name)}: {exc}")
    outcome.path, outcome.account, outcome.opportunity = path, name, draft.opportunity
    key = os.path.normcase(os.path.abspath(path))
    if key in taken:
        return fail(f"{quoted(name)} is row {taken[key]}'s account too ({display_path(path)}); keep one row")
    taken[key] = record.row
    if not exists:
        return _plan_new(outcome, draft, modeline)
    return _plan_existing(outcome, draft, update)


def _persona_warning(draft: Draft, path: Path, field_path: str) -> Problem:
    return draft.row.problem(draft.row.column("contact_title"),
                             f"{draft.persona_note}: {display_path(path)} leaves {field_path} for the rep to fill in "
                             f"(or map a word of the title under personas: in templates/{IMPORT_FILE})")


def _plan_new(outcome: Outcome, draft: Draft, modeline: str | None) -> Outcome:
    row, path = draft.row, outcome.path
    text = account_text(draft.data, row.table.path.name, row.record.row, modeline)
    data = text.encode("utf-8")
    if len(data) > MAX_YAML_BYTES:
        outcome.errors.append(Problem(path, None, None, f"would be {len(data)} bytes; an account file holds at most "
                                      f"{MAX_YAML_BYTES}", INVALID_FILE))
        return outcome
    try:  # as the build will read it (a safeguard: draft_account checked the cells), placeholders aside
        unfilled = validate_draft(AccountFile, parse_yaml(text, path))
    except AspoError as exc:
        outcome.errors.extend(row.problem(problem.field, problem.message, problem.rule) for problem in exc.problems)
        return outcome
    outcome.todo = tuple(format_loc(loc) for loc, _ in unfilled)
    if draft.persona_note:
        outcome.warnings.append(_persona_warning(draft, path, "meeting.attendees[0].persona"))
    outcome.status, outcome.data = CREATED, data
    return outcome


def _plan_existing(outcome: Outcome, draft: Draft, update: bool) -> Outcome:
    path = outcome.path
    if update and path.is_symlink():
        outcome.errors.append(Problem(path, None, None, "is a link; aspo will not replace it", INVALID_FILE))
        return outcome
    try:
        text, raw = read_text_of(path)
        editor = Editor(text, path)
        plan_update(editor, draft)
        new_text = editor.result()
        if editor.changed:
            verify_update(editor, new_text)
    except (AspoError, NotInPlace) as exc:
        if update:
            outcome.errors.extend(exc.problems if isinstance(exc, AspoError) else [
                Problem(path, None, None, f"cannot be updated in place: {exc}; nothing changed", SCHEMA)])
        else:  # without --update the file is left as it is, whatever it holds
            outcome.status = SKIPPED
        return outcome
    outcome.changed = as_listed(editor.changed, draft.data)
    held = editor.value(("opportunity",))
    outcome.opportunity = draft.opportunity or (held if isinstance(held, str) and held.strip() else None)
    name = editor.value(("name",))
    outcome.account = name.strip() if isinstance(name, str) and name.strip() else outcome.account
    if not editor.changed or not update:
        outcome.status = SKIPPED if editor.changed else UNCHANGED
        return outcome
    for warning in editor.warnings:
        outcome.warnings.append(Problem(path, None, None, warning, SCHEMA))
    if draft.persona_note and editor.persona_left is not None \
            and any(change.startswith("meeting.attendees") for change in outcome.changed):
        outcome.warnings.append(_persona_warning(draft, path, f"meeting.attendees[{editor.persona_left}].persona"))
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    outcome.status, outcome.data, outcome.before = UPDATED, bom + new_text.encode("utf-8"), raw
    return outcome


def _plan_history(outcome: Outcome, library: Library, history: Path, update: bool, today: dt.date) -> None:
    """The event the row's stage or outcome adds to the account's history: appended when the import writes the
    account or, with --update, finds it. Without --update, an outcome the history lacks makes the row `skipped`:
    an outcome leaves the account's stage as it is, so nothing else would show it."""
    draft = outcome.draft
    if draft.stage is None and draft.outcome is None:
        return
    writes = outcome.status == CREATED or update
    dated_by = "crm" if draft.stage_date else "crm-seen"
    event = make_event(draft.stage, draft.outcome, draft.stage_date or today, dated_by, outcome.opportunity)
    try:
        events = news(events_of(history, outcome.path.stem, library.stages), event)
    except AspoError as exc:
        if writes:
            outcome.status, outcome.data = FAILED, None
            outcome.errors.append(unreadable(exc, f"row {outcome.row} of {display_path(draft.row.table.path)}"))
        return
    if writes:
        outcome.events = events
    elif events and draft.outcome:
        outcome.status = SKIPPED
        outcome.changed = (*outcome.changed, f"outcome {draft.outcome}")


def _append(outcome: Outcome, library: Library, history: Path) -> None:
    """Appends the row's events once its account file is written (or found unchanged)."""
    if not outcome.events or outcome.status not in (CREATED, UPDATED, UNCHANGED):
        return
    try:
        append_events(history, outcome.path.stem, outcome.account, outcome.events, library.stages)
    except AspoError as exc:
        written = outcome.status
        outcome.status, outcome.events = FAILED, []
        problem = exc.problems[0]
        outcome.errors.append(problem._replace(message=f"{problem.message}; {display_path(outcome.path)} is "
                                               f"{written} without its history: import again to add it"))


def _write(outcome: Outcome, source: Path) -> None:
    if outcome.data is None:
        return
    path = outcome.path
    try:
        if outcome.status == CREATED:
            if not write_file_atomic(path, outcome.data, replace=False):
                outcome.status, outcome.data = SKIPPED, None  # written by someone else meanwhile
            return
        try:
            now = read_bytes(path)
        except AspoError:
            now = None
        if now != outcome.before:
            outcome.status = FAILED
            outcome.errors.append(Problem(path, None, None, "changed while it was being updated; nothing written, "
                                          "import again", INVALID_FILE))
            return
        write_file_atomic(path, outcome.data)
    except OSError as exc:
        outcome.status = FAILED
        outcome.errors.append(Problem(path, None, None, f"cannot write: {exc.strerror or exc}", INVALID_FILE))
