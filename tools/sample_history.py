"""Makes the INVENTED sample history in history/: about 80 opportunities over 18 months, with one planted effect.

Every account, deal and date here is made up, so the README can show a real `aspo outcomes` report. Each
invented account is planned with the real library (templates/) at every stage it reaches, so the decks it is
"presented" hold what aspo would have built, with real content hashes and real eligible-but-outranked lists.
Deals then advance at a base rate per stage, with one planted association: at consideration, deals shown
PLANTED advance far more often than deals it was eligible for but not shown. Nothing else is planted, so every
other row of the report should say "no clear difference" or "too few to say" (tests/test_outcomes.py checks).

    python tools/sample_history.py [--seed 2026] [--out history] [--candidates]

--candidates prints, for each item, how often it is shown and outranked at consideration: what to plant on (an
item whose place goes to several different winners, so no single rival mirrors it). The files are written once
and committed; rerun only to remake the sample (a library change changes its hashes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aspo.authoring.log import presented_event  # noqa: E402
from aspo.library.content import load_library  # noqa: E402
from aspo.library.history import OutcomeRecorded, StageEntered, append_events  # noqa: E402
from aspo.plan.contention import contention  # noqa: E402
from aspo.plan.plan import plan_account  # noqa: E402

SEED = 2026
UNTIL = dt.date(2026, 11, 30)
START = dt.date(2025, 6, 1)  # 18 months before UNTIL
OPPORTUNITIES = 80
PLANTED = "scenario/water-utility-pump-stations"
PLANTED_STAGE = "consideration"
#: Chance of advancing within the window at each stage (decision: winning); the planted item moves it.
BASE = {"awareness": 0.5, "consideration": 0.4, "decision": 0.5}
PLANTED_SHOWN, PLANTED_NOT_SHOWN = 0.85, 0.15

COMPANIES = ("Alder", "Birchfield", "Cobalt", "Dunmore", "Elmstead", "Fairhaven", "Granite", "Halden", "Ironbridge",
             "Juniper", "Kestrel", "Larkspur", "Millbrook", "Northgate", "Oakridge", "Pinecrest", "Quarry Hill",
             "Redwater", "Stonebury", "Thornbury", "Upland", "Valemont", "Westford", "Yarrow", "Ashcombe",
             "Brightwater", "Clearbrook", "Deepdale", "Eastmere", "Foxley", "Glenhaven", "Hollins", "Ivybridge",
             "Kingsmere", "Lowmoor", "Marwood", "Newhall", "Otterburn", "Penrith", "Ravensworth", "Saltash",
             "Tanfield", "Wrenfield", "Ashby", "Bramwell", "Carrow", "Dovecote", "Everleigh")
SUFFIX = {"manufacturing": "Components", "food-beverage": "Foods", "healthcare": "Health",
          "utilities": "Water", "logistics": "Logistics"}
TITLES = {"operations-leader": "VP Operations", "maintenance-manager": "Maintenance Manager",
          "plant-it": "OT Systems Manager", "finance": "CFO", "facilities-director": "Director of Facilities"}
REPS = (("Jordan Ellis", "jordan.ellis@meridianops.example"), ("Sam Okoye", "sam.okoye@meridianops.example"),
        ("Avery Lindqvist", "avery.lindqvist@meridianops.example"), ("Noor Haddad", "noor.haddad@meridianops.example"))
#: Priorities no block answers, for the gaps section.
OFF_TOPIC = ("Move every plant onto one ERP vendor by 2028.", "Cut our software licence count by a third.",
             "Get our sales team onto the new CRM before the trade show.")
COMPETITORS = ("Uptake", "an in-house SCADA team", "Augury", "a spreadsheet")
LOST = ("lost", "lost", "no-decision", "disqualified")
REASONS = ("budget moved to next year", "chose a competitor", "no owner on their side", None)


def invented_accounts(rng: random.Random, library) -> list[dict]:
    """Account files' data for invented companies, one per opportunity (some companies have two)."""
    pains = {pain_id: pain.examples for pain_id, pain in library.pains.items() if pain.examples}
    industries, personas = list(library.industries), list(library.personas)
    accounts = []
    for number in range(OPPORTUNITIES):
        company = COMPANIES[number % len(COMPANIES)]
        industry = industries[(number * 7 + number // len(COMPANIES)) % len(industries)] \
            if number < len(COMPANIES) else accounts[number - len(COMPANIES)]["industry"]
        chosen = rng.sample(sorted(pains), k=rng.choice((2, 2, 3)))
        priorities = [{"text": rng.choice(pains[pain]), "pain": pain} for pain in chosen]
        if rng.random() < 0.2:
            priorities.append({"text": rng.choice(OFF_TOPIC)})
        attendees = rng.sample(personas, k=rng.choice((1, 2, 3)))
        rep = REPS[0] if industry == "healthcare" and rng.random() < 0.8 else rng.choice(REPS)
        accounts.append({
            "name": f"{company} {SUFFIX.get(industry, 'Group')}",
            "slug": f"{company.lower().replace(' ', '-')}-{SUFFIX.get(industry, 'group').lower()}",
            "opportunity": f"006INV{number:05d}",
            "industry": industry,
            "size": rng.choice(("smb", "mid-market", "enterprise")),
            "region": rng.choice(("North America", "EMEA")),
            "meeting": {"goal": "Invented sample meeting.",
                        "attendees": [{"name": f"Contact {index + 1}", "title": TITLES.get(p, "Manager"),
                                       "persona": p} for index, p in enumerate(attendees)]},
            "priorities": priorities,
            "competitors": [rng.choice(COMPETITORS)] if rng.random() < 0.3 else [],
            "next_step": {"action": "Agree the next meeting", "owner": "Contact 1"},
            "rep": {"name": rep[0], "email": rep[1]},
        })
    return accounts


def plan_at(account: dict, stage: str, day: dt.date, folder: Path, library):
    data = {key: value for key, value in account.items() if key != "slug"}
    data["stage"] = stage
    data["meeting"] = {**data["meeting"], "date": day}
    data["next_step"] = {**data["next_step"], "by": day + dt.timedelta(days=14)}
    path = folder / f"{account['slug']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return plan_account(path, library)


def deck(plan, day: dt.date):
    hashes = plan.hashes
    content = {item: hashes((plan.library.blocks if item.startswith("block/") else plan.library.scenarios)[
        item.partition("/")[2]].path) for item in contention(plan).shown}
    return presented_event(plan, day, content)


def simulate(rng: random.Random, account: dict, folder: Path, library) -> list:
    """One opportunity's events up to UNTIL: stages entered, decks presented, and how it closed."""
    stages = list(library.stages)
    day = START + dt.timedelta(days=rng.randrange((UNTIL - START).days - 20))
    stage = stages[0] if rng.random() < 0.7 else stages[1]
    events = []
    crm = account["opportunity"]
    while day <= UNTIL:
        events.append(StageEntered(event="stage", date=day, stage=stage, source="crm", opportunity=crm))
        shown_on = day + dt.timedelta(days=rng.randint(3, 20))
        plan = plan_at(account, stage, shown_on, folder, library)
        odds = BASE[stage]
        if shown_on <= UNTIL and rng.random() < 0.9:
            event = deck(plan, shown_on)
            events.append(event)
            if stage == PLANTED_STAGE and PLANTED in event.content:
                odds = PLANTED_SHOWN
            elif stage == PLANTED_STAGE and PLANTED in event.outranked:
                odds = PLANTED_NOT_SHOWN
        if rng.random() < odds:  # advances: mostly within the window, sometimes later
            day += dt.timedelta(days=rng.randint(25, 85) if rng.random() < 0.9 else rng.randint(95, 150))
            if day > UNTIL:
                break
            if stage == stages[-1]:
                events.append(OutcomeRecorded(event="outcome", date=day, outcome="won", source="crm", opportunity=crm))
                break
            stage = stages[stages.index(stage) + 1]
        else:  # stalls for good, or closes without a win
            if rng.random() < 0.35:
                break
            day += dt.timedelta(days=rng.randint(30, 140))
            if day <= UNTIL:
                events.append(OutcomeRecorded(event="outcome", date=day, outcome=rng.choice(LOST),
                                              reason=rng.choice(REASONS), source="crm", opportunity=crm))
            break
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=ROOT / "history")
    parser.add_argument("--candidates", action="store_true")
    args = parser.parse_args()
    library = load_library(ROOT / "templates", layouts=False)
    rng = random.Random(args.seed)
    accounts = invented_accounts(rng, library)
    work = Path(tempfile.mkdtemp(prefix="aspo-sample-"))
    try:
        if args.candidates:
            shown, outranked = Counter(), Counter()
            for account in accounts:
                contended = contention(plan_at(account, PLANTED_STAGE, UNTIL, work, library))
                shown.update(contended.shown)
                outranked.update(contended.outranked.keys())
            for item in sorted(set(shown) | set(outranked), key=lambda i: -min(shown[i], outranked[i])):
                print(f"{item:55} shown {shown[item]:3}  outranked {outranked[item]:3}")
            return
        histories: dict[str, tuple[str, list]] = {}
        for account in accounts:
            events = simulate(rng, account, work, library)
            name, earlier = histories.setdefault(account["slug"], (account["name"], []))
            earlier.extend(events)
        args.out.mkdir(parents=True, exist_ok=True)
        for slug, (name, events) in sorted(histories.items()):
            path = args.out / f"{slug}.yaml"
            path.unlink(missing_ok=True)
            events.sort(key=lambda e: e.date)
            append_events(args.out, slug, name, events, library.stages, invented=True)
        print(f"wrote {len(histories)} invented histories ({OPPORTUNITIES} opportunities) to {args.out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
