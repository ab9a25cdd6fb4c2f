"""C101–C104: every block and scenario has an owner who answers for it and a review_by date it is reviewed by."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator

from pydantic import Field

from aspo.checks.rule import Context, RuleOptions, check_rule
from aspo.core.errors import Problem

if TYPE_CHECKING:
    from aspo.library.content import Block, Scenario

REVIEW_EXPIRED = "C101"
REVIEW_SOON = "C102"
NO_OWNER = "C103"
NO_REVIEW_DATE = "C104"


def _reviewed(context: Context) -> Iterator[tuple[Block | Scenario, str]]:
    """Every block, then every scenario, with its kind as a message names it."""
    for block in context.library.blocks.values():
        yield block, "block"
    for scenario in context.library.scenarios.values():
        yield scenario, "scenario"


@check_rule(REVIEW_EXPIRED, "review-expired", "error", "A block or scenario is past its review_by date.",
            worst=lambda days: f"{days:.0f} days ago")
def review_expired(context: Context) -> Iterator[Problem]:
    for item, kind in _reviewed(context):
        review_by = item.meta.review_by
        if review_by is not None and review_by < context.today:
            yield item.doc.problem(("review_by",), f"review_by {review_by} has passed: review the {kind}, then move "
                                                   "the date; builds no longer use it", REVIEW_EXPIRED
                                   )._replace(measure=(context.today - review_by).days)


class ReviewSoon(RuleOptions):
    days: int = Field(30, ge=1, description="warn this many days before review_by.")


@check_rule(REVIEW_SOON, "review-soon", "warning",
            "A block or scenario reaches its review_by date soon (days: 30).",
            options=ReviewSoon, worst=lambda days: f"in {-days:.0f} days")
def review_soon(context: Context, options: ReviewSoon) -> Iterator[Problem]:
    for item, _ in _reviewed(context):
        review_by = item.meta.review_by
        if review_by is not None and context.today <= review_by <= context.today + dt.timedelta(days=options.days):
            days = (review_by - context.today).days
            yield item.doc.problem(("review_by",), f"review_by {review_by} is in {days} days", REVIEW_SOON
                                   )._replace(measure=-days)


@check_rule(NO_OWNER, "no-owner", "warning", "A block or scenario has no owner to answer for it.")
def no_owner(context: Context) -> Iterator[Problem]:
    for item, kind in _reviewed(context):
        if not item.meta.owner:
            yield item.doc.problem(("id",), f"{kind} has no owner; add owner: with who answers for it", NO_OWNER)


@check_rule(NO_REVIEW_DATE, "no-review-date", "warning", "A block or scenario has no review_by date.")
def no_review_date(context: Context) -> Iterator[Problem]:
    for item, kind in _reviewed(context):
        if item.meta.review_by is None:
            yield item.doc.problem(("id",), f"{kind} has no review_by date", NO_REVIEW_DATE)
