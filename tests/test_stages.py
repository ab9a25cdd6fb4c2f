"""A story per buying stage: the sample decks and documents, reopened, tell each stage's own story."""

from __future__ import annotations

import shutil

import pytest
from conftest import build_in, line_of
from docx import Document as WordDocument
from pptx import Presentation

from aspo.compose.figures import figures_in
from aspo.core.errors import AspoError
from aspo.library.content import load_library

INSIGHT = "What staying as you are costs"


def slides_text(path) -> list[tuple[str, str, bool]]:
    """(title, all other text, has a table) of each slide of a deck."""
    found = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        rest = "\n".join(shape.text_frame.text for shape in slide.shapes
                         if shape.has_text_frame and shape != slide.shapes.title)
        found.append((title, rest, any(shape.has_table for shape in slide.shapes)))
    return found


def document_text(path) -> tuple[list[str], str, int]:
    """(headings, every paragraph, number of tables) of a Word document."""
    document = WordDocument(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    return headings, "\n".join(p.text for p in document.paragraphs), len(document.tables)


def test_the_awareness_deck_sells_nothing_and_tells_what_staying_as_they_are_costs(samples_built):
    slides = slides_text(samples_built / "output/northwind-health/northwind-health-deck.pptx")
    titles = [title for title, _, _ in slides]
    every_word = "\n".join(f"{title}\n{rest}" for title, rest, _ in slides)
    assert not any(has_table for _, _, has_table in slides)
    assert "offering" not in every_word.lower()
    assert slides[0][1].startswith("Discussion paper \u00b7 ")  # the stage's name for the material, on the cover
    properties = Presentation(str(samples_built / "output/northwind-health/northwind-health-deck.pptx")).core_properties
    assert (properties.subject, properties.category) == ("Discussion paper for Northwind Health", "Discussion paper")
    for product in ("Meridian Monitor", "Meridian Flow", "Meridian Predict"):
        assert product not in every_word
    agenda = next(rest for title, rest, _ in slides if title == "Agenda")
    assert INSIGHT in agenda.split("\n")
    energy = next(rest for title, rest, _ in slides if title.startswith("What a rising energy bill costs"))
    assert "22%" in energy.split("\n")  # the figure, large
    assert "\u201cit is up 22% in two years across our four hospitals\u201d, Northwind Health" in energy
    assert "14" in next(rest for title, rest, _ in slides if title == "What open positions cost the team that stays"
                        ).split("\n")
    assert titles[-1] == "Plan and next step"
    closing = slides[-1][1]
    assert "working session" in closing and "pilot" not in closing.lower() and "order" not in closing.lower()


def test_the_awareness_document_quotes_the_accounts_own_figures_and_has_no_offering(samples_built):
    headings, text, tables = document_text(samples_built / "output/northwind-health/northwind-health-offering.docx")
    assert tables == 0
    assert not any("offering" in heading.lower() for heading in headings)
    assert "Meridian" not in text.replace("Meridian Ops", "")
    assert ("What Northwind Health told us: \u201cBring the energy bill down; it is up 22% in two years across our "
            "four hospitals.\u201d") in text.split("\n")
    assert "What a rising energy bill costs while nobody can say where it goes" in text


def test_the_decision_deck_and_document_have_the_rollout_plan_terms_and_references(samples_built):
    slides = slides_text(samples_built / "output/globex/globex-deck.pptx")
    by_title = {title: rest for title, rest, _ in slides}
    rollout = by_title["Rollout plan and first milestone"]
    assert "First milestone: the agreed equipment live, with the first review held together" in rollout
    # the account's next step, its date never broken across lines
    assert "Owner on your side: Megan Cho, starting from December\u00a018,\u00a02026" in rollout
    assert "Where a pilot came first, its fee is credited" in by_title["Commercial terms"]
    assert "$" not in by_title["Commercial terms"]
    references = by_title["Ask a customer who has done it"]
    assert "Bluegate Dairy Cooperative (food and beverage): From binder hunts to audit-ready maintenance records" \
        in references
    assert "Prairie Crest" not in references  # a customer we may not name never becomes a reference
    assert "Teams like yours" not in by_title["Agenda"]  # references take the scenarios' place at decision
    headings, text, _ = document_text(samples_built / "output/globex/globex-offering.docx")
    for heading in ("Rollout plan and first milestone", "Commercial terms", "Ask a customer who has done it"):
        assert heading in headings


def test_the_consideration_deck_keeps_its_story(samples_built):
    slides = slides_text(samples_built / "output/acme/acme-deck.pptx")
    titles = [title for title, _, _ in slides]
    assert "Proposed point offering for Acme Packaging" in titles
    assert "Teams like yours" in next(rest for title, rest, _ in slides if title == "Agenda").split("\n")
    assert not any(title in ("Rollout plan and first milestone", "Commercial terms") for title in titles)
    assert not any(INSIGHT in title for title in titles)


@pytest.mark.parametrize(("text", "expected"), [
    ("Bring the energy bill down; it is up 22% in two years across our four hospitals.",
     [("22%", "it is up 22% in two years across our four hospitals")]),
    ("We have 14 open HVAC technician positions across the system and can't fill them.",
     [("14", "We have 14 open HVAC technician positions across the system and can't fill them")]),
    ("Stop the breakdowns. We lost 11 shifts to unplanned stops last quarter.",
     [("11 shifts", "We lost 11 shifts to unplanned stops last quarter")]),
    ("without pulling people off the floor for three weeks", [("three weeks", "without pulling people off the "
                                                               "floor for three weeks")]),
    ("Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place.", []),
    ("Know which spares to keep on the shelf before a line goes down.", []),
])
def test_figures_are_numbers_with_their_unit_quoted_in_their_clause_never_a_year(text, expected):
    assert [(f.figure, f.clause) for f in figures_in(text)] == expected


def test_the_next_step_must_end_the_story_at_every_stage(workspace):
    outline = workspace / "templates" / "outline.yaml"
    text = outline.read_text(encoding="utf-8")
    only_decision = "  - kind: next-steps\n    stages: [decision]  # only\n"
    outline.write_text(text.replace("  - kind: next-steps\n", only_decision), encoding="utf-8")
    with pytest.raises(AspoError) as raised:
        load_library(workspace / "templates", layouts=False)
    assert [str(p) for p in raised.value.problems] == [
        f"templates/outline.yaml:{line_of(outline, 'stages: [decision]  # only')}: sections[10].stages: the "
        "next-steps section must end the story at every stage; it leaves out awareness, consideration: remove its "
        "stages"]


def test_a_section_without_its_content_is_left_out_never_invented(workspace):
    (workspace / "templates" / "blocks" / "terms-subscription.md").unlink()
    for name in ("dairy-audit-records", "castings-new-technicians", "hospital-air-handler-energy",
                 "parcel-hub-peak-season"):
        path = workspace / "templates" / "scenarios" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("  reference: true\n", ""), encoding="utf-8")
    shutil.rmtree(workspace / "output", ignore_errors=True)
    status, _, err = build_in(workspace, "accounts/globex.yaml")
    assert status == 0, err
    titles = [title for title, _, _ in slides_text(workspace / "output/globex/globex-deck.pptx")]
    assert "Rollout plan and first milestone" in titles
    assert "Commercial terms" not in titles and "Ask a customer who has done it" not in titles
