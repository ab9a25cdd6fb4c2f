"""tests/printed.py, the checks of a printed review page, on small hand-written pdftotext pages (no browser)."""

from __future__ import annotations

from drawn import read_bbox
from printed import check_printed_review
from test_drawn import bbox, line

from aspo.review.comparison import AccountReview, Review, UnitChange

LETTER = (612.0, 792.0)


def unit(label: str, before: str | None, after: str | None) -> UnitChange:
    return UnitChange("slide", before, after, (), (), None, None, (), "text changed")


PLAN = unit("Slide 11: Plan and next step", "Slide 11: Plan and next step", "Slide 11: Plan and next step")
NEW = unit("Slide 12: Terms", None, "Slide 12: Terms")


def review(*units: UnitChange) -> Review:
    account = AccountReview("Acme Packaging", "accounts/acme.yaml", units, (), 0, None, (), (), "")
    return Review("HEAD", "working tree", (account,), (), (), (), (), (), (), {})


def printed(*pages: list[list[tuple]]) -> list:
    return read_bbox(bbox(*((*LETTER, [word for found in lines for word in found]) for lines in pages)))


HEADING = line(40, 36, "Acme", "Packaging", "accounts/acme.yaml")
PLAN_HEADING = line(80, 36, "Slide", "11:", "Plan", "and", "next", "step", "text", "changed")
PLAN_CAPTIONS = [line(300, 36, "Before:", "Slide", "11:", "Plan", "and", "next", "step"),
                 line(300, 310, "After:", "Slide", "11:", "Plan", "and", "next", "step")]


def test_a_pair_and_its_heading_on_one_page_pass_and_a_new_slides_bare_before_caption_is_found():
    pages = printed([HEADING, PLAN_HEADING, *PLAN_CAPTIONS, line(330, 36, "A", "pilot"),
                     line(400, 36, "Slide", "12:", "Terms", "new", "slide"), line(420, 36, "no", "slide", "before"),
                     line(600, 36, "Before"), line(600, 310, "After:", "Slide", "12:", "Terms")])
    assert check_printed_review(pages, review(PLAN, NEW)) == []


def test_an_after_picture_and_caption_spilled_onto_the_next_page_is_a_split_pair():
    pages = printed([HEADING, PLAN_HEADING, PLAN_CAPTIONS[0]], [PLAN_CAPTIONS[1], line(60, 36, "A", "pilot")])
    assert check_printed_review(pages, review(PLAN)) == [
        "'Slide 11: Plan and next step': its before/after pair is split across pages: heading on page 1, Before on "
        "page 1, After on page 2"]


def test_a_heading_with_nothing_below_it_on_its_page_is_reported():
    at_the_bottom = line(740, 36, "Acme", "Packaging", "accounts/acme.yaml")
    pages = printed([line(700, 36, "Other", "files", "changed"), at_the_bottom], [PLAN_HEADING, *PLAN_CAPTIONS])
    assert check_printed_review(pages, review(PLAN)) == [
        "account 'Acme Packaging': its heading is the last thing on page 1"]
    pages = printed([HEADING, line(60, 36, "block", "changed"), PLAN_HEADING], [*PLAN_CAPTIONS])
    assert check_printed_review(pages, review(PLAN)) == [
        "'Slide 11: Plan and next step': its heading is the last thing on page 1",
        "'Slide 11: Plan and next step': its before/after pair is split across pages: heading on page 1, Before on "
        "page 2, After on page 2"]


def test_a_label_wrapped_after_a_hyphen_is_found_and_words_met_earlier_are_not_taken_for_a_caption():
    shelf = unit("Slide 8: The right part, not just-in-case", "Slide 8: The right part, not just-in-case",
                 "Slide 8: The right part, not just-in-case")
    pages = printed([line(20, 36, "Before:", "Slide", "8:", "The", "right", "part,", "not", "just-in-case"),  # text
                     HEADING, line(80, 36, "Slide", "8:", "The", "right", "part,", "not", "just-"),
                     line(96, 36, "in-case"),
                     line(300, 36, "Before:", "Slide", "8:", "The", "right", "part,", "not", "just-in-case"),
                     line(300, 310, "After:", "Slide", "8:", "The", "right", "part,", "not", "just-"),
                     line(316, 310, "in-case"), line(340, 36, "text")])
    assert check_printed_review(pages, review(shelf)) == []
    missing = unit("Slide 9: Gone", "Slide 9: Gone", "Slide 9: Gone")
    assert check_printed_review(pages, review(missing)) == [
        "'Slide 9: Gone': its heading is not in the printed page"]
