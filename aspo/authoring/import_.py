"""Importing accounts from a CRM export: one account file per CSV row, --update refreshing what the CRM owns, and
the CRM's stage or outcome appended to each account's history."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from aspo.authoring.import_columns import mapping_lines, match_columns
from aspo.authoring.import_draft import REP_OWNED, Draft, account_text, date_order_of, draft_account, flow_text, slug_of
from aspo.authoring.import_history import events_of, make_event, news, said, unreadable
from aspo.authoring.import_table import read_csv
from aspo.authoring.import_update import (
    Editor,
    NotInPlace,
    as_listed,
    at_path,
    find_attendee,
    plan_update,
    verify_update,
)
from aspo.core.errors import AspoError, Problem, display_path, one_line, quoted, unknown_id
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import INVALID_FILE, SCHEMA
from aspo.core.yamlfile import (
    MAX_YAML_BYTES,
    decode_text,
    format_loc,
    parse_yaml,
    read_bytes,
)
from aspo.library.account_paths import account_files_in, name_key, schema_modeline
from aspo.library.content import Library, read_library
from aspo.library.history import append_events
from aspo.library.import_settings import ImportSettings, load_import_settings
from aspo.library.protected import refuse_library
from aspo.library.schema import AccountFile
from aspo.library.validation import PLACEHOLDER, validate_draft

# --- the accounts folder ------------------------------------------------------------------------------------------


class AccountFolder:
    """The account files already in the accounts folder, by file name and, read when first needed, by the
    account name and the opportunity id they hold: a hand-written acme.yaml for "Acme Packaging" is that
    account's file. A file is an account's for what it holds, never for its name alone."""

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
                    for key, same in (("name", name_key), ("opportunity", str.strip)):  # ids keep their case
                        if isinstance(data.get(key), str):
                            self._index.setdefault((key, same(data[key])), []).append(path)
        return self._held

    def by_name(self, name: str) -> list[Path]:
        self.held()
        return self._index.get(("name", name_key(name)), [])

    def by_opportunity(self, opportunity: str) -> list[Path]:
        self.held()
        return self._index.get(("opportunity", opportunity.strip()), [])

    def name_in(self, path: Path) -> str | None:
        name = self.held().get(path, {}).get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None

    def opportunity_in(self, path: Path) -> str | None:
        held = self.held().get(path, {}).get("opportunity")
        return held.strip() if isinstance(held, str) and held.strip() else None

    def find(self, name: str, opportunity: str | None = None) -> tuple[Path, bool]:
        """The account's file, and whether it exists: with the CRM's opportunity id, the file holding it, else the
        one holding the account's name (compared as name_key compares) and no other id; without, the one holding
        the name; else a new file named after it. Refuses, as a ValueError saying what to do, two candidates, a
        file holding the name with another opportunity id, and a file of the new file's name holding another
        company (or none yet): a file is never an account's for its name alone."""
        named = self.by_name(name)
        found = named
        if opportunity:
            found = self.by_opportunity(opportunity) or [path for path in named
                                                         if self.opportunity_in(path) in (None, opportunity)]
            if not found and named:
                raise ValueError(self._another_deal(named[0], opportunity))
        if len(found) > 1:
            raise ValueError(f"both {display_path(found[0])} and {display_path(found[1])} could be its file; "
                             "keep one")
        if found:
            return found[0], True
        slug = slug_of(name)
        taken = self.by_stem.get(slug)
        if taken and taken[0] in self.held():  # a file that cannot be read names its own problem when updated
            raise ValueError(self._another_company(taken[0], name))
        return (taken[0], True) if taken else (self.folder / f"{slug}.yaml", False)

    def _another_company(self, path: Path, name: str) -> str:
        shown, held = display_path(path), self.name_in(path)
        if held is None or held.startswith(PLACEHOLDER):
            return (f"{shown} names no company yet; write name: {quoted(name)} in it if it is this account's, else "
                    "rename it; then import again")
        other = slug_of(held)
        rename = f"rename {shown}" + (f" (e.g. to {other}.yaml)" if other and other != path.stem else "")
        return (f"{shown} holds {quoted(held)}, another company; {rename} and import again, or, if the two are one, "
                f"write name: {quoted(name)} in it")

    def _another_deal(self, path: Path, opportunity: str) -> str:
        shown = display_path(path)
        return (f"{shown} holds its opportunity {quoted(self.opportunity_in(path))}, this row {quoted(opportunity)}; "
                f"to have {shown} follow this deal, write opportunity: {quoted(opportunity)} in it and import again")


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
    before: dict = field(default_factory=dict)  # each updated field's value before
    after: dict = field(default_factory=dict)  # and after
    kept: list[str] = field(default_factory=list)  # the rep's values kept where the CRM says otherwise
    todo: tuple[str, ...] = ()  # placeholders a created file leaves for the rep
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: bytes | None = None  # what to write
    read: bytes | None = None  # the file as read, for an update
    account: str = ""  # the account's name, which starts its history file
    opportunity: str | None = None  # the CRM's, or the account file's
    events: list = field(default_factory=list)  # what to append to the account's history
    draft: Draft | None = None  # what the row says

    def describe(self, dry_run: bool = False) -> str:
        """The row's line, e.g. `updated    accounts/acme.yaml (stage, meeting.date)`; for an update, a line
        below it for each field changed (before -> after) and each of the rep's values kept."""
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
        if self.draft and self.draft.rows and self.status != FAILED:
            rest += f" · contacts of rows {', '.join(map(str, (self.row, *self.draft.rows)))}"
        if self.events:
            rest += f" · history: {', '.join(said(event) for event in self.events)}"
        lines = [f"{label:<{12 if dry_run else 10}} {shown}{rest}"]
        if self.status == UPDATED:
            lines += [f"    {name}: {_shown(self.before.get(name))} -> {_shown(self.after.get(name))}"
                      for name in self.changed]
        if self.status in (UPDATED, UNCHANGED):
            lines += [f"    {kept}" for kept in self.kept]
        return "\n".join(one_line(line) for line in lines)


def _shown(value) -> str:
    """A field's value on an update's line: lists and mappings in flow style, text quoted and cut short."""
    if value is None:
        return "(none)"
    if isinstance(value, (list, dict)):
        return quoted(flow_text(value), 80)
    return quoted(value.isoformat() if isinstance(value, dt.date) else str(value), 80)


@dataclass
class ImportResult:
    """What one import did to each account, and what it says about the export as a whole."""

    source: Path
    outcomes: list[Outcome]
    notes: list[Problem]  # about the export as a whole: the columns it lacks
    dry_run: bool
    ignored: tuple[str, ...] = ()  # headers no field reads
    rows: int = 0  # the export's rows (an account's rows for several contacts are one outcome)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def lines(self) -> list[tuple[bool, str]]:
        """What `aspo import` prints, each line with whether it goes to stderr: the notes on the export's
        columns, then each account's line (or its problems), its warnings, and the summary."""
        lines = [(True, f"aspo: warning: {note}") for note in self.notes]
        if self.ignored:
            more = ", ..." if len(self.ignored) > 6 else ""
            lines.append((True, one_line(f"aspo: note: {display_path(self.source)}: no field reads "
                                         f"{len(self.ignored)} column{'s' if len(self.ignored) > 1 else ''} "
                                         f"({', '.join(self.ignored[:6])}{more}); --show-mapping shows the whole "
                                         "mapping")))
        for outcome in self.outcomes:
            lines += [(True, f"aspo: error: {problem}") for problem in outcome.errors]
            lines += [] if outcome.errors else [(False, outcome.describe(self.dry_run))]
            lines += [(True, f"aspo: warning: {warning}") for warning in outcome.warnings]
        return [*lines, (False, one_line(self.summary()))]

    def summary(self) -> str:
        counts = {status: sum(o.status == status for o in self.outcomes)
                  for status in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
        rows = self.rows or len(self.outcomes)
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
                    dry_run: bool = False, preset: str | None = None, map_path: Path | None = None,
                    take: frozenset[str] = frozenset()) -> ImportResult:
    """Writes one account file per row of a CRM export into `accounts`, never over an existing one; with
    `update`, refreshes in an existing file only the values the CRM holds. The CRM's stage or outcome goes into
    the history of each account written (or, with `update`, found) when its history lacks it. A row with a problem
    is named and skipped, the others are written; a problem with the export as a whole (unreadable, a required
    column missing) or with the library refuses everything before anything is written. `preset` and `map_path`
    say how the export is written (import_settings); `take` names rep-owned fields the CRM's value replaces."""
    source, accounts, history = Path(source), Path(accounts), Path(history)
    for name in take:
        if name not in REP_OWNED:
            raise AspoError.option("--take", unknown_id("field the rep owns", name, REP_OWNED))
    if take and not update:
        raise AspoError.option("--take", "takes the CRM's values in an update; add --update")
    refuse_library(accounts, templates, "--accounts")
    refuse_library(history, templates, "--history")
    table, library, settings, index, notes, ignored = read_export(source, templates, preset, map_path)
    if accounts.exists() and not accounts.is_dir():
        raise AspoError.at(accounts, None, None, "exists and is not a folder; choose another --accounts",
                           INVALID_FILE)
    folder = AccountFolder(accounts)
    modeline = schema_modeline(templates, accounts)
    taken: dict[str, int] = {}
    outcomes = []
    drafts: list[Draft] = []
    by_name: dict[str, Draft] = {}
    rows = 0
    for record in table.records:
        if not any(record.cells):
            continue  # a blank line, as spreadsheets leave at the end
        rows += 1
        draft = draft_account(table, record, index, settings, library, today)
        first = by_name.setdefault(name_key(draft.row["name"]), draft)
        if first is not draft and _more_contacts(first, draft):
            continue
        drafts.append(draft)
    for draft in drafts:
        outcome = _plan_row(draft, folder, taken, modeline, update, take)
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
    return ImportResult(source, outcomes, notes, dry_run, ignored, rows)


#: The cells that tell one of an account's contacts from another.
_CONTACT_FIELDS = frozenset({"contact_name", "contact_title", "contact_email"})


def _more_contacts(first: Draft, draft: Draft) -> bool:
    """Whether a row is an earlier row's account again for another contact, every other cell the same (as a
    report of opportunities with their contact roles has it); its contact then joins the earlier row's."""
    if first.problems or draft.problems or not draft.contacts:
        return False
    if any(first.row[name] != draft.row[name] for name in first.row.index if name not in _CONTACT_FIELDS):
        return False
    contact, attendees = draft.contacts[0], first.data["meeting"]["attendees"]
    if find_attendee(first.contacts, contact) is None:
        if not first.contacts:
            attendees.clear()
        first.contacts.append(contact)
        attendees.append(draft.data["meeting"]["attendees"][0])
        first.rows += (draft.row.record.row,)
    return True


def read_export(source: Path, templates: Path, preset: str | None = None, map_path: Path | None = None):
    """The export's table, the library, the settings it is read with (the export's own dates telling how it
    writes them), each field's columns, the notes on the columns it lacks, and the headers no field reads."""
    library, settings = _settings(templates, preset, map_path)
    table = read_csv(source)
    index, notes, ignored = match_columns(table, settings)
    told, example = date_order_of(table, index)
    if told and settings.date_order and told != settings.date_order:
        raise AspoError.at(table.path, None, None, f"writes its dates {told} ({quoted(example)}), and date_order: "
                           f"{settings.date_order} in {display_path(settings.date_order_source)} says otherwise; "
                           "correct or remove it there", INVALID_FILE)
    if told:
        settings = dataclasses.replace(settings, date_order=told)
    if not (settings.preset or settings.map_source):  # aspo's own columns: an extra one is the export's business
        ignored = ()
    return table, library, settings, index, notes, ignored


def _settings(templates: Path, preset: str | None, map_path: Path | None) -> tuple[Library, ImportSettings]:
    library, problems = read_library(templates, layouts=False)
    if library is None:  # a block or scenario with a problem is `aspo check`'s business: the vocabulary is enough
        raise AspoError(problems)
    return library, load_import_settings(templates, library, preset, map_path)


def show_mapping(source: Path, templates: Path, preset: str | None = None,
                 map_path: Path | None = None) -> tuple[list[str], bool]:
    """--show-mapping's lines, and whether the export can be imported: nothing is written."""
    return mapping_lines(read_csv(source), _settings(templates, preset, map_path)[1])


def _plan_row(draft: Draft, folder: AccountFolder, taken: dict[str, int], modeline: str | None, update: bool,
              take: frozenset[str]) -> Outcome:
    record = draft.row.record
    outcome = Outcome(record.row, FAILED, errors=draft.problems, warnings=draft.warnings, draft=draft)
    if draft.problems:
        return outcome
    name = draft.data["name"]

    def fail(message: str) -> Outcome:  # about the account's name
        outcome.errors.append(draft.row.problem(draft.row.column("name"), message))
        return outcome

    if not slug_of(name):
        return fail(f"{quoted(name)} gives no file name: a file name needs letters a-z or digits; add a Latin "
                    "spelling of the name")
    try:
        path, exists = folder.find(name, draft.opportunity)
    except ValueError as exc:
        return fail(f"{quoted(name)}: {exc}")
    outcome.path, outcome.account, outcome.opportunity = path, name, draft.opportunity
    key = os.path.normcase(os.path.abspath(path))
    if key in taken:
        return fail(f"{quoted(name)} is row {taken[key]}'s account too ({display_path(path)}); keep one row")
    taken[key] = record.row
    if not exists:
        return _plan_new(outcome, draft, modeline)
    return _plan_existing(outcome, draft, update, take)


def _persona_warning(draft: Draft, path: Path, field_path: str) -> Problem:
    return draft.row.problem(draft.row.column("contact_title"),
                             f"{draft.persona_note}: {display_path(path)} leaves {field_path} for the rep to fill in "
                             f"(or map a word of the title under personas: in {draft.row.settings.own_file()})")


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


def _plan_existing(outcome: Outcome, draft: Draft, update: bool, take: frozenset[str]) -> Outcome:
    path = outcome.path
    if update and path.is_symlink():
        outcome.errors.append(Problem(path, None, None, "is a link; aspo will not replace it", INVALID_FILE))
        return outcome
    try:
        text, raw = read_text_of(path)
        editor = Editor(text, path)
        plan_update(editor, draft, take)
        new_text = editor.result()
        after = verify_update(editor, new_text) if editor.changed else None
    except (AspoError, NotInPlace) as exc:
        if update:
            outcome.errors.extend(exc.problems if isinstance(exc, AspoError) else [
                Problem(path, None, None, f"cannot be updated in place: {exc}; nothing changed", SCHEMA)])
        else:  # without --update the file is left as it is, whatever it holds
            outcome.status = SKIPPED
        return outcome
    outcome.changed = as_listed(editor.changed, draft.data)
    outcome.kept = editor.kept if update else []
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
    outcome.status, outcome.data, outcome.read = UPDATED, bom + new_text.encode("utf-8"), raw
    outcome.before = editor.before
    outcome.after = {name: at_path(after, editor.paths[name]) for name in outcome.changed}
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
        if now != outcome.read:
            outcome.status = FAILED
            outcome.errors.append(Problem(path, None, None, "changed while it was being updated; nothing written, "
                                          "import again", INVALID_FILE))
            return
        write_file_atomic(path, outcome.data)
    except OSError as exc:
        outcome.status = FAILED
        outcome.errors.append(Problem(path, None, None, f"cannot write: {exc.strerror or exc}", INVALID_FILE))
