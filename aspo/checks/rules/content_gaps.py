"""C701, C703: what an account asks for that the library has no content for: a priority, an industry."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem

CONTENT_GAP = "C701"
UNKNOWN_INDUSTRY = "C703"


@check_rule(CONTENT_GAP, "content-gap", "warning", "An account priority no approved block answers.",
            scope="accounts")
def content_gap(context: Context) -> Iterator[Problem]:
    """Each priority the account's selection found no block for, as `aspo build` selects."""
    for plan in context.planned:
        for match in plan.selection.priorities:
            if match.block is None:
                yield plan.account.doc.problem(("priorities", match.index - 1, "text"),
                                               f"content gap: {match.reason} (\u201c{match.text}\u201d)", CONTENT_GAP)


@check_rule(UNKNOWN_INDUSTRY, "unknown-industry", "warning",
            "An account in an industry the library does not list yet: it is built with industry-neutral content.",
            scope="accounts")
def unknown_industry(context: Context) -> Iterator[Problem]:
    for plan in context.planned:
        account = plan.account
        if not account.industry_known(context.library):
            yield account.doc.problem(("industry",), f"content gap: {account.industry_gap(context.library)}",
                                      UNKNOWN_INDUSTRY)
