"""What the review page shows of a drawn page's text (aspo.review.text_changes.page_text over the words LibreOffice
drew, as `pdftotext -raw -bbox` reads them, via drawn.read_bbox), checked for characters a reader cannot read:

1. No character of Unicode's private-use area: a Word or PowerPoint template's Symbol or Wingdings bullet (U+F0B7)
   that a browser draws as a box, "▯".
2. No no-break space, word joiner or no-break hyphen: the renderers keep phone numbers, dates and names together
   with them, and a text view shows them as the plain space or hyphen, so that writing them is no change.
"""

from __future__ import annotations

from drawn import Page, is_wide

from aspo.review.text_changes import page_text

#: What a text view may not show, besides the private-use area.
UNSHOWN = {"\u00a0": "no-break space", "\u202f": "narrow no-break space", "\u2007": "figure space",
           "\u2060": "word joiner", "\ufeff": "zero-width no-break space", "\u2011": "no-break hyphen"}


def _unreadable(char: str) -> str | None:
    if 0xE000 <= ord(char) <= 0xF8FF:
        return "a private-use character (a symbol font's), drawn as a box"
    return UNSHOWN.get(char)


def _lines(page: Page) -> str:
    """The page's words as lines of text, as pdftotext writes them: a word on another baseline starts a line; on
    one line, a space between two words but none beside a full-width character (Chinese, Japanese)."""
    text, baseline = "", None
    for word in page.words:
        if baseline is not None:
            same = abs(word.box.y1 - baseline) < 2
            text += "\n" if not same else "" if is_wide(text[-1]) or is_wide(word.text[0]) else " "
        text, baseline = text + word.text, word.box.y1
    return text


def check_shown_text(name: str, pages: list[Page]) -> list[str]:
    """Problems in the text the review page shows of each page of the PDF `name` (its file name, for the lines)."""
    problems = []
    for number, page in enumerate(pages, start=1):
        for line in page_text(_lines(page)).splitlines():
            for char in dict.fromkeys(char for char in line if _unreadable(char)):
                problems.append(f"{name} page {number}: shows U+{ord(char):04X}, {_unreadable(char)}, in {line!r}")
    return problems
