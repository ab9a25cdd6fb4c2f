"""The account's world in its words: blocks say {{ industry.site }}, each account reads its industry's word (an
industry the library lacks reads the neutral one), `aspo check` (C202) flags a block that hard-codes one industry's
word, and scenarios from another industry are chosen for the account's pains and labelled with their industry."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import edit, line_of
from docx import Document as WordDocument
from pptx import Presentation

PILOT = "templates/blocks/next-steps-pilot.md"
EARLY_WARNING = "templates/blocks/priority-downtime-early-warning.md"
INDUSTRIES = "templates/industries.yaml"
#: Manufacturing's words, which no hospital or ski resort may read (a hospital's own "chiller plant" aside).
PLANT_WORDS = re.compile(r"\b((?<!chiller )plants?|stops? the line|production equipment)\b", re.IGNORECASE)

SKI_RESORT = """\
name: Summit Peaks Resorts
industry: ski-resorts
size: mid-market
region: North America - West
stage: consideration
meeting:
  date: 2027-01-21
  goal: Earn a pilot on the lifts.
  attendees:
    - name: Jo Lind
      title: Director of Mountain Operations
      persona: operations-leader
priorities:
  - text: Lift gearboxes fail mid-season and we shut a chairlift for days.
    pain: unplanned-downtime
  - text: Two of our three lift mechanics retire next year and we cannot hire replacements.
    pain: technician-shortage
next_step:
  action: Scope a pilot on two lifts
rep:
  name: Sam Patel
  email: sam.patel@meridianops.example
"""


def slide_paragraphs(path: Path) -> list[str]:
    """Every paragraph on every slide: text boxes and table cells, not speaker notes."""
    found = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def document_paragraphs(path: Path) -> list[str]:
    doc = WordDocument(str(path))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]


def test_a_hospital_reads_hospital_words_and_never_plant_words(workspace, aspo):
    # at consideration, with downtime and ageing assets among its priorities: the blocks that said "plant" apply
    account = workspace / "accounts" / "northwind-health.yaml"
    edit(account, "stage: awareness", "stage: consideration")
    edit(account, "priorities:\n", "priorities:\n  - text: Air handlers fail without warning.\n"
                                   "    pain: unplanned-downtime\n  - text: Our chillers are 30 years old.\n"
                                   "    pain: aging-assets\n")
    result = aspo("build", "accounts/northwind-health.yaml")
    assert result.status == 0, result.err
    out = workspace / "output" / "northwind-health"
    slides = slide_paragraphs(out / "northwind-health-deck.pptx")
    document = document_paragraphs(out / "northwind-health-offering.docx")
    for paragraph in slides + document:
        assert not PLANT_WORDS.search(paragraph), paragraph
    for said in ("Hear about a failing asset before it disrupts patient care",
                 "Most hospitals run building equipment well past its design life",
                 "and half a day from hospital IT at the start",
                 "at one hospital, chosen with your facilities team"):
        assert any(said in p for p in slides), said
        assert any(said in p for p in document), said


def test_an_account_in_an_industry_the_library_lacks_reads_neutral_words(workspace, aspo):
    (workspace / "accounts" / "summit.yaml").write_text(SKI_RESORT, encoding="utf-8")
    result = aspo("build", "accounts/summit.yaml")
    assert result.status == 0, result.err
    out = workspace / "output" / "summit"
    slides = slide_paragraphs(out / "summit-deck.pptx")
    document = document_paragraphs(out / "summit-offering.docx")
    draft = (out / "summit-draft.md").read_text(encoding="utf-8")
    for said in ("Hear about a failing asset before it stops operations",
                 "and half a day from site IT at the start",
                 "at one site, chosen with your maintenance team"):
        assert any(said in p for p in slides) and any(said in p for p in document) and said in draft, said


def test_outside_the_librarys_industries_scenarios_answer_the_accounts_pains_and_say_their_industry(workspace, aspo):
    (workspace / "accounts" / "summit.yaml").write_text(SKI_RESORT, encoding="utf-8")
    explained = aspo("explain", "accounts/summit.yaml")
    assert explained.status == 0, explained.err
    # one story for each priority's pain: the second downtime story gives way to one of technicians
    assert "  frozen-food-spiral-freezers: CHOSEN for scenarios (score 5)" in explained.out
    assert "  castings-new-technicians: CHOSEN for scenarios (score 4)" in explained.out
    assert ("  water-utility-pump-stations: not used: ranked below the 2 chosen, which already tell "
            "unplanned-downtime (score 5)") in explained.out
    assert aspo("build", "accounts/summit.yaml").status == 0
    out = workspace / "output" / "summit"
    labels = ("Food and beverage \u00b7 A mid-sized frozen-food producer in the Midwest",
              "Manufacturing \u00b7 Harlan Precision Castings")
    slides = slide_paragraphs(out / "summit-deck.pptx")
    document = document_paragraphs(out / "summit-offering.docx")
    draft = (out / "summit-draft.md").read_text(encoding="utf-8").splitlines()
    for label in labels:
        assert label in slides and label in document and label in draft, label


def test_a_scenario_from_another_industry_is_labelled_for_an_account_in_a_known_one(workspace, aspo):
    # the castings story (manufacturing) is the only one of technicians a logistics account can get
    account = workspace / "accounts" / "summit.yaml"
    account.write_text(SKI_RESORT.replace("industry: ski-resorts", "industry: logistics"), encoding="utf-8")
    assert aspo("build", "accounts/summit.yaml").status == 0
    slides = slide_paragraphs(workspace / "output" / "summit" / "summit-deck.pptx")
    assert "Manufacturing \u00b7 Harlan Precision Castings" in slides
    assert not any(p.startswith("Logistics and warehousing \u00b7") for p in slides)  # its own industry: no label


def test_a_misspelt_industry_word_stops_the_build_and_the_check_at_its_line(workspace, aspo):
    edit(workspace / PILOT, "{{ industry.site }} IT", "{{ industry.sitee }} IT")
    line = line_of(workspace / PILOT, "industry.sitee")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert result.err.strip() == (f"aspo: error: {PILOT}:{line}: body: undefined variable: no field 'sitee'; "
                                  "did you mean 'site'?")
    check = aspo("check", "--select", "E2")
    assert check.status == 1
    assert check.out.splitlines()[0] == (f"{PILOT}:{line}:1: E202 body: undefined variable: no field 'sitee'; "
                                         "did you mean 'site'?")


def test_an_industry_word_neutral_does_not_name_is_an_error_at_its_line(workspace, aspo):
    edit(workspace / INDUSTRIES, "{site: hub, sites: hubs", "{site: hub, sitez: hubs")
    line = line_of(workspace / INDUSTRIES, "sitez: hubs")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert result.err.strip() == (
        f"aspo: error: {INDUSTRIES}:{line}: industries[4].words.sitez: unknown industry word 'sitez'; did you mean "
        "'site'? (valid: area, areas, equipment, site, sites, stop, team); a new word goes under neutral: first")


def test_check_flags_each_hard_coded_industry_word_with_its_placeholder(workspace, aspo):
    edit(workspace / EARLY_WARNING, "before it {{ industry.stop }}", "before it stops the line")
    edit(workspace / PILOT, "half a day from {{ industry.site }} IT", "half a day from Plant IT")
    title = line_of(workspace / EARLY_WARNING, "before it stops the line")
    pilot = line_of(workspace / PILOT, "from Plant IT")
    result = aspo("check", "--select", "C202")
    assert result.status == 0
    assert result.out.splitlines()[:2] == [
        f"{PILOT}:{pilot}:75: C202 hard-codes 'Plant' (industry.site of manufacturing, food-beverage, utilities) in "
        "a block for every industry; say {{ industry.site }}",
        f"{EARLY_WARNING}:{title}:45: C202 hard-codes 'stops the line' (industry.stop of manufacturing, "
        "food-beverage) in a block for every industry; say {{ industry.stop }}",
    ]
    assert result.out.splitlines()[-1] == "0 errors, 2 warnings"


def test_check_reads_words_as_the_customer_does(workspace, aspo):
    """Plurals and possessives are the word; Jinja's own text, speaker notes and the front matter's ids are not
    read; a block only for industries that all say the word may say it."""
    food = workspace / "templates/blocks/priority-food-audit-ready.md"
    edit(food, "Food-safety and customer audits", "Every plant's food-safety and customer audits")  # food's own
    edit(workspace / PILOT, "- Typical shape:", "- {% if 'plant' %}{% endif %}Typical shape:")
    edit(workspace / PILOT, "Agree the success measures", "Ask which plants run the pilot. Agree the success measures")
    energy = workspace / "templates/blocks/priority-energy-cost.md"
    edit(energy, "Most {{ industry.sites }} know", "Most facilities' plants know")
    utilities = workspace / "templates/blocks/priority-utilities-aging-assets.md"
    edit(utilities, "industries: [utilities]", "industries: [utilities, healthcare]")  # hospitals say neither
    result = aspo("check", "--select", "C202")
    line = line_of(energy, "Most facilities' plants know")
    treatment = line_of(utilities, "treatment plants")
    assert result.out.splitlines()[:-3] == [
        f"templates/blocks/priority-energy-cost.md:{line}:18: C202 hard-codes 'plants' (industry.sites of "
        "manufacturing, food-beverage, utilities) in a block for every industry; say {{ industry.sites }}",
        f"templates/blocks/priority-utilities-aging-assets.md:{treatment}:11: C202 hard-codes 'stations' "
        "(industry.areas of utilities) in a block for utilities, healthcare; say {{ industry.areas }}",
        f"templates/blocks/priority-utilities-aging-assets.md:{treatment}:34: C202 hard-codes 'plants' "
        "(industry.sites of manufacturing, food-beverage, utilities) in a block for utilities, healthcare; "
        "say {{ industry.sites }}",
    ]


def test_the_sample_library_hard_codes_no_industry_word(aspo, workspace):
    result = aspo("check", "--select", "C202")
    assert (result.status, "C202" in result.out) == (0, False), result.out
