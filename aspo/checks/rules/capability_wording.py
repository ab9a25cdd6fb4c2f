"""C301, C302: limited capabilities named with their nuance, roadmap ones never where the prospect reads them."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.file_text import phrase, problem_at
from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem

LIMITED_WITHOUT_NUANCE = "C301"
ROADMAP_AS_AVAILABLE = "C302"


@check_rule(LIMITED_WITHOUT_NUANCE, "limited-without-nuance", "error",
            "A limited capability is named without its nuance; use {{ capability('id') }}.")
def limited_without_nuance(context: Context) -> Iterator[Problem]:
    """A limited capability's name in a block's title or body, where the block never calls capability('id')."""
    for block in context.library.blocks.values():
        text, shown = context.shown(block)
        for cap_id, (capability, _) in context.library.capabilities.items():
            if capability.maturity != "limited":
                continue
            where = text.find(phrase(capability.name), shown)
            if where and f"capability('{cap_id}')" not in text.text.replace('"', "'"):
                yield problem_at(block.path, where, f"names limited capability '{capability.name}' without its "
                                 f"nuance; use {{{{ capability('{cap_id}') }}}}", LIMITED_WITHOUT_NUANCE)


@check_rule(ROADMAP_AS_AVAILABLE, "roadmap-as-available", "error",
            "A roadmap capability is named in slide or document text.")
def roadmap_as_available(context: Context) -> Iterator[Problem]:
    """A roadmap capability's name in a block's title or body (speaker notes may name it), or anywhere in a
    scenario, which tells what a customer runs."""
    roadmap = [capability for capability, _ in context.library.capabilities.values()
               if capability.maturity == "roadmap"]
    for block in context.library.blocks.values():
        text, shown = context.shown(block)
        for capability in roadmap:
            where = text.find(phrase(capability.name), shown)
            if where:
                yield problem_at(block.path, where,
                                 f"names roadmap capability '{capability.name}' (planned "
                                 f"{capability.planned or 'no date'}) where the prospect reads it; "
                                 "roadmap belongs in speaker notes only", ROADMAP_AS_AVAILABLE)
    for scenario in context.library.scenarios.values():
        text = context.text(scenario.path)
        for capability in roadmap:
            where = text.find(phrase(capability.name), [(0, len(text.text))])
            if where:
                yield problem_at(scenario.path, where,
                                 f"names roadmap capability '{capability.name}'; no customer runs it yet",
                                 ROADMAP_AS_AVAILABLE)
