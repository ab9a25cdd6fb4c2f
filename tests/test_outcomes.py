"""aspo log and aspo outcomes: histories appended and never rewritten, and a report whose figures are the ones a
history with known rates must give."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from fractions import Fraction
from math import comb
from pathlib import Path

import pytest
from conftest import REPO, edit

from aspo.library.history import (
    Gap,
    OutcomeRecorded,
    Presented,
    StageEntered,
    append_events,
    load_history,
)

STAGES = ("awareness", "consideration", "decision")
DAY0 = dt.date(2026, 1, 5)
UNTIL = dt.date(2026, 12, 1)
Z = 1.959963984540054


# --- independent computations, written from the textbook formulas ------------------------------------------------


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927) score interval, solved as the quadratic in p it is."""
    p = k / n
    a = 1 + Z * Z / n
    b = -(2 * p + Z * Z / n)
    c = p * p
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Newcombe (1998) method 10 from the two Wilson intervals."""
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def fisher(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher: the hypergeometric probabilities, in exact fractions, of every table with these margins
    no more likely than the one seen."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> Fraction:
        return Fraction(comb(col1, x) * comb(n - col1, row1 - x), comb(n, row1))

    seen = prob(a)
    return float(sum(prob(x) for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1) if prob(x) <= seen))


# --- histories built by hand ---------------------------------------------------------------------------------------


def day(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


def entered(stage: str, offset: int, source: str = "crm") -> StageEntered:
    return StageEntered(event="stage", date=day(offset), stage=stage, source=source)


def closed(outcome: str, offset: int) -> OutcomeRecorded:
    return OutcomeRecorded(event="outcome", date=day(offset), outcome=outcome, source="crm")


def shown(stage: str, offset: int, content=(), outranked=(), pinned=(), rep="rep@x.example", digest="a" * 64,
          gaps=()) -> Presented:
    return Presented(event="presented", date=day(offset), stage=stage, key="k" * 64, rep=rep,
                     content={item: digest for item in content}, pinned=list(pinned),
                     outranked={item: ["block/winner"] for item in outranked},
                     gaps=[Gap(kind=kind, text=text) for kind, text in gaps])


def write(folder: Path, deals: dict[str, list]) -> None:
    for slug, events in deals.items():
        append_events(folder, slug, slug.title(), events, STAGES)


def payload(aspo, folder: Path, *args: str) -> dict:
    run = aspo("outcomes", "--history", folder, "--until", UNTIL.isoformat(), "--format", "json", "--output",
               folder / "no-builds", *args)
    assert run.status == 0, run.err
    return json.loads(run.out)


def known_funnel() -> dict[str, list]:
    """30 deals entering consideration on day 0: 12 advance on day 30, 8 are lost on day 40, 2 advance on day 120
    (too late for a 90-day window), 5 are still there; 3 more enter 10 days before UNTIL (censored)."""
    deals = {}
    for n in range(12):
        deals[f"won-{n}"] = [entered("consideration", 0), entered("decision", 30)]
    for n in range(8):
        deals[f"lost-{n}"] = [entered("consideration", 0), closed("lost", 40)]
    for n in range(2):
        deals[f"slow-{n}"] = [entered("consideration", 0), entered("decision", 120)]
    for n in range(5):
        deals[f"open-{n}"] = [entered("consideration", 0)]
    late = (UNTIL - DAY0).days - 10
    for n in range(3):
        deals[f"new-{n}"] = [entered("consideration", late)]
    return deals


def test_the_funnel_counts_censored_deals_but_leaves_them_out_of_the_rate(tmp_path, workspace, aspo):
    write(tmp_path / "h", known_funnel())
    report = payload(aspo, tmp_path / "h")
    funnel = {row["stage"]: row for row in report["funnel"]}
    consideration = funnel["consideration"]
    assert {k: consideration[k] for k in ("entered", "advanced", "lost", "stalled", "censored")} == {
        "entered": 30, "advanced": 12, "lost": 8, "stalled": 7, "censored": 3}
    low, high = wilson(12, 27)
    assert consideration["rate"] == pytest.approx(12 / 27, abs=1e-4)
    assert consideration["low"] == pytest.approx(low, abs=1e-4)
    assert consideration["high"] == pytest.approx(high, abs=1e-4)
    # Kaplan-Meier by hand: 3 censored at day 10; at day 30, 12 of 27 leave (S = 15/27); at day 40, 8 of 15 (S = 7/27)
    assert consideration["median_days"] == 40
    # the 14 that reached decision are all still there after more than 90 days: stalled, and no median yet
    assert {k: funnel["decision"][k] for k in ("entered", "advanced", "stalled", "censored")} == {
        "entered": 14, "advanced": 0, "stalled": 14, "censored": 0}
    assert funnel["decision"]["median_days"] is None
    assert report["coverage"]["opportunities"] == 30 and report["coverage"]["lost"] == 8
    assert report["coverage"]["open"] == 22


def content_history() -> dict[str, list]:
    """At consideration: block/x shown to 14 deals (10 advance) and eligible but not shown for 10 (2 advance), with
    one rep behind 9 showings; 3 recent deals shown x (censored); block/y shown to 3; block/z shown only at
    decision, to 12 (eligible, not shown, for 11); 2 deals with x pinned; 4 with x at a second text."""
    deals = {}

    def deal(name, stage, advances, **deck):
        nxt = {"awareness": "consideration", "consideration": "decision"}.get(stage)
        events = [entered(stage, 0), shown(stage, 5, **deck)]
        events.append(entered(nxt, 40) if advances and nxt else closed("won" if advances else "lost", 40))
        deals[name] = events

    for n in range(14):
        deal(f"x-{n}", "consideration", n < 10, content=["block/x"], rep="one@x.example" if n < 9 else f"r{n}@x")
    for n in range(10):
        deal(f"nox-{n}", "consideration", n < 2, content=["block/y"] if n < 3 else [], outranked=["block/x"])
    late = (UNTIL - DAY0).days - 10
    for n in range(3):
        deals[f"recent-{n}"] = [entered("consideration", late), shown("consideration", late + 1, content=["block/x"])]
    for n in range(2):
        deal(f"pin-{n}", "consideration", True, content=["block/x"], pinned=["block/x"])
    for n in range(4):
        deal(f"v2-{n}", "consideration", n < 1, content=["block/x"], digest="b" * 64)
    for n in range(12):
        deal(f"z-{n}", "decision", n < 9, content=["block/z"])
    for n in range(11):
        deal(f"noz-{n}", "decision", n < 3, outranked=["block/z"])
    return deals


def rows_of(report: dict) -> dict[tuple, dict]:
    return {(r["stage"], r["kind"], r["id"], r["hash"], r["pinned"]): r for r in report["content"]}


def test_content_is_compared_with_deals_it_was_eligible_for_at_the_same_stage(tmp_path, workspace, aspo):
    write(tmp_path / "h", content_history())
    rows = rows_of(payload(aspo, tmp_path / "h"))
    x = rows["consideration", "block", "x", "aaaaaaaa", False]
    # the 3 censored showings are left out; the comparison is the 10 deals x was eligible for and not shown
    assert (x["shown"]["n"], x["shown"]["advanced"]) == (14, 10)
    assert (x["not_shown"]["n"], x["not_shown"]["advanced"]) == (10, 2)
    value, low, high = newcombe(10, 14, 2, 10)
    assert x["difference"] == {"value": pytest.approx(value, abs=1e-4), "low": pytest.approx(low, abs=1e-4),
                               "high": pytest.approx(high, abs=1e-4)}
    assert x["p"] == pytest.approx(fisher(10, 4, 2, 8), abs=1e-6)
    assert x["flags"] == ["one rep (one@x.example) accounts for 9 of 14 showings"]
    # block/z was only ever presented at decision: compared with decision-stage deals alone
    z = rows["decision", "block", "z", "aaaaaaaa", False]
    assert (z["shown"]["n"], z["not_shown"]["n"]) == (12, 11)
    assert z["p"] == pytest.approx(fisher(9, 3, 3, 8), abs=1e-6)
    assert not any(r["id"] == "z" and r["stage"] != "decision" for r in rows.values())
    # two rows were tested: q is Benjamini-Hochberg over them
    ps = sorted([x["p"], z["p"]])
    expected_q = {ps[1]: ps[1], ps[0]: min(ps[0] * 2, ps[1])}
    assert x["q"] == pytest.approx(expected_q[x["p"]], abs=1e-6)
    assert z["q"] == pytest.approx(expected_q[z["p"]], abs=1e-6)
    assert x["verdict"] == ("associated with more advancing" if x["q"] <= 0.05 else "no clear difference")
    # pinned showings and a second text are rows of their own; below the minimum they say so
    assert rows["consideration", "block", "x", "aaaaaaaa", True]["shown"]["n"] == 2
    assert rows["consideration", "block", "x", "bbbbbbbb", False]["shown"]["n"] == 4
    assert rows["consideration", "block", "x", "bbbbbbbb", False]["verdict"] == "too few to say"
    assert rows["consideration", "block", "y", "aaaaaaaa", False]["verdict"] == \
        "shown wherever eligible: nothing to compare"


def test_verdicts_need_the_minimum_count(tmp_path, workspace, aspo):
    write(tmp_path / "h", content_history())
    rows = rows_of(payload(aspo, tmp_path / "h", "--min-n", "15"))
    assert rows["consideration", "block", "x", "aaaaaaaa", False]["verdict"] == "too few to say"
    assert rows["consideration", "block", "x", "aaaaaaaa", False]["p"] is None


def test_a_stage_history_date_outranks_the_day_an_import_saw_the_stage(tmp_path, workspace, aspo):
    write(tmp_path / "h", {"acme": [entered("consideration", 0), entered("decision", 60, "crm-seen"),
                                    entered("decision", 20, "crm-history"), closed("won", 70)]})
    report = payload(aspo, tmp_path / "h")
    funnel = {row["stage"]: row for row in report["funnel"]}
    assert funnel["consideration"]["median_days"] == 20
    assert funnel["decision"]["median_days"] == 50


def test_gaps_are_counted_in_deals_that_advanced_and_in_deals_that_did_not(tmp_path, workspace, aspo):
    gap = [("competitor", "Uptake")]
    deals = {f"a-{n}": [entered("consideration", 0), shown("consideration", 1, gaps=gap), entered("decision", 30)]
             for n in range(2)}
    deals |= {f"b-{n}": [entered("consideration", 0), shown("consideration", 1, gaps=gap), closed("lost", 30)]
              for n in range(3)}
    write(tmp_path / "h", deals)
    (row,) = payload(aspo, tmp_path / "h")["gaps"]
    assert (row["kind"], row["text"], row["advanced"], row["stalled_or_lost"]) == ("competitor", "Uptake", 2, 3)


def test_priority_gaps_are_grouped_by_the_pain_they_are_about(tmp_path, workspace, aspo):
    def deck(text, about):
        return Presented(event="presented", date=day(1), stage="consideration", key="k",
                         gaps=[Gap(kind="priority", text=text, about=about)])

    write(tmp_path / "h", {
        "a": [entered("consideration", 0), deck("Our techs retire", "technician-shortage"), entered("decision", 9)],
        "b": [entered("consideration", 0), deck("Nobody left to fix it", "technician-shortage"), closed("lost", 9)],
        "c": [entered("consideration", 0), deck("One ERP vendor", "closest to data-silos"), closed("lost", 9)],
        "d": [entered("consideration", 0), deck("Win the award", None), closed("lost", 9)]})
    found = payload(aspo, tmp_path / "h")["gaps"]
    gaps = {g["text"]: (g["example"], g["advanced"], g["stalled_or_lost"]) for g in found}
    assert gaps == {"about technician-shortage": ("Our techs retire", 1, 1),
                    "closest to data-silos": ("One ERP vendor", 0, 1), "no known pain": ("Win the award", 0, 1)}


def test_the_sample_history_shows_only_the_association_its_script_planted(workspace, aspo):
    report = payload(aspo, REPO / "history")
    assert report["invented"] is True
    assert report["coverage"]["opportunities"] == 80
    found = [(r["stage"], r["kind"], r["id"]) for r in report["content"] if r["verdict"].startswith("associated")]
    assert found == [("consideration", "scenario", "water-utility-pump-stations")]
    assert {r["verdict"] for r in report["content"]} <= {
        "associated with more advancing", "no clear difference", "too few to say",
        "shown wherever eligible: nothing to compare"}
    markdown = aspo("outcomes", "--history", REPO / "history", "--until", UNTIL.isoformat(), "--output",
                    workspace / "no-builds").out
    assert "> **This history is INVENTED sample data" in markdown
    assert "- Selection by rules confounds:" in markdown


def test_csv_and_html_carry_the_same_rows(tmp_path, workspace, aspo):
    write(tmp_path / "h", content_history())
    common = ("outcomes", "--history", tmp_path / "h", "--until", UNTIL.isoformat(), "--output", tmp_path / "o")
    lines = aspo(*common, "--format", "csv").out.splitlines()
    assert lines[0].startswith("stage,kind,id,hash,pinned,shown_n,shown_advanced,")
    assert "consideration,block,x,aaaaaaaa,false,14,10," in "\n".join(lines)
    html = aspo(*common, "--format", "html").out
    assert '<svg class="funnel"' in html
    assert 'data-row="consideration/block/x/aaaaaaaa"' in html


def test_a_history_that_does_not_load_is_named_and_the_others_are_still_counted(tmp_path, workspace, aspo):
    write(tmp_path / "h", known_funnel())
    (tmp_path / "h" / "broken.yaml").write_text("account: Broken\nevents:\n- {event: stage, date: 2026-13-01, "
                                                "stage: awareness, source: rep}\n", encoding="utf-8")
    run = aspo("outcomes", "--history", tmp_path / "h", "--until", UNTIL.isoformat(), "--format", "json")
    assert run.status == 2
    assert run.err.splitlines() == ["aspo: error: h/broken.yaml:3: events[0].date: expected a "
                                    "date as YYYY-MM-DD, got '2026-13-01'"]
    assert json.loads(run.out)["coverage"]["opportunities"] == 30


def test_the_window_decides_what_advanced_in_time(tmp_path, workspace, aspo):
    write(tmp_path / "h", known_funnel())
    funnel = {row["stage"]: row for row in payload(aspo, tmp_path / "h", "--window", "20")["funnel"]}
    # day-30 advances are late for a 20-day window, and the 3 deals 10 days old are still censored
    assert {k: funnel["consideration"][k] for k in ("advanced", "lost", "stalled", "censored")} == {
        "advanced": 0, "lost": 8, "stalled": 19, "censored": 3}


def test_content_that_played_no_role_is_split_three_ways_from_presented_decks(tmp_path, workspace, aspo):
    deck = Presented(event="presented", date=day(300), stage="consideration", key="k",
                     content={"block/situation-manufacturing": "a" * 64},
                     outranked={"block/situation-build-vs-buy": ["block/situation-manufacturing"]},
                     excluded=["scenario/corrugator-bearing-failures"])
    old = deck.model_copy(update={"date": day(10), "content": {"block/priority-energy-cost": "a" * 64}})
    write(tmp_path / "h", {"acme": [entered("consideration", 5), old, deck]})
    role = payload(aspo, tmp_path / "h", "--idle-months", "3")["no_role"]
    assert (role["months"], role["decks"]) == (3, 1)  # the deck of day 10 is older than 3 months
    never = {entry["id"] for entry in role["never_eligible"]}
    assert "priority-energy-cost" in never and "situation-manufacturing" not in never
    assert role["outranked"] == [{"kind": "block", "id": "situation-build-vs-buy",
                                  "owner": "dana.whitfield@meridianops.example", "eligible": 1,
                                  "won": ["block situation-manufacturing (1)"]}]
    (excluded,) = role["excluded"]
    assert excluded["id"] == "corrugator-bearing-failures"
    assert excluded["accounts"][0]["account"] == "acme"
    assert "I excluded the corrugator scenario on purpose" in excluded["accounts"][0]["notes"]


def test_a_missing_history_folder_and_backwards_dates_are_one_line(tmp_path, workspace, aspo):
    run = aspo("outcomes", "--history", tmp_path / "none")
    assert (run.status, run.err) == (2, "aspo: error: none: history folder not found (record events with aspo log, "
                                        "or point at the folder with --history)\n")
    run = aspo("outcomes", "--history", tmp_path, "--since", "2026-06-01", "--until", "2026-05-01")
    assert (run.status, run.err) == (2, "aspo: error: --since: 2026-06-01 is after --until (2026-05-01)\n")


def test_an_unknown_stage_option_is_one_line(tmp_path, workspace, aspo):
    run = aspo("outcomes", "--history", tmp_path, "--stage", "decison")
    assert run.status == 2
    assert run.err == ("aspo: error: --stage: unknown stage 'decison'; did you mean 'decision'? (valid: awareness, "
                       "consideration, decision)\n")


# --- aspo log ------------------------------------------------------------------------------------------------------


def test_log_appends_each_event_as_one_line_and_presented_copies_the_build(workspace, aspo):
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    run = aspo("log", "accounts/acme.yaml", "stage", "consideration", "--on", "2026-11-02")
    assert run.status == 0, run.err
    assert run.out == "logged in history/acme.yaml: stage consideration entered on 2026-11-02\n"
    first = (workspace / "history/acme.yaml").read_bytes()
    assert aspo("log", "accounts/acme.yaml", "presented", "--on", "2026-11-20").status == 0
    assert aspo("log", "accounts/acme.yaml", "outcome", "lost", "--on", "2026-11-30", "--reason",
                "budget: moved to 2028").status == 0
    text = (workspace / "history/acme.yaml").read_bytes()
    assert text.startswith(first)  # appended, nothing before it rewritten
    events = load_history(workspace / "history/acme.yaml", STAGES).events
    assert [e.event for e in events] == ["stage", "presented", "outcome"]
    assert text.decode().count("\n- {event: ") == 3
    presented = events[1]
    manifest = json.loads((workspace / "output/acme/manifest.json").read_text(encoding="utf-8"))
    assert presented.key == manifest["input_key"]
    assert presented.content == {f"{s['kind']}/{s['id']}": s["hash"] for section in manifest["sections"]
                                 for s in section["sources"] if s["kind"] in ("block", "scenario")}
    assert presented.excluded == ["scenario/corrugator-bearing-failures"]
    assert presented.outranked["block/situation-build-vs-buy"] == ["block/situation-manufacturing"]
    assert {(g.kind, g.text, g.about) for g in presented.gaps} >= {
        ("competitor", "Uptake", None),
        ("priority", "Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place.",
         "closest to visibility-across-sites")}
    assert events[2].reason == "budget: moved to 2028"


@pytest.mark.parametrize("args, message", [
    (("accounts/nope.yaml", "presented"), "accounts/nope.yaml: file not found"),
    (("accounts/acme.yaml", "stage", "decison", "--on", "2026-11-10"),
     "STAGE: unknown stage 'decison'; did you mean 'decision'? (valid: awareness, consideration, decision)"),
    (("accounts/acme.yaml", "outcome", "wonn", "--on", "2026-11-10"),
     "OUTCOME: unknown outcome 'wonn'; did you mean 'won'? (valid: disqualified, lost, no-decision, won)"),
    (("accounts/acme.yaml", "stage", "decision", "--on", "2099-01-01"),
     "--on: 2099-01-01 is in the future; an event is logged once it happened"),
    (("accounts/acme.yaml", "stage", "decision", "--on", "2026-10-01"),
     "--on: 2026-10-01 is before the account's first event (2026-11-02 in history/acme.yaml); a stage history "
     "from the CRM backfills older dates (aspo import --stage-history)"),
    (("accounts/acme.yaml", "stage", "decision"), "--on: give the day the stage was entered (YYYY-MM-DD)"),
    (("accounts/acme.yaml", "stage", "decision", "--on", "02/11/2026"),
     "--on: expected a date as YYYY-MM-DD, got '02/11/2026'"),
    (("accounts/acme.yaml", "presented"), "output/acme/manifest.json: the outputs are older than accounts/acme.yaml "
     "or the library; run aspo build accounts/acme.yaml, then log what was presented"),
    (("accounts/acme.yaml", "presnted"), "WHAT: unknown event 'presnted'; did you mean 'presented'? (valid: outcome, "
     "presented, stage)"),
    (("accounts/acme.yaml", "presented", "decision"), "VALUE: presented takes no value; the stage is the account's"),
    (("accounts/acme.yaml", "stage", "decision", "--on", "2026-11-10", "--reason", "why"),
     "--reason: a reason goes with an outcome"),
])
def test_log_refuses_bad_input_in_one_line_and_leaves_the_history_as_it_was(workspace, aspo, args, message):
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    assert aspo("log", "accounts/acme.yaml", "stage", "consideration", "--on", "2026-11-02").status == 0
    edit(workspace / "accounts/acme.yaml", "region: North America - Central", "region: North America")  # stale
    before = (workspace / "history/acme.yaml").read_bytes()
    run = aspo("log", *args)
    assert (run.status, run.err) == (2, f"aspo: error: {message}\n")
    assert (workspace / "history/acme.yaml").read_bytes() == before


def test_log_presented_is_dated_by_the_meeting_once_it_has_taken_place(workspace, aspo):
    edit(workspace / "accounts/acme.yaml", "date: 2027-01-14", "date: 2026-11-20")
    edit(workspace / "accounts/acme.yaml", "by: 2027-01-29", "by: 2026-12-20")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    run = aspo("log", "accounts/acme.yaml", "presented")
    assert run.out.startswith("logged in history/acme.yaml: presented on 2026-11-20 at consideration: ")


def test_log_presented_refuses_a_damaged_manifest(workspace, aspo):
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    (workspace / "output/acme/manifest.json").write_text("{not json", encoding="utf-8")
    run = aspo("log", "accounts/acme.yaml", "presented")
    assert (run.status, run.err) == (2, "aspo: error: output/acme/manifest.json:1: is not a valid manifest "
                                        "(Expecting property name enclosed in double quotes)\n")
    assert not (workspace / "history").exists()


def test_log_presented_needs_a_build(workspace, aspo):
    run = aspo("log", "accounts/acme.yaml", "presented")
    assert (run.status, run.err) == (2, "aspo: error: output/acme/manifest.json: no build of acme to log as "
                                        "presented; run aspo build accounts/acme.yaml and present what it makes\n")
    assert not (workspace / "history").exists()


def test_appends_at_the_same_time_all_land(tmp_path):
    def add(n: int) -> None:
        append_events(tmp_path, "acme", "Acme", [entered("awareness", n)], STAGES)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.date for e in load_history(tmp_path / "acme.yaml", STAGES).events) == [day(n) for n in range(8)]


def test_a_reason_on_several_lines_is_still_one_line_of_history(workspace, aspo):
    assert aspo("log", "accounts/acme.yaml", "outcome", "lost", "--on", "2026-11-30", "--reason",
                "budget moved\nto 2028:\u2028 'see notes'").status == 0
    text = (workspace / "history/acme.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[-1].startswith("- {event: outcome, date: 2026-11-30, outcome: lost, reason: ")
    (event,) = load_history(workspace / "history/acme.yaml", STAGES).events
    assert event.reason == "budget moved to 2028: 'see notes'"


def test_the_readme_shows_the_sample_report_as_aspo_outcomes_prints_it(workspace, aspo):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "aspo outcomes --until 2026-11-30 --stage consideration"
    assert f"`{command}` shows:" in readme
    run = aspo(*command.split()[1:], "--history", REPO / "history", "--output", workspace / "no-builds")
    table = run.out.split("### Consideration\n\n", 1)[1].split("\n\n", 1)[0]
    assert f"\n\n{table}\n\n" in readme
    assert "(docs/images/outcomes-page.png)" in readme
