"""Every priority answered when the library can: a block of its own, the slide of another priority on the same pain,
or a scenario; a tagged capability answered by content that speaks of it; ties broken by how close a block is to
the priority; and a gap that says whether content is missing or used up."""

from __future__ import annotations

import json
import re

import yaml
from pptx import Presentation

ACCOUNT = "accounts/probe.yaml"
BREAKDOWNS = "Stop the breakdowns on the corrugator lines."
GLUE = "The glue station trips twice a week and nobody can tell us why."
SEALER = "The case sealer on line 3 jams every night shift."
KEPT = "priority-downtime-early-warning"


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def only_one_block_for(workspace, pain: str, kept: str = KEPT) -> dict:
    """An account file's `exclude:` leaving one block for the pain, and no scenario showing it."""
    blocks = [path.stem for path in sorted((workspace / "templates/blocks").glob("*.md"))
              if pain in front_matter(path).get("applies_to", {}).get("pains", []) and path.stem != kept]
    scenarios = [data["id"] for path in sorted((workspace / "templates/scenarios").glob("*.yaml"))
                 if pain in (data := yaml.safe_load(path.read_text(encoding="utf-8")))["pains"]]
    return {"blocks": blocks, "scenarios": scenarios}


def write_account(workspace, priorities, exclude=None) -> None:
    """Acme's account file with other priorities (and content left out): the sample's attendees, stage and rep."""
    data = yaml.safe_load((workspace / "accounts/acme.yaml").read_text(encoding="utf-8"))
    data["name"] = "Probe Packaging"
    data["priorities"] = priorities
    data["exclude"] = exclude or {}
    (workspace / ACCOUNT).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def explained(aspo) -> dict:
    run = aspo("explain", ACCOUNT, "--format", "json")
    assert run.status == 0, run.err
    return json.loads(run.out)


def deck_texts(workspace) -> list[str]:
    deck = Presentation(str(workspace / "output/probe/probe-deck.pptx"))
    return ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in deck.slides]


def test_two_priorities_on_one_pain_with_one_block_share_its_slide(workspace, aspo):
    write_account(workspace, [{"text": BREAKDOWNS, "pain": "unplanned-downtime"},
                              {"text": GLUE, "pain": "unplanned-downtime"}],
                  only_one_block_for(workspace, "unplanned-downtime"))
    plan = explained(aspo)["priorities"]
    assert [p["block"] for p in plan] == [KEPT] * 2
    assert [p["shares_with"] for p in plan] == [None, 1]

    run = aspo("build", ACCOUNT)
    assert run.status == 0 and "priorities[" not in run.err, run.err  # no gap warning for either
    quoted = [f"\u201c{BREAKDOWNS}\u201d", f"\u201c{GLUE}\u201d"]  # as an answer quotes them, not as listed
    slides = [text for text in deck_texts(workspace) if any(quote in text for quote in quoted)]
    assert len(slides) == 1 and all(quote in slides[0] for quote in quoted), slides
    draft = (workspace / "output/probe/probe-draft.md").read_text(encoding="utf-8")
    assert "None: approved content answers every priority." in draft


def test_a_second_block_for_the_pain_gives_each_priority_its_own_slide(workspace, aspo):
    blocks = workspace / "templates/blocks"
    second = (blocks / f"{KEPT}.md").read_text(encoding="utf-8").replace(f"id: {KEPT}", "id: priority-downtime-second")
    (blocks / "priority-downtime-second.md").write_text(second, encoding="utf-8")
    exclude = only_one_block_for(workspace, "unplanned-downtime")
    exclude["blocks"].remove("priority-downtime-second")
    write_account(workspace, [{"text": BREAKDOWNS, "pain": "unplanned-downtime"},
                              {"text": GLUE, "pain": "unplanned-downtime"}], exclude)
    plan = explained(aspo)["priorities"]
    assert sorted(p["block"] for p in plan) == ["priority-downtime-early-warning", "priority-downtime-second"]
    assert [p["shares_with"] for p in plan] == [None, None]


def test_tagging_one_priority_never_unanswers_another(workspace, aspo):
    untagged = [{"text": "We lost 11 shifts to unplanned breakdowns on the corrugators last quarter."},
                {"text": GLUE}]
    exclude = only_one_block_for(workspace, "unplanned-downtime")
    write_account(workspace, untagged, exclude)
    before = {p["index"] for p in explained(aspo)["priorities"] if p["block"] or p["scenario"]}
    write_account(workspace, [untagged[0], {"text": GLUE, "pain": "unplanned-downtime"}], exclude)
    after = {p["index"] for p in explained(aspo)["priorities"] if p["block"] or p["scenario"]}
    assert before <= after == {1, 2}


def test_content_used_up_is_told_apart_from_content_missing(workspace, aspo):
    write_account(workspace, [{"text": BREAKDOWNS, "pain": "unplanned-downtime"},
                              {"text": GLUE, "pain": "unplanned-downtime"},
                              {"text": SEALER, "pain": "unplanned-downtime"}],
                  only_one_block_for(workspace, "unplanned-downtime"))
    used_up = ("the approved content for unplanned-downtime already answers priorities 1 and 2 "
               "(a slide answers at most 2)")
    third = explained(aspo)["priorities"][2]
    assert (third["block"], third["gap"], third["reason"]) == (None, "used", used_up)

    run = aspo("build", ACCOUNT)
    assert run.status == 0
    warning = next(line for line in run.err.splitlines() if "priorities[2]" in line)
    assert warning.endswith(f"priorities[2]: {used_up}; pin another block or tell marketing a second one is needed")

    checked = aspo("check", "--format", "json")
    c701 = [d["message"] for d in json.loads(checked.out) if d["rule"] == "C701" and d["path"] == ACCOUNT]
    assert c701 == [f"priorities[2].text: content used up: {used_up} (\u201c{SEALER}\u201d)"]

    report = json.loads(aspo("report", "--format", "json").out)
    assert [(g["account"], g["priority"]) for g in report["used_up"]] == [("probe", 3)]
    assert not any(g["account"] == "probe" for group in report["gaps"] for g in group["gaps"])
    markdown = aspo("report").out.splitlines()
    assert "- 1 more unanswered although content exists (it already answers other priorities of the account)" \
        in markdown
    used_up_table = markdown[markdown.index("## Content that exists but is used up"):]
    assert f"| Probe Packaging (probe) | 3 | {SEALER} | {used_up} |" in used_up_table


def test_a_scenario_that_shows_the_pain_answers_the_priority(workspace, aspo):
    silos = "Our work history is split between paper tickets, the old CMMS and a shared drive."
    exclude = only_one_block_for(workspace, "data-silos", kept="")
    exclude["scenarios"] = []
    write_account(workspace, [{"text": BREAKDOWNS, "pain": "unplanned-downtime"},
                              {"text": silos, "pain": "data-silos"}], exclude)
    second = explained(aspo)["priorities"][1]
    assert second["block"] is None and second["scenario"], second
    assert second["reason"].startswith(f"answered by scenario {second['scenario']}, which shows data-silos")

    run = aspo("build", ACCOUNT)
    assert run.status == 0 and "priorities[1]" not in run.err, run.err
    checked = aspo("check", "--format", "json")
    assert not [d for d in json.loads(checked.out) if d["rule"] == "C701" and d["path"] == ACCOUNT]


def test_a_tagged_capability_is_answered_by_content_that_speaks_of_it(workspace, aspo):
    late = "Half the PMs are late and the intervals live in one person's spreadsheet."
    northwind = yaml.safe_load((workspace / "accounts/northwind-health.yaml").read_text(encoding="utf-8"))
    northwind["priorities"] = [{"text": late, "capability": "preventive-schedules"}]
    northwind["stage"] = "consideration"  # a slide per priority
    (workspace / "accounts/northwind-health.yaml").write_text(yaml.safe_dump(northwind), encoding="utf-8")
    plan = json.loads(aspo("explain", "accounts/northwind-health.yaml", "--format", "json").out)
    first = plan["priorities"][0]
    assert "preventive-schedules" in front_matter(workspace / f"templates/blocks/{first['block']}.md")["capabilities"]
    assert "speaks of the tagged capability preventive-schedules" in first["reason"]


def test_a_tagged_capability_no_block_speaks_of_is_a_gap_not_another_pains_slide(workspace, aspo):
    # in manufacturing, no block both speaks of preventive schedules and answers one of the pains it answers
    late = "Half the PMs are late and the intervals live in one person's spreadsheet."
    write_account(workspace, [{"text": late, "capability": "preventive-schedules"}])
    first = explained(aspo)["priorities"][0]
    assert (first["block"], first["gap"]) == (None, "capability"), first
    assert first["reason"].startswith("no approved block speaks of capability preventive-schedules yet")


def test_a_tie_goes_to_the_block_closer_to_the_priority_and_explain_says_so(workspace, aspo):
    plan = json.loads(aspo("explain", "accounts/acme.yaml", "--format", "json").out)
    views = next(p for p in plan["priorities"] if "one view of equipment health" in p["text"])
    assert views["block"] == "priority-visibility-across-sites"
    tie = re.search(r"tied at score (\d+) with priority-ot-data-without-risk, chosen as the closer answer: "
                    r"it shares more of the priority's words \('view', 'health'", views["reason"])
    assert tie, views["reason"]
    loser = next(d for d in plan["decisions"] if d["id"] == "priority-ot-data-without-risk")
    assert loser["note"].startswith(f"tied with priority-visibility-across-sites at score {tie[1]} for priority "
                                    f"{views['index']}; priority-visibility-across-sites the closer answer"), loser

    text = aspo("explain", "accounts/acme.yaml").out
    assert f"not used: tied with priority-visibility-across-sites at score {tie[1]}" in text


def test_at_awareness_a_priority_is_answered_by_the_insight_on_its_pain_or_says_none_is_approved(workspace, aspo):
    northwind = yaml.safe_load((workspace / "accounts/northwind-health.yaml").read_text(encoding="utf-8"))
    insight_pains = {pain for path in (workspace / "templates/blocks").glob("*.md")
                     if (meta := front_matter(path))["section"] == "insight" for pain in meta["applies_to"]["pains"]}
    assert "compliance-audits" in insight_pains and "spare-parts-inventory" not in insight_pains
    northwind["priorities"] = [{"text": "Pass the next Joint Commission survey.", "pain": "compliance-audits"},
                               {"text": "We ran out of filters 3 times this winter.", "pain": "spare-parts-inventory"}]
    (workspace / "accounts/northwind-health.yaml").write_text(yaml.safe_dump(northwind), encoding="utf-8")
    plan = json.loads(aspo("explain", "accounts/northwind-health.yaml", "--format", "json").out)["priorities"]
    assert plan[0]["block"] == "insight-compliance-audits" and plan[0]["gap"] is None
    assert (plan[1]["block"], plan[1]["gap"], plan[1]["reason"]) == (
        None, "none", "no approved insight on what spare-parts-inventory costs yet (stage awareness)")
    run = aspo("build", "accounts/northwind-health.yaml")
    assert run.status == 0
    assert any(line.endswith("priorities[1]: no approved insight on what spare-parts-inventory costs yet (stage "
                             "awareness); tell marketing") for line in run.err.splitlines()), run.err
    # its own figure is still the account's cost, on a slide of the insight section with no block behind it
    deck = Presentation(str(workspace / "output/northwind-health/northwind-health-deck.pptx"))
    figures = next(slide for slide in deck.slides if slide.shapes.title.text == "What staying as you are costs")
    text = "\n".join(shape.text_frame.text for shape in figures.shapes if shape.has_text_frame)
    assert "3" in text.split("\n")
    assert "\u201cWe ran out of filters 3\u00a0times this winter\u201d, Northwind Health" in text  # never broken inside
