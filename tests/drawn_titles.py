"""What LibreOffice must draw of each slide's title: every word of it, on its slide's page. A title placeholder with
no room (0 cm wide, or off the slide) has its words drawn off the page, where pdftotext no longer sees them or sees
them outside the page: tests/drawn.py only checks the words that were drawn, so a title drawn nowhere passes it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from drawn import PAGE_TOLERANCE, Page, norm, pieces, split_words


def slide_titles(path: Path) -> list[tuple[str, list[str]]]:
    """Each shown slide's label ("slide 3") and the words of its title placeholder ([] without one), in order:
    one entry a PDF page, as tests/drawn.py's deck_sheets."""
    from pptx import Presentation

    found = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        if slide._element.get("show") in ("0", "false"):
            continue  # a hidden slide is not drawn
        title = slide.shapes.title
        found.append((f"slide {number}", split_words(title.text_frame.text) if title is not None else []))
    return found


def titles_not_drawn(name: str, pages: list[Page], titles: list[tuple[str, list[str]]]) -> list[str]:
    """One line per slide whose title words are not all drawn on its page (within PAGE_TOLERANCE of it). A word
    drawn in pieces where a line may break inside it (after a hyphen) counts as drawn."""
    problems = []
    if len(pages) != len(titles):
        return [f"{name}: {len(pages)} page(s) drawn for {len(titles)} slide(s)"]
    for page, (label, words) in zip(pages, titles):
        drawn = Counter(word.key for word in page.words if page.box.contains(word.box, PAGE_TOLERANCE))
        missing = []
        for word in words:
            key = norm(word)
            if drawn[key] > 0:
                drawn[key] -= 1
            elif not any(drawn[part] > 0 for part in pieces(word) - {key}):
                missing.append(word)
        if missing:
            problems.append(f"{name} {label}: title words not drawn on the slide: "
                            + ", ".join(repr(word) for word in missing))
    return problems
