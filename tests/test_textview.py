"""Decks, documents and drafts read back as stable text, unit by unit."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from pptx import Presentation

from aspo.core.errors import AspoError
from aspo.render.formats import read_units
from aspo.render.textview import PREAMBLE, Unit, as_text


@pytest.fixture
def built(samples_built) -> Path:
    """output/acme/ of the session's build of the samples: only read here."""
    return samples_built / "output" / "acme"


def unit(units: list[Unit], label: str) -> Unit:
    found = [u for u in units if u.label == label]
    assert len(found) == 1, [u.label for u in units]
    return found[0]


def test_deck_units_are_slides_with_text_tables_and_notes(built):
    deck = built / "acme-deck-presenter.pptx"
    units = read_units(deck)
    assert [u.label for u in units] == [u.label for u in read_units(built / "acme-deck.pptx")]  # the same slides
    assert len(units) == len(Presentation(str(deck)).slides)
    assert units[0].label == "Slide 1: Acme Packaging and Meridian Ops"
    slide = unit(units, "Slide 5: Hear about a failing asset before it stops the line")
    assert slide.lines[0] == (
        "\u201cStop the breakdowns on the corrugator lines. We lost 11 shifts to unplanned stops last quarter.\u201d"
    )
    assert ("  - Start with the assets that caused the most lost hours last year, not with all the production equipment"
            in slide.lines)
    notes = slide.lines.index("Notes:")
    assert slide.lines[notes + 2] == (
        "Ask them to name the three assets that cost them the most hours last year; those are the pilot."
    )
    scenario = unit(units, "Slide 9: Getting new technicians productive in weeks, not months")
    assert "Chart: Time for a new technician to work breakdowns alone" in scenario.lines
    assert "| Time for a new technician to work breakdowns alone | 14 | 6 |" in scenario.lines
    assert "Preventive maintenance done on time, within 6 months: from 71% to 94%" in scenario.lines


def test_document_units_are_heading_sections_with_lists_and_tables(built):
    units = read_units(built / "acme-offering.docx")
    assert units[0] == Unit("Section 1: Acme Packaging and Meridian Ops", ("Point offering \u00b7 January 14, 2027",))
    # a group heading straight above its first section is part of the section's label
    labels = [u.label for u in units]
    assert "Section 6: Your priorities / Get more done with the crew you have" in labels
    assert not any(label.endswith(": Your priorities") for label in labels)
    scenario = unit(units, "Section 8: Teams like yours / Getting new technicians productive in weeks, not months")
    assert "| Preventive maintenance done on time | from 71% to 94% | within 6 months |" in scenario.lines
    offering = unit(units, "Section 9: Proposed point offering for Acme Packaging")
    assert "- Grow plant by plant only when the first results hold up" in offering.lines
    assert "| Product | What it means for Acme Packaging |" in offering.lines


def test_draft_units_are_its_sections_and_the_text_is_the_draft(built):
    draft = built / "acme-draft.md"
    units = read_units(draft)
    assert units[0].label == PREAMBLE and units[0].lines[0] == "# Review draft: Acme Packaging"
    assert units[-1].label == "Content gaps (for marketing)"
    next_steps = unit(units, "11. Plan and next step")
    assert next_steps.lines[:2] == ("", "_slide 11 (Title and Content), document_ \u00b7 key `next-steps`")
    assert as_text(units) == f"## {PREAMBLE}\n" + draft.read_text(encoding="utf-8")


def test_the_text_is_the_same_for_two_builds_and_for_bytes(built, workspace, aspo):
    assert aspo("build", "accounts/acme.yaml", "--output", "out2").status == 0
    for name in ("acme-deck.pptx", "acme-deck-presenter.pptx", "acme-offering.docx", "acme-draft.md"):
        first, second = built / name, Path("out2/acme") / name
        assert as_text(read_units(first)) == as_text(read_units(second))
        assert read_units(Path(name), first.read_bytes()) == read_units(first)


def test_a_hand_made_document_folds_whitespace_and_skips_empty_paragraphs(tmp_path):
    document = docx.Document()
    document.add_paragraph("Before   any\theading")
    document.add_paragraph("Plan", style="Title")
    document.add_heading("Group", level=1)
    document.add_heading("First", level=2)
    document.add_paragraph("")
    paragraph = document.add_paragraph("one line,")
    paragraph.add_run().add_break()
    paragraph.add_run("wrapped")
    document.add_paragraph("item", style="List Bullet")
    document.add_paragraph("sub-item", style="List Bullet 2")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "a|b", "c"
    document.add_heading("Second", level=2)
    document.add_heading("Alone", level=1)
    document.save(tmp_path / "hand.docx")
    assert as_text(read_units(tmp_path / "hand.docx")) == (
        f"## {PREAMBLE}\nBefore any heading\n\n"
        "## Section 1: Plan\n\n"
        "## Section 2: Group / First\none line, wrapped\n- item\n  - sub-item\n| a\\|b | c |\n\n"
        "## Section 3: Group / Second\n\n"
        "## Section 4: Alone\n"
    )


def test_symbol_font_bullets_read_as_their_shapes_and_no_break_spaces_as_spaces(tmp_path):
    """A Word template's Symbol and Wingdings bullets are private-use characters a browser draws as a box; the no-break
    spaces and word joiners the renderers put inside phone numbers and names are no text of their own."""
    from pptx.util import Inches

    document = docx.Document()
    document.add_heading("Plan", level=1)
    document.add_paragraph("\uf0b7\tUptime first")
    document.add_paragraph("\uf0a7 \uf0d8 \uf076 \uf0fc \uf06e \uf071 \uf0a8 \uf0e8")
    document.add_paragraph("Call +1\u00a0402\u00a0555\u00a00187 by January\u202f29,\u00a02027")
    document.add_paragraph("Meridian\u2060 \u2060Predict, an\u2011end\ufeff-to-end view")
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "\uf0b7 Meridian\u00a0Flow"
    document.save(tmp_path / "symbols.docx")
    assert read_units(tmp_path / "symbols.docx") == [Unit("Section 1: Plan", (
        "\u2022 Uptime first", "\u25aa \u27a2 \u2756 \u2713 \u25a0 \u274f \u25a1 \u2794",
        "Call +1 402 555 0187 by January 29, 2027", "Meridian Predict, an-end-to-end view",
        "| \u2022 Meridian Flow |"))]
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Next\u00a0step"
    slide.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1)).text_frame.text = "\uf0d8 Call +1\u00a0402"
    slide.notes_slide.notes_text_frame.text = "\uf0fc Meridian\u2060\u00a0\u2060Predict"
    prs.save(tmp_path / "symbols.pptx")
    assert read_units(tmp_path / "symbols.pptx") == [
        Unit("Slide 1: Next step", ("\u27a2 Call +1 402", "Notes:", "\u2713 Meridian Predict"))]
    (tmp_path / "symbols.md").write_text("## Plan\n\n- \uf0b7 Call +1\u00a0402\n", encoding="utf-8")
    assert read_units(tmp_path / "symbols.md") == [Unit("Plan", ("", "- \u2022 Call +1 402"))]


def test_other_files_and_broken_files_are_one_line_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "broken.pptx").write_bytes(b"not a zip file")
    (tmp_path / "broken.md").write_bytes(b"\xff\xfe")
    cases = {
        "notes.txt": "cannot show this file as text; expected a .pptx, .docx, .md or .eml",
        "broken.pptx": "cannot read this file as a PowerPoint .pptx file: not a zip package (damaged or not an "
                       "Office file)",
        "broken.md": "cannot show this file as text; it is not UTF-8",
        "missing.docx": "file not found",
    }
    for name, message in cases.items():
        with pytest.raises(AspoError) as caught:
            read_units(tmp_path / name)
        assert caught.value.problems[0].message == message
        assert "\n" not in caught.value.format_message()


def test_textconv_of_a_small_deck_unpacking_past_the_budget_unpacks_nothing(built, tmp_path, aspo):
    """A deck of 1 MB holding a part of 210 MiB of zeros (the issue's had 1.5 GiB): its zip's own sizes refuse it
    before python-pptx is handed it, and git is shown a placeholder."""
    import shutil
    import zipfile

    deck = tmp_path / "bomb-deck.pptx"
    shutil.copyfile(built / "acme-deck.pptx", deck)
    with zipfile.ZipFile(deck, "a") as package:
        part = zipfile.ZipInfo("ppt/media/zeros.bin")
        part.compress_type = zipfile.ZIP_DEFLATED
        part._compresslevel = 1  # quick to write
        with package.open(part, "w", force_zip64=True) as stream:
            for _ in range(210):
                stream.write(bytes(1 << 20))
    assert deck.stat().st_size < 2_000_000
    with zipfile.ZipFile(deck) as package:
        unpacked = -(-sum(info.file_size for info in package.infolist()) // 2**20)
    result = aspo("textconv", deck)
    message = (f"cannot read this file as a PowerPoint .pptx file: unpacks to {unpacked} MB, more than the 200 MB "
               "aspo reads")
    assert (result.status, result.out) == (0, f"(aspo: not shown as text: {message})\n")
    assert result.err == f"aspo: error: {deck}: {message}\n"


@pytest.mark.parametrize("name, part", [("acme-deck.pptx", "ppt/slides/slide3.xml"),
                                        ("acme-offering.docx", "word/styles.xml")])
def test_textconv_of_a_sound_zip_missing_a_part_it_names_is_a_placeholder_not_a_crash(built, tmp_path, aspo, name,
                                                                                      part):
    """python-pptx reads a slide when it is reached, not when the deck is opened: a deck whose presentation names a
    slide the zip does not hold failed there with an internal error."""
    import zipfile

    with zipfile.ZipFile(built / name) as package:
        parts = {info.filename: package.read(info) for info in package.infolist() if info.filename != part}
    damaged = tmp_path / name
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as package:
        for member, data in parts.items():
            package.writestr(member, data)
    result = aspo("textconv", damaged)
    assert result.status == 0
    assert re.fullmatch(r"\(aspo: not shown as text: cannot read this file as a (PowerPoint \.pptx|Word \.docx) "
                        r"file \(\w+\)\)\n", result.out), result.out
    assert result.err.startswith(f"aspo: error: {damaged}: cannot read this file as a ") and result.err.count("\n") == 1
