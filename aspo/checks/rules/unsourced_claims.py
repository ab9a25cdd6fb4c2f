"""C401: quantified claims in blocks with a scenario result or a listed source behind them."""

from __future__ import annotations

import re
from typing import Iterator

from aspo.checks.file_text import problem_at
from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem

UNSOURCED_CLAIM = "C401"
CLAIM = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(%|percent\b|x\b|times\b)", re.IGNORECASE)


@check_rule(UNSOURCED_CLAIM, "unsourced-claim", "warning",
            "A quantified claim (37%, 3x) with no scenario result or listed source behind it.")
def unsourced_claim(context: Context) -> Iterator[Problem]:
    """Each number with a unit of share or factor in the title or body of a block that lists no sources:, unless a
    scenario's results hold that number."""
    results = " ".join(r.value or f"from {r.before:g} to {r.after:g} {r.unit or ''}"
                       for s in context.library.scenarios.values() for r in s.meta.results)
    for block in context.library.blocks.values():
        if block.meta.sources:
            continue
        text, shown = context.shown(block)
        for match in (m for start, end in shown for m in CLAIM.finditer(text.text, start, end)):
            if match.group(1) not in results:
                yield problem_at(block.path, text.position(match.start()),
                                 f"quantified claim '{match.group(0)}' has no source; list the scenario "
                                 "or document behind it under sources:", UNSOURCED_CLAIM)
