"""How tall and how wide text is drawn: the estimate of lines, widths and heights every fit in a slide uses.

The estimate is deliberately simple where it can be: an average glyph width of a Calibri-like font and a
fixed line height, against the placeholder's size less PowerPoint's default insets; a table cell is measured
glyph by glyph, as its row is sized to its text.
"""

from __future__ import annotations

import re
from typing import Sequence

from aspo.office.deck_template import EMU_PER_PT, TextBox

#: Average glyph width of a Calibri-like font, in ems, and line height, in sizes.
CHAR_WIDTH = 0.5
LINE_HEIGHT = 1.2
INSET_X, INSET_Y = 14.4, 7.2  # points: python-pptx's and PowerPoint's default insets
#: PowerPoint's own shrink-text-on-overflow steps: (font scale, line spacing reduction).
SHRINK_STEPS = ((1.0, 0.0), (0.925, 0.1), (0.85, 0.2), (0.775, 0.2), (0.7, 0.2),
                (0.625, 0.2), (0.55, 0.2), (0.475, 0.2))
#: The widest a word's letters are on average, in ems: a column is never narrower than its longest word
#: at this width, so no word is broken inside (capitals and digits are wider than the average glyph).
WORD_CHAR_WIDTH = 0.62
Lines = tuple[tuple[str, int], ...]  # (text, outline level) per paragraph


# --- text height ---------------------------------------------------------------------------


def lines(text: str, width: float, size: float) -> int:
    """How many lines `text` wraps to in `width` points at `size` points."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def text_height(paragraphs: Sequence[tuple[str, int]], box: TextBox, scale: float = 1.0,
                reduction: float = 0.0) -> float:
    """The height (points) the paragraphs take in the box, at a font scale and a line
    spacing reduction as PowerPoint's shrink-on-overflow sets them."""
    width = box.width / EMU_PER_PT - INSET_X
    total = 0.0
    for text, level in paragraphs:
        level = min(level, 8)
        size = box.sizes[level] * scale
        usable = max(width - box.indents[level], width * 0.3) / box.width_factor
        gap = box.spacing[level] if level < len(box.spacing) else 0.0
        total += lines(text, usable, size) * size * LINE_HEIGHT * (1 - reduction) + max(size * 0.2, gap)
    return total


def room(box: TextBox) -> float:
    """The height (points) a box has for text."""
    return box.height / EMU_PER_PT - INSET_Y


def shrink(paragraphs: Sequence[tuple[str, int]], box: TextBox) -> tuple[float, float] | None:
    """The (font scale, line spacing reduction) PowerPoint would apply to make the text fit;
    None when it fits as it is. The last step when even that does not fit."""
    space = room(box)
    if space <= 0 or text_height(paragraphs, box) <= space:
        return None
    for scale, reduction in SHRINK_STEPS[1:]:
        if text_height(paragraphs, box, scale, reduction) <= space:
            break
    return scale, reduction


#: Glyph widths of Calibri (and Carlito, drawn with its metrics), in thousandths of an em, from ' ' to '~': a
#: table's rows are sized to their text, so a cell's lines are measured glyph by glyph, not by the average.
GLYPH_WIDTHS = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520,
    420, 855, 646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498, 291, 479,
    525, 423, 525, 498, 305, 471, 525, 230, 239, 455, 230, 799, 525, 527, 525, 525, 349, 391, 335, 525, 452, 715,
    433, 453, 395, 314, 460, 314, 498)
OTHER_GLYPH_WIDTH = 0.6  # ems: any other character, on the wide side ('—' is 0.9, accented letters about 0.5)
BOLD_WIDTH = 1.05  # how much wider bold glyphs are at most, on average over a word: a table's header row is bold
_NO_BREAK_SPACES = "\u00a0\u202f\u2007"  # as wide as a space, or narrower
#: Room kept beyond a line's measured width, for kerning and each application's rounding.
GLYPH_MARGIN = 1.05
#: A table line's height, in sizes: Calibri's ascent, descent and line gap, which LibreOffice and PowerPoint add up.
TABLE_LINE_HEIGHT = 1.22


#: The spaces a line may break at: every white space but the no-break ones (aspo.compose.nobreak joins a name, a
#: date, a number and its unit with those, and a line breaker takes the group as one word).
_BREAKABLE = re.compile(r"[^\S\u00a0\u202f\u2007]+")


def breakable_words(text: str) -> list[str]:
    """The words of a line as a line breaker sees them: split at spaces, never at no-break ones."""
    return [word for word in _BREAKABLE.split(text) if word]


def wrapped_lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in `width` points at `size` points, wrapped at spaces as a renderer
    wraps it (a word longer than a line is broken, and counts the lines it takes)."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0
        for word in breakable_words(part):
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            if len(word) > per_line:
                count += (len(word) - 1) // per_line
                used = len(word) % per_line or per_line
            else:
                used += (1 if used else 0) + len(word)
        total += count
    return total


def word_width(word: str, size: float) -> float:
    """The points a word needs on one line, estimated on the wide side."""
    return len(word) * size * WORD_CHAR_WIDTH


def measured_width(text: str, size: float, bold: bool = False) -> float:
    """The points `text` takes on one line at `size` points, glyph by glyph, with a margin."""
    ems = sum(GLYPH_WIDTHS[code - 32] / 1000 if 32 <= (code := ord(char)) < 127
              else GLYPH_WIDTHS[0] / 1000 if char in _NO_BREAK_SPACES else OTHER_GLYPH_WIDTH for char in text)
    return ems * size * GLYPH_MARGIN * (BOLD_WIDTH if bold else 1.0)


def cell_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines a table cell's text takes in `width` points at `size` points, wrapped at spaces and measured
    glyph by glyph (a word wider than the cell is broken, and counts the lines it takes)."""
    space = measured_width(" ", size, bold)
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for word in breakable_words(part):
            need = measured_width(word, size, bold)
            if used and used + space + need > width:
                count, used = count + 1, 0.0
            if need > width:
                count += int(need // max(width, 1.0))
                used = need % max(width, 1.0)
            else:
                used += (space if used else 0.0) + need
        total += count
    return total
