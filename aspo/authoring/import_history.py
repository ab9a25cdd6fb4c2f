"""What an import adds to an account's history: the CRM's stage or outcome, when the history does not hold it yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Union

from aspo.core.errors import AspoError, Problem
from aspo.library.history import OutcomeRecorded, Presented, Source, StageEntered, history_path, load_history

StateEvent = Union[StageEntered, OutcomeRecorded]
AnyEvent = Union[StageEntered, OutcomeRecorded, Presented]


def events_of(folder: Path, slug: str, stages: Iterable[str]) -> tuple[AnyEvent, ...]:
    """An account's events; none when it has no history yet. AspoError when its file cannot be read."""
    path = history_path(folder, slug)
    if not path.exists() and not path.is_symlink():
        return ()
    return load_history(path, stages).events


def unreadable(exc: AspoError, what: str) -> Problem:
    """A history that cannot be read, as one line: where its first problem is, and what was not imported."""
    first = exc.problems[0]
    more = len(exc.problems) - 1
    return first._replace(message=f"{first.message}{f' (and {more} more)' if more else ''}; {what} not imported: "
                          "fix the history file, then import again")


def make_event(stage: str | None, outcome: str | None, date: dt.date, source: Source,
               opportunity: str | None) -> StateEvent:
    if stage is not None:
        return StageEntered(event="stage", date=date, stage=stage, source=source, opportunity=opportunity)
    return OutcomeRecorded(event="outcome", date=date, outcome=outcome, source=source, opportunity=opportunity)


def state_of(events: Iterable, opportunity: str | None) -> StateEvent | None:
    """The opportunity's latest stage or outcome: the latest date, then the last written (a backfill appends older
    dates after newer ones)."""
    found = [(event.date, at, event) for at, event in enumerate(events)
             if isinstance(event, (StageEntered, OutcomeRecorded)) and event.opportunity == opportunity]
    return max(found, key=lambda item: item[:2])[2] if found else None


def what_of(event: StateEvent) -> tuple[str, str]:
    """("stage", id) or ("outcome", kind): what an event says, whatever its date and source."""
    return ("stage", event.stage) if isinstance(event, StageEntered) else ("outcome", event.outcome)


def holds(events: Iterable, event: StateEvent) -> bool:
    """Whether the history has this very event: the same stage or outcome of the opportunity, day and source."""
    return any(isinstance(other, (StageEntered, OutcomeRecorded)) and what_of(other) == what_of(event)
               and (other.date, other.source, other.opportunity) == (event.date, event.source, event.opportunity)
               for other in events)


def news(events: Iterable, event: StateEvent | None) -> list[StateEvent]:
    """The event, unless the opportunity's latest stage or outcome already is what it says, or the history holds
    it (a stage dated by the CRM may be older than one a rep logged): the same export appends nothing twice."""
    events = tuple(events)
    if event is None:
        return []
    state = state_of(events, event.opportunity)
    if state is not None and what_of(state) == what_of(event) or holds(events, event):
        return []
    return [event]


def said(event: StateEvent) -> str:
    """`stage decision on 2027-02-03`; `seen on` when the day is the import's, not the CRM's."""
    kind, value = what_of(event)
    return f"{kind} {value} {'seen ' if event.source == 'crm-seen' else ''}on {event.date.isoformat()}"
