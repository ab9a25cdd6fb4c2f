"""Choosing blocks, scenarios and capabilities for one account: pure functions that record why."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from aspo.library.account import Account
from aspo.library.content import Block, Library, Scenario
from aspo.library.matching import Recognition, plain_text, stem, terms, words

#: How much each kind of fit weighs when ranking candidates; specific beats generic.
WEIGHT_PAIN = 3
WEIGHT_INDUSTRY = 2
WEIGHT_PERSONA = 1
WEIGHT_STAGE = 1
WEIGHT_COMPETITOR = 1
WEIGHT_OWNED = 2
WEIGHT_PINNED = 100
SCENARIO_INDUSTRY = 4
#: One more of the account's pains outweighs persona and size together: a story is chosen for the problems it tells.
SCENARIO_PAIN = 3
SCENARIO_PERSONA = 1
SCENARIO_SIZE = 1
#: The outline sections filled with the best-fitting blocks of their `section` (priorities are answered one by
#: one instead); the outline of the account's stage says which of them it gets.
FILLED_BY_BLOCKS = ("situation", "insight", "offering", "rollout", "terms", "references", "next-steps")
#: Not an outline section: the follow-up e-mail every build writes takes its opening and closing from the
#: best-fitting block of this `section`, at every stage.
FOLLOW_UP = "follow-up"
#: A point offering stays focused: at most this many capabilities.
MAX_OFFERED = 4
#: One slide answers at most this many priorities on the same pain: more quotes crowd out the answer.
PRIORITIES_PER_SLIDE = 2

#: Why a priority has no answer. Only "none" and "capability" mean the library lacks content; "used" means the
#: content exists and already answers other priorities of the account.
GAP_UNRECOGNISED = "unrecognised"  # no known pain in its words
GAP_NONE = "none"  # no approved content for its pain (for this account)
GAP_CAPABILITY = "capability"  # no approved block speaks of its tagged capability
GAP_USED = "used"  # the content for its pain already answers other priorities


@dataclass(frozen=True)
class Verdict:
    """How one candidate fares against the account: every rule it met and every rule it failed."""

    eligible: bool
    score: int
    matched: tuple[str, ...]
    failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """Whether one block, scenario or capability was used for this account, and why."""

    kind: str  # "block", "scenario" or "capability"
    id: str
    chosen: bool
    score: int
    matched: tuple[str, ...]  # rules it met
    failed: tuple[str, ...] = ()  # rules it failed
    where: str = ""  # the section (or priority) it was used for
    note: str = ""  # why an eligible candidate was still not used


@dataclass(frozen=True)
class PriorityMatch:
    """One account priority: the pains it reveals and what answers it: a block of its own, the slide of an
    earlier priority on the same pain, a scenario, or nothing (a content gap, and which kind)."""

    index: int  # 1-based, as a rep counts
    text: str
    pains: tuple[str, ...]
    pain_reasons: tuple[str, ...]
    block: str | None
    reason: str
    recognition: Recognition  # what the words alone point to, tagged or not
    shares_with: int | None = None  # the earlier priority whose slide answers this one too
    scenario: str | None = None  # the scenario that answers it when no block does
    gap: str = ""  # why nothing answers it: one of GAP_KINDS; "" when answered

    @property
    def answered(self) -> bool:
        return bool(self.block or self.scenario)

    @property
    def words_disagree(self) -> str:
        """When the rep tagged a pain and the words point clearly to another one: saying so, else ''."""
        if not self.pain_reasons or not self.pain_reasons[0].startswith("tagged"):
            return ""
        heard = self.recognition.pains
        if heard and heard[0] not in self.pains:
            best = self.recognition.score_of(heard[0])
            return f"the words point to {heard[0]} ({best.confidence:.2f}) rather than the tagged {self.pains[0]}"
        return ""

    @property
    def warning(self) -> str:
        """For an unanswered priority, what the rep sees after a build; '' when something answers it."""
        if self.answered:
            return ""
        if self.gap == GAP_UNRECOGNISED:
            return (f"no approved content answers this yet ({self.recognition.closest()}); "
                    "tag it with pain: or tell marketing")
        if self.gap == GAP_USED:
            return f"{self.reason}; pin another block or tell marketing a second one is needed"
        return f"{self.reason}; tell marketing"


@dataclass(frozen=True)
class Selection:
    """Everything chosen for one account, in reading order, with the decisions behind it."""

    priorities: tuple[PriorityMatch, ...]
    section_blocks: dict[str, tuple[str, ...]]  # outline kind -> block ids
    scenarios: tuple[str, ...]
    capabilities: tuple[str, ...]  # ga and limited capabilities to offer
    roadmap: tuple[str, ...]  # relevant roadmap capabilities: speaker notes only
    decisions: tuple[Decision, ...]
    references: tuple[str, ...] = ()  # scenarios whose customers take reference calls, for the references section
    shows_priorities: bool = True  # False: the stage's outline has no priorities section to show the answers in

    @property
    def pains(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for match in self.priorities for p in match.pains))

    @property
    def priority_slides(self) -> tuple[PriorityMatch, ...]:
        """The priorities that get a slide of their own block, as compose renders them: none at a stage without a
        priorities section, and a shared slide once, for its first priority."""
        if not self.shows_priorities:
            return ()
        return tuple(m for m in self.priorities if m.block and not m.shares_with)

    @property
    def used_blocks(self) -> tuple[str, ...]:
        """Every block this account's outputs use, sorted: answers to priorities and section blocks."""
        used = {m.block for m in self.priority_slides}
        used.update(b for blocks in self.section_blocks.values() for b in blocks)
        return tuple(sorted(used))

    @property
    def used_scenarios(self) -> tuple[str, ...]:
        """Every scenario this account's outputs tell, as a story or as a reference, in that order."""
        return tuple(dict.fromkeys((*self.scenarios, *self.references)))

    @functools.cached_property  # a table made once: `aspo check` renders every block against one selection
    def _reasons(self) -> dict[tuple[str, str], str]:
        reasons: dict[tuple[str, str], str] = {}
        for decision in self.decisions:
            reasons.setdefault((decision.kind, decision.id), "; ".join(decision.matched))
        return reasons

    def reason_for(self, kind: str, item_id: str) -> str:
        """Every rule a block, scenario or capability met for this account, in words; '' for one not judged."""
        return self._reasons.get((kind, item_id), "")


def select(account: Account, library: Library) -> Selection:
    """Chooses and orders everything for one account: the one plan every command reads. Same inputs, same
    answer."""
    priorities = _match_pains(account, library)
    account_pains = tuple(dict.fromkeys(p for m in priorities for p in m.pains))
    judged = {block.id: judge_block(block, account, account_pains) for block in library.blocks.values()}

    decisions: list[Decision] = []
    stage_outline = [section for _, section in library.outline_at(account.data.stage)]
    shows_priorities = any(s.kind == "priorities" for s in stage_outline)
    if shows_priorities:
        matches, lost = _answer_priorities(priorities, library, judged, account)
    else:  # a stage told without a slide per priority (awareness) answers them in its insight section, below
        matches, lost = priorities, {}
    used: set[str] = {m.block for m in matches if m.block}

    section_blocks: dict[str, tuple[str, ...]] = {}
    pinned_extra = tuple(
        b for b in account.data.pin.blocks
        if b not in used and library.blocks[b].meta.section == "priorities"
    )
    used.update(pinned_extra)
    section_blocks["priorities"] = pinned_extra
    for section in dict.fromkeys([*(s.kind for s in stage_outline if s.kind in FILLED_BY_BLOCKS), FOLLOW_UP]):
        ranked = sorted(
            (b for b, v in judged.items() if v.eligible and library.blocks[b].meta.section == section),
            key=lambda b: (-judged[b].score, b),
        )
        chosen = _per_pain(ranked, library, account_pains) if section == "insight" else tuple(ranked[:1])
        section_blocks[section] = chosen
        used.update(chosen)

    if not shows_priorities:
        matches = _answer_with_insight(matches, section_blocks.get("insight", ()), library, account)
    for block_id, verdict in judged.items():
        section = library.blocks[block_id].meta.section
        where = next((f"priority {m.index}" for m in matches if m.block == block_id and section == "priorities"),
                     section)
        chosen = block_id in used
        note = (lost.get(block_id) or _outranked(library.blocks[block_id], section_blocks)
                if verdict.eligible and not chosen else "")
        decisions.append(Decision("block", block_id, chosen, verdict.score, verdict.matched, verdict.failed,
                                  where if chosen else "", note))

    shown = {kind: max((s.count for s in stage_outline if s.kind == kind), default=0)
             for kind in ("scenarios", "references")}
    judged_scenarios = {s.id: judge_scenario(s, account, account_pains) for s in library.scenarios.values()}
    scenario_ids, scenario_decisions = _choose_scenarios(judged_scenarios, library, account_pains,
                                                         shown["scenarios"])
    references = _choose_references(judged_scenarios, library, shown["references"])
    capability_ids, roadmap_ids, capability_decisions = _choose_capabilities(account, library, account_pains)
    if not any(s.kind == "offering" for s in stage_outline):  # no offering at this stage: nothing to offer
        capability_ids, roadmap_ids = (), ()
        capability_decisions = [replace(d, chosen=False, where="", note="the outline has no offering at this stage")
                                if d.chosen else d for d in capability_decisions]
    decisions.extend(scenario_decisions)
    decisions.extend(capability_decisions)
    return Selection(
        priorities=_answer_with_scenarios(matches, library, scenario_ids),
        section_blocks=section_blocks,
        scenarios=scenario_ids,
        capabilities=capability_ids,
        roadmap=roadmap_ids,
        decisions=tuple(decisions),
        references=references,
        shows_priorities=shows_priorities,
    )


def _per_pain(ranked: list[str], library: Library, account_pains: tuple[str, ...]) -> tuple[str, ...]:
    """For a section told pain by pain (insight): the best-ranked block for each of the account's pains, in the
    order the priorities name them, each block once."""
    chosen: list[str] = []
    for pain in account_pains:
        best = next((b for b in ranked if pain in library.blocks[b].meta.applies_to.pains), None)
        if best and best not in chosen:
            chosen.append(best)
    return tuple(chosen)


def _choose_references(judged: dict[str, Verdict], library: Library, count: int) -> tuple[str, ...]:
    """The scenarios, ranked as for the scenarios section, whose customers agreed to take reference calls."""
    ranked = sorted((sid for sid, v in judged.items() if v.eligible and library.scenarios[sid].meta.customer.reference),
                    key=lambda sid: (-judged[sid].score, sid))
    return tuple(ranked[:count])


def _match_pains(account: Account, library: Library) -> list[PriorityMatch]:
    """The pains behind each priority: the rep's tags first, then what the words are recognised as."""
    matches = []
    for index, priority in enumerate(account.data.priorities, start=1):
        recognition = library.matcher.recognise(priority.text)
        pains: dict[str, str] = {}
        if priority.pain:
            pains[priority.pain] = f"tagged {priority.pain} by the rep"
        if priority.capability:
            capability, _ = library.capabilities[priority.capability]
            for pain in capability.answers:
                pains.setdefault(pain, f"{pain} via tagged capability {capability.id}")
        if not pains:
            for pain in recognition.pains:
                found = recognition.score_of(pain)
                pains[pain] = f"{pain} {found.confidence:.2f} from {', '.join(found.evidence[:3])}"
        matches.append(PriorityMatch(index, priority.text, tuple(pains), tuple(pains.values()), None, "",
                                     recognition))
    return matches


class _Rules:
    """Collects what a candidate met and failed, and its score."""

    def __init__(self):
        self.matched: list[str] = []
        self.failed: list[str] = []
        self.score = 0

    def check(self, ok: bool, weight: int, met: str, missed: str) -> None:
        if ok:
            self.matched.append(met)
            self.score += weight
        else:
            self.failed.append(missed)


def judge_block(block: Block, account: Account, account_pains: tuple[str, ...]) -> Verdict:
    """Whether a block may be used for this account, how well it fits, and every rule behind that."""
    meta, data = block.meta, account.data
    applies = meta.applies_to
    if block.id in data.exclude.blocks:
        return Verdict(False, 0, (), ("excluded by the account file",))
    rules = _Rules()
    if meta.review_by and meta.review_by < data.meeting.date:
        rules.failed.append(f"expired: review_by {meta.review_by} is before the meeting")
    if applies.industries:
        rules.check(data.industry in applies.industries, WEIGHT_INDUSTRY, f"industry {data.industry} matches",
                    f"industry {data.industry} is not one of {', '.join(applies.industries)}")
    if applies.stages:
        rules.check(data.stage in applies.stages, WEIGHT_STAGE, f"stage {data.stage} matches",
                    f"stage {data.stage} is not one of {', '.join(applies.stages)}")
    if applies.personas:
        present = sorted(account.personas & set(applies.personas))
        rules.check(bool(present), WEIGHT_PERSONA, f"attendee persona {', '.join(present)}",
                    f"no attendee is a {' or '.join(applies.personas)}")
    if applies.competitors:
        in_play = {c.lower() for c in data.competitors}
        named = [c for c in applies.competitors if c.lower() in in_play]
        rules.check(bool(named), WEIGHT_COMPETITOR, f"competitor {', '.join(named)} in play",
                    f"competitor {' or '.join(applies.competitors)} is not in play")
    if applies.owned_products:
        missing = [p for p in applies.owned_products if p not in account.owned]
        rules.check(not missing, WEIGHT_OWNED, f"account owns {', '.join(applies.owned_products)}",
                    f"for owners of {', '.join(missing)}; the account does not own it")
    owned_promoted = [p for p in meta.promotes if p in account.owned]
    if owned_promoted:
        rules.failed.append(f"promotes {', '.join(owned_promoted)}, which the account already owns")
    answered = [p for p in applies.pains if p in account_pains]
    if answered:
        rules.check(True, WEIGHT_PAIN * len(answered), f"answers {', '.join(answered)}", "")
    elif meta.section == "priorities":
        rules.failed.append("answers none of the account's pains" if applies.pains else "names no pain it answers")
    if block.id in data.pin.blocks:  # pins win over every rule, which still show
        return Verdict(True, WEIGHT_PINNED + rules.score, ("pinned by the account file", *rules.matched),
                       tuple(rules.failed))
    if rules.failed:
        return Verdict(False, 0, tuple(rules.matched), tuple(rules.failed))
    return Verdict(True, rules.score, tuple(rules.matched) or ("fits any account",))


@dataclass(frozen=True)
class _Candidate:
    """A block that may answer one priority, and how well: its fit, then how close it is to the priority."""

    block: str
    score: int
    overlap: tuple[str, ...]  # the priority's pains it answers
    relevance: tuple[float, float]  # the recognised confidence of those pains, then the words they share
    shared_words: tuple[str, ...]

    @property
    def rank(self):
        return (-self.score, tuple(-r for r in self.relevance), self.block)


def _answer_priorities(priorities: list[PriorityMatch], library: Library, judged, account: Account):
    """Gives every priority an answer where the library has one: a block of its own first (its own slide, its own
    proof), else the slide of an earlier priority on the same pain, which then quotes both (the same slide twice
    reads as a copy-paste deck). Priorities with the fewest candidates choose first, so tagging or ordering one
    priority never takes the only block another could use. Returns the matches and, for blocks that lost a
    priority they could answer, why."""
    candidates = {m.index: _candidates(m, library, judged, account) for m in priorities}
    owner: dict[str, int] = {}  # block -> the priority whose slide it is
    answered: dict[int, tuple[str, str, int | None]] = {}  # priority -> (block, reason, shares_with)
    lost: dict[str, str] = {}
    for match in sorted(priorities, key=lambda m: (len(candidates[m.index]) or len(judged) + 1, m.index)):
        free = [c for c in candidates[match.index] if c.block not in owner]
        if not free:
            continue
        best = free[0]
        owner[best.block] = match.index
        answered[match.index] = (best.block, _why(match, best, free[1:], library, account), None)
        for other in free[1:]:
            lost.setdefault(other.block, _lost_note(match, other, best))
    for match in priorities:  # then share: a slide answers a second priority on its pain
        if match.index in answered or not candidates[match.index]:
            continue
        for candidate in candidates[match.index]:
            first = owner.get(candidate.block)
            on_slide = sum(1 for _, _, shares in answered.values() if shares == first) + 1
            if first is not None and on_slide < PRIORITIES_PER_SLIDE:
                reason = (f"answers {', '.join(candidate.overlap)} on the slide of priority {first}, which it shares "
                          f"(priority {match.index}: {match.pain_reasons[0]})")
                answered[match.index] = (candidate.block, reason, first)
                break
    matches = []
    for match in priorities:
        if match.index in answered:
            block_id, reason, shares_with = answered[match.index]
            matches.append(replace(match, block=block_id, reason=reason, shares_with=shares_with))
        else:
            gap, reason = _gap(match, candidates[match.index], answered, library, judged, account)
            matches.append(replace(match, reason=reason, gap=gap))
    return matches, lost


def _candidates(match: PriorityMatch, library: Library, judged, account: Account) -> list[_Candidate]:
    """The blocks that may answer this priority, best first. A tagged capability is answered by content that speaks
    of it; where none does, only by content on a pain the priority itself names (its words or its pain tag): a block
    on the capability's other pains would answer a question the rep did not ask."""
    if not match.pains:
        return []
    priority = account.data.priorities[match.index - 1]
    heard = set(match.recognition.pains) | ({priority.pain} if priority.pain else set())  # a tag is the rep's word
    found = []
    for block_id, verdict in judged.items():
        block = library.blocks[block_id]
        if not verdict.eligible or block.meta.section != "priorities":
            continue
        overlap = tuple(p for p in block.meta.applies_to.pains if p in match.pains)
        if not overlap:
            continue
        confidence = max((found_pain.confidence for p in overlap
                          if (found_pain := match.recognition.score_of(p)) is not None), default=0.0)
        shared = _shared_words(match.text, block)
        weight = sum(len(word) for word in shared)  # longer shared words say more than short ones
        found.append(_Candidate(block_id, verdict.score + WEIGHT_PAIN * len(overlap), overlap,
                                (confidence, float(weight)), shared))
    if priority.capability:
        speaking = [c for c in found if priority.capability in library.blocks[c.block].meta.capabilities]
        found = speaking or [c for c in found if set(c.overlap) & heard]
    return sorted(found, key=lambda c: c.rank)


def _shared_words(text: str, block: Block) -> tuple[str, ...]:
    """The meaningful words a priority shares with a block's title and text, by stem, as the priority spells them."""
    own = set(terms(f"{block.meta.title} {plain_text(block.body)}"))
    return tuple(dict.fromkeys(w for w in words(text) if stem(w) in own and len(w) > 3))


def _why(match: PriorityMatch, best: _Candidate, others: list[_Candidate], library: Library,
         account: Account) -> str:
    pinned = "pinned by the account file; " if best.block in account.data.pin.blocks else ""
    why = f"{pinned}answers {', '.join(best.overlap)} (priority {match.index}: {match.pain_reasons[0]})"
    capability = account.data.priorities[match.index - 1].capability
    if capability:
        spoken = capability in library.blocks[best.block].meta.capabilities
        why += (f"; speaks of the tagged capability {capability}" if spoken else
                f"; no block speaks of the tagged capability {capability}, so answered on the pain it names")
    tied = [c for c in others if c.score == best.score]
    if tied:
        why += f"; tied at score {best.score} with {', '.join(c.block for c in tied)}, {_closer(best, tied[0])}"
    return why


def _closer(winner: _Candidate, loser: _Candidate) -> str:
    """Why the winner of a tie is the closer answer to the priority, in the terms that decided it."""
    if winner.relevance[0] != loser.relevance[0]:
        return (f"chosen as the closer answer: the priority's words point to {winner.overlap[0]} at "
                f"{winner.relevance[0]:.2f}, to {loser.overlap[0]} at {loser.relevance[0]:.2f}")
    if winner.relevance[1] != loser.relevance[1]:
        said = ", ".join(f"'{w}'" for w in winner.shared_words[:4])
        return f"chosen as the closer answer: it shares more of the priority's words ({said})"
    return "equally close to the priority's words: the first by id"


def _lost_note(match: PriorityMatch, loser: _Candidate, winner: _Candidate) -> str:
    if loser.score == winner.score:
        return (f"tied with {winner.block} at score {winner.score} for priority {match.index}; "
                f"{winner.block} {_closer(winner, loser).removeprefix('chosen as ')}")
    return f"{winner.block} answers priority {match.index} better (score {winner.score} against {loser.score})"


def _unrecognised(match: PriorityMatch) -> tuple[str, str]:
    return GAP_UNRECOGNISED, f"no known pain recognised in the priority's words ({match.recognition.closest()})"


def _gap(match: PriorityMatch, candidates, answered, library: Library, judged, account: Account) -> tuple[str, str]:
    """Which kind of content gap an unanswered priority is, and the reason in words."""
    if not match.pains:
        return _unrecognised(match)
    pains = ", ".join(match.pains)
    if candidates:
        users = [str(index) for index, (block_id, _, _) in sorted(answered.items())
                 if block_id in {c.block for c in candidates}]
        listed = " and ".join(filter(None, (", ".join(users[:-1]), users[-1])))
        return GAP_USED, (f"the approved content for {pains} already answers priorit{'ies' if len(users) > 1 else 'y'} "
                          f"{listed} (a slide answers at most {PRIORITIES_PER_SLIDE})")
    capability = account.data.priorities[match.index - 1].capability
    if capability:
        return GAP_CAPABILITY, (f"no approved block speaks of capability {capability} yet, nor answers a pain the "
                                "priority names")
    ruled_out = [(b, judged[b]) for b, block in library.blocks.items()
                 if block.meta.section == "priorities" and set(block.meta.applies_to.pains) & set(match.pains)]
    if ruled_out:
        block_id, verdict = ruled_out[0]
        why = verdict.failed[0] if verdict.failed else "ruled out"
        return GAP_NONE, f"no approved content for {pains} fits this account ({block_id}: {why})"
    return GAP_NONE, f"no approved content for {pains} yet"


def insight_for(match: PriorityMatch, insight: tuple[str, ...], library: Library) -> str | None:
    """The insight block that tells what the priority's pain costs: the first of the section's on one of its pains.
    The insight section groups the account's own figures by it."""
    return next((b for b in insight if set(library.blocks[b].meta.applies_to.pains) & set(match.pains)), None)


def _answer_with_insight(matches: list[PriorityMatch], insight: tuple[str, ...], library: Library,
                         account: Account) -> list[PriorityMatch]:
    """At a stage without a slide per priority, a priority is answered by the insight on what its pain costs: the
    first insight block on one of its pains, as the insight section groups them, which quotes the account's own
    figures beside it."""
    first_user: dict[str, int] = {}
    answered = []
    for match in matches:
        block_id = insight_for(match, insight, library)
        if block_id is None:
            missing = f"no approved insight on what {', '.join(match.pains)} costs yet (stage {account.data.stage})"
            gap, reason = (GAP_NONE, missing) if match.pains else _unrecognised(match)
            answered.append(replace(match, block=None, reason=reason, gap=gap))
            continue
        overlap = [p for p in library.blocks[block_id].meta.applies_to.pains if p in match.pains]
        reason = (f"answered by the insight on what {', '.join(overlap)} costs (priority {match.index}: "
                  f"{match.pain_reasons[0]})")
        answered.append(replace(match, block=block_id, reason=reason, shares_with=first_user.get(block_id)))
        first_user.setdefault(block_id, match.index)
    return answered


def _answer_with_scenarios(matches: list[PriorityMatch], library: Library,
                           scenarios: tuple[str, ...]) -> tuple[PriorityMatch, ...]:
    """A priority no block answers is still answered when a scenario the deck tells shows its pain."""
    result = []
    for match in matches:
        if not match.answered and match.pains and match.gap != GAP_CAPABILITY:
            story = next((sid for sid in scenarios
                          if set(library.scenarios[sid].meta.pains) & set(match.pains)), None)
            if story:
                shown = [p for p in library.scenarios[story].meta.pains if p in match.pains]
                match = replace(match, scenario=story, gap="",
                                 reason=f"answered by scenario {story}, which shows {', '.join(shown)} "
                                        f"(priority {match.index}: {match.pain_reasons[0]}); no block: {match.reason}")
        result.append(match)
    return tuple(result)


def _outranked(block: Block, section_blocks) -> str:
    if block.meta.section == "priorities":
        return "another block answered the same priority better"
    if block.meta.section not in section_blocks:
        return f"the outline has no {block.meta.section} section at this stage"
    if block.meta.section == "insight":  # one block per pain
        return ("answers none of the account's pains, or another block answers its pain better"
                if block.meta.applies_to.pains else "names no pain it answers")
    winner = section_blocks.get(block.meta.section, ())
    return f"{winner[0]} fits the {block.meta.section} section better" if winner else "not needed"


def judge_scenario(scenario: Scenario, account: Account, account_pains: tuple[str, ...]) -> Verdict:
    """Whether a scenario tells this account a 'someone like you' story, and how closely."""
    meta, data = scenario.meta, account.data
    if scenario.id in data.exclude.scenarios:
        return Verdict(False, 0, (), ("excluded by the account file",))
    rules = _Rules()
    if meta.review_by and meta.review_by < data.meeting.date:
        rules.failed.append(f"expired: review_by {meta.review_by} is before the meeting")
    rules.check(meta.industry == data.industry, SCENARIO_INDUSTRY, f"same industry ({meta.industry})",
                f"other industry ({meta.industry})")
    shared = [p for p in meta.pains if p in account_pains]
    rules.check(bool(shared), SCENARIO_PAIN * len(shared), f"same pains ({', '.join(shared)})",
                "none of the account's pains")
    rules.check(meta.persona in account.personas, SCENARIO_PERSONA,
                f"champion persona {meta.persona} is in the meeting", f"no {meta.persona} in the meeting")
    rules.check(meta.company_size == data.size, SCENARIO_SIZE, f"same size ({meta.company_size})",
                f"other size ({meta.company_size})")
    relevant = meta.industry == data.industry or bool(shared)  # persona or size alone is no story
    expired = any(f.startswith("expired") for f in rules.failed)
    if scenario.id in data.pin.scenarios:
        return Verdict(True, WEIGHT_PINNED + rules.score, ("pinned by the account file", *rules.matched),
                       tuple(rules.failed))
    return Verdict(relevant and not expired, rules.score if relevant and not expired else 0,
                   tuple(rules.matched), tuple(rules.failed))


def _choose_scenarios(judged: dict[str, Verdict], library: Library, pains, count: int):
    """The best story first, then each next one for the account's pains the stories before it do not tell yet (a
    second story of the same pain only when no other fits); ties go to the story of the account's earlier
    priority, then by id. `judged`: every scenario's verdict for the account."""
    shared = {sid: [p for p in library.scenarios[sid].meta.pains if p in pains] for sid in judged}
    rank = {pain: order for order, pain in enumerate(pains)}
    chosen: list[str] = []
    told: set[str] = set()
    left = [sid for sid, verdict in judged.items() if verdict.eligible]
    while left and len(chosen) < count:
        def order(sid):
            new = [p for p in shared[sid] if p not in told]
            return (-(judged[sid].score - SCENARIO_PAIN * (len(shared[sid]) - len(new))),
                    min((rank[p] for p in new), default=len(pains)), sid)
        best = min(left, key=order)
        chosen.append(best)
        told.update(shared[best])
        left.remove(best)

    def note(sid):
        retold = [p for p in shared[sid] if p in told]
        if retold and sid in left:
            return f"ranked below the {count} chosen, which already tell {', '.join(retold)}"
        return f"ranked below the {count} chosen"

    decisions = [
        Decision("scenario", sid, sid in chosen, v.score, v.matched, v.failed,
                 "scenarios" if sid in chosen else "",
                 (note(sid) if count else "the outline shows no scenarios at this stage")
                 if v.eligible and sid not in chosen else "")
        for sid, v in judged.items()
    ]
    return tuple(chosen), decisions


def _choose_capabilities(account: Account, library: Library, pains, limit: int = MAX_OFFERED):
    """The few capabilities of products not owned yet that answer the most of the account's pains."""
    adjacent = {p for owned in account.owned for p in library.products[owned].adjacent}
    tagged = {p.capability for p in account.data.priorities if p.capability}
    candidates, roadmap, verdicts = [], [], {}
    for order, (cap_id, (capability, product)) in enumerate(library.capabilities.items()):
        answered = [p for p in capability.answers if p in pains]
        met = (f"answers {', '.join(answered)}",) if answered else ()
        if product.id in account.owned:
            verdicts[cap_id] = Verdict(False, 0, met, (f"the account already owns {product.name}",))
        elif not answered:
            verdicts[cap_id] = Verdict(False, 0, (), ("answers none of the account's pains",))
        elif capability.maturity == "roadmap":
            verdicts[cap_id] = Verdict(False, 0, met,
                                       (f"roadmap ({capability.planned or 'no date'}): speaker notes only",))
            roadmap.append(cap_id)
        else:
            score = len(answered) + (product.id in adjacent) + (cap_id in tagged)
            extends = (f"{product.name} extends what the account owns",) if product.id in adjacent else ()
            verdicts[cap_id] = Verdict(True, score, met + extends)
            candidates.append((-score, order, cap_id))
    ranked = [cap_id for _, _, cap_id in sorted(candidates)]
    chosen: list[str] = []
    for pain in pains:  # first the best answer to each priority's pain, then the strongest of the rest
        best = next((c for c in ranked if c not in chosen and pain in library.capabilities[c][0].answers), None)
        if best and len(chosen) < limit:
            chosen.append(best)
    chosen.extend(c for c in ranked if c not in chosen)
    chosen = chosen[:limit]
    decisions = [
        Decision("capability", cap_id, cap_id in chosen, v.score, v.matched, v.failed,
                 "offering" if cap_id in chosen else "",
                 f"ranked below the {limit} offered" if v.eligible and cap_id not in chosen else "")
        for cap_id, v in verdicts.items()
    ]
    offered = tuple(cap_id for cap_id in library.capabilities if cap_id in chosen)  # catalog order reads best
    return offered, tuple(roadmap), decisions
