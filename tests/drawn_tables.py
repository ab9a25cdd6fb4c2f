"""What LibreOffice drew for a table split across slides: every piece at one text size.

A table too long for one slide goes on under the same header on the next slide, titled "... (continued)"
(aspo.compose.table_fit). Its pieces are one table to the reader: `check_table_pieces` measures the words drawn
inside each piece's frame (`pdftotext -raw -bbox` pages, as tests/drawn.py reads them) and reports pieces drawn
at different sizes. The PDF pages of a deck are its slides in order.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from drawn import Box, Page, norm, split_words

CONTINUED = " (continued)"  # the title of a slide a table goes on to (aspo.compose.slide_fit.fit_deck)
#: How much the glyph boxes of two pieces' words may differ in height: LibreOffice draws one size the same.
SIZE_TOLERANCE = 0.5  # pt
INSIDE_TOLERANCE = 4.0  # pt a word box may stick out of its table's frame (as tests/drawn.py's BOX_TOLERANCE)


@dataclass(frozen=True)
class Piece:
    """One slide's piece of a table: its slide (from 1), its frame, its header and its words."""

    slide: int
    box: Box
    header: tuple[str, ...]
    words: frozenset[str]


def table_pieces(path: Path) -> list[list[Piece]]:
    """The tables of a .pptx that go on across slides, each as its pieces in order: a slide titled
    "... (continued)" whose table has the header of the table on the slide before continues it."""
    from pptx import Presentation

    tables: list[Piece | None] = []
    titles: list[str] = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        title = slide.shapes.title
        titles.append(title.text_frame.text if title is not None else "")
        frames = [shape for shape in slide.shapes if getattr(shape, "has_table", False) and shape.has_table]
        if len(frames) != 1:
            tables.append(None)
            continue
        frame = frames[0]
        cells = [[cell.text for cell in row.cells] for row in frame.table.rows]
        words = frozenset(norm(word) for row in cells for text in row for word in split_words(text))
        tables.append(Piece(number, Box.emu(frame.left, frame.top, frame.width, frame.height),
                            tuple(cells[0]) if cells else (), words))
    groups: list[list[Piece]] = []
    for at, piece in enumerate(tables):
        before = tables[at - 1] if at else None
        if (piece is not None and before is not None and titles[at].endswith(CONTINUED)
                and piece.header == before.header and groups and groups[-1][-1] is before):
            groups[-1].append(piece)
        elif piece is not None:
            groups.append([piece])
    return [group for group in groups if len(group) > 1]


def _drawn_height(page: Page, piece: Piece) -> float | None:
    """The usual height (points) of the glyph boxes of the table's words drawn inside its frame."""
    heights = [word.box.height for word in page.words
               if word.key in piece.words and piece.box.contains(word.box, INSIDE_TOLERANCE)]
    return statistics.median(heights) if heights else None


def check_table_pieces(name: str, pages: list[Page], path: Path) -> list[str]:
    """Every table of the deck at `path` split across slides whose pieces LibreOffice drew at different sizes
    (`pages`: its PDF, named `name`), one line each."""
    problems = []
    for group in table_pieces(path):
        drawn = [_drawn_height(pages[piece.slide - 1], piece) if piece.slide <= len(pages) else None
                 for piece in group]
        found = [height for height in drawn if height is not None]
        if len(found) > 1 and max(found) - min(found) > SIZE_TOLERANCE:
            shown = ", ".join("nothing" if height is None else f"{height:.1f} pt" for height in drawn)
            problems.append(f"{name} slides {group[0].slide}-{group[-1].slide}: the pieces of table "
                            f"'{' | '.join(group[0].header)}' are drawn at different sizes: {shown} "
                            "(glyph box heights)")
    return problems
