"""tests/drawn_pages.py catches what it should: each check on small hand-written pages, and what it reads of a .docx."""

from __future__ import annotations

import io

import docx
from documents import bullets, make_doc, title_section
from drawn import Box, Page, Word
from drawn_pages import (
    Layout,
    check_document_pages,
    closing_problems,
    document_layout,
    group_problems,
    heading_problems,
    missing_headings,
    row_problems,
)

from aspo.compose.document import Paragraph, Section, Table
from aspo.render.word import render_docx

AREA = Box(72.0, 72.0, 540.0, 720.0)  # Letter with 1-inch margins


def line(y: float, *texts: str, x: float = 72.0, height: float = 12.0) -> list[Word]:
    """Words side by side on one line at `y`, 6 pt a character and a space between."""
    words = []
    for text in texts:
        words.append(Word(text, Box(x, y, x + 6.0 * len(text), y + height)))
        x += 6.0 * len(text) + 4.0
    return words


def page(*lines: list[Word]) -> Page:
    footer = line(740.0, "Meridian", "Ops", "1")  # below the bottom margin: the footer's, never the body's
    return Page(612.0, 792.0, [word for words in lines for word in words] + footer)


def layout(**values) -> Layout:
    return Layout(AREA, **values)


# --- headings ---------------------------------------------------------------------------------------------------


def test_a_heading_drawn_as_a_pages_last_line_is_named_with_the_page_after():
    pages = [page(line(100.0, "Commercial", "terms"), line(700.0, "Plan", "and", "next", "step")),
             page(line(72.0, "A", "pilot", "should", "answer"))]
    assert heading_problems("offering.pdf", pages, layout(headings=["Plan and next step"])) == [
        "offering.pdf page 1: the heading 'Plan and next step' is the last line of the page; what follows it "
        "starts on page 2"]


def test_a_heading_with_its_next_line_below_it_or_on_the_last_page_passes():
    kept = [page(line(100.0, "Plan", "and", "next", "step"), line(120.0, "A", "pilot")), page(line(72.0, "End"))]
    last = [page(line(100.0, "Intro")), page(line(700.0, "Plan", "and", "next", "step"))]
    headings = layout(headings=["Plan and next step"])
    assert heading_problems("a.pdf", kept, headings) == []
    assert heading_problems("a.pdf", last, headings) == []


def test_a_headings_words_inside_a_line_of_text_are_no_heading():
    pages = [page(line(700.0, "We", "agreed", "the", "Plan", "and", "next", "step")), page(line(72.0, "More"))]
    assert heading_problems("a.pdf", pages, layout(headings=["Plan and next step"])) == []


def test_a_closing_section_drawn_on_two_pages_is_caught_and_one_on_a_page_of_its_own_passes():
    split = [page(line(600.0, "Plan", "and", "next", "step"), line(620.0, "A", "pilot")),
             page(line(72.0, "Next", "step:", "sign"))]
    whole = [page(line(600.0, "Terms")), page(line(72.0, "Plan", "and", "next", "step"), line(92.0, "Next"))]
    headings = layout(headings=["Your priorities", "Plan and next step"])
    assert closing_problems("o.pdf", split, headings) == [
        "o.pdf: the closing section 'Plan and next step' starts on page 1 and ends on page 2"]
    assert closing_problems("o.pdf", whole, headings) == []


def test_a_closing_section_longer_than_half_a_page_may_flow_over_pages():
    lines = [line(300.0 + 20 * n, "Step", str(n)) for n in range(20)]  # 400 pt of a 648 pt text area
    pages = [page(line(280.0, "Plan", "and", "next", "step"), *lines), page(line(72.0, "Next", "step:", "sign"))]
    assert closing_problems("o.pdf", pages, layout(headings=["Plan and next step"])) == []


def test_a_heading_or_closing_section_drawn_on_no_page_is_named_not_passed_over():
    pages = [page(line(100.0, "Your", "priorities"), line(120.0, "A", "pilot"))]
    headings = layout(headings=["Your priorities", "Plan and next step"])
    assert missing_headings("o.pdf", pages, headings) == ["o.pdf: the heading 'Plan and next step' is not drawn on "
                                                          "any page"]
    assert closing_problems("o.pdf", pages, headings) == [
        "o.pdf: the closing section's heading 'Plan and next step' is not drawn on any page"]


# --- table rows -------------------------------------------------------------------------------------------------


ROWS = [(1, 1, ["Product", "What it means"]),
        (1, 2, ["Meridian Flow", "Spare-parts tracking: tracks stock across storerooms"])]


def test_a_row_whose_text_runs_onto_the_next_page_is_caught():
    pages = [page(line(600.0, "Product", "What", "it", "means", x=72.0),
                  line(620.0, "Meridian", "Flow", "Spare-parts", "tracking:", "tracks")),
             page(line(72.0, "Product", "What", "it", "means"), line(92.0, "stock", "across", "storerooms"))]
    assert row_problems("o.pdf", pages, layout(rows=ROWS)) == [
        "o.pdf: row 2 of table 1 ('Meridian Flow | Spare-parts tracking: tracks stock across s\u2026') is not "
        "drawn whole on one page: its text begins on page 1 and ends on page 2"]


def test_a_row_drawn_whole_passes_also_where_a_hyphenated_word_breaks_and_the_header_repeats():
    pages = [page(line(600.0, "Product", "What", "it", "means")),
             page(line(72.0, "Product", "What", "it", "means"), line(92.0, "Meridian", "Flow", "Spare-"),
                  line(104.0, "parts", "tracking:", "tracks", "stock", "across", "storerooms"))]
    assert row_problems("o.pdf", pages, layout(rows=ROWS)) == []


def test_a_row_whose_cells_are_whole_on_different_pages_is_caught():
    rows = [(2, 3, ["Meridian Flow", "Audit trail"])]
    pages = [page(line(700.0, "Meridian", "Flow")), page(line(72.0, "Audit", "trail"))]
    assert row_problems("o.pdf", pages, layout(rows=rows)) == [
        "o.pdf: row 3 of table 2 ('Meridian Flow | Audit trail') is not drawn whole on one page: its cells are "
        "drawn whole, but never all on one page"]


# --- no-break groups --------------------------------------------------------------------------------------------


def test_a_phone_number_or_date_drawn_on_two_lines_is_named_with_its_pieces():
    pages = [page(line(600.0, "Anneke", "\u00b7", "+44", "113", "496"), line(614.0, "0187", "by", "December"),
                  line(628.0, "18,", "2026"))]
    groups = layout(groups=["+44\u00a0113\u00a0496\u00a00187", "December 18, 2026"])
    assert group_problems("o.pdf", pages, groups) == [
        "o.pdf page 1: '+44 113 496 0187' is drawn on 2 lines: '+44 113 496 / 0187'",
        "o.pdf page 1: 'December 18, 2026' is drawn on 2 lines: 'December / 18, 2026'"]


def test_a_group_across_a_page_break_is_caught_and_one_on_one_line_passes():
    across = [page(line(700.0, "Call", "+1", "614")), page(line(72.0, "555", "0142"))]
    whole = [page(line(700.0, "Call", "+1", "614", "555", "0142"))]
    groups = layout(groups=["+1 614 555 0142"])
    assert group_problems("o.pdf", across, groups) == ["o.pdf page 1: '+1 614 555 0142' is drawn on 2 lines: "
                                                       "'+1 614 / 555 0142'"]
    assert group_problems("o.pdf", whole, groups) == []


def test_all_checks_together_on_a_page_drawn_as_meant():
    pages = [page(line(100.0, "Plan", "and", "next", "step"), line(120.0, "Product", "What", "it", "means"),
                  line(134.0, "Meridian", "Flow", "Spare-parts", "tracking:", "tracks", "stock", "across",
                       "storerooms"), line(150.0, "Call", "+1", "614", "555", "0142"))]
    assert check_document_pages("o.pdf", pages, layout(headings=["Plan and next step"], rows=ROWS,
                                                         groups=["+1\u00a0614\u00a0555\u00a00142"])) == []


# --- what a .docx holds -----------------------------------------------------------------------------------------


def test_the_layout_of_a_docx_has_its_headings_rows_once_per_cell_and_no_break_groups(tmp_path):
    doc = make_doc(title_section(), Section(
        key="next-steps", kind="next-steps", title="Plan and next step", body=(
            bullets("Who drives it: Tom, by January 29, 2027"),
            Table(("Product", "Capability"), (("Meridian Flow", "PM plans"), ("Meridian Flow", "Audit trail")),
                  group_first_column=True),
            Paragraph("Your contact: Jordan \u00b7 +1 614 555 0142"))))
    path = tmp_path / "offering.docx"
    path.write_bytes(render_docx(doc))
    found = document_layout(path)
    assert found.headings == ["Uptime for Acme Foods", "A point offering from Meridian Ops", "Plan and next step"]
    assert found.closing == "Plan and next step"
    assert found.rows == [(1, 1, ["Product", "Capability"]), (1, 2, ["Meridian Flow", "PM plans"]),
                          (1, 3, ["", "Audit trail"])]
    assert found.groups == ["January\u00a029,\u00a02027", "+1\u00a0614\u00a0555\u00a00142"]


def test_a_docx_without_no_break_spaces_still_has_its_phone_numbers_and_dates_as_groups(tmp_path):
    document = docx.Document()
    document.add_heading("Plan and next step", level=1)
    document.add_paragraph("Call +1 614 555 0142 by 29 January 2027.")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "plain.docx"
    path.write_bytes(buffer.getvalue())
    found = document_layout(path, "en-GB")
    assert found.headings == ["Plan and next step"]
    assert found.groups == ["+1 614 555 0142", "29 January 2027"]
