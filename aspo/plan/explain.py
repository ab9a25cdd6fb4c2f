"""Why each block, scenario and capability was or was not chosen for an account, for people and tools."""

from __future__ import annotations

import json

from aspo.library.account import Account
from aspo.library.content import Library
from aspo.library.matching import Recognition
from aspo.plan.selection import GAP_USED, Decision, Selection

KIND_TITLES = {"block": "Blocks", "scenario": "Scenarios", "capability": "Capabilities"}


def _verdict(decision: Decision) -> str:
    if decision.chosen:
        return f"CHOSEN for {decision.where}" if decision.where else "CHOSEN"
    if decision.note:
        return f"not used: {decision.note}"
    return "ruled out"


def as_text(account: Account, library: Library, selection: Selection) -> str:
    data = account.data
    attendees = ", ".join(f"{a.name} ({a.persona})" for a in data.meeting.attendees)
    lines = [
        f"{data.name} ({account.path.as_posix()}): {data.industry}, {data.size}, stage {data.stage}",
        f"attendees: {attendees}",
        f"owns: {', '.join(data.owns) or 'nothing yet'}",
        "",
        "Priorities",
    ]
    for match in selection.priorities:
        lines.append(f"  {match.index}. \u201c{match.text}\u201d")
        lines.append(f"     pains: {'; '.join(match.pain_reasons) or 'none recognised'}")
        lines.append(f"     words: {match.recognition.explain()}")
        if match.words_disagree:
            lines.append(f"     NOTE: {match.words_disagree}; check the tag")
        if match.shares_with:
            lines.append(f"     answered by block {match.block}, on the slide of priority {match.shares_with}: "
                         f"{match.reason}")
        elif match.block:
            lines.append(f"     answered by block {match.block}: {match.reason}")
        elif match.scenario:
            lines.append(f"     answered by scenario {match.scenario}: {match.reason}")
        elif match.gap == GAP_USED:
            lines.append(f"     CONTENT USED UP: {match.reason}")
        else:
            lines.append(f"     CONTENT GAP: {match.reason}")
    for kind, title in KIND_TITLES.items():
        decisions = [d for d in selection.decisions if d.kind == kind]
        chosen = sum(d.chosen for d in decisions)
        lines += ["", f"{title} ({len(decisions)} considered, {chosen} chosen)"]
        # chosen first, then the near misses, then the ruled out; each group best fit first
        for decision in sorted(decisions, key=lambda d: (not d.chosen, not d.note, -d.score, d.id)):
            lines.append(f"  {decision.id}: {_verdict(decision)} (score {decision.score})")
            lines += [f"      + {reason}" for reason in decision.matched]
            lines += [f"      - {reason}" for reason in decision.failed]
    return "\n".join(lines) + "\n"


def as_json(account: Account, selection: Selection) -> str:
    payload = {
        "account": account.path.as_posix(),
        "name": account.data.name,
        "priorities": [
            {"index": m.index, "text": m.text, "pains": list(m.pains), "pain_reasons": list(m.pain_reasons),
             "block": m.block, "shares_with": m.shares_with, "scenario": m.scenario, "gap": m.gap or None,
             "reason": m.reason, "words": recognition_json(m.recognition),
             "words_disagree": m.words_disagree or None}
            for m in selection.priorities
        ],
        "decisions": [
            {"kind": d.kind, "id": d.id, "chosen": d.chosen, "score": d.score, "where": d.where,
             "matched": list(d.matched), "failed": list(d.failed), "note": d.note}
            for d in selection.decisions
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def recognition_json(recognition: Recognition) -> dict:
    return {
        "recognised": list(recognition.pains),
        "threshold": recognition.threshold,
        "explanation": recognition.explain(),
        "ranked": [{"pain": p.pain, "confidence": p.confidence, "stands_alone": p.supported,
                    "evidence": list(p.evidence)} for p in recognition.ranked[:3]],
    }
