"""Choosing blocks, scenarios and capabilities for one account: pure functions that record why."""

from __future__ import annotations

from dataclasses import dataclass, replace

from aspo.library.account import Account
from aspo.library.content import Block, Library, Scenario
from aspo.library.matching import Recognition

#: How much each kind of fit weighs when ranking candidates; specific beats generic.
WEIGHT_PAIN = 3
WEIGHT_INDUSTRY = 2
WEIGHT_PERSONA = 1
WEIGHT_STAGE = 1
WEIGHT_COMPETITOR = 1
WEIGHT_OWNED = 2
WEIGHT_PINNED = 100
SCENARIO_INDUSTRY = 4
SCENARIO_PAIN = 2
SCENARIO_PERSONA = 1
SCENARIO_SIZE = 1
#: The outline sections filled with the best-fitting blocks of their `section` (priorities are answered one by
#: one instead); the outline of the account's stage says which of them it gets.
FILLED_BY_BLOCKS = ("situation", "insight", "offering", "rollout", "terms", "references", "next-steps")
#: A point offering stays focused: at most this many capabilities.
MAX_OFFERED = 4


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
    """One account priority: the pains it reveals and the block that answers it, if any."""

    index: int  # 1-based, as a rep counts
    text: str
    pains: tuple[str, ...]
    pain_reasons: tuple[str, ...]
    block: str | None
    reason: str
    recognition: Recognition  # what the words alone point to, tagged or not

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
        """For an unanswered priority, what the rep sees after a build; '' when a block answers it."""
        if self.block:
            return ""
        if self.pains:
            return f"no approved content answers this yet (pain: {', '.join(self.pains)}); tell marketing"
        return (f"no approved content answers this yet ({self.recognition.closest()}); "
                "tag it with pain: or tell marketing")


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
    def used_blocks(self) -> tuple[str, ...]:
        """Every block this account's outputs use, sorted: answers to priorities and section blocks."""
        used = {m.block for m in self.priorities if m.block} if self.shows_priorities else set()
        used.update(b for blocks in self.section_blocks.values() for b in blocks)
        return tuple(sorted(used))

    def reason_for(self, kind: str, item_id: str) -> str:
        for decision in self.decisions:
            if decision.kind == kind and decision.id == item_id:
                return "; ".join(decision.matched)
        return ""


def select(account: Account, library: Library) -> Selection:
    """Chooses and orders everything for one account: the one plan every command reads. Same inputs, same
    answer."""
    priorities = _match_pains(account, library)
    account_pains = tuple(dict.fromkeys(p for m in priorities for p in m.pains))
    judged = {block.id: judge_block(block, account, account_pains) for block in library.blocks.values()}

    decisions: list[Decision] = []
    used: set[str] = set()
    matches = []
    for match in priorities:
        block_id, reason = _answer(match, library, judged, used, account)
        if block_id:
            used.add(block_id)
        matches.append(PriorityMatch(match.index, match.text, match.pains, match.pain_reasons, block_id, reason,
                                     match.recognition))

    section_blocks: dict[str, tuple[str, ...]] = {}
    pinned_extra = tuple(
        b for b in account.data.pin.blocks
        if b not in used and library.blocks[b].meta.section == "priorities"
    )
    used.update(pinned_extra)
    section_blocks["priorities"] = pinned_extra
    stage_outline = [section for _, section in library.outline_at(account.data.stage)]
    for section in dict.fromkeys(s.kind for s in stage_outline if s.kind in FILLED_BY_BLOCKS):
        ranked = sorted(
            (b for b, v in judged.items() if v.eligible and library.blocks[b].meta.section == section),
            key=lambda b: (-judged[b].score, b),
        )
        chosen = _per_pain(ranked, library, account_pains) if section == "insight" else tuple(ranked[:1])
        section_blocks[section] = chosen
        used.update(chosen)

    for block_id, verdict in judged.items():
        where = next((f"priority {m.index}" for m in matches if m.block == block_id),
                     library.blocks[block_id].meta.section)
        chosen = block_id in used
        note = _outranked(library.blocks[block_id], section_blocks) if verdict.eligible and not chosen else ""
        decisions.append(Decision("block", block_id, chosen, verdict.score, verdict.matched, verdict.failed,
                                  where if chosen else "", note))

    shown = {kind: max((s.count for s in stage_outline if s.kind == kind), default=0)
             for kind in ("scenarios", "references")}
    scenario_ids, scenario_decisions = _choose_scenarios(account, library, account_pains, shown["scenarios"])
    references = _choose_references(account, library, account_pains, shown["references"])
    capability_ids, roadmap_ids, capability_decisions = _choose_capabilities(account, library, account_pains)
    if not any(s.kind == "offering" for s in stage_outline):  # no offering at this stage: nothing to offer
        capability_ids, roadmap_ids = (), ()
        capability_decisions = [replace(d, chosen=False, where="", note="the outline has no offering at this stage")
                                if d.chosen else d for d in capability_decisions]
    decisions.extend(scenario_decisions)
    decisions.extend(capability_decisions)
    return Selection(
        priorities=tuple(matches),
        section_blocks=section_blocks,
        scenarios=scenario_ids,
        capabilities=capability_ids,
        roadmap=roadmap_ids,
        decisions=tuple(decisions),
        references=references,
        shows_priorities=any(s.kind == "priorities" for s in stage_outline),
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


def _choose_references(account: Account, library: Library, pains, count: int) -> tuple[str, ...]:
    """The scenarios, ranked as for the scenarios section, whose customers agreed to take reference calls."""
    judged = {s.id: judge_scenario(s, account, pains) for s in library.scenarios.values()
              if s.meta.customer.reference}
    ranked = sorted((sid for sid, v in judged.items() if v.eligible), key=lambda sid: (-judged[sid].score, sid))
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


def _answer(match: PriorityMatch, library: Library, judged, used: set[str], account: Account) -> tuple[str | None, str]:
    if not match.pains:
        return None, f"no known pain recognised in the priority's words ({match.recognition.closest()})"
    tagged_capability = account.data.priorities[match.index - 1].capability
    candidates = []
    for block_id, verdict in judged.items():
        block = library.blocks[block_id]
        if not verdict.eligible or block_id in used or block.meta.section != "priorities":
            continue
        overlap = [p for p in block.meta.applies_to.pains if p in match.pains]
        if not overlap:
            continue
        bonus = 2 if tagged_capability and tagged_capability in block.meta.capabilities else 0
        candidates.append((-(verdict.score + WEIGHT_PAIN * len(overlap) + bonus), block_id, overlap))
    if not candidates:
        return None, f"no approved block answers {', '.join(match.pains)} for this account"
    _, block_id, overlap = min(candidates)
    pinned = "pinned by the account file; " if block_id in account.data.pin.blocks else ""
    return block_id, f"{pinned}answers {', '.join(overlap)} (priority {match.index}: {match.pain_reasons[0]})"


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


def _choose_scenarios(account: Account, library: Library, pains, count: int):
    judged = {s.id: judge_scenario(s, account, pains) for s in library.scenarios.values()}
    ranked = sorted((sid for sid, v in judged.items() if v.eligible), key=lambda sid: (-judged[sid].score, sid))
    chosen = tuple(ranked[:count])
    decisions = [
        Decision("scenario", sid, sid in chosen, v.score, v.matched, v.failed,
                 "scenarios" if sid in chosen else "",
                 (f"ranked below the {count} chosen" if count else "the outline shows no scenarios at this stage")
                 if v.eligible and sid not in chosen else "")
        for sid, v in judged.items()
    ]
    return chosen, decisions


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
