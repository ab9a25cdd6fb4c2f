"""`aspo log`: a stage entered, a deck presented or an outcome, appended to the account's history."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Iterable

from aspo.build.manifest import MANIFEST, load_manifest, sources_in
from aspo.core.clock import source_date_epoch
from aspo.core.errors import AspoError, display_path, unknown_id
from aspo.core.yamlfile import unprintable
from aspo.library.content import Library
from aspo.library.history import (
    OUTCOMES,
    Gap,
    OutcomeRecorded,
    Presented,
    StageEntered,
    append_events,
    history_path,
    load_history,
)
from aspo.library.protected import refuse_library
from aspo.plan.contention import contention, unanswered
from aspo.plan.plan import Plan, plan_account
from aspo.render.formats import is_customer_file

#: What `aspo log ACCOUNT WHAT` records.
WHATS = ("presented", "stage", "outcome")


def log_event(account_path: Path, what: str, value: str | None, library: Library, history: Path, output: Path,
              on: dt.date | None, reason: str | None, today: dt.date) -> tuple[Path, str]:
    """Checks one event against the account, its outputs and its history, then appends it. Returns the history
    file and the event as written. Nothing is written when anything is wrong."""
    if what not in WHATS:
        raise AspoError.option("WHAT", unknown_id("event", what, WHATS))
    refuse_library(history, library.root, "--history")
    refused = unprintable(" ".join(reason.split()), "the reason") if reason is not None else None  # lines join
    if refused:  # else the history could not be read back, nor take another event
        raise AspoError.option("--reason", refused)
    plan = plan_account(account_path, library, source_date_epoch())
    account = plan.account
    meeting = account.data.meeting.date
    on = on or (meeting if what == "presented" and meeting <= today else today)  # the deck was for that meeting
    if on > today:
        raise AspoError.option("--on", f"{on.isoformat()} is in the future; an event is logged once it happened")
    path = history_path(history, account.slug)
    first = load_history(path, library.stages).first_day if path.exists() else None
    if first and on < first:
        raise AspoError.option("--on", f"{on.isoformat()} is before the account's first event ({first.isoformat()} "
                               f"in {display_path(path)}); a stage history from the CRM backfills older dates "
                               "(aspo import --stage-history)")
    opportunity = account.data.opportunity
    if what == "presented":
        if value is not None:
            raise AspoError.option("VALUE", "presented takes no value; the stage is the account's")
        event = _presented(plan, output, on)
    elif what == "stage":
        if value not in library.stages:
            raise AspoError.option("STAGE", unknown_id("stage", value or "", library.stages) if value else
                                   f"name the stage entered ({', '.join(library.stages)})")
        event = StageEntered(event="stage", date=on, stage=value, source="rep", opportunity=opportunity)
    else:
        if value not in OUTCOMES:
            raise AspoError.option("OUTCOME", unknown_id("outcome", value or "", OUTCOMES) if value else
                                   f"name the outcome ({', '.join(OUTCOMES)})")
        event = OutcomeRecorded(event="outcome", date=on, outcome=value, source="rep", reason=reason,
                                opportunity=opportunity)
    if reason is not None and what != "outcome":
        raise AspoError.option("--reason", "a reason goes with an outcome")
    written = append_events(history, account.slug, account.data.name, [event], library.stages)
    return written, _said(event)


def _presented(plan: Plan, output: Path, on: dt.date) -> Presented:
    """The deck as built, from its manifest, refused when the account or the library changed since."""
    account = plan.account
    manifest_path = Path(output) / account.slug / MANIFEST
    build = f"aspo build {display_path(account.path)}"
    if not os.path.lexists(manifest_path):
        raise AspoError.at(manifest_path, None, None, f"no build of {account.slug} to log as presented; run {build} "
                           "and present what it makes")
    manifest = load_manifest(manifest_path)  # within bounds: a named pipe or a 3 GB file there is one line
    if manifest.get("input_key") != plan.key:
        raise AspoError.at(manifest_path, None, None, f"the outputs are older than {display_path(account.path)} or "
                           f"the library; run {build}, then log what was presented")
    content = {f"{kind}/{item}": digest for (kind, item), digest in sources_in(manifest).items() if digest}
    outputs = manifest.get("outputs")
    outputs = outputs if isinstance(outputs, dict) else {}  # a manifest of another version of aspo may lack them
    files = [name for name in outputs if is_customer_file(name)]
    return presented_event(plan, on, content, files)


def presented_event(plan: Plan, on: dt.date, content: dict[str, str], files: Iterable[str] = ()) -> Presented:
    """A presented event for a plan: the content shown ('block/<id>' -> content hash), the customer's files of
    the build by name, and, from the plan, who it was presented to, what was pinned, excluded and outranked, what
    no content answered, and the next step proposed."""
    data = plan.account.data
    contended = contention(plan)
    return Presented(
        event="presented", date=on, stage=data.stage, key=plan.key, rep=data.rep.email,
        to=[attendee.name for attendee in data.meeting.attendees], content=dict(sorted(content.items())),
        files=sorted(files), pinned=list(contended.pinned), excluded=list(contended.excluded),
        outranked={item: list(winners) for item, winners in contended.outranked.items()},
        gaps=[Gap(kind=kind, text=text, about=about) for kind, text, about in unanswered(plan)],
        next_step=data.next_step.action, next_step_by=data.next_step.by, opportunity=data.opportunity,
    )


def _said(event) -> str:
    if isinstance(event, Presented):
        return f"presented on {event.date.isoformat()} at {event.stage}: {len(event.content)} blocks and scenarios"
    if isinstance(event, StageEntered):
        return f"stage {event.stage} entered on {event.date.isoformat()}"
    return f"outcome {event.outcome} on {event.date.isoformat()}" + (f" ({event.reason})" if event.reason else "")
