"""One plan per account: build, check, explain and report choose the same content, and the key sees every
input that changes the output bytes."""

from __future__ import annotations

import json
import os
import zipfile

from conftest import edit, line_of
from pptx import Presentation

ACME = "accounts/acme.yaml"
THIRD = "templates/scenarios/parcel-hub-peak-season.yaml"


def slide_titles(path) -> list[str]:
    return [slide.shapes.title.text for slide in Presentation(str(path)).slides if slide.shapes.title is not None]


def test_a_third_scenario_is_built_explained_reported_and_checked_alike(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "    count: 2\n", "    count: 3\n")
    # Acme's third scenario, made far too long for its slide: only a check that plans three scenarios sees it.
    third = workspace / THIRD
    text = third.read_text(encoding="utf-8")
    approach = "approach: " + " ".join(["Sorters report vibration and current every minute."] * 40) + "\n"
    third.write_text("\n".join(line for line in text.splitlines() if not line.startswith("approach:"))
                     + "\n" + approach, encoding="utf-8")

    assert aspo("build", ACME).status == 0
    titles = slide_titles(workspace / "output/acme/acme-deck.pptx")
    title = next(line.split(":", 1)[1].strip().strip('"') for line in text.splitlines() if line.startswith("title:"))
    assert title in titles

    explained = json.loads(aspo("explain", ACME, "--format", "json").out)
    chosen = [d["id"] for d in explained["decisions"] if d["kind"] == "scenario" and d["chosen"]]
    assert len(chosen) == 3 and "parcel-hub-peak-season" in chosen

    report = json.loads(aspo("report", "--format", "json").out)
    users = {u["id"]: u["accounts"] for u in report["scenarios"]}
    assert "acme" in users["parcel-hub-peak-season"]

    checked = aspo("check", "--format", "json")
    overflows = [d for d in json.loads(checked.out) if d["rule"] == "C501" and d["path"] == THIRD]
    assert overflows and all("Acme Packaging" in d["message"] for d in overflows), checked.out


def test_another_source_date_epoch_rebuilds_with_its_dates(workspace, aspo, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert aspo("build", ACME).status == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    again = aspo("build", ACME)
    assert again.status == 0 and again.out.startswith("built      output/acme/"), again.out
    for name in ("acme-deck.pptx", "acme-offering.docx"):
        with zipfile.ZipFile(workspace / "output/acme" / name) as package:
            assert {info.date_time for info in package.infolist()} == {(2027, 1, 1, 0, 0, 0)}
    assert aspo("build", ACME).out.startswith("unchanged  output/acme/")


def technician_priority_without_content(workspace) -> None:
    """Acme's third priority (tagged technician-shortage) with its block and every scenario of the pain excluded."""
    edit(workspace / ACME, "exclude:\n  scenarios: [corrugator-bearing-failures]\n",
         "exclude:\n  blocks: [priority-technician-shortage]\n  scenarios: [corrugator-bearing-failures, "
         "castings-new-technicians, health-system-survey-readiness, parcel-hub-peak-season]\n")


def test_a_priority_whose_content_is_ruled_out_says_which_rule_ruled_it_out(workspace, aspo):
    technician_priority_without_content(workspace)
    run = aspo("build", ACME)
    assert run.status == 0
    line = line_of(workspace / ACME, "Keep the lines maintained")
    assert (f"aspo: warning: accounts/acme.yaml:{line}: priorities[2]: no approved content for technician-shortage "
            "fits this account (priority-technician-shortage: excluded by the account file); tell marketing\n") \
        in run.err


def test_a_priority_whose_pain_has_no_content_yet_says_so(workspace, aspo):
    technician_priority_without_content(workspace)
    (workspace / "templates/blocks/priority-spare-parts.md").unlink()
    edit(workspace / ACME, "    pain: technician-shortage\n", "    pain: spare-parts-inventory\n")
    run = aspo("build", ACME)
    assert run.status == 0
    line = line_of(workspace / ACME, "Keep the lines maintained")
    assert (f"aspo: warning: accounts/acme.yaml:{line}: priorities[2]: no approved content for spare-parts-inventory "
            "yet; tell marketing\n") in run.err


def test_a_stage_without_an_offering_offers_no_capability_and_says_why(workspace, aspo):
    explained = json.loads(aspo("explain", "--format", "json", "accounts/northwind-health.yaml").out)
    capabilities = [d for d in explained["decisions"] if d["kind"] == "capability"]
    assert not any(d["chosen"] for d in capabilities)
    fitting = [d for d in capabilities if d["matched"] and not d["failed"]]
    assert fitting and all(d["note"] == "the outline has no offering at this stage" for d in fitting)
    assert aspo("build", "accounts/northwind-health.yaml").status == 0  # nor does its deck have an offering slide
    assert not any("offering" in title.lower() for title in
                   slide_titles(workspace / "output/northwind-health/northwind-health-deck.pptx"))


def test_an_input_swapped_for_a_named_pipe_since_it_was_loaded_is_out_of_date_never_opened(tmp_path):
    from aspo.plan.key import FileHashes

    os.mkfifo(tmp_path / "block.md")  # opening it to read would wait for a writer forever
    assert FileHashes()(tmp_path / "block.md") == "unreadable: not a regular file"
