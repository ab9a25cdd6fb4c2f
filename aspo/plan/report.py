"""How the content library is used across all accounts: usage, content that plays no role, content gaps and expiry.

For marketing: what to retire or rework, what to write next, and what to review soon. It runs the same selection
as a build, so it reports what the decks would say today; it renders nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from aspo.core.errors import AspoError, Problem
from aspo.core.markdown_table import table
from aspo.library.account_paths import account_files
from aspo.library.content import Library
from aspo.plan.contention import NoRole, contention, played_no_role
from aspo.plan.plan import Plan, plan_account
from aspo.plan.selection import GAP_USED

NO_KNOWN_PAIN = "no known pain"
INDUSTRY_GAPS = "industries the library does not list"


@dataclass(frozen=True)
class Usage:
    """One block or scenario and the accounts (slugs, sorted) whose selection uses it."""

    kind: str  # "block" or "scenario"
    id: str
    owner: str | None
    accounts: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.accounts)


@dataclass(frozen=True)
class Gap:
    """An account priority that no approved block answers."""

    account: str  # slug
    name: str  # the account's name
    priority: int  # 1-based, as the rep counts
    text: str
    why: str = ""  # how close the words came to a pain, for gaps no pain was recognised in


@dataclass(frozen=True)
class GapGroup:
    """Content gaps that share the pains recognised in them, or, where none was, the closest pain: marketing
    adds an example or a keyword to that pain, or writes a block for it."""

    pains: tuple[str, ...]
    gaps: tuple[Gap, ...]
    recognised: bool = True  # False: `pains` holds the closest pain, which the words did not reach
    industries: bool = False  # accounts in industries the library does not list

    @property
    def label(self) -> str:
        if self.industries:
            return INDUSTRY_GAPS
        if not self.pains:
            return NO_KNOWN_PAIN
        return ", ".join(self.pains) if self.recognised else f"closest to {self.pains[0]} (not recognised)"


@dataclass(frozen=True)
class Expiry:
    """A block or scenario whose review_by date has passed or falls within the horizon."""

    kind: str
    id: str
    owner: str | None
    review_by: dt.date
    expired: bool  # review_by is before today
    accounts: tuple[str, ...]  # who uses it now


@dataclass(frozen=True)
class Report:
    """The library's use across a set of accounts, as of one day."""

    today: dt.date
    horizon_days: int
    accounts: tuple[str, ...]  # slugs, sorted
    blocks: tuple[Usage, ...]  # every block: most used first, then by id
    scenarios: tuple[Usage, ...]  # every scenario, likewise
    gaps: tuple[GapGroup, ...]  # largest group first
    expiring: tuple[Expiry, ...]  # soonest first; expired ones lead
    #: priorities left unanswered although content for their pain exists: it answers other priorities of the
    #: account already. Not content gaps: marketing need not write what exists.
    used_up: tuple[Gap, ...] = ()
    #: content no account uses: never eligible, always outranked, or excluded by reps (three different fixes)
    no_role: NoRole = NoRole((), (), ())
    notes: dict[str, str | None] = field(default_factory=dict)  # each excluding account's notes, for the reason

    @functools.cached_property
    def owners(self) -> dict[str, str | None]:
        """'block/<id>' or 'scenario/<id>' -> its owner, for the content listed by id."""
        return {f"{u.kind}/{u.id}": u.owner for u in self.blocks + self.scenarios}


def load_accounts(folder: Path, library: Library) -> tuple[list[Plan], list[Problem]]:
    """The plan of every account file in a folder that loads, and the problems of those that do not."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AspoError.at(folder, None, None, "accounts folder not found (use --accounts to point at it)")
    plans, problems = [], []
    for path in account_files([folder]):
        try:
            plans.append(plan_account(path, library))
        except AspoError as exc:  # one bad account must not hide the others from the report
            problems.extend(exc.problems)
    return plans, problems


def usage_report(library: Library, plans: list[Plan], today: dt.date, horizon_days: int = 60) -> Report:
    """Counts what every account's plan (as a build makes it) uses, misses and has expiring."""
    plans = sorted(plans, key=lambda plan: plan.account.slug)
    block_users: dict[str, list[str]] = {block_id: [] for block_id in library.blocks}
    scenario_users: dict[str, list[str]] = {scenario_id: [] for scenario_id in library.scenarios}
    groups: dict[tuple[str, ...], list[Gap]] = {}
    used_up: list[Gap] = []
    for plan in plans:
        account, selection = plan.account, plan.selection
        for block_id in selection.used_blocks:
            block_users[block_id].append(account.slug)
        for scenario_id in selection.used_scenarios:
            scenario_users[scenario_id].append(account.slug)
        if not account.industry_known(library):
            groups.setdefault(INDUSTRY_GAPS, []).append(
                Gap(account.slug, account.data.name, 0, f"Industry: {account.data.industry}",
                    account.industry_gap(library)))
        for match in selection.priorities:
            if match.gap == GAP_USED:
                used_up.append(Gap(account.slug, account.data.name, match.index, match.text, match.reason))
            elif not match.answered:
                if match.pains:
                    key, why = (tuple(sorted(match.pains)), True), ""
                else:  # grouped by the pain the words came closest to, for marketing to extend
                    closest = match.recognition.best
                    key = ((closest.pain,) if closest else (), False)
                    why = match.recognition.closest() if closest else ""
                groups.setdefault(key, []).append(Gap(account.slug, account.data.name, match.index, match.text, why))

    blocks = _ranked("block", block_users, {b.id: b.meta.owner for b in library.blocks.values()})
    scenarios = _ranked("scenario", scenario_users, {s.id: s.meta.owner for s in library.scenarios.values()})
    gaps = sorted((GapGroup((), tuple(items), industries=True) if key == INDUSTRY_GAPS else
                   GapGroup(key[0], tuple(items), key[1]) for key, items in groups.items()),
                  key=lambda g: (-len(g.gaps), g.label))

    horizon = today + dt.timedelta(days=horizon_days)
    review_by = {("block", b.id): b.meta.review_by for b in library.blocks.values()}
    review_by.update({("scenario", s.id): s.meta.review_by for s in library.scenarios.values()})
    expiring = sorted(
        (Expiry(u.kind, u.id, u.owner, date, date < today, u.accounts)
         for u in blocks + scenarios if (date := review_by[u.kind, u.id]) is not None and date <= horizon),
        key=lambda e: (e.review_by, e.kind, e.id),
    )
    contended = [(plan.account.slug, contention(plan)) for plan in plans]
    items = [f"{u.kind}/{u.id}" for u in blocks + scenarios]
    no_role = played_no_role(((slug, c.shown, c.outranked, c.excluded) for slug, c in contended), items)
    notes = {plan.account.slug: plan.account.data.notes for plan in plans}
    return Report(today, horizon_days, tuple(plan.account.slug for plan in plans), blocks, scenarios, tuple(gaps),
                  tuple(expiring), tuple(used_up), no_role, notes)


def _ranked(kind: str, users: dict[str, list[str]], owners: dict[str, str | None]) -> tuple[Usage, ...]:
    usages = (Usage(kind, item_id, owners[item_id], tuple(sorted(slugs))) for item_id, slugs in users.items())
    return tuple(sorted(usages, key=lambda u: (-u.count, u.id)))


# --- output ------------------------------------------------------------------------------


def _status(item: Expiry, today: dt.date) -> str:
    days = (item.review_by - today).days
    if item.expired:
        return f"expired {-days} day{'s' if days != -1 else ''} ago"
    return "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"


def as_markdown(report: Report) -> str:
    """The report for people: headings and tables, the same text for the same inputs."""
    horizon = report.today + dt.timedelta(days=report.horizon_days)
    role = report.no_role
    gap_count = sum(len(group.gaps) for group in report.gaps)
    lines = [
        "# Content usage report",
        "",
        f"As of {report.today.isoformat()}, across {len(report.accounts)} account"
        f"{'s' if len(report.accounts) != 1 else ''}: {', '.join(report.accounts) or 'none'}.",
        "",
        f"- {sum(1 for u in report.blocks if u.count)} of {len(report.blocks)} blocks and "
        f"{sum(1 for u in report.scenarios if u.count)} of {len(report.scenarios)} scenarios used",
        f"- {len(role.never_eligible) + len(role.outranked) + len(role.excluded)} used by no account: "
        f"{len(role.never_eligible)} never eligible, {len(role.outranked)} always outranked, {len(role.excluded)} "
        "excluded by reps",
        f"- {gap_count} content gap{'s' if gap_count != 1 else ''} (priorities no approved content answers)",
        f"- {len(report.used_up)} more unanswered although content exists (it already answers other priorities "
        "of the account)",
        f"- {len(report.expiring)} expired or due for review by {horizon.isoformat()}",
    ]
    for title, usages in (("Blocks used", report.blocks), ("Scenarios used", report.scenarios)):
        lines += ["", f"## {title}", ""]
        lines += table(("id", "count", "accounts", "owner"),
                        [(f"`{u.id}`", str(u.count), ", ".join(u.accounts), u.owner or "") for u in usages if u.count])
    lines += ["", "## Used by no account", "",
              "Three different things: content no account fits (retire it, or widen its rules), content that fits "
              "and always loses to something better (rework or retire it), and content reps keep out (read why).", "",
              "### Never eligible", "", "No account fits its rules.", ""]
    lines += table(("kind", "id", "owner"), [(*_kind_id(item), report.owners.get(item) or "")
                                              for item in role.never_eligible])
    lines += ["", "### Eligible but always outranked", "", "It fits, and something else is shown instead.", ""]
    lines += table(("kind", "id", "owner", "fits", "shown instead"),
                    [(*_kind_id(item), report.owners.get(item) or "", f"{count} account{'s' if count != 1 else ''}",
                      ", ".join(f"`{winner.partition('/')[2]}` ({times})" for winner, times in won))
                     for item, count, won in role.outranked])
    lines += ["", "### Excluded by reps", ""]
    lines += table(("kind", "id", "owner", "account", "rep's notes"),
                    [(*_kind_id(item), report.owners.get(item) or "", slug, " ".join((report.notes.get(slug) or
                                                                                      "").split()))
                     for item, slugs in role.excluded for slug in slugs])
    lines += ["", "## Content gaps", "",
              "Account priorities no approved content answers, grouped by the pains recognised in them, or by the pain "
              "their words came closest to: add an example or keyword to that pain in `pains.yaml`, or write a "
              "block for it.", ""]
    if not report.gaps:
        lines.append("None.")
    for group in report.gaps:
        lines += [f"### {group.label} ({len(group.gaps)})", ""]
        lines += table(("account", "priority", "in their words", "matching"),
                        [(f"{gap.name} ({gap.account})", str(gap.priority or ""), gap.text, gap.why)
                         for gap in group.gaps])
        lines.append("")
    if report.gaps:
        lines.pop()
    lines += ["", "## Content that exists but is used up", "",
              "Priorities whose pain has approved content that already answers other priorities of the same account. "
              "Not gaps: a second block for the pain would give each its own slide.", ""]
    lines += table(("account", "priority", "in their words", "why"),
                    [(f"{gap.name} ({gap.account})", str(gap.priority), gap.text, gap.why) for gap in report.used_up])
    lines += ["", f"## Expired or due for review by {horizon.isoformat()} ({report.horizon_days} days)", ""]
    lines += table(("kind", "id", "review by", "status", "owner", "used by"),
                    [(e.kind, f"`{e.id}`", e.review_by.isoformat(), _status(e, report.today), e.owner or "",
                      ", ".join(e.accounts)) for e in report.expiring])
    return "\n".join(lines) + "\n"


def _kind_id(item: str) -> tuple[str, str]:
    kind, _, item_id = item.partition("/")
    return kind, f"`{item_id}`"


def _item_json(item: str, report: Report) -> dict:
    kind, _, item_id = item.partition("/")
    return {"kind": kind, "id": item_id, "owner": report.owners.get(item)}


def as_json(report: Report) -> str:
    """The report for tools: sorted keys, indented, lists in the report's order."""

    def usage(u: Usage) -> dict:
        return {"kind": u.kind, "id": u.id, "owner": u.owner, "count": u.count, "accounts": list(u.accounts)}

    payload = {
        "today": report.today.isoformat(),
        "horizon_days": report.horizon_days,
        "accounts": list(report.accounts),
        "blocks": [usage(u) for u in report.blocks],
        "scenarios": [usage(u) for u in report.scenarios],
        "no_role": {
            "never_eligible": [_item_json(item, report) for item in report.no_role.never_eligible],
            "outranked": [{**_item_json(item, report), "fits": count,
                           "shown_instead": [{"id": winner, "times": times} for winner, times in won]}
                          for item, count, won in report.no_role.outranked],
            "excluded": [{**_item_json(item, report),
                          "accounts": [{"account": slug, "notes": report.notes.get(slug)} for slug in slugs]}
                         for item, slugs in report.no_role.excluded],
        },
        "gaps": [
            {"pains": list(group.pains), "label": group.label, "recognised": group.recognised,
             "gaps": [{"account": g.account, "name": g.name, "priority": g.priority, "text": g.text,
                       "matching": g.why} for g in group.gaps]}
            for group in report.gaps
        ],
        "used_up": [{"account": g.account, "name": g.name, "priority": g.priority, "text": g.text, "why": g.why}
                    for g in report.used_up],
        "expiring": [
            {"kind": e.kind, "id": e.id, "owner": e.owner, "review_by": e.review_by.isoformat(),
             "expired": e.expired, "accounts": list(e.accounts)}
            for e in report.expiring
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
