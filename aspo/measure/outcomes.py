"""The outcomes report: coverage, the funnel by stage, content compared by outcome, what plays no role, recurring
gaps, and the caveats that go with every figure.

Content is compared only within a stage, and only between opportunities that saw a deck at that stage: those it
was shown to against those it was eligible for but not shown (the history records, for each presented deck,
what was eligible and what won). A row is a block or scenario at one text (content hash); pinned showings are a
row of their own, since a rep's pin is a choice the rules did not make.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from aspo.library.history import History, Presented
from aspo.measure.episodes import (
    JUDGED_ADVANCED,
    JUDGED_CENSORED,
    JUDGED_LOST,
    JUDGED_STALLED,
    Episode,
    opportunities,
)
from aspo.measure.statistics import benjamini_hochberg, fisher_exact, km_median, newcombe, wilson
from aspo.plan.contention import played_no_role

TOO_FEW = "too few to say"
NOTHING_TO_COMPARE = "shown wherever eligible: nothing to compare"
NO_CLEAR = "no clear difference"
MORE = "associated with more advancing"
FEWER = "associated with fewer advancing"
#: The false discovery rate the verdicts allow across all rows (Benjamini–Hochberg).
FDR = 0.05
#: One rep showing more than this share of a row's decks makes it that rep's row as much as the content's.
REP_SHARE = 0.5

CAVEATS = (
    "Selection by rules confounds: content is shown where its rules fit, so the deals it was shown to differ from "
    "the others in more than the content. A difference is an association, not an effect.",
    "Decision-stage content is only ever seen by deals that survived the earlier stages; it is compared only with "
    "other decision-stage deals, never with deals at earlier stages.",
    "Built is not presented, and presented is not read: only decks logged as presented count, and nothing says "
    "which slides the buyer looked at.",
    "CRM stage dates are often back-filled or updated in batches; a stage history export (aspo import "
    "--stage-history) gives the exact dates where the CRM kept them.",
)
INVENTED = ("This history is INVENTED sample data (tools/sample_history.py), not real deals: it shows the report's "
            "shape.")


@dataclass(frozen=True)
class Settings:
    """What the report counts, and how strictly."""

    until: dt.date
    since: dt.date | None = None
    window: int = 90  # days an episode has to advance
    stage: str | None = None  # only this stage
    min_n: int = 10  # per group, below which a row says 'too few to say'
    min_events: int = 5  # advanced, and not advanced, at least this many in a row
    idle_months: int = 6  # 'played no role' looks this far back


@dataclass(frozen=True)
class Share:
    """How many deals of a group there were, and how many advanced."""

    n: int
    advanced: int

    @property
    def rate(self) -> float | None:
        return self.advanced / self.n if self.n else None

    def as_json(self) -> dict:
        low, high = wilson(self.advanced, self.n)
        return {"n": self.n, "advanced": self.advanced, "rate": rounded(self.rate), "low": rounded(low),
                "high": rounded(high)}


@dataclass(frozen=True)
class ContentRow:
    """One block or scenario, at one text, at one stage: shown against eligible but not shown."""

    stage: str
    kind: str
    id: str
    hash: str
    pinned: bool
    shown: Share
    not_shown: Share
    reps: tuple[str, ...]  # the rep of each showing
    testable: bool
    difference: tuple[float, float, float] | None = None
    p: float | None = None
    q: float | None = None

    @property
    def verdict(self) -> str:
        if not self.not_shown.n:
            return NOTHING_TO_COMPARE
        if not self.testable:
            return TOO_FEW
        if self.q is not None and self.q <= FDR and self.difference and (self.difference[1] > 0 or
                                                                        self.difference[2] < 0):
            return MORE if self.difference[0] > 0 else FEWER
        return NO_CLEAR

    @property
    def flags(self) -> tuple[str, ...]:
        counted = Counter(rep for rep in self.reps if rep)
        if len(self.reps) >= 2 and counted:
            rep, count = counted.most_common(1)[0]
            if count > REP_SHARE * len(self.reps):
                return (f"one rep ({rep}) accounts for {count} of {len(self.reps)} showings",)
        return ()


@dataclass(frozen=True)
class Report:
    """The outcomes report: the funnel by stage and what goes with deals that move."""

    settings: Settings
    stages: tuple[tuple[str, str], ...]  # (id, name), in buying order
    histories: int
    invented: bool
    opportunities: int
    closed: dict[str, int]
    open: int
    presented: int
    built_only: int
    funnel: tuple[dict, ...]
    content: tuple[ContentRow, ...]
    no_role: dict
    gaps: tuple[dict, ...]


def outcomes_report(histories: list[History], stages: tuple[tuple[str, str], ...], items: dict[str, str | None],
                    settings: Settings, built_keys: dict[str, str] | None = None,
                    notes: dict[str, str | None] | None = None) -> Report:
    """Everything the report says, from the histories. `items` is the library's content ('block/<id>' -> owner),
    `built_keys` the input key of each account's current build (output/<slug>), `notes` each account's notes."""
    order = tuple(stage for stage, _ in stages)
    cycles = [cycle for history in histories for cycle in opportunities(history, order, settings.until)]
    episodes = [e for cycle in cycles for e in cycle.episodes
                if (settings.since is None or e.entered >= settings.since)
                and (settings.stage is None or e.stage == settings.stage)]
    presented = [(history.slug, p) for history in histories for p in history.events
                 if isinstance(p, Presented) and p.date <= settings.until]
    keys = {p.key for _, p in presented}
    closed = Counter(cycle.outcome.outcome for cycle in cycles if cycle.outcome)
    return Report(
        settings=settings, stages=stages, histories=len(histories),
        invented=any(history.invented for history in histories),
        opportunities=len(cycles), closed=dict(closed), open=sum(1 for cycle in cycles if cycle.outcome is None),
        presented=len(presented),
        built_only=sum(1 for key in (built_keys or {}).values() if key not in keys),
        funnel=tuple(_funnel(episodes, stages, settings)),
        content=tuple(_content(episodes, settings)),
        no_role=_no_role(presented, items, settings, notes or {}),
        gaps=tuple(_gaps(episodes, settings)),
    )


def _funnel(episodes: list[Episode], stages, settings: Settings):
    for stage, name in stages:
        if settings.stage and stage != settings.stage:
            continue
        mine = [e for e in episodes if e.stage == stage]
        judged = Counter(e.judged(settings.window, settings.until) for e in mine)
        judged_n = len(mine) - judged[JUDGED_CENSORED]
        low, high = wilson(judged[JUDGED_ADVANCED], judged_n)
        median = km_median([e.days(settings.until) for e in mine], [e.ended is not None for e in mine])
        yield {"stage": stage, "name": name, "entered": len(mine), "advanced": judged[JUDGED_ADVANCED],
               "lost": judged[JUDGED_LOST], "stalled": judged[JUDGED_STALLED], "censored": judged[JUDGED_CENSORED],
               "rate": rounded(judged[JUDGED_ADVANCED] / judged_n) if judged_n else None,
               "low": rounded(low) if judged_n else None, "high": rounded(high) if judged_n else None,
               "median_days": median}


def _content(episodes: list[Episode], settings: Settings) -> list[ContentRow]:
    """One row per (stage, item, text, pinned) shown at least once, against the same stage's opportunities the
    item was eligible for and not shown; censored episodes left out."""
    groups: dict[tuple, list[tuple[bool, str | None]]] = {}
    compared: dict[tuple[str, str], list[bool]] = {}
    for episode in episodes:
        if not episode.presented:
            continue
        judged = episode.judged(settings.window, settings.until)
        if judged == JUDGED_CENSORED:
            continue
        advanced = judged == JUDGED_ADVANCED
        shown: dict[str, tuple[str, bool, str | None]] = {}
        eligible: set[str] = set()
        for deck in episode.presented:  # the first showing's text counts: what the buyer saw first
            for item, digest in deck.content.items():
                shown.setdefault(item, (digest, item in deck.pinned, deck.rep))
            eligible.update(deck.outranked)
        for item, (digest, pinned, rep) in shown.items():
            groups.setdefault((episode.stage, item, digest, pinned), []).append((advanced, rep))
        for item in eligible - set(shown):
            compared.setdefault((episode.stage, item), []).append(advanced)
    rows = []
    for (stage, item, digest, pinned), outcomes in sorted(groups.items()):
        kind, _, item_id = item.partition("/")
        others = compared.get((stage, item), [])
        shown, not_shown = Share(len(outcomes), sum(a for a, _ in outcomes)), Share(len(others), sum(others))
        events = shown.advanced + not_shown.advanced
        non_events = shown.n + not_shown.n - events
        testable = (min(shown.n, not_shown.n) >= settings.min_n and min(events, non_events) >= settings.min_events)
        row = ContentRow(stage, kind, item_id, digest[:8], pinned, shown, not_shown,
                         tuple(rep or "" for _, rep in outcomes), testable)
        if testable:
            row = _tested(row)
        rows.append(row)
    tested = [index for index, row in enumerate(rows) if row.testable]
    for index, q in zip(tested, benjamini_hochberg([rows[i].p for i in tested])):
        rows[index] = replace(rows[index], q=q)
    return rows


def _tested(row: ContentRow) -> ContentRow:
    a, b = row.shown.advanced, row.shown.n - row.shown.advanced
    c, d = row.not_shown.advanced, row.not_shown.n - row.not_shown.advanced
    return replace(row, difference=newcombe(a, row.shown.n, c, row.not_shown.n), p=fisher_exact(a, b, c, d))


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def _no_role(presented: list[tuple[str, Presented]], items: dict[str, str | None], settings: Settings,
             notes: dict[str, str | None]) -> dict:
    """The library's content no deck presented in the last `idle_months` showed, three ways: never eligible,
    eligible but always outranked (naming what won), excluded by reps (with their notes)."""
    start = _months_before(settings.until, settings.idle_months)
    recent = [(account, p) for account, p in presented if p.date >= start]
    split = played_no_role(((account, p.content, p.outranked, p.excluded) for account, p in recent), items)

    def entry(item: str) -> dict:
        kind, _, item_id = item.partition("/")
        return {"kind": kind, "id": item_id, "owner": items[item]}

    return {
        "months": settings.idle_months, "since": start.isoformat(), "decks": len(recent),
        "never_eligible": [entry(item) for item in split.never_eligible],
        "outranked": [{**entry(item), "eligible": count,
                       "won": [f"{winner.replace('/', ' ', 1)} ({times})" for winner, times in won]}
                      for item, count, won in split.outranked],
        "excluded": [{**entry(item), "accounts": [{"account": slug, "notes": notes.get(slug)} for slug in slugs]}
                     for item, slugs in split.excluded],
    }


def _gaps(episodes: list[Episode], settings: Settings) -> list[dict]:
    """What no content answered, counted once per opportunity stage, in deals that advanced against deals that
    stalled or were lost."""
    counted: dict[tuple[str, str], list[int]] = {}
    examples: dict[tuple[str, str], str] = {}
    for episode in episodes:
        judged = episode.judged(settings.window, settings.until)
        if not episode.presented or judged == JUDGED_CENSORED:
            continue
        seen = set()
        for deck in episode.presented:
            for gap in deck.gaps:
                label = gap.text if gap.kind != "priority" else "no known pain" if not gap.about \
                    else gap.about if gap.about.startswith("closest to") else f"about {gap.about}"
                key = (gap.kind, label)
                examples.setdefault(key, gap.text)
                seen.add(key)
        for key in seen:
            tally = counted.setdefault(key, [0, 0])
            tally[0 if judged == JUDGED_ADVANCED else 1] += 1
    rows = [{"kind": kind, "text": label, "example": examples[kind, label] if kind == "priority" else None,
             "advanced": advanced, "stalled_or_lost": other}
            for (kind, label), (advanced, other) in counted.items()]
    return sorted(rows, key=lambda r: (-(r["advanced"] + r["stalled_or_lost"]), r["kind"], r["text"]))


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A figure as the report gives it: to 4 places, enough for a rate and stable in JSON."""
    return None if value is None else round(value, digits)
