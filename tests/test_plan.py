"""One plan per account: build, check, explain and report choose the same content, and the key sees every
input that changes the output bytes."""

from __future__ import annotations

import json
import zipfile

from conftest import edit
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
