"""`aspo import --stage-history`: a CRM's stage-history export backfilled, exactly dated, into account histories."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from aspo.authoring.import_ import AccountFolder
from aspo.authoring.import_draft import Row, date_of, slug_of, stage_of
from aspo.authoring.import_history import StateEvent, events_of, holds, make_event, said, unreadable, what_of
from aspo.authoring.import_table import Record, Table, read_csv
from aspo.core.errors import AspoError, Problem, display_path, one_line, quoted
from aspo.core.rulebook import INVALID_FILE, SCHEMA
from aspo.library.account_paths import name_key
from aspo.library.content import read_library
from aspo.library.history import append_events, history_path
from aspo.library.import_settings import ImportSettings, load_import_settings, normalised
from aspo.library.protected import refuse_library

#: The headers each field's column may have, the first the export has winning; compared as `aspo import` compares
#: headers (no case, spaces or punctuation). Salesforce: the "Opportunity History" report type, one row per change
#: of stage, amount or close date (Object Reference: "OpportunityHistory"): Opportunity ID, Opportunity Name,
#: Account Name, From Stage, To Stage or Stage, and the day of the change as Last Modified, Edit Date or Stage
#: Change Date. HubSpot: deals exported with their stage history (Knowledge Base: "HubSpot's default deal
#: properties" and "Use stage calculated properties"): Record ID, Deal Name, Deal Stage, Date entered stage.
HEADERS = {
    "opportunity": ("Opportunity ID", "Record ID", "Deal ID"),
    "name": ("Account Name",),  # after templates/import.yaml's name column, when it names another
    "deal": ("Opportunity Name", "Deal Name"),
    "stage": ("To Stage", "Stage", "Stage Name", "Deal Stage"),
    "date": ("Stage Change Date", "Date entered stage", "Last Modified", "Last Modified Date", "Edit Date"),
}
APPENDED, UNCHANGED, FAILED = "appended", "unchanged", "failed"


@dataclass
class Backfill:
    """One account's history: the rows that name it and what they add."""

    path: Path  # the history file
    account: Path  # the account file
    rows: list[int] = field(default_factory=list)
    events: list[StateEvent] = field(default_factory=list)
    status: str = UNCHANGED

    def describe(self, dry_run: bool = False) -> str:
        """`appended   history/acme.yaml: stage decision on 2027-02-03, outcome won on 2027-03-30`."""
        label = ("would append" if dry_run else APPENDED) if self.events else UNCHANGED
        rest = f": {', '.join(said(event) for event in self.events)}" if self.events else ""
        return f"{label:<{12 if dry_run else 10}} {display_path(self.path)}{rest}"


@dataclass
class BackfillResult:
    """What a stage-history backfill read and what it would add."""

    source: Path
    rows: int
    backfills: list[Backfill]
    problems: list[Problem]  # rows not imported, each set of them in one line
    failed_rows: list[int]
    dry_run: bool

    @property
    def failed(self) -> bool:
        return bool(self.failed_rows)

    def lines(self) -> list[tuple[bool, str]]:
        """What `aspo import --stage-history` prints, each line with whether it goes to stderr."""
        return [*((True, f"aspo: error: {problem}") for problem in self.problems),
                *((False, backfill.describe(self.dry_run)) for backfill in self.backfills),
                (False, one_line(self.summary()))]

    def summary(self) -> str:
        events = sum(len(b.events) for b in self.backfills if b.status != FAILED)
        histories = sum(bool(b.events) for b in self.backfills if b.status != FAILED)
        unchanged = sum(not b.events and b.status != FAILED for b in self.backfills)
        parts = [f"{events} event{'s' if events != 1 else ''} {'to append' if self.dry_run else 'appended'} to "
                 f"{histories} histor{'ies' if histories != 1 else 'y'}"] if events else []
        parts += [f"{unchanged} unchanged"] if unchanged else []
        failed = self.failed_rows
        if failed:
            parts.append(f"{len(failed)} failed (row{'s' if len(failed) > 1 else ''} {', '.join(map(str, failed))})")
        shown = ", ".join(parts) or "nothing to import"
        if self.dry_run:
            shown += "; dry run: nothing written"
        return f"{self.rows} row{'s' if self.rows != 1 else ''} in {display_path(self.source)}: {shown}"


def match_headers(table: Table, settings: ImportSettings) -> dict[str, tuple[int, ...]]:
    """Where each field's column is; the stage, its date, and the opportunity or the account are required."""
    places: dict[str, int] = {}
    for index, header in enumerate(table.header):
        places.setdefault(normalised(header), index)
    index: dict[str, int] = {}
    for name, headers in HEADERS.items():
        if name == "name":
            own = [choice[0] for choice in settings.columns.get("name", ()) if len(choice) == 1]
            headers = tuple(dict.fromkeys((*own, *headers)))
        found = next((places[normalised(header)] for header in headers if normalised(header) in places), None)
        if found is not None:
            index[name] = found
    missing = [" or ".join(quoted(header) for header in HEADERS[name]) for name in ("stage", "date")
               if name not in index]
    if "opportunity" not in index and "name" not in index:
        missing.append(f"{quoted(HEADERS['opportunity'][0])} or {quoted(HEADERS['name'][0])}")
    if missing:
        raise AspoError.at(table.path, 1, None, f"a stage history needs a column {'; and '.join(missing)}; rename "
                           "the export's columns (one row per opportunity and stage change)", INVALID_FILE)
    return {name: (at,) for name, at in index.items()}


def backfill_histories(source: Path, templates: Path, accounts: Path, history: Path, today: dt.date,
                       dry_run: bool = False) -> BackfillResult:
    """Appends each row's stage or outcome, dated by the row, to its account's history unless the history holds
    it; an opportunity's rows that stay in one buying stage count once, on the day it was entered. A row naming
    no account file, or with a problem, is named and skipped; an account whose history cannot be read gets
    nothing."""
    source, accounts, history = Path(source), Path(accounts), Path(history)
    refuse_library(history, templates, "--history")
    library, broken = read_library(templates, layouts=False)
    if library is None:
        raise AspoError(broken)
    settings = load_import_settings(templates, library)
    table = read_csv(source)
    index = match_headers(table, settings)
    folder = AccountFolder(accounts)
    found: dict[Path, Backfill] = {}
    unknown: dict[tuple[str, str], list[Row]] = {}
    problems: list[Problem] = []
    rows, failed = 0, set()
    candidates: dict[Path, list[tuple[Row, StateEvent]]] = {}
    for record in table.records:
        if not any(record.cells):
            continue
        rows += 1
        row, event = _read_row(table, record, index, settings, library, today)
        if event is None:
            problems.extend(row.problems)
            failed.add(record.row)
            continue
        account, why = _account_of(row, folder)
        if account is None:
            if why:
                problems.append(row.problem(None, why))
                failed.add(record.row)
            else:
                unknown.setdefault((row["opportunity"], name_key(row["name"])), []).append(row)
            continue
        if event.opportunity is None:
            held = folder.held().get(account, {}).get("opportunity")
            event = event.model_copy(update={"opportunity": held.strip() if isinstance(held, str) else None})
        backfill = found.setdefault(account, Backfill(history_path(history, account.stem), account))
        backfill.rows.append(record.row)
        candidates.setdefault(account, []).append((row, event))
    for rows_of in unknown.values():
        problems.append(_unknown(rows_of, accounts))
        failed.update(row.record.row for row in rows_of)
    for account, backfill in found.items():
        try:
            events = events_of(history, account.stem, library.stages)
        except AspoError as exc:
            problems.append(unreadable(exc, f"{_rows(backfill.rows)} of {display_path(source)}"))
            backfill.status = FAILED
            failed.update(backfill.rows)
            continue
        backfill.events = _new_events(candidates[account], events)
    if not dry_run:
        for account, backfill in found.items():
            if backfill.status == FAILED or not backfill.events:
                continue
            try:
                append_events(history, account.stem, folder.name_in(account) or account.stem, backfill.events,
                              library.stages)
                backfill.status = APPENDED
            except AspoError as exc:
                problems.append(exc.problems[0])
                backfill.status = FAILED
                failed.update(backfill.rows)
    shown = [backfill for backfill in found.values() if backfill.status != FAILED]
    problems.sort(key=lambda problem: (problem.path != table.path, problem.line or 0))  # the rows' in their order
    return BackfillResult(source, rows, shown, problems, sorted(failed), dry_run)


def _read_row(table: Table, record: Record, index: dict[str, int], settings: ImportSettings, library,
              today: dt.date) -> tuple[Row, StateEvent | None]:
    row = Row(table, record, index, settings)
    row.refuse_cells()
    for name, what in (("stage", "the stage the opportunity entered"), ("date", "the day it entered it")):
        if not row[name]:
            row.fail(name, f"empty; each row of a stage history names {what}")
    stage, outcome = stage_of(row, library)
    date = date_of(row, "date")
    if date and date > today:
        row.fail("date", f"{quoted(row['date'])} is after today; a stage is recorded once it is entered")
    if not row["opportunity"] and not row["name"]:
        row.problems.append(row.problem(None, "names neither the opportunity nor the account; skipped"))
    if row.problems or (stage is None and outcome is None) or date is None:
        return row, None
    return row, make_event(stage, outcome, date, "crm-history", row["opportunity"] or None)


def _account_of(row: Row, folder: AccountFolder) -> tuple[Path | None, str]:
    """The row's account file: the one holding its opportunity id, else the one its account name finds as
    `aspo import` finds it; or None and why (nothing when no file is the account's)."""
    opportunity, name = row["opportunity"], row["name"]
    found = folder.by_opportunity(opportunity) if opportunity else []
    if len(found) > 1:
        return None, (f"opportunity {quoted(opportunity)} is in both {display_path(found[0])} and "
                      f"{display_path(found[1])}; keep it in one account file")
    if found:
        return found[0], ""
    if not name or not slug_of(name):
        return None, ""
    try:  # by the account's name: its history holds each of its deals, whatever the file's own id
        path, exists = folder.find(name)
    except ValueError as exc:
        return None, f"{quoted(name)}: {exc}"
    return (path, "") if exists else (None, "")


def _new_events(candidates: list[tuple[Row, StateEvent]], history: tuple) -> list[StateEvent]:
    """The rows' events the history lacks, oldest first. Of an opportunity's rows in a row that stay in one buying
    stage (Prospecting, then Qualification: awareness both), only the first counts: the day the stage was
    entered."""
    by_opportunity: dict[str | None, list] = {}
    for row, event in sorted(candidates, key=lambda item: (item[1].date, item[0].record.row)):
        by_opportunity.setdefault(event.opportunity, []).append(event)
    kept = []
    for events in by_opportunity.values():
        previous = None
        for event in events:
            if what_of(event) != previous:
                kept.append(event)
            previous = what_of(event)
    new: list = []
    for event in sorted(kept, key=lambda event: event.date):
        if not holds((*history, *new), event):
            new.append(event)
    return new


def _unknown(rows: list[Row], accounts: Path) -> Problem:
    first = rows[0]
    opportunity, name, deal = first["opportunity"], first["name"], first["deal"]
    details = [part for part in (f"opportunity {quoted(opportunity)}" if name and opportunity else "",
                                 quoted(deal) if deal else "") if part]
    what = (quoted(name) if name else f"opportunity {quoted(opportunity)}") + (
        f" ({', '.join(details)})" if details else "")
    column = first.column("name") if name else first.column("opportunity")
    fix = "import the account first (aspo import)" + (
        f", or, if its file has another name, write opportunity: {opportunity} in it" if opportunity else "")
    skipped = _rows(row.record.row for row in rows)
    return first.problem(column, f"no account file in {display_path(accounts)}/ for {what}: {skipped} skipped; {fix}",
                         SCHEMA)


def _rows(numbers) -> str:
    numbers = list(numbers)
    return f"row{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
