"""Stage episodes: each opportunity's time in one buying stage, from its history, and how that time ended.

An opportunity is the events of one CRM opportunity id (or of none) in an account's history, until an outcome
closes it: events after an outcome start its next cycle. A presented deck puts the opportunity in the deck's
stage on that day if no stage event did. Where the CRM's stage history dates a stage, that date wins over the
day an import first saw the stage (a backfill is a later line, never an edit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from aspo.library.history import History, OutcomeRecorded, Presented, StageEntered

ADVANCED, LOST, BACK, OPEN = "advanced", "lost", "back", "open"
#: How an episode is judged against the window: advanced within it, lost (closed without a win, or moved back),
#: stalled (still in the stage after the window, or advanced later), or censored (entered too recently to judge).
JUDGED_ADVANCED, JUDGED_LOST, JUDGED_STALLED, JUDGED_CENSORED = "advanced", "lost", "stalled", "censored"


@dataclass(frozen=True)
class Episode:
    """One opportunity's stay in one stage."""

    stage: str
    entered: dt.date
    ended: dt.date | None  # None while open
    end: str  # ADVANCED (a later stage or a win), LOST (lost, no decision, disqualified), BACK, or OPEN
    presented: tuple[Presented, ...]  # the decks presented during it

    def days(self, until: dt.date) -> int:
        return ((self.ended or until) - self.entered).days

    def judged(self, window: int, until: dt.date) -> str:
        if self.end == ADVANCED and self.days(until) <= window:
            return JUDGED_ADVANCED
        if self.end in (LOST, BACK):
            return JUDGED_LOST
        if self.end == OPEN and (until - self.entered).days < window:
            return JUDGED_CENSORED
        return JUDGED_STALLED


@dataclass(frozen=True)
class Opportunity:
    """One opportunity cycle: its episodes and how it closed (None: still open)."""

    episodes: tuple[Episode, ...]
    outcome: OutcomeRecorded | None


def opportunities(history: History, stages: tuple[str, ...], until: dt.date) -> list[Opportunity]:
    """The history's opportunities as of `until` (later events are not yet known), each split into episodes."""
    order = {stage: index for index, stage in enumerate(stages)}
    by_id: dict[str, list] = {}
    for event in history.events:
        if event.date <= until:
            by_id.setdefault(event.opportunity or "", []).append(event)
    return [cycle for _, events in sorted(by_id.items()) for cycle in _cycles(_backfilled(events), order)]


def _backfilled(events: list) -> list:
    """Events in the order they happened; a stage the CRM's stage history dates keeps only those dates."""
    exact = {e.stage for e in events if isinstance(e, StageEntered) and e.source == "crm-history"}
    kept = [e for e in events
            if not (isinstance(e, StageEntered) and e.stage in exact and e.source != "crm-history")]
    rank = {StageEntered: 0, Presented: 1, OutcomeRecorded: 2}  # on one day: entered, then presented, then closed
    return sorted(kept, key=lambda e: (e.date, rank[type(e)]))  # sorted() is stable: file order breaks ties


def _cycles(events: list, order: dict[str, int]) -> list[Opportunity]:
    """One opportunity's events as cycles: each outcome closes one, and what follows starts the next."""
    cycles: list[Opportunity] = []
    episodes: list[Episode] = []
    current: Episode | None = None  # the open episode, its presented decks gathered in `shown`
    shown: list[Presented] = []

    def close(day: dt.date | None, end: str) -> None:
        nonlocal current
        if current:
            episodes.append(replace(current, ended=day, end=end, presented=tuple(shown)))
            current = None

    for event in events:
        if isinstance(event, OutcomeRecorded):
            if current is None and not episodes:
                continue  # an outcome with no stage known: nothing to measure
            close(event.date, ADVANCED if event.outcome == "won" else LOST)
            cycles.append(Opportunity(tuple(episodes), event))
            episodes = []
            continue
        if current is None or current.stage != event.stage:
            close(event.date, ADVANCED if current and order[event.stage] > order[current.stage] else BACK)
            current, shown = Episode(event.stage, event.date, None, OPEN, ()), []
        if isinstance(event, Presented):
            shown.append(event)
    close(None, OPEN)
    if episodes:
        cycles.append(Opportunity(tuple(episodes), None))
    return cycles
