"""tests/drawn_titles.py on small hand-written pdftotext pages: a slide's title drawn off the slide is found."""

from __future__ import annotations

from drawn import read_bbox
from drawn_titles import titles_not_drawn
from test_drawn import bbox

TITLES = [("slide 1", ["Acme", "Packaging", "and", "Meridian"]), ("slide 2", ["Condition-based", "upkeep"])]


def test_titles_drawn_on_their_slides_pass_hyphen_breaks_included():
    pages = read_bbox(bbox(
        (720, 450, [("Acme", 50, 40, 90, 60), ("Packaging", 95, 40, 160, 60), ("and", 165, 40, 190, 60),
                    ("Meridian", 195, 40, 260, 60)]),
        (720, 450, [("Condition-", 50, 40, 120, 60), ("based", 50, 65, 90, 85), ("upkeep", 95, 65, 140, 85)]),
    ))
    assert titles_not_drawn("deck.pdf", pages, TITLES) == []


def test_a_title_drawn_off_its_slide_or_not_at_all_is_named_with_its_words():
    pages = read_bbox(bbox(
        (720, 450, [("Acme", -300, 40, -260, 60), ("Packaging", 95, 40, 160, 60), ("and", 165, 40, 190, 60)]),
        (720, 450, [("upkeep", 95, 65, 140, 85)]),
    ))
    assert titles_not_drawn("deck.pdf", pages, TITLES) == [
        "deck.pdf slide 1: title words not drawn on the slide: 'Acme', 'Meridian'",
        "deck.pdf slide 2: title words not drawn on the slide: 'Condition-based'",
    ]


def test_a_word_drawn_once_counts_once_and_pages_must_match_slides():
    pages = read_bbox(bbox((720, 450, [("the", 50, 40, 80, 60)])))
    assert titles_not_drawn("deck.pdf", pages, [("slide 1", ["the", "the"])]) == [
        "deck.pdf slide 1: title words not drawn on the slide: 'the'"]
    assert titles_not_drawn("deck.pdf", pages, TITLES) == ["deck.pdf: 1 page(s) drawn for 2 slide(s)"]
