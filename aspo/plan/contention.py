"""Which content contended for one account's deck: shown, eligible but outranked (and by what), or excluded.

What a history records when a deck is presented, and what `aspo report` and `aspo outcomes` count to tell
content that plays no role from content that lost to something better.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from aspo.plan.plan import Plan
from aspo.plan.selection import GAP_USED


@dataclass(frozen=True)
class Contention:
    """One plan's content, each id written 'block/<id>' or 'scenario/<id>'."""

    shown: tuple[str, ...]  # sorted
    pinned: tuple[str, ...]  # shown because the rep pinned them
    outranked: dict[str, tuple[str, ...]]  # eligible at the account's stage, not shown -> what was shown instead
    excluded: tuple[str, ...]  # excluded by the rep


def contention(plan: Plan) -> Contention:
    """Sorts every block and scenario of the library by its part in this plan. Eligible means it could have been
    shown at the account's stage: it passed every rule, its section is in the stage's outline, and a block told
    pain by pain answers one of the account's pains."""
    account, library, selection = plan.account, plan.library, plan.selection
    sections = {section.kind: section for _, section in library.outline_at(account.data.stage)}
    pains = set(selection.pains)
    shown_blocks = set(selection.used_blocks)
    shown_scenarios = set(selection.used_scenarios)
    outranked: dict[str, tuple[str, ...]] = {}
    for decision in selection.decisions:
        if decision.kind == "block" and decision.id not in shown_blocks and decision.note:
            block = library.blocks[decision.id]
            section, answers = block.meta.section, set(block.meta.applies_to.pains)
            if section not in sections or (section in ("priorities", "insight") and not answers & pains):
                continue
            winners = [b for b in sorted(shown_blocks) if library.blocks[b].meta.section == section
                       and (section not in ("priorities", "insight") or answers & set(
                           library.blocks[b].meta.applies_to.pains))]
            outranked[f"block/{decision.id}"] = tuple(f"block/{b}" for b in winners)
        elif decision.kind == "scenario" and decision.id not in shown_scenarios and decision.note:
            told = sections.get("scenarios")
            if told and told.count:
                winners = selection.scenarios
            elif library.scenarios[decision.id].meta.customer.reference and sections.get("references"):
                winners = selection.references  # a reference customer, offered for a call
            else:
                continue
            outranked[f"scenario/{decision.id}"] = tuple(f"scenario/{s}" for s in winners)
    data = account.data
    return Contention(
        shown=tuple(sorted([f"block/{b}" for b in shown_blocks] + [f"scenario/{s}" for s in shown_scenarios])),
        pinned=tuple(sorted([f"block/{b}" for b in data.pin.blocks if b in shown_blocks]
                            + [f"scenario/{s}" for s in data.pin.scenarios if s in shown_scenarios])),
        outranked=dict(sorted(outranked.items())),
        excluded=tuple(sorted([f"block/{b}" for b in data.exclude.blocks]
                              + [f"scenario/{s}" for s in data.exclude.scenarios])),
    )


def unanswered(plan: Plan) -> list[tuple[str, str, str | None]]:
    """What in the account no content answers, as (kind, text): priorities (in the rep's words) with no approved
    answer, competitors and attendee personas no block is written for, and an industry the library does not list;
    each with what it is about (a priority's pain).
    A priority whose content answers another priority already is not one: the content exists."""
    account, library, selection = plan.account, plan.library, plan.selection
    found = [("priority", match.text, _about(match)) for match in selection.priorities
             if not match.answered and match.gap != GAP_USED]
    named = {c.lower() for block in library.blocks.values() for c in block.meta.applies_to.competitors}
    found += [("competitor", name, None) for name in account.data.competitors if name.lower() not in named]
    written_for = {p for block in library.blocks.values() for p in block.meta.applies_to.personas}
    found += [("persona", persona, None) for persona in sorted(account.personas - written_for)]
    if not account.industry_known(library):
        found.append(("industry", account.data.industry, None))
    return found


def _about(match) -> str | None:
    """The pain a priority gap is about, for grouping: recognised, else the closest, else None."""
    if match.pains:
        return match.pains[0]
    closest = match.recognition.best
    return f"closest to {closest.pain}" if closest else None


@dataclass(frozen=True)
class NoRole:
    """Content no deck showed, three ways, each id written 'block/<id>' or 'scenario/<id>', sorted."""

    never_eligible: tuple[str, ...]  # no deck's account fitted its rules
    #: eligible somewhere, always something else shown: (item, decks it was eligible in, (winner, times) most first)
    outranked: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]
    excluded: tuple[tuple[str, tuple[str, ...]], ...]  # (item, the accounts whose reps excluded it)


def played_no_role(decks: Iterable[tuple[str, Iterable[str], Mapping[str, Iterable[str]], Iterable[str]]],
                   items: Iterable[str]) -> NoRole:
    """Sorts the content of `items` that none of the decks showed. Each deck is (account, shown, outranked ->
    winners, excluded). An item a rep excluded is listed as excluded even where it lost elsewhere: the rep's
    reason is the one to read first."""
    shown: set[str] = set()
    excluded: dict[str, set[str]] = {}
    eligible: Counter = Counter()
    winners: dict[str, Counter] = {}
    for account, deck_shown, deck_outranked, deck_excluded in decks:
        shown.update(deck_shown)
        for item in deck_excluded:
            excluded.setdefault(item, set()).add(account)
        for item, won in deck_outranked.items():
            eligible[item] += 1
            winners.setdefault(item, Counter()).update(won)
    never, lost, kept_out = [], [], []
    for item in sorted(set(items) - shown):
        if item in excluded:
            kept_out.append((item, tuple(sorted(excluded[item]))))
        elif item in eligible:
            lost.append((item, eligible[item], tuple(sorted(winners[item].items(), key=lambda kv: (-kv[1], kv[0])))))
        else:
            never.append(item)
    return NoRole(tuple(never), tuple(lost), tuple(kept_out))
