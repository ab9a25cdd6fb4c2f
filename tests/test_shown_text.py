"""tests/shown_text.py, the check of the text the review page shows of a drawn page, on hand-written pages."""

from __future__ import annotations

from drawn import Box, Page, Word, read_bbox
from shown_text import check_shown_text
from test_drawn import bbox, line


def test_symbol_font_bullets_and_no_break_spaces_drawn_on_a_page_are_shown_as_plain_text():
    pages = read_bbox(bbox((612.0, 792.0, [*line(72, 72, "\uf0b7", "Call", "+1", "402"),
                                           *line(90, 72, "\uf0a7", "\uf0d8", "\uf076", "\uf0fc", "\uf06e", "\uf071"),
                                           *line(108, 72, "end\u2011to\u2011end", "Meridian\u2060Predict")])))
    pages.append(Page(612.0, 792.0, [Word("+1\u00a0402\u202f555", Box(72, 72, 160, 86))]))  # as one word
    assert check_shown_text("x-offering.pdf", pages) == []


def test_a_private_use_character_no_text_view_maps_is_reported_with_its_page_and_line():
    pages = read_bbox(bbox((612.0, 792.0, line(72, 72, "Plan")), (612.0, 792.0, line(72, 72, "\uf0e0", "Call"))))
    assert check_shown_text("x-offering.pdf", pages) == [
        "x-offering.pdf page 2: shows U+F0E0, a private-use character (a symbol font's), drawn as a box, in "
        "'\\uf0e0 Call'"]
