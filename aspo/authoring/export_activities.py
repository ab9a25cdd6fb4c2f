"""`aspo export activities`: each deck presented, read from the histories, as one CRM activity a row of a CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from aspo.core.errors import AspoError, Problem, display_path, one_line
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import OUTPUT
from aspo.library.content import Library
from aspo.library.history import History, Presented, load_histories
from aspo.library.protected import refuse_library

#: Between the items of a list in one cell (titles, attendees, files). A description or note body, which a CRM
#: shows as several lines, gives each kind of item its own line instead (Activity.description).
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Activity:
    """One deck presented, as a CRM activity: what every preset's columns are made of."""

    account: str  # the history's `account:`, its name when the history was started
    slug: str
    opportunity: str  # the CRM's id; "" when neither the event nor the account file names one
    date: dt.date
    stage: str  # the stage's name in the library (its id when the library no longer has it)
    rep: str
    content: tuple[str, ...]  # the blocks' and scenarios' titles, in the deck's order
    next_step: str
    next_step_by: dt.date | None
    attendees: tuple[str, ...]
    files: tuple[str, ...]

    @property
    def subject(self) -> str:
        # What happened first, then with whom: an activity list reads down its subjects, across accounts too.
        return f"Point offering presented: {self.account}"

    @property
    def next_step_by_text(self) -> str:
        return self.next_step_by.isoformat() if self.next_step_by else ""

    def description(self) -> str:
        """The activity's details a line each ("Content: A; B"), lines without a value left out."""
        next_step = self.next_step + (f" (by {self.next_step_by_text})" if self.next_step_by else "")
        lines = (("Stage", self.stage), ("Presented by", self.rep), ("Presented to", _joined(self.attendees)),
                 ("Next step", next_step), ("Files", _joined(self.files)), ("Content", _joined(self.content)))
        return "\n".join(f"{label}: {value}" for label, value in lines if value)


@dataclass(frozen=True)
class Columns:
    """A CSV a CRM's activity import reads: its header row, and each activity's row under it."""

    headers: tuple[str, ...]
    row: Callable[[Activity], tuple[str, ...]]


PLAIN = Columns(
    ("Account", "Opportunity ID", "Date", "Subject", "Content", "Next step", "Next step by", "Attendees", "Files"),
    lambda a: (a.account, a.opportunity, a.date.isoformat(), a.subject, _joined(a.content), a.next_step,
               a.next_step_by_text, _joined(a.attendees), _joined(a.files)),
)
#: What --preset names: each CRM's columns, beside the documentation they follow.
PRESETS = {
    # Salesforce: a Task insert with Data Loader, columns named by the Task object's API field names, which Data
    # Loader's Auto-Match maps to the fields of the same name:
    # https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
    # https://developer.salesforce.com/docs/atlas.en-us.dataLoader.meta/dataLoader/defining_field_mappings.htm
    # WhatId: the opportunity; ActivityDate: a date field, yyyy-MM-dd (Data Loader's supported date formats,
    # https://developer.salesforce.com/docs/atlas.en-us.dataLoader.meta/dataLoader/supported_data_types.htm);
    # Status: Completed, since it happened; TaskSubtype: Task, the standard subtype of a task that is no call or
    # e-mail; Description: the Comments text area (32,000 characters), which shows its lines. Type is left out:
    # its picklist values are each org's own.
    "salesforce": Columns(
        ("WhatId", "Subject", "ActivityDate", "Status", "TaskSubtype", "Description"),
        lambda a: (a.opportunity, a.subject, a.date.isoformat(), "Completed", "Task", a.description()),
    ),
    # HubSpot: notes, in an import of notes and deals in one file, each note associated with its existing deal by
    # the deal's Record ID (a note must be imported with a record to go with); column headers name properties:
    # https://knowledge.hubspot.com/import-and-export/set-up-your-import-file
    # https://knowledge.hubspot.com/import-and-export/import-objects
    # Activity date and Note body are the labels of a note's hs_timestamp (required) and hs_note_body (its text,
    # up to 65,536 characters): https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide
    # A note has no subject of its own: its body opens with it.
    "hubspot": Columns(
        ("Record ID", "Activity date", "Note body"),
        lambda a: (a.opportunity, a.date.isoformat(), f"{a.subject}\n{a.description()}"),
    ),
}


@dataclass(frozen=True)
class Export:
    """The activities of every history that loaded, oldest first; the problems of those that did not."""

    activities: tuple[Activity, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    folder: Path
    since: dt.date | None
    found: bool  # whether the history folder exists

    def as_csv(self, preset: str | None = None) -> bytes:
        """The activities as CSV in a preset's columns (None: the plain ones): UTF-8 without a byte-order mark
        (Data Loader would read one as part of the first header), rows ended by CRLF as RFC 4180 has them."""
        layout = PRESETS[preset] if preset else PLAIN
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(layout.headers)
        writer.writerows(layout.row(activity) for activity in self.activities)
        return text.getvalue().encode("utf-8")

    def messages(self) -> list[str]:
        """What went wrong, a line each: the histories that did not load, then the decks with no opportunity."""
        return [f"aspo: error: {problem}" for problem in self.problems] + [
            one_line(f"aspo: warning: {warning}") for warning in self.warnings]

    def summary(self, destination: Path | None) -> str:
        """One line: how many activities went where, and why none did."""
        count = len(self.activities)
        line = f"wrote {count} {'activity' if count == 1 else 'activities'}"
        line += f" to {one_line(display_path(destination))}" if destination is not None else ""
        folder = one_line(display_path(self.folder))
        if not self.found:
            return f"{line}: no history folder {folder} (record decks presented with aspo log, or point at the " \
                   "folder with --history)"
        if not count:
            since = f" on or after {self.since.isoformat()}" if self.since else ""
            return f"{line}: no deck presented{since} in {folder}/ (record one with aspo log ACCOUNT presented)"
        return line


def export_activities(library: Library, history: Path, accounts: Path, since: dt.date | None = None) -> Export:
    """Every presented event in the history folder's files (on or after `since`), as activities sorted by date,
    then account. A history that does not load is a problem and the others are still exported; no folder, or no
    presented event, gives no activities."""
    history = Path(history)
    if not history.is_dir():
        return Export((), (), (), history, since, found=False)
    # Stage ids are not checked against the library: a stage renamed since must not keep a deck from the CRM.
    histories, problems = load_histories(history)
    titles = _Titles(library)
    activities, warnings = [], []
    for found in histories:
        account_path = Path(accounts) / f"{found.slug}.yaml"
        account = _account_file(account_path)
        events = [e for e in found.events if isinstance(e, Presented) and (since is None or e.date >= since)]
        anonymous = sum(1 for event in events if not (event.opportunity or account.get("opportunity")))
        if anonymous:
            warnings.append(_no_opportunity(found, anonymous, account_path))
        activities += [_activity(found, event, account, library, titles) for event in events]
    activities.sort(key=lambda a: (a.date, a.account.casefold(), a.account, a.slug))  # stable: file order last
    return Export(tuple(activities), tuple(problems), tuple(warnings), history, since, found=True)


def write_export(path: Path, data: bytes, templates: Path | None = None) -> None:
    """The CSV written whole or not at all, never into the library."""
    refuse_library(Path(path), templates, "--output", holding=False)
    try:
        write_file_atomic(Path(path), data)
    except OSError as exc:
        raise AspoError.at(path, None, None, f"cannot write: {exc.strerror or exc}", OUTPUT) from None


def _activity(history: History, event: Presented, account: dict, library: Library, titles: _Titles) -> Activity:
    stage = library.stages.get(event.stage)
    name, industry = history.account, account.get("industry", "")
    return Activity(
        account=name, slug=history.slug, opportunity=event.opportunity or account.get("opportunity", ""),
        date=event.date, stage=stage.name if stage else event.stage, rep=event.rep or "",
        content=tuple(titles(item, name, industry) for item in sorted(event.content, key=titles.order)),
        next_step=event.next_step or "", next_step_by=event.next_step_by, attendees=tuple(event.to),
        files=tuple(event.files),
    )


def _no_opportunity(history: History, count: int, account_path: Path) -> str:
    decks, rows = ("1 deck", "its row leaves") if count == 1 else (f"{count} decks", "their rows leave")
    account = display_path(account_path)
    return (f"{display_path(history.path)}: {history.account}: no opportunity id for {decks} presented, in the "
            f"history or in {account}; {rows} it empty (write opportunity: <the CRM's id> in {account})")


def _account_file(path: Path) -> dict[str, str]:
    """The account file's opportunity and industry, read leniently: an account being edited, renamed or gone must
    not stop an export (its opportunity is only the fallback)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return {}
    data = data if isinstance(data, dict) else {}
    return {key: data[key].strip() for key in ("opportunity", "industry")
            if isinstance(data.get(key), str) and data[key].strip()}


class _Titles:
    """A content id ('block/<id>') as the title the library gives it now; its id when the library has it no more.
    Called with the content of a deck sorted by `order`, they read in the deck's order.

    A block's title may hold placeholders ({{ account.name }}, {{ product('monitor') }}, {{ industry.site }}):
    they are filled in for the account as far as the history and the account file tell (its name, its industry),
    and a title that needs more (or that fails) reads as its id rather than as half a template."""

    def __init__(self, library: Library):
        self.library = library
        self.renderer = None
        self.known: dict[tuple[str, str, str], str] = {}
        self.sections = {}  # each outline section kind's place in the deck
        for index, section in enumerate(library.outline.sections):
            self.sections.setdefault(section.kind, index)

    def order(self, item: str) -> tuple[int, str]:
        """Where a content id comes in the deck: by the place of its section in the outline, then by id; content
        the library no longer has comes last."""
        kind, _, ident = item.partition("/")
        if kind == "block" and ident in self.library.blocks:
            section = self.library.blocks[ident].meta.section
        elif kind == "scenario" and ident in self.library.scenarios:
            section = "scenarios"
        else:
            return len(self.sections) + 1, item
        return self.sections.get(section, len(self.sections)), item

    def __call__(self, item: str, account: str, industry: str) -> str:
        kind, _, ident = item.partition("/")
        if kind == "scenario":
            scenario = self.library.scenarios.get(ident)
            return scenario.meta.title if scenario else ident  # a scenario's title is shown as written
        block = self.library.blocks.get(ident) if kind == "block" else None
        if block is None:
            return ident
        if not any(mark in block.meta.title for mark in ("{{", "{%", "{#")):
            return block.meta.title
        key = (ident, account, industry)
        if key not in self.known:
            self.known[key] = self._rendered(block, account, industry)
        return self.known[key]

    def _rendered(self, block, account: str, industry: str) -> str:
        from aspo.compose.templating import Renderer, TemplateRefusal  # Jinja only when a title needs it

        if self.renderer is None:
            self.renderer = Renderer()
        library = self.library

        def product(product_id: str) -> str:
            if product_id not in library.products:
                raise TemplateRefusal(f"product('{product_id}'): no such product in catalog.yaml")
            return library.products[product_id].name

        context = {"account": {"name": account, "industry": library.industry_name(industry)},
                   "industry": library.industry_words(industry), "vendor": library.catalog.vendor.model_dump(),
                   "product": product}
        try:
            return " ".join(self.renderer.render(block.meta.title, context, block.path, block.title_line,
                                                 "title").split())
        except AspoError:
            return block.id


def _joined(items) -> str:
    return LIST_SEPARATOR.join(items)
