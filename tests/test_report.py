"""aspo report: usage, never-used content, content gaps and expiry, checked against freshly built drafts."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import edit

TODAY = "2026-11-22"
SAMPLES = ("acme", "globex", "northwind-health")
#: A Sources list item in a review draft: "- `[block:id]`: why".
SOURCE = re.compile(r"^- `\[(block|scenario):([a-z0-9-]+)\]`")


def library_ids(root: Path, kind: str) -> list[str]:
    if kind == "block":
        return [yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["id"]
                for p in (root / "templates/blocks").glob("*.md")]
    return [yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in (root / "templates/scenarios").glob("*.yaml")]


def counted_from_drafts(root: Path) -> dict[str, Counter]:
    """{'block': Counter(id -> accounts), 'scenario': ...} from the drafts' Sources lists, zeros included."""
    counts = {kind: Counter(dict.fromkeys(library_ids(root, kind), 0)) for kind in ("block", "scenario")}
    for slug in SAMPLES:
        lines = (root / f"output/{slug}/{slug}-draft.md").read_text(encoding="utf-8").splitlines()
        for kind, item in {m.groups() for line in lines if (m := SOURCE.match(line))}:
            counts[kind][item] += 1
    return counts


def gaps_from_drafts(root: Path) -> set[tuple[str, str]]:
    """(slug, priority text) for each line of the drafts' content gap sections."""
    gaps = set()
    for slug in SAMPLES:
        text = (root / f"output/{slug}/{slug}-draft.md").read_text(encoding="utf-8")
        section = text.split("## Content gaps (for marketing)\n", 1)[1].split("\n## ", 1)[0]
        gaps |= {(slug, m.group(1)) for m in re.finditer(r"^- \[rep\] \u201c(.*)\u201d: ", section, re.M)}
    return gaps


def report_json(aspo, *args: str) -> dict:
    result = aspo("report", "--format", "json", "--today", TODAY, *args)
    assert result.status == 0, result.err
    return json.loads(result.out)


@pytest.fixture
def built(built_workspace) -> Path:
    """The working folder, with output/ as `aspo build accounts/` leaves it (a copy of the session's build)."""
    return built_workspace


def test_usage_counts_match_the_blocks_and_scenarios_named_in_freshly_built_drafts(built, aspo):
    expected = counted_from_drafts(built)
    report = report_json(aspo)
    assert {u["id"]: u["count"] for u in report["blocks"]} == dict(expected["block"])
    assert {u["id"]: u["count"] for u in report["scenarios"]} == dict(expected["scenario"])
    assert report["accounts"] == list(SAMPLES)
    for usage in report["blocks"] + report["scenarios"]:
        assert len(usage["accounts"]) == usage["count"]
    # most used first, then by id
    keys = [(-u["count"], u["id"]) for u in report["blocks"]]
    assert keys == sorted(keys)


def test_content_no_account_uses_is_split_three_ways_with_owners_winners_and_notes(built, aspo):
    expected = counted_from_drafts(built)
    role = report_json(aspo)["no_role"]
    unused = {(entry["kind"], entry["id"]) for part in role.values() for entry in part}
    assert unused == {(kind, item) for kind in ("block", "scenario") for item, n in expected[kind].items() if n == 0}
    # no sample account is in logistics: no account fits it, which is not the same as losing
    never = {entry["id"]: entry["owner"] for entry in role["never_eligible"]}
    assert never["priority-logistics-conveyor-uptime"] == "marco.ruiz@meridianops.example"
    # Acme fits build-vs-buy (no industry rule) but its manufacturing situation block fits better
    outranked = {entry["id"]: entry for entry in role["outranked"]}
    assert outranked["situation-build-vs-buy"]["fits"] == 1
    assert outranked["situation-build-vs-buy"]["shown_instead"] == [{"id": "block/situation-manufacturing",
                                                                    "times": 1}]
    assert "situation-build-vs-buy" not in never
    # Acme's rep excluded the corrugator scenario, and says why in the notes
    (excluded,) = role["excluded"]
    assert (excluded["kind"], excluded["id"]) == ("scenario", "corrugator-bearing-failures")
    assert [a["account"] for a in excluded["accounts"]] == ["acme"]
    assert "I excluded the corrugator scenario on purpose" in excluded["accounts"][0]["notes"]

    markdown = aspo("report", "--today", TODAY).out
    assert "candidates to retire" not in markdown
    section = markdown.split("## Used by no account\n", 1)[1].split("\n## ", 1)[0]
    assert "| block | `priority-logistics-conveyor-uptime` | marco.ruiz@meridianops.example |" in \
        section.split("### Never eligible", 1)[1].split("###", 1)[0]
    assert "| block | `situation-build-vs-buy` | dana.whitfield@meridianops.example | 1 account | " \
           "`situation-manufacturing` (1) |" in section
    assert "| scenario | `corrugator-bearing-failures` | dana.whitfield@meridianops.example | acme | Rachel needs" \
        in section.split("### Excluded by reps", 1)[1]


def test_content_gaps_match_the_drafts_and_are_grouped_by_pain(built, aspo):
    report = report_json(aspo)
    found = {(g["account"], g["text"]) for group in report["gaps"] for g in group["gaps"]}
    assert found == gaps_from_drafts(built)
    erp = "Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place."
    closest = "closest: visibility-across-sites, 0.76, only related words"
    assert report["gaps"] == [{
        "label": "closest to visibility-across-sites (not recognised)", "pains": ["visibility-across-sites"],
        "recognised": False,
        "gaps": [{"account": "acme", "name": "Acme Packaging", "priority": 4, "text": erp, "matching": closest}]}]
    markdown = aspo("report", "--today", TODAY).out
    assert f"### closest to visibility-across-sites (not recognised) (1)\n\n" \
           f"| account | priority | in their words | matching |\n|---|---|---|---|\n" \
           f"| Acme Packaging (acme) | 4 | {erp} | {closest} |\n" in markdown


def test_markdown_and_json_give_the_same_numbers(workspace, aspo):
    report = report_json(aspo)
    markdown = aspo("report", "--today", TODAY).out
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (\d+) \| ", markdown, re.M))
    used = {u["id"]: str(u["count"]) for u in report["blocks"] + report["scenarios"] if u["count"]}
    assert rows == used
    role = {part: len(entries) for part, entries in report["no_role"].items()}
    assert (f"- {sum(role.values())} used by no account: {role['never_eligible']} never eligible, "
            f"{role['outranked']} always outranked, {role['excluded']} excluded by reps\n") in markdown
    assert f"- {sum(len(g['gaps']) for g in report['gaps'])} content gap" in markdown
    assert f"- {len(report['expiring'])} expired or due for review by 2027-01-21\n" in markdown


def test_content_due_within_the_horizon_or_expired_is_listed(workspace, aspo):
    edit(workspace / "templates/blocks/priority-logistics-conveyor-uptime.md",
         "review_by: 2027-06-30", "review_by: 2026-12-02")
    edit(workspace / "templates/blocks/priority-utilities-aging-assets.md",
         "review_by: 2027-06-30", "review_by: 2026-11-01")
    report = report_json(aspo)
    assert [(e["id"], e["review_by"], e["expired"], e["owner"]) for e in report["expiring"]] == [
        ("priority-utilities-aging-assets", "2026-11-01", True, "marco.ruiz@meridianops.example"),
        ("priority-logistics-conveyor-uptime", "2026-12-02", False, "marco.ruiz@meridianops.example"),
    ]
    markdown = aspo("report", "--today", TODAY).out
    assert ("| block | `priority-utilities-aging-assets` | 2026-11-01 | expired 21 days ago | "
            "marco.ruiz@meridianops.example |  |") in markdown
    assert "| block | `priority-logistics-conveyor-uptime` | 2026-12-02 | in 10 days |" in markdown


def test_the_horizon_decides_how_far_ahead_to_look(workspace, aspo):
    assert report_json(aspo)["expiring"] == []  # nothing in the samples is due before 2027-03
    due = report_json(aspo, "--horizon", "130")["expiring"]
    assert {e["review_by"] for e in due} == {"2027-03-31"}
    assert {e["id"] for e in due} == {"priority-food-audit-ready", "priority-healthcare-survey-ready",
                                      "situation-build-vs-buy"}
    used = {e["id"]: e["accounts"] for e in due}
    assert used["priority-food-audit-ready"] == ["globex"]


def test_a_broken_account_is_reported_and_skipped(workspace, aspo):
    edit(workspace / "accounts/globex.yaml", "stage: ", "stage: closing # ")
    result = aspo("report", "--today", TODAY, "--format", "json")
    assert result.status == 2
    assert result.err.startswith("aspo: error: accounts/globex.yaml:")
    assert "unknown stage 'closing'" in result.err
    assert json.loads(result.out)["accounts"] == ["acme", "northwind-health"]


def test_a_broken_library_is_an_error_and_no_report(workspace, aspo):
    edit(workspace / "templates/blocks/next-steps-pilot.md", "section: next-steps", "section: closing")
    result = aspo("report", "--today", TODAY)
    assert result.status == 2
    assert result.out == ""
    assert result.err.startswith("aspo: error: templates/blocks/next-steps-pilot.md:")


def test_the_report_is_deterministic(workspace, aspo):
    first = aspo("report", "--today", TODAY).out
    assert first == aspo("report", "--today", TODAY).out
    assert first.startswith("# Content usage report\n\nAs of 2026-11-22, across 3 accounts: acme, globex, "
                            "northwind-health.\n")
