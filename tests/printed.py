"""The review page as a browser prints it: the words of the PDF with their boxes (`pdftotext -raw -bbox`, read by
drawn.read_bbox), checked against the Review the page was written from.

The rules (each problem is one line naming the change or heading and the pages):

1. Each changed slide's or page's before/after pair is on one page: its heading, its "Before" caption and its
   "After" caption (the pictures lie between them) are on the same printed page.
2. No heading is the last thing on a page: an account's heading and a change's heading each have words below them
   on their page.

The parts are found in reading order, the page's own: the account's heading, then each change's heading and its two
captions, so a caption's words met earlier (in a summary or another change's text) are not taken for it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from drawn import Page, Word


@dataclass(frozen=True)
class _Found:
    """Words found in the printed page: on which page (from 1), and how far down the lowest of them reaches."""

    page: int
    bottom: float


def _norm(text: str) -> str:
    # ligatures a font may draw ("fi") read as their letters; case counts: the caption is "Before", not "before"
    return unicodedata.normalize("NFKC", text)


class _Reader:
    """The printed words in order, searched forwards from a cursor. Spaces do not count: a label the browser wrapped
    after a hyphen ("just-" / "in-case") still reads as itself."""

    def __init__(self, pages: list[Page]):
        self.words: list[tuple[int, Word]] = [(number, word) for number, page in enumerate(pages, start=1)
                                              for word in page.words]
        texts = [_norm(word.text) for _, word in self.words]
        self.starts = [0]  # where each word begins in the words joined, and where the last one ends
        for text in texts:
            self.starts.append(self.starts[-1] + len(text))
        self.first_word = {start: number for number, start in enumerate(self.starts)}
        self.joined = "".join(texts)
        self.at = 0

    def find(self, text: str) -> _Found | None:
        """The next whole words reading `text`, the cursor moved past them; None (cursor kept) when there are none."""
        wanted = "".join(_norm(text).split())
        position = self.starts[self.at]
        while (position := self.joined.find(wanted, position)) >= 0:
            first, last = self.first_word.get(position), self.first_word.get(position + len(wanted))
            if first is not None and last is not None:
                self.at = last
                found = self.words[first:last]
                page = found[-1][0]
                return _Found(page, max(word.box.y1 for number, word in found if number == page))
            position += 1
        return None


def _alone_at_the_bottom(pages: list[Page], found: _Found) -> bool:
    """Whether nothing is printed below these words on their page."""
    return not any(word.box.y0 > found.bottom for word in pages[found.page - 1].words)


def check_printed_review(pages: list[Page], review) -> list[str]:
    """Problems with how a review page (written from `review`, an aspo.review.comparison.Review) printed."""
    problems: list[str] = []
    reader = _Reader(pages)
    for account in review.changed:
        heading = reader.find(f"{account.name} {account.where}")
        if heading is None:
            problems.append(f"account {account.name!r}: its heading is not in the printed page")
            continue
        if _alone_at_the_bottom(pages, heading):
            problems.append(f"account {account.name!r}: its heading is the last thing on page {heading.page}")
        for unit in (*account.slides, *account.pages):
            problems += _unit_problems(pages, reader, unit)
    return problems


def _unit_problems(pages: list[Page], reader: _Reader, unit) -> list[str]:
    heading = reader.find(unit.label)
    if heading is None:
        return [f"{unit.label!r}: its heading is not in the printed page"]
    problems = []
    if _alone_at_the_bottom(pages, heading):
        problems.append(f"{unit.label!r}: its heading is the last thing on page {heading.page}")
    parts = {"heading": heading}
    for side, label in (("Before", unit.before_label), ("After", unit.after_label)):
        found = reader.find(f"{side}: {label}" if label else side)
        if found is None:
            return [*problems, f"{unit.label!r}: its {side!r} caption is not in the printed page"]
        parts[side] = found
    on = {name: found.page for name, found in parts.items()}
    if len(set(on.values())) > 1:
        problems.append(f"{unit.label!r}: its before/after pair is split across pages: "
                        + ", ".join(f"{name} on page {page}" for name, page in on.items()))
    return problems
