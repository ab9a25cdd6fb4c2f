"""The files a rep may send carry nothing only the rep may read, anywhere in their zips; the presenter deck carries
the speaker notes the rep presents from."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import ALL_SAMPLES, REPO, edit, line_of
from pptx import Presentation
from rep_only import REP_PARTS, draft_notes, fold, leaks, rep_only_texts, zip_texts

#: What a rep may send: the deck and the document (their PDFs in test_pdf.py).
CUSTOMER_FILES = ("{slug}-deck.pptx", "{slug}-offering.docx")
PRESENTER = "{slug}-deck-presenter.pptx"


def _rep_only(sample_outputs: Path, slug: str) -> dict[str, list[str]]:
    draft = (sample_outputs / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
    return rep_only_texts(REPO / "accounts" / f"{slug}.yaml", draft)


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_no_part_of_a_customer_file_holds_a_rep_only_text(sample_outputs, slug):
    rep_only = _rep_only(sample_outputs, slug)
    assert rep_only["meeting goal"] and rep_only["rep's notes"] and rep_only["persona"] and rep_only["speaker notes"]
    for pattern in CUSTOMER_FILES:
        name = pattern.format(slug=slug)
        texts = zip_texts((sample_outputs / slug / name).read_bytes(), name)  # embedded packages' parts too
        assert [part for part in texts if REP_PARTS.search(part)] == [], name
        assert leaks(texts, rep_only) == []


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_the_presenter_deck_has_the_same_slides_and_the_speaker_notes(sample_outputs, slug):
    customer_data = (sample_outputs / slug / f"{slug}-deck.pptx").read_bytes()
    presenter_data = (sample_outputs / slug / PRESENTER.format(slug=slug)).read_bytes()
    with zipfile.ZipFile(io.BytesIO(customer_data)) as customer, zipfile.ZipFile(io.BytesIO(presenter_data)) as other:
        slides = [name for name in customer.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)]
        assert len(slides) >= 5  # every sample deck, the awareness one too
        # what is drawn is the same, part for part: the presenter's copy only adds the notes pages
        for name in customer.namelist():
            if not name.startswith(("ppt/slides/_rels/", "ppt/_rels/", "ppt/presentation.xml", "[Content_Types]")):
                assert customer.read(name) == other.read(name), name
    customer = Presentation(io.BytesIO(customer_data))
    presenter = Presentation(io.BytesIO(presenter_data))
    assert len(presenter.slides) == len(customer.slides)
    assert not any(slide.has_notes_slide for slide in customer.slides)
    notes = "\n".join(fold(slide.notes_slide.notes_text_frame.text) for slide in presenter.slides
                      if slide.has_notes_slide)
    draft = (sample_outputs / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
    assert draft_notes(draft) and all(line in notes for line in draft_notes(draft))  # every line the draft shows
    rep_only = _rep_only(sample_outputs, slug)
    for what in ("meeting goal", "competitor", "rep's notes"):
        assert all(text in notes for text in rep_only[what]), what


def test_a_leak_is_found_in_a_part_as_raw_xml_and_as_text_split_across_runs():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("ppt/slides/slide1.xml", "<a:r><a:t>Agree which</a:t></a:r><a:r><a:t> line</a:t></a:r>")
        package.writestr("docProps/core.xml", '<dc:description a="Uptake &amp; co">ok</dc:description>')
    found = leaks(zip_texts(buffer.getvalue(), "x.pptx"), {"goal": ["Agree which line"], "competitor": ["Uptake"],
                                                              "persona": ["plant-it"]})
    assert found == ["goal: 'Agree which line', in x.pptx/ppt/slides/slide1.xml",
                     "competitor: 'Uptake', in x.pptx/docProps/core.xml"]


@pytest.mark.parametrize("shown, message", [
    ("{{ account.competitors | join(', ') }}", "undefined variable: account.competitors is for the rep only: use it "
                                               "in speaker notes (after '## Notes'), never in what the customer reads"),
    ("{{ meeting.attendees[0].persona }}", "undefined variable: meeting.attendees[].persona is for the rep only: "
                                           "use it in speaker notes (after '## Notes'), never in what the customer "
                                           "reads"),
])
def test_a_block_that_shows_the_customer_a_competitor_or_a_persona_fails_the_build(workspace, aspo, shown, message):
    block = workspace / "templates/blocks/next-steps-pilot.md"
    edit(block, "## Notes\n", f"Unlike {shown}.\n\n## Notes\n")
    result = aspo("build", "accounts/acme.yaml")
    line = line_of(block, f"Unlike {shown}.")
    assert (result.status, result.err) == (2, f"aspo: error: templates/blocks/next-steps-pilot.md:{line}: body: "
                                              f"{message}\n")
    edit(block, f"Unlike {shown}.\n\n## Notes\n", f"## Notes\n\nUnlike {shown}.\n")  # the rep's notes may
    assert aspo("build", "accounts/acme.yaml").status == 0
