"""An account's history: stages entered, decks presented and outcomes, one event a line in history/<slug>.yaml.

The file is append-only: aspo adds lines at its end and never rewrites one, so git shows every change as added
lines and two branches merge by keeping both (`.gitattributes` asks git for a union merge). A correction is a
new event: a stage backfilled from the CRM's stage history outranks the day an import first saw it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal

import yaml
from pydantic import Field, ValidationError

from aspo.core.errors import AspoError, Problem, unknown_id
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import INVALID_FILE, OUTPUT, UNKNOWN_ID
from aspo.core.yamlfile import YamlDocument, load_yaml, read_bytes
from aspo.library.account_paths import SLUG
from aspo.library.schema import Strict
from aspo.library.validation import problems_from, validate

#: The folder of history files, beside accounts/ and templates/.
HISTORY_DIR = "history"
OUTCOMES = ("won", "lost", "no-decision", "disqualified")
Outcome = Literal["won", "lost", "no-decision", "disqualified"]
#: Who dated an event: the rep (`aspo log`), the CRM export's own date column, the day an import first saw the
#: value (the CRM's date unknown), or the CRM's stage history (exact).
Source = Literal["rep", "crm", "crm-seen", "crm-history"]
GapKind = Literal["priority", "competitor", "persona", "industry"]
#: Content ids in history are written "block/<id>" and "scenario/<id>".
KINDS = ("block", "scenario")


class Gap(Strict):
    """Something in the deck's account no content answered: a priority, a competitor, a persona or an industry."""

    kind: GapKind
    text: str = Field(min_length=1)
    about: str | None = Field(None, description=(
        "For a priority: the pain recognised in it, or the closest one ('closest to <pain>'), to group gaps by."))


class StageEntered(Strict):
    """The opportunity entered a buying stage."""

    event: Literal["stage"]
    date: dt.date
    stage: str = Field(min_length=1, description="Buying stage id from templates/stages.yaml.")
    source: Source
    opportunity: str | None = Field(None, min_length=1, description="The CRM's opportunity id.")


class OutcomeRecorded(Strict):
    """The opportunity closed."""

    event: Literal["outcome"]
    date: dt.date
    outcome: Outcome
    reason: str | None = Field(None, min_length=1)
    source: Source
    opportunity: str | None = Field(None, min_length=1)


class Presented(Strict):
    """A deck was presented: what the build held, copied from its manifest, and what it could have held."""

    event: Literal["presented"]
    date: dt.date
    stage: str = Field(min_length=1)
    key: str = Field(min_length=1, description="The build's input key (manifest.json).")
    rep: str | None = Field(None, description="The rep's e-mail.")
    to: list[str] = Field(default_factory=list, description="The attendees presented to, by name.")
    content: dict[str, str] = Field(default_factory=dict,
                                    description="Every block and scenario shown ('block/<id>') -> its content hash.")
    files: list[str] = Field(default_factory=list, description=(
        "The customer's files of the build, by file name (acme-deck.pptx): what a rep may have handed over."))
    pinned: list[str] = Field(default_factory=list, description="Shown because the rep pinned them.")
    excluded: list[str] = Field(default_factory=list, description="Excluded by the rep.")
    outranked: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Eligible at this stage but not shown -> what was shown in their place."))
    gaps: list[Gap] = Field(default_factory=list)
    next_step: str | None = Field(None, min_length=1, description="The next step the deck proposed.")
    next_step_by: dt.date | None = Field(None, description="The day the next step was proposed for.")
    opportunity: str | None = Field(None, min_length=1)


#: Each event's model, by its `event:` value.
EVENTS = {"stage": StageEntered, "outcome": OutcomeRecorded, "presented": Presented}


class HistoryFile(Strict):
    """history/<slug>.yaml; its events are read one by one (read_events), so a problem is named at its own
    field rather than under a union's branch."""

    account: str = Field(min_length=1, description="The account's name when the file was started.")
    invented: bool = Field(False, description="True for made-up sample data, never for real deals.")
    events: list[dict[str, Any]] = Field(default_factory=list, description="One mapping a line, oldest first.")


@dataclass(frozen=True)
class History:
    """One account's events, as written (oldest first only if they were appended so)."""

    slug: str
    path: Path
    account: str
    events: tuple[StageEntered | OutcomeRecorded | Presented, ...]
    invented: bool = False

    @property
    def first_day(self) -> dt.date | None:
        return min((event.date for event in self.events), default=None)


def history_path(folder: Path, slug: str) -> Path:
    return Path(folder) / f"{slug}.yaml"


def load_history(path: Path, stages: Iterable[str] | None = None) -> History:
    """Reads one history file, checking every event; stage ids against `stages` when given."""
    path = Path(path)
    doc = load_yaml(path)
    data = validate(HistoryFile, doc)
    events, problems = read_events(data.events, doc)
    if stages is not None:
        stages = list(stages)
        for index, event in enumerate(events):
            if isinstance(event, (StageEntered, Presented)) and event.stage not in stages:
                problems.append(doc.problem(("events", index, "stage"), unknown_id("stage", event.stage, stages),
                                            UNKNOWN_ID))
    for index, event in enumerate(events):
        if isinstance(event, Presented):
            for item in (*event.content, *event.pinned, *event.excluded, *event.outranked):
                if item.partition("/")[0] not in KINDS:
                    problems.append(doc.problem(("events", index), f"content id {item!r} names no kind; write "
                                                "block/<id> or scenario/<id>", INVALID_FILE))
    if problems:
        raise AspoError(problems)
    return History(path.stem, path, data.account, tuple(events), data.invented)


def read_events(raw: list[dict], doc: YamlDocument) -> tuple[list, list[Problem]]:
    """Each event validated by the model its `event:` names, its problems at events[i].field."""
    events, problems = [], []
    for index, item in enumerate(raw):
        where = ("events", index)
        model = EVENTS.get(item.get("event"))
        if model is None:
            problems.append(doc.problem((*where, "event"), unknown_id("event", str(item.get("event")), EVENTS),
                                        INVALID_FILE))
            continue
        try:
            events.append(model.model_validate(item))
        except ValidationError as exc:
            own = YamlDocument(doc.path, item, {loc[2:]: position for loc, position in doc.positions.items()
                                                if loc[:2] == where}, doc.line_offset)
            problems += [problem._replace(field=f"events[{index}]" + (f".{problem.field}" if problem.field else ""))
                         for problem in problems_from(exc, model, own)]
    return events, problems


def load_histories(folder: Path, stages: Iterable[str] | None = None) -> tuple[list[History], list[Problem]]:
    """Every history file in a folder that loads, and the problems of those that do not (one bad file must not
    hide the others)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AspoError.at(folder, None, None, "history folder not found (record events with aspo log, or point "
                           "at the folder with --history)")
    stages = list(stages) if stages is not None else None
    found, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix != ".yaml" or path.name.startswith("."):
            continue
        try:
            found.append(load_history(path, stages))
        except AspoError as exc:
            problems.extend(exc.problems)
    return found, problems


def event_line(event: StageEntered | OutcomeRecorded | Presented) -> str:
    """One event as one line of YAML, fields in the schema's order, empty ones left out."""
    data = _one_line({"event": event.event, **event.model_dump(mode="python", exclude_defaults=True)})
    text = yaml.safe_dump(data, default_flow_style=True, width=float("inf"), sort_keys=False, allow_unicode=True)
    return "- " + text.strip()


def _one_line(value):
    """Text with its line breaks (and any other run of spaces) made one space: an event is one line."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {key: _one_line(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_line(item) for item in value]
    return value


def _header(slug: str, account: str, invented: bool) -> str:
    lines = [f"# History of accounts/{slug}.yaml, one event a line, appended by `aspo log` and `aspo import`.",
             "# Never edit or delete a line: record a correction as a new event."]
    if invented:
        lines.insert(0, "# INVENTED sample data, not real deals: made by tools/sample_history.py.")
    return "\n".join(lines) + "\n" + yaml.safe_dump({"account": account, **({"invented": True} if invented else {})},
                                                    allow_unicode=True, sort_keys=False) + "events:\n"


@contextlib.contextmanager
def _locked(folder: Path):
    """One writer at a time in the folder: two appends at once must both land."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; a write is still whole or absent
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def append_events(folder: Path, slug: str, account: str, events: list, stages: Iterable[str] | None = None,
                  invented: bool = False) -> Path:
    """Adds events at the end of an account's history (started when it has none); the file is read and checked
    first, then replaced whole: nothing written when anything is wrong, and no line before them changes."""
    if not SLUG.match(slug):
        raise AspoError.at(None, None, None, f"'{slug}' cannot name a history file")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AspoError.at(folder, None, None, f"cannot write: {exc.strerror or exc}", OUTPUT) from None
    path = history_path(folder, slug)
    with _locked(folder):
        if path.exists():
            load_history(path, stages)  # never append to a file aspo could not read back
            text = read_bytes(path).decode("utf-8")
            if text and not text.endswith("\n"):
                text += "\n"
        else:
            text = _header(slug, account, invented)
        text += "".join(event_line(event) + "\n" for event in events)
        try:
            write_file_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            raise AspoError.at(path, None, None, f"cannot write: {exc.strerror or exc}", OUTPUT) from None
    return path
