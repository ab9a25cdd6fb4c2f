"""How tall and how wide text is drawn: the estimate of lines, widths and heights every fit in a slide uses.

The estimate is deliberately simple where it can be: an average glyph width of a Calibri-like font and a
fixed line height, against the placeholder's size less PowerPoint's default insets; a table cell is measured
glyph by glyph, as its row is sized to its text. A Chinese, Japanese or Korean character (East Asian Wide or
Fullwidth) is a full em wide, and such text, written without spaces, may break between any two of its characters.
"""

from __future__ import annotations

import re
import unicodedata
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
#: The width of a full-width character (Chinese, Japanese, Korean: East Asian Wide or Fullwidth), in ems.
FULL_WIDTH = 1.0
Lines = tuple[tuple[str, int], ...]  # (text, outline level) per paragraph


# --- full-width characters -----------------------------------------------------------------


_FIRST_WIDE = "\u1100"  # no assigned character before it is East Asian Wide or Fullwidth
#: Punctuation a line does not start with, in Chinese and Japanese (kinsoku), besides closing punctuation: it stays
#: with the character before it. Small kana and the prolonged sound mark count, as a strict line breaker has them.
_NOT_STARTING = set("\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff01\uff1f\u30fc\u3005\u309d\u309e\u30fd\u30fe"
                    "\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u3095\u3096"
                    "\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6")


def is_wide(char: str) -> bool:
    """Whether a character is drawn a full em wide: East Asian Wide or Fullwidth (Chinese, Japanese, Korean)."""
    return char >= _FIRST_WIDE and unicodedata.east_asian_width(char) in ("W", "F")


def wide_count(text: str) -> int:
    """How many of the characters of `text` are full width."""
    if not text or max(text) < _FIRST_WIDE:  # Latin text, at C speed
        return 0
    return sum(map(is_wide, text))


def text_columns(text: str) -> int | float:
    """How many average glyphs (CHAR_WIDTH) wide `text` is: a full-width character counts FULL_WIDTH / CHAR_WIDTH
    of them; text with none is its length."""
    wide = wide_count(text)
    return len(text) + wide * (FULL_WIDTH / CHAR_WIDTH - 1) if wide else len(text)


def _sticks_to_previous(piece: str) -> bool:
    """Closing punctuation, a character a line does not start with, or a no-break space: no line break before it."""
    first = piece[0]
    return first in _NOT_STARTING or first in _NO_BREAK_SPACES or unicodedata.category(first) in ("Pe", "Pf", "Po")


def _sticks_to_next(piece: str) -> bool:
    """Opening punctuation, or a no-break space: no line break after it."""
    return piece[-1] in _NO_BREAK_SPACES or unicodedata.category(piece[-1]) in ("Ps", "Pi")


def line_pieces(word: str) -> list[str]:
    """A word (no spaces in it) as the pieces a line may break between: the word itself, unless it has full-width
    characters, where a line breaks between any two of them (Chinese and Japanese use no spaces), except before
    closing punctuation and after opening punctuation; a run of other characters among them is one piece."""
    if not wide_count(word):
        return [word]
    pieces: list[str] = []
    for char in word:
        wide = is_wide(char)
        if pieces and not wide and not is_wide(pieces[-1][-1]):
            pieces[-1] += char  # a run of Latin letters or digits inside the text
        else:
            pieces.append(char)
    joined: list[str] = []
    for piece in pieces:
        if joined and (_sticks_to_previous(piece) or _sticks_to_next(joined[-1])):
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


#: A word of 14 letters or more, as German compounds are: the length alone underestimates the lines it takes.
_LONG_WORD = re.compile(r"[^\s]{14,}")


# --- text height ---------------------------------------------------------------------------


def lines(text: str, width: float, size: float) -> int:
    """How many lines `text` wraps to in `width` points at `size` points: by its length in average glyphs; text
    with full-width characters, which breaks between them, as it wraps (wrapped_lines)."""
    if wide_count(text):
        return wrapped_lines(text, width, size)
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    by_length = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
    # long words leave lines short ("Getränkeherstellern" does not start on a line with 12 glyphs left): where
    # wrapping word by word takes more lines than the length says, it is what a renderer draws
    return max(by_length, wrapped_lines(text, width, size)) if _LONG_WORD.search(text) else by_length


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
    """The (font scale, line spacing reduction) PowerPoint would apply to make the text fit, and its longest word
    fit a line (a German compound, "Instandhaltungsnachweise", is broken inside by a renderer otherwise); None when
    it fits as it is. The last step when even that does not fit."""
    space = room(box)
    if space <= 0:
        return None
    # each paragraph's widest word at 1 pt, measured once: a width grows with the size
    widest = [max((measured_width(word, 1.0) for word in breakable_words(text)), default=0.0)
              for text, _ in paragraphs]
    for scale, reduction in SHRINK_STEPS:
        if text_height(paragraphs, box, scale, reduction) <= space and _words_fit(paragraphs, widest, box, scale):
            return None if scale == 1.0 else (scale, reduction)
    return scale, reduction


#: A word alone on a line is given this much room more than its estimate: the font drawn may be wider than the
#: one measured (a title's heavier weight), and a word that does not fit is broken inside, not wrapped.
WORD_MARGIN = 1.1


def _words_fit(paragraphs: Sequence[tuple[str, int]], widest: list[float], box: TextBox, scale: float) -> bool:
    """Whether each paragraph's widest word (`widest`, its width at 1 pt) fits a line of the box at `scale`."""
    width = box.width / EMU_PER_PT - INSET_X
    for (_, level), word in zip(paragraphs, widest):
        level = min(level, 8)
        usable = max(width - box.indents[level], width * 0.3) / box.width_factor
        if word * box.sizes[level] * scale * WORD_MARGIN > usable:
            return False
    return True


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
    """The words of a line as a line breaker sees them: split at spaces, never at no-break ones, and between
    full-width characters (line_pieces)."""
    return [piece for _, piece in _spaced_pieces(text)]


def _spaced_pieces(text: str) -> list[tuple[bool, str]]:
    """breakable_words, each with whether a space comes before it (none between the pieces of one word)."""
    return [(at == 0, piece) for word in _BREAKABLE.split(text) if word
            for at, piece in enumerate(line_pieces(word))]


def wrapped_lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in `width` points at `size` points, wrapped at spaces (and between full-width
    characters) as a renderer wraps it (a word longer than a line is broken, and counts the lines it takes)."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0
        for spaced, word in _spaced_pieces(part):
            length, gap = text_columns(word), 1 if spaced else 0
            if used and used + gap + length > per_line:
                count, used = count + 1, 0
            if length > per_line:
                count += int((length - 1) // per_line)
                used = length % per_line or per_line
            else:
                used += (gap if used else 0) + length
        total += count
    return total


def word_width(word: str, size: float) -> float:
    """The points a word needs on one line, estimated on the wide side (a full-width character a full em)."""
    wide = wide_count(word)
    if not wide:
        return len(word) * size * WORD_CHAR_WIDTH
    return (len(word) - wide) * size * WORD_CHAR_WIDTH + wide * size * FULL_WIDTH


def measured_width(text: str, size: float, bold: bool = False) -> float:
    """The points `text` takes on one line at `size` points, glyph by glyph, with a margin."""
    ems = sum(GLYPH_WIDTHS[code - 32] / 1000 if 32 <= (code := ord(char)) < 127
              else GLYPH_WIDTHS[0] / 1000 if char in _NO_BREAK_SPACES
              else FULL_WIDTH if is_wide(char) else OTHER_GLYPH_WIDTH for char in text)
    return ems * size * GLYPH_MARGIN * (BOLD_WIDTH if bold else 1.0)


def cell_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines a table cell's text takes in `width` points at `size` points, wrapped at spaces (and between
    full-width characters) and measured glyph by glyph (a word wider than the cell is broken, and counts the lines
    it takes)."""
    space = measured_width(" ", size, bold)
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for spaced, word in _spaced_pieces(part):
            need, gap = measured_width(word, size, bold), space if spaced else 0.0
            if used and used + gap + need > width:
                count, used = count + 1, 0.0
            if need > width:
                count += int(need // max(width, 1.0))
                used = need % max(width, 1.0)
            else:
                used += (gap if used else 0.0) + need
        total += count
    return total
