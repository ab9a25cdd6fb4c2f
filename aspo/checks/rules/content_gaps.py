"""C701, C703: what an account asks for that the library has no content for: a priority, an industry."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem
from aspo.plan.selection import GAP_USED

CONTENT_GAP = "C701"
UNKNOWN_INDUSTRY = "C703"


@check_rule(CONTENT_GAP, "content-gap", "warning",
            "An account priority nothing answers: no approved content for its pain, or the content for it already "
            "answers other priorities.", scope="accounts")
def content_gap(context: Context) -> Iterator[Problem]:
    """Each priority the account's selection found no block or scenario for, as `aspo build` selects; content that
    exists but is used up is told apart from content that does not exist."""
    for plan in context.planned:
        for match in plan.selection.priorities:
            if not match.answered:
                kind = "content used up" if match.gap == GAP_USED else "content gap"
                yield plan.account.doc.problem(("priorities", match.index - 1, "text"),
                                               f"{kind}: {match.reason} (\u201c{match.text}\u201d)", CONTENT_GAP)


@check_rule(UNKNOWN_INDUSTRY, "unknown-industry", "warning",
            "An account in an industry the library does not list yet: it is built with industry-neutral content.",
            scope="accounts")
def unknown_industry(context: Context) -> Iterator[Problem]:
    for plan in context.planned:
        account = plan.account
        if not account.industry_known(context.library):
            yield account.doc.problem(("industry",), f"content gap: {account.industry_gap(context.library)}",
                                      UNKNOWN_INDUSTRY)
