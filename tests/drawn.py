"""What LibreOffice drew: the words of a PDF with their boxes (`pdftotext -raw -bbox`), checked against the deck
or document they were drawn from.

The rules (each problem is one readable line naming the file, the slide or page, the word and the box):

Words are what a line breaker sees: text split at white space, and Chinese and Japanese text (written without
spaces, breaking between any two characters) split into its full-width characters, each a word of its own.

1. Every word drawn is a whole word of the text meant to be there. The words meant are those of the file itself:
   each shape's text, table cells and chart labels of the slide, with the slide's master and layout decorations;
   the document's paragraphs, tables, headers and footers. A word may also be drawn in pieces where a line may
   break inside it: after a hyphen, dash or slash ("condition-" / "based"). Otherwise a word not in the text is
   a problem: when joined with the words drawn next to it on the following lines it makes a word of the text, it
   is a word broken across lines ("'Meridi' + 'an' is 'Meridian'"); two real words that make a third one when
   joined ("in" + "to") count as broken too, unless the text has them side by side. Besides the text, a word may
   be a list's bullet or number, the slide or page number where a field shows it, or a number inside a chart
   (its axis labels). Case and Unicode compatibility forms (ligatures) are ignored; nothing else is.
2. Every word lies on the page (PAGE_TOLERANCE).
3. Deck: every word lies inside the box of a shape on its slide whose text holds that word (BOX_TOLERANCE, or a
   tenth of the word's height for large type); a table's box is its frame, and below it the rest of the layout's
   placeholder box the table replaced: rows are sized to their text as estimated, and a renderer that sets them
   taller grows them down into that room, never past it. A word two shapes hold belongs to the one whose box holds
   it, else to the shape the words before it were drawn for. Document: every body word lies inside the text area
   the page margins leave (same tolerance); a Chinese or Japanese comma or full stop ending a line may hang in the
   right margin, as Word and LibreOffice set them by default (hanging punctuation), by no more than its width.
4. Deck: no word of the slide's content overlaps the footer, date or slide number placeholders of its layout
   (by more than FOOTER_TOLERANCE). Document: no body word is drawn below the bottom margin (FOOTER_TOLERANCE):
   the words there must be the footer's own, each as often as the footer has it (above the top margin, the
   header's).
5. Deck: no two words drawn on a slide overlap each other (by more than OVERLAP_TOLERANCE across and
   OVERLAP_SHARE of the smaller one's height down): a chart's title, data labels and axis labels, and the words of
   any two shapes. Words of one run of text (each drawn after the one before on its line, or starting the next
   line) are the renderer's own lines, whose glyph boxes may overlap where lines are set closely.

The PDF pages of a deck are its slides in order (LibreOffice draws one page per slide, none for a hidden one).
Words are read in content-stream order (`-raw`): LibreOffice draws shape by shape, table cell by table cell,
line by line, so the words after a fragment are those of the next line of the same text.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

from aspo.office.ooxml import NAMESPACES
from aspo.render.textview import SYMBOL_BULLETS  # as the Symbol and Wingdings fonts draw them

EMU_PER_PT = 12700

PAGE_TOLERANCE = 1.0  # pt a word box may stick out of the page (rounding)
BOX_TOLERANCE = 4.0  # pt a word box may stick out of its shape's box or the text area (glyph boxes, insets)
BOX_TOLERANCE_SHARE = 0.1  # or this share of the word box's height, if more (a large title's descenders)
ABOVE_TOLERANCE_SHARE = 0.16  # above a box: the glyph box's ascent beyond the line's, with no top inset
FOOTER_TOLERANCE = 1.0  # pt a word box may reach into a footer placeholder or below the bottom margin
#: ... or this share of the word box's height, if more, below the bottom margin: the glyph box's descent beyond
#: the line's (a page's last line sits on the margin; a word drawn into the footer is a whole line below it)
BELOW_TOLERANCE_SHARE = 0.1
#: pt two words of different texts may share across (glyph boxes side by side) ...
OVERLAP_TOLERANCE = 1.0
#: ... and the share of the smaller one's height they may share down: the glyph box's ascent and descent beyond
#: the letters (a label set right under a title touches it; one drawn over it shares a third of its height or more)
OVERLAP_SHARE = 0.15

#: Characters after which a line may break inside a word (hyphens, dashes, slash); an em dash also before it.
BREAK_AFTER = "-\u2010\u2013\u2014/"
BREAK_BEFORE = "\u2014"
SOFT_HYPHEN = "\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
#: A number as a chart's axis or data labels draw it: 12, -3.5, 1,200, 40%, $3k, (7).
_NUMBER = re.compile(r"^[(]?[-+\u2212\u2013]?[$\u20ac\u00a3\u00a5]?\d[\d.,\u00a0\u202f']*[%kKmMbB]?[)]?$")


def norm(text: str) -> str:
    """A word as compared: Unicode compatibility forms folded (ligatures), invisible characters dropped, any case."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()


def is_wide(char: str) -> bool:
    """A full-width character (East Asian Wide or Fullwidth): Chinese, Japanese and Korean text, which a line may
    break before or after, spaces or none."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def split_words(text: str) -> list[str]:
    """The words of a text as a line breaker sees them: split on white space (no-break spaces included), and each
    full-width character a word of its own (Chinese and Japanese have no spaces; a run of other characters among
    them is one word)."""
    words = text.replace("\u00a0", " ").replace("\u202f", " ").split()
    if not any(map(is_wide, text)):
        return words
    return [piece for word in words for piece in _wide_pieces(word)]


def _wide_pieces(word: str) -> list[str]:
    """A word without spaces as split_words splits it: each full-width character, and each run of others."""
    pieces: list[str] = []
    for char in word:
        if pieces and not is_wide(char) and not is_wide(pieces[-1][-1]):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def join_words(words: list[str]) -> str:
    """Words as a line's text: a space between two, none beside a full-width character (split_words' inverse for
    Chinese and Japanese)."""
    text = ""
    for word in words:
        text += word if not text or is_wide(text[-1]) or is_wide(word[0]) else " " + word
    return text


def pieces(word: str) -> set[str]:
    """The word and every part of it a line break may leave on a line: a word of the text may be drawn in pieces
    only where a line may break inside it (after a hyphen, dash or slash, before an em dash, at a soft hyphen,
    which is then drawn as '-')."""
    cuts = {0, len(word)}
    for i, ch in enumerate(word):
        if ch in BREAK_AFTER or ch == SOFT_HYPHEN:
            cuts.add(i + 1)
        if ch in BREAK_BEFORE and i > 0:
            cuts.add(i)
    cuts = sorted(cuts)
    found = set()
    for a, start in enumerate(cuts):
        for end in cuts[a + 1:]:
            part = word[start:end]
            hyphenated = part.endswith(SOFT_HYPHEN) and end < len(word)
            part = part.replace(SOFT_HYPHEN, "")
            if part:
                found.add(norm(part + "-" if hyphenated else part))
    return found


def may_break_between(before: str, after: str) -> bool:
    """Whether a line may end between these two pieces of one word (where pieces() cuts)."""
    return bool(before and after) and (before[-1] in BREAK_AFTER or after[0] in BREAK_BEFORE)


# --- boxes and words --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle in points, y downwards (PDF words as pdftotext gives them; shapes from EMU)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def emu(cls, left: int, top: int, width: int, height: int) -> Box:
        return cls(left / EMU_PER_PT, top / EMU_PER_PT, (left + width) / EMU_PER_PT, (top + height) / EMU_PER_PT)

    def contains(self, other: Box, tolerance: float = 0.0) -> bool:
        return (other.x0 >= self.x0 - tolerance and other.y0 >= self.y0 - tolerance
                and other.x1 <= self.x1 + tolerance and other.y1 <= self.y1 + tolerance)

    def overlaps(self, other: Box, depth: float = 0.0) -> bool:
        """Whether the two share more than `depth` points each way."""
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > depth
                and min(self.y1, other.y1) - max(self.y0, other.y0) > depth)

    def excess(self, other: Box) -> dict[str, float]:
        """How far `other` sticks out of this box on each side, in points (only the sides it does)."""
        sides = {"left": self.x0 - other.x0, "above": self.y0 - other.y0,
                 "right": other.x1 - self.x1, "below": other.y1 - self.y1}
        return {side: amount for side, amount in sides.items() if amount > 0}

    def distance(self, other: Box) -> float:
        return max(self.excess(other).values(), default=0.0)

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def __str__(self) -> str:
        return "[" + ", ".join(f"{v:.1f}" for v in (self.x0, self.y0, self.x1, self.y1)) + "]"


@dataclass(frozen=True)
class Word:
    text: str
    box: Box

    @cached_property
    def key(self) -> str:
        return norm(self.text)

    def __str__(self) -> str:
        return f"{self.text!r} {self.box}"


@dataclass
class Page:
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def box(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)


class _BboxReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pages: list[Page] = []
        self._word: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "page":
            self.pages.append(Page(float(values["width"]), float(values["height"])))
        elif tag == "word":
            self._word, self._text = values, []

    def handle_data(self, data):
        if self._word is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "word" and self._word is not None:
            values, self._word = self._word, None
            box = Box(*(float(values[k]) for k in ("xmin", "ymin", "xmax", "ymax")))
            text = "".join(self._text)
            words = split_words(text)
            if not any(map(is_wide, text)):
                self.pages[-1].words.extend(Word(word, box) for word in words)
                return
            # pdftotext gives a run of Chinese or Japanese one box: each of its words gets its share, a full-width
            # character twice another's, so that they read as drawn one after the other
            shares = [sum(2 if is_wide(char) else 1 for char in word) for word in words]
            x, unit = box.x0, (box.x1 - box.x0) / max(sum(shares), 1)
            for word, share in zip(words, shares):
                self.pages[-1].words.append(Word(word, Box(x, box.y0, x + share * unit, box.y1)))
                x += share * unit


def read_bbox(xhtml: str) -> list[Page]:
    """The pages of `pdftotext -bbox` (or `-bbox-layout`) output, with their words in the order given."""
    reader = _BboxReader()
    reader.feed(xhtml)
    reader.close()
    return reader.pages


def words_drawn(pdf: Path, pdftotext: str = "pdftotext", timeout: float = 60) -> list[Page]:
    """The words of a PDF with their boxes, in content-stream order."""
    result = subprocess.run([pdftotext, "-raw", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                            timeout=timeout)
    return read_bbox(result.stdout.decode("utf-8", errors="replace"))


# --- what was meant to be drawn --------------------------------------------------------------------------------


@dataclass(eq=False)
class Shape:
    """Something on a slide or page that draws text: its name, its kind, its box, its words in reading order."""

    name: str
    kind: str  # "placeholder", "table", "chart", "text box", "footer", "decoration" (master, layout); "text", "band"
    box: Box
    words: list[str]
    template: bool = False  # drawn by the slide's master or layout, not put there by the renderer
    numbers: bool = False  # a chart: any number drawn inside it is one of its axis or data labels
    lists: bool = True  # may draw bullets or list numbers
    area: Box | None = None  # a table: the box of the layout's placeholder it replaced
    area_name: str = ""

    @cached_property
    def vocabulary(self) -> set[str]:
        return {piece for word in self.words for piece in pieces(word)}

    @cached_property
    def pairs(self) -> set[tuple[str, str]]:
        keys = [norm(word) for word in self.words]
        return set(zip(keys, keys[1:]))

    def __str__(self) -> str:
        if self.kind in ("placeholder", "table", "chart", "text box", "footer"):
            return f"{self.kind} {self.name!r}"
        return self.name  # the document's "body text", "footer", "header"


@dataclass
class Marks:
    """What a list may draw in front of a paragraph: bullet characters, and numbering patterns."""

    bullets: set[str] = field(default_factory=set)
    numbering: list[re.Pattern] = field(default_factory=list)

    def add_bullet(self, char: str) -> None:
        if char:
            self.bullets.add(norm(char))
            self.bullets.add(norm(SYMBOL_BULLETS.get(char, char)))

    def __contains__(self, word: str) -> bool:
        return norm(word) in self.bullets or any(p.match(word) for p in self.numbering)


@dataclass
class Sheet:
    """What one slide is meant to draw (a deck: one sheet a page, in order)."""

    label: str  # "slide 5"
    width: float
    height: float
    shapes: list[Shape]
    footers: list[Shape] = field(default_factory=list)  # the layout's footer, date and slide number boxes
    marks: Marks = field(default_factory=Marks)


@dataclass
class Pages:
    """What a document is meant to draw, page after page (which page holds what is LibreOffice's layout)."""

    width: float
    height: float
    text_area: Box  # inside the margins
    body: list[Shape]  # box: the text area
    footer: list[list[str] | None]  # the footer's words: [default, first page, even pages] (None: none)
    header: list[list[str] | None]
    title_page: bool = False
    even_and_odd: bool = False
    marks: Marks = field(default_factory=Marks)

    def band(self, bands: list[list[str]], number: int, count: int) -> list[str]:
        default, first, even = (bands + [None, None, None])[:3]
        chosen = default
        if self.title_page and number == 1:
            chosen = first
        elif self.even_and_odd and number % 2 == 0:
            chosen = even
        words = []
        for word in chosen or []:
            words.append(str(number) if word == "\x00PAGE" else str(count) if word == "\x00NUMPAGES" else word)
        return words


# --- reading the deck -------------------------------------------------------------------------------------------

_A, _W = NAMESPACES["a"], NAMESPACES["w"]


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _drawing_paragraphs(tx_body, slide_number: int | None) -> list[str]:
    """The text of each a:p of a DrawingML text body, with the slide number where a field shows it."""
    texts = []
    for p in tx_body.iter(_q(_A, "p")):
        parts = []
        for child in p:
            if child.tag == _q(_A, "r"):
                parts.append("".join(t.text or "" for t in child.iter(_q(_A, "t"))))
            elif child.tag == _q(_A, "br"):
                parts.append("\n")
            elif child.tag == _q(_A, "fld"):
                if child.get("type") == "slidenum" and slide_number is not None:
                    parts.append(str(slide_number))
                else:
                    parts.append("".join(t.text or "" for t in child.iter(_q(_A, "t"))))
        texts.append("".join(parts))
    return texts


def _text_words(tx_body, slide_number) -> list[str]:
    return [word for text in _drawing_paragraphs(tx_body, slide_number) for word in split_words(text)]


def _shapes(shapes, slide_number, *, template: bool, transform=None):
    """The shapes that draw text, with their boxes on the slide; groups are entered."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    transform = transform or (lambda box: box)
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes, slide_number, template=template, transform=_group(shape, transform))
            continue
        if shape.is_placeholder and template:
            continue  # a layout's or master's placeholder draws nothing on a slide
        if shape.left is None or shape.width is None:
            continue
        box = transform(Box.emu(shape.left, shape.top, shape.width, shape.height))
        name = shape.name
        if getattr(shape, "has_table", False) and shape.has_table:
            words = [word for tc in shape._element.iter(_q(_A, "tc")) for word in _text_words(tc, slide_number)]
            yield Shape(name, "table", box, words, template=template, lists=False)
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            yield Shape(name, "chart", box, _chart_words(shape.chart), template=template, numbers=True,
                        lists=False)
        elif shape.has_text_frame:
            words = _text_words(shape.text_frame._txBody, slide_number)
            if not words:
                continue
            kind = "decoration" if template else "placeholder" if shape.is_placeholder else "text box"
            if shape.is_placeholder and shape.placeholder_format.type in (
                    PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.SLIDE_NUMBER):
                kind = "footer"
            yield Shape(name, kind, box, words, template=template)


def _group(group, outer):
    xfrm = group._element.grpSpPr.find(_q(_A, "xfrm"))
    off, ext = xfrm.find(_q(_A, "off")), xfrm.find(_q(_A, "ext"))
    ch_off, ch_ext = xfrm.find(_q(_A, "chOff")), xfrm.find(_q(_A, "chExt"))
    ox, oy, cx, cy = (int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")))
    chx, chy = (int(ch_off.get("x")), int(ch_off.get("y"))) if ch_off is not None else (ox, oy)
    chcx, chcy = (int(ch_ext.get("cx")), int(ch_ext.get("cy"))) if ch_ext is not None else (cx, cy)
    sx, sy = (cx / chcx if chcx else 1.0), (cy / chcy if chcy else 1.0)

    def inner(box: Box) -> Box:
        x0 = (ox + (box.x0 * EMU_PER_PT - chx) * sx) / EMU_PER_PT
        y0 = (oy + (box.y0 * EMU_PER_PT - chy) * sy) / EMU_PER_PT
        x1 = (ox + (box.x1 * EMU_PER_PT - chx) * sx) / EMU_PER_PT
        y1 = (oy + (box.y1 * EMU_PER_PT - chy) * sy) / EMU_PER_PT
        return outer(Box(x0, y0, x1, y1))

    return inner


def _chart_words(chart) -> list[str]:
    texts = []
    if chart.has_title and chart.chart_title.has_text_frame:
        texts.append(chart.chart_title.text_frame.text)
    for plot in chart.plots:
        try:
            labels = plot.categories.flattened_labels
        except (ValueError, AttributeError, IndexError):  # an XY or bubble chart has none
            labels = ()
        for category in labels:
            texts.extend(str(label) for label in category)
        for series in plot.series:
            texts.append(series.name or "")
        if plot.has_data_labels:  # the literal text of their number format: 0" weeks" draws "weeks"
            texts.extend(re.findall(r'"([^"]*)"', plot.data_labels.number_format or ""))
    for axis in ("category_axis", "value_axis"):
        try:
            found = getattr(chart, axis)
        except (ValueError, AttributeError):
            continue
        if found.has_title and found.axis_title.has_text_frame:
            texts.append(found.axis_title.text_frame.text)
    return [word for text in texts for word in split_words(text)]


def _deck_marks(*parts) -> Marks:
    marks = Marks()
    for element in parts:
        for bu in element.iter(_q(_A, "buChar")):
            marks.add_bullet(bu.get("char", ""))
        if next(element.iter(_q(_A, "buAutoNum")), None) is not None:
            marks.numbering = [re.compile(r"^\(?(\d+|[a-z]|[ivxlcdm]+)[.)]$", re.IGNORECASE)]
    return marks


def _shows_master_shapes(element) -> bool:
    return element.get("showMasterSp") not in ("0", "false")


def deck_sheets(path: Path) -> list[Sheet]:
    """What each slide shown of a .pptx is meant to draw, in order: one sheet a PDF page."""
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation(str(path))
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    footer_types = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.SLIDE_NUMBER)
    sheets = []
    for number, slide in enumerate(prs.slides, start=1):
        if slide._element.get("show") in ("0", "false"):
            continue  # a hidden slide is not drawn
        layout = slide.slide_layout
        master = layout.slide_master
        shapes = list(_shapes(slide.shapes, number, template=False))
        for shape in shapes:  # a table stands where a placeholder of the layout was: its top left corner
            if shape.kind == "table":
                for ph in layout.placeholders:
                    if ph.width and abs(ph.left / EMU_PER_PT - shape.box.x0) < 1 and abs(
                            ph.top / EMU_PER_PT - shape.box.y0) < 1:
                        shape.area, shape.area_name = Box.emu(ph.left, ph.top, ph.width, ph.height), ph.name
                        break
        shapes += _shapes(layout.shapes, number, template=True)
        if _shows_master_shapes(layout._element) and _shows_master_shapes(slide._element):
            shapes += _shapes(master.shapes, number, template=True)
        boxes = [ph for ph in layout.placeholders if ph.placeholder_format.type in footer_types] or [
            ph for ph in master.placeholders if ph.placeholder_format.type in footer_types]
        footers = [Shape(ph.name, "footer", Box.emu(ph.left, ph.top, ph.width, ph.height), [], template=True)
                   for ph in boxes if ph.width]
        marks = _deck_marks(slide._element, layout._element, master._element, prs.part._element)
        sheets.append(Sheet(f"slide {number}", width, height, shapes, footers, marks))
    return sheets


# --- reading the document ---------------------------------------------------------------------------------------

_PAGE_FIELDS = {"PAGE": "\x00PAGE", "NUMPAGES": "\x00NUMPAGES", "SECTIONPAGES": "\x00NUMPAGES"}


def _word_paragraph_text(p) -> str:
    """A w:p's text as drawn: runs, tabs and breaks; a page number field as a marker for its number."""
    parts: list[str] = []
    fields: list[list] = []  # the complex fields open: [code so far, whether its cached result is hidden]

    def page_field(code: str) -> str | None:
        words = code.split()
        return _PAGE_FIELDS.get(words[0].upper()) if words else None

    def walk(element) -> None:
        for el in element:
            tag = el.tag
            if tag == _q(_W, "fldSimple") and page_field(el.get(_q(_W, "instr")) or ""):
                parts.append(" " + page_field(el.get(_q(_W, "instr"))) + " ")  # not its cached result
                continue
            if tag == _q(_W, "fldChar"):
                kind = el.get(_q(_W, "fldCharType"))
                if kind == "begin":
                    fields.append(["", False])
                elif kind == "separate" and fields and page_field(fields[-1][0]):
                    parts.append(" " + page_field(fields[-1][0]) + " ")
                    fields[-1][1] = True
                elif kind == "end" and fields:
                    fields.pop()
            elif tag == _q(_W, "instrText") and fields:
                fields[-1][0] += el.text or ""
            elif tag == _q(_W, "t"):
                if not any(hidden for _, hidden in fields):
                    parts.append(el.text or "")
            elif tag in (_q(_W, "tab"), _q(_W, "br"), _q(_W, "cr")):
                parts.append(" ")
            elif tag == _q(_W, "noBreakHyphen"):
                parts.append("\u2011")
            elif tag == _q(_W, "softHyphen"):
                parts.append(SOFT_HYPHEN)
            walk(el)

    walk(p)
    return "".join(parts)


def _paragraph_words(element) -> list[str]:
    words = []
    for p in element.iter(_q(_W, "p")):
        words.extend(split_words(_word_paragraph_text(p)))
    return words


def _band_words(part) -> list[str] | None:
    if part is None or part.is_linked_to_previous:
        return None
    return _paragraph_words(part._element)


def document_pages(path: Path) -> Pages:
    """What a .docx is meant to draw: its body (paragraphs, tables), headers and footers, and its page geometry."""
    import docx

    document = docx.Document(str(path))
    body = document.element.body
    paragraphs, tables = [], []
    for child in body:
        if child.tag == _q(_W, "tbl"):
            tables.extend(_paragraph_words(child))
        elif child.tag != _q(_W, "sectPr"):
            paragraphs.extend(_paragraph_words(child))
    sections = document.sections
    # one geometry: generated documents have one section; with several, the most lenient text area
    width = max(s.page_width.pt for s in sections)
    height = max(s.page_height.pt for s in sections)
    text_area = Box(min(s.left_margin.pt for s in sections), min(s.top_margin.pt for s in sections),
                    max(s.page_width.pt - s.right_margin.pt for s in sections),
                    max(s.page_height.pt - s.bottom_margin.pt for s in sections))
    section = sections[0]
    footer = [_band_words(section.footer), _band_words(section.first_page_footer),
              _band_words(section.even_page_footer)]
    header = [_band_words(section.header), _band_words(section.first_page_header),
              _band_words(section.even_page_header)]
    settings = document.settings.element
    even_and_odd = settings.find(_q(_W, "evenAndOddHeaders")) is not None
    marks = Marks()
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering = None
    if numbering is not None:
        for lvl in numbering.iter(_q(_W, "lvl")):
            fmt = lvl.find(_q(_W, "numFmt"))
            text = lvl.find(_q(_W, "lvlText"))
            value = text.get(_q(_W, "val")) if text is not None else ""
            if fmt is not None and fmt.get(_q(_W, "val")) == "bullet":
                marks.add_bullet(value)
            elif value and fmt is not None and fmt.get(_q(_W, "val")) != "none":
                pattern = re.sub(r"%\d", "\x00", re.escape(value)).replace("\x00", r"[0-9a-z]+")
                marks.numbering.append(re.compile(f"^{pattern}$", re.IGNORECASE))
    return Pages(
        width=width, height=height, text_area=text_area,
        body=[Shape("body text", "text", text_area, paragraphs), Shape("", "table", text_area, tables, lists=False)],
        footer=footer, header=header, title_page=bool(section.different_first_page_header_footer),
        even_and_odd=even_and_odd, marks=marks,
    )


# --- the checks -------------------------------------------------------------------------------------------------


def _next_line(before: Word, after: Word) -> bool:
    """Whether `after` starts the line after the one `before` ends (LibreOffice draws line by line)."""
    return after.box.y0 > before.box.y0 + 0.5 * before.box.height and after.box.y0 < before.box.y1 + before.box.height


def _room(shape: Shape) -> Box:
    """Where a shape's words may be drawn: its box; a table's frame and below it, the rest of the box it replaced."""
    if shape.kind != "table" or shape.area is None or shape.area.y1 <= shape.box.y1:
        return shape.box
    return Box(shape.box.x0, shape.box.y0, shape.box.x1, shape.area.y1)


def _fits(box: Box, word: Word) -> bool:
    """Whether a word lies inside a box: BOX_TOLERANCE, or a tenth of the word's height for large type (the glyph
    box pdftotext gives spans the font's whole ascent and descent, more than the line LibreOffice fits). Above
    the box, ABOVE_TOLERANCE_SHARE: a first line set at the top of a box with no top inset (LibreOffice's own
    templates) has its glyph box reach above it by the font's ascent beyond the line's."""
    tolerance = max(BOX_TOLERANCE, BOX_TOLERANCE_SHARE * word.box.height)
    above = max(tolerance, ABOVE_TOLERANCE_SHARE * word.box.height)
    return box.contains(Box(word.box.x0, max(word.box.y0, box.y0 - tolerance) if word.box.y0 >= box.y0 - above
                            else word.box.y0, word.box.x1, word.box.y1), tolerance)


#: What a line of Chinese or Japanese may hang past its right margin (LibreOffice's and Word's hanging punctuation).
HANGING = "\u3001\u3002\uff0c\uff0e"


def _hangs(area: Box, word: Word) -> bool:
    """Whether a word is punctuation hanging past the area's right edge, and only by its own width."""
    hangs_right = Box(area.x0, area.y0, area.x1 + word.box.x1 - word.box.x0, area.y1)
    return word.text in HANGING and _fits(hangs_right, word)


def _owners(words: list[Word], candidates) -> list[Shape | None]:
    """The shape each word is drawn for: one whose text holds it and whose box holds it; failing that, the shape
    the words before it were drawn for (LibreOffice draws a shape's words one after the other), or the nearest."""
    current, owners = None, []
    for word in words:
        shapes = candidates(word)
        inside = [shape for shape in shapes if _fits(shape.box, word)]
        if inside:
            owner = current if current in inside else inside[0]
        elif shapes:
            owner = current if current in shapes else min(shapes, key=lambda shape: shape.box.distance(word.box))
        else:
            owner = None
        current = owner or current
        owners.append(owner)
    return owners


def _describe(shape: Shape | None) -> str:
    if shape is None:
        return "in no shape"
    if shape.kind == "table":
        return f"a cell of {shape}" if shape.name else "a table cell"
    return str(shape)


def _words_problems(prefix: str, words: list[Word], candidates, shapes: list[Shape],
                    owners: list[Shape | None]) -> tuple[list[str], set[int]]:
    """Rule 1 on one page: the problems, and the words that are part of one (not checked further).

    `candidates(word)` lists the shapes a word may be drawn for (empty: it is in no text meant to be there)."""
    problems, taken = [], set()
    vocabulary = set().union(*(shape.vocabulary for shape in shapes)) if shapes else set()

    def joined(start: int, end: int) -> str:
        return "".join(word.text for word in words[start:end + 1])

    def owner(start: int, end: int, whole: str) -> Shape | None:
        having = [shape for shape in shapes if norm(whole) in shape.vocabulary]
        for k in (start - 1, end + 1, start, end):
            if 0 <= k < len(owners) and owners[k] in having:
                return owners[k]
        inside = [shape for shape in having if _fits(shape.box, words[start])]
        return (inside or having or [None])[0]

    def broken(start: int, end: int) -> None:
        parts = " + ".join(repr(word.text) for word in words[start:end + 1])
        whole = joined(start, end)
        problems.append(f"{prefix}: {parts} is {whole!r} broken across lines at {words[start].box} "
                        f"({_describe(owner(start, end, whole))})")
        taken.update(range(start, end + 1))

    def touching(before: Word, after: Word) -> bool:  # the next piece of one word, on the same line
        return (abs(after.box.y1 - before.box.y1) < 0.25 * before.box.height
                and -0.5 < after.box.x0 - before.box.x1 < 0.5)

    for i, word in enumerate(words):
        if owners[i] is not None or i in taken:
            continue
        # small capitals are drawn as pieces of one word, side by side ('P' + 'OINT'): whole, not broken
        end = i
        while end + 1 < len(words) and end - i < 4 and touching(words[end], words[end + 1]):
            end += 1
            if norm(joined(i, end)) in vocabulary:
                taken.update(range(i, end + 1))
                break
        if i in taken:
            continue
        found = None
        for start in (i, i - 1):  # a fragment and the lines after it, or a word's end after a start that is a word
            if start < 0 or start in taken:
                continue
            for end in range(max(i, start + 1), min(start + 4, len(words))):
                if not _next_line(words[end - 1], words[end]):
                    break
                if norm(joined(start, end)) in vocabulary:
                    found = (start, end)
                    break
            if found:
                break
        if found:
            broken(*found)
        else:
            problems.append(f"{prefix}: {word.text!r} at {word.box} is not a word of the text meant to be there")
            taken.add(i)
    # two words of the text that make one of its words, drawn on two lines, which the text never has side by side
    pairs = set().union(*(shape.pairs for shape in shapes)) if shapes else set()
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if i in taken or i + 1 in taken or owners[i] is None or owners[i + 1] is None or not _next_line(a, b):
            continue
        if (norm(a.text + b.text) in vocabulary and not may_break_between(a.text, b.text)
                and (a.key, b.key) not in pairs):
            broken(i, i + 1)
    return problems, taken


def _listed(words: list[Word], limit: int = 6) -> str:
    shown = ", ".join(str(word) for word in words[:limit])
    return shown + (f", ... ({len(words) - limit} more)" if len(words) > limit else "")


def _off_page(prefix: str, page: Page) -> list[str]:
    off = [word for word in page.words if not page.box.contains(word.box, PAGE_TOLERANCE)]
    if not off:
        return []
    return [f"{prefix}: {len(off)} word(s) drawn off the page {page.box}: {_listed(off)}"]


def _outside(prefix: str, what: str, box: Box, words: list[Word], note: str = "") -> str:
    sides: dict[str, float] = {}
    for word in words:
        for side, amount in box.excess(word.box).items():
            sides[side] = max(sides.get(side, 0.0), amount)
    far = ", ".join(f"{amount:.1f} pt {side}" for side, amount in sorted(sides.items(), key=lambda kv: -kv[1]))
    return f"{prefix}: {len(words)} word(s) drawn outside {what} {box} (up to {far}{note}): {_listed(words)}"


def _table_note(shape: Shape, words: list[Word]) -> str:
    """Where a table's rows grew below its frame: whether they stayed in the layout's box the table replaced."""
    if shape.kind != "table" or shape.area is None:
        return ""
    beyond = [word for word in words if not _fits(shape.area, word)]
    if beyond:
        return f"; {len(beyond)} also outside the layout's {shape.area_name!r} box {shape.area} it replaced"
    return f"; all inside the layout's {shape.area_name!r} box {shape.area} it replaced"


def _runs(words: list[Word]) -> list[int]:
    """The run of text each word belongs to, numbered in drawing order: a word drawn after the one before on its
    line, or at the start of the next line, continues its run."""
    runs, run = [], 0
    for i, word in enumerate(words):
        if i:
            before = words[i - 1]
            same_line = (abs(word.box.y1 - before.box.y1) < 0.25 * before.box.height
                         and word.box.x0 >= before.box.x1 - OVERLAP_TOLERANCE)
            if not (same_line or _next_line(before, word)):
                run += 1
        runs.append(run)
    return runs


def _overlapping(prefix: str, words: list[Word], owners: list[Shape | None], taken: set[int]) -> list[str]:
    """Rule 5 on one slide: each pair of words of different runs drawn over each other, once, in drawing order."""
    problems, runs = [], _runs(words)
    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            b = words[j]
            if i in taken or j in taken or runs[i] == runs[j]:
                continue
            across = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
            down = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)
            if across > OVERLAP_TOLERANCE and down > OVERLAP_SHARE * min(a.box.height, b.box.height):
                problems.append(f"{prefix}: {a} ({_describe(owners[i])}) and {b} ({_describe(owners[j])}) are "
                                "drawn over each other")
    return problems


def check_deck(name: str, pages: list[Page], sheets: list[Sheet]) -> list[str]:
    """Every problem with what LibreOffice drew for a deck (`pages`, its PDF named `name`), one line each."""
    problems = []
    if len(pages) != len(sheets):
        problems.append(f"{name}: {len(pages)} page(s) drawn for {len(sheets)} slide(s) shown")
    for page, sheet in zip(pages, sheets):
        prefix = f"{name} {sheet.label}"
        if abs(page.width - sheet.width) > PAGE_TOLERANCE or abs(page.height - sheet.height) > PAGE_TOLERANCE:
            problems.append(f"{prefix}: the page is {page.width:.1f} x {page.height:.1f} pt, the slide "
                            f"{sheet.width:.1f} x {sheet.height:.1f} pt")
        text_shapes = [shape for shape in sheet.shapes if shape.lists]

        def candidates(word: Word, sheet=sheet, text_shapes=text_shapes) -> list[Shape]:
            found = [shape for shape in sheet.shapes if word.key in shape.vocabulary]
            if _NUMBER.match(word.text):
                found += [shape for shape in sheet.shapes if shape.numbers and shape not in found]
            if word.text in sheet.marks:
                found += [shape for shape in text_shapes if shape not in found]
            return found

        owners = _owners(page.words, candidates)
        found, taken = _words_problems(prefix, page.words, candidates, sheet.shapes, owners)
        problems += found
        problems += _off_page(prefix, page)
        outside: dict[Shape, list[Word]] = {}
        over_footer: dict[tuple[Shape, Shape], list[Word]] = {}
        for i, (word, owner) in enumerate(zip(page.words, owners)):
            if i in taken or owner is None:
                continue
            if not _fits(_room(owner), word):
                outside.setdefault(owner, []).append(word)
            if owner.kind == "footer" or owner.template:
                continue  # a footer's own words, the template's decorations where the template put them
            for footer in sheet.footers:
                if footer.box.overlaps(word.box, FOOTER_TOLERANCE):
                    over_footer.setdefault((owner, footer), []).append(word)
        for shape, words in outside.items():
            problems.append(_outside(prefix, str(shape), shape.box, words, _table_note(shape, words)))
        for (owner, footer), words in over_footer.items():
            problems.append(f"{prefix}: {len(words)} word(s) of {owner} drawn over the layout's footer "
                            f"placeholder {footer.name!r} {footer.box}: {_listed(words)}")
        problems += _overlapping(prefix, page.words, owners, taken)
    return problems


def check_document(name: str, pages: list[Page], meant: Pages) -> list[str]:
    """Every problem with what LibreOffice drew for a document (`pages`, its PDF named `name`), one line each."""
    problems = []
    count = len(pages)
    for number, page in enumerate(pages, start=1):
        prefix = f"{name} page {number}"
        if abs(page.width - meant.width) > PAGE_TOLERANCE or abs(page.height - meant.height) > PAGE_TOLERANCE:
            problems.append(f"{prefix}: the page is {page.width:.1f} x {page.height:.1f} pt, the document's "
                            f"{meant.width:.1f} x {meant.height:.1f} pt")
        footer = meant.band(meant.footer, number, count)
        header = meant.band(meant.header, number, count)
        bands = {"footer": Shape("footer", "band", Box(0, meant.text_area.y1, page.width, page.height), footer),
                 "header": Shape("header", "band", Box(0, 0, page.width, meant.text_area.y0), header)}
        shapes = meant.body + list(bands.values())
        text_shapes = [shape for shape in meant.body if shape.lists]

        def candidates(word: Word, shapes=shapes, text_shapes=text_shapes) -> list[Shape]:
            found = [shape for shape in shapes if word.key in shape.vocabulary]
            if word.text in meant.marks:
                found += [shape for shape in text_shapes if shape not in found]
            return found

        owners = _owners(page.words, candidates)
        found, taken = _words_problems(prefix, page.words, candidates, shapes, owners)
        problems += found
        problems += _off_page(prefix, page)
        # below the bottom margin only the footer's words, above the top margin only the header's, each once
        left = {band: Counter(norm(word) for word in shape.words) for band, shape in bands.items()}
        into: dict[str, list[Word]] = {"footer": [], "header": []}
        body_words, in_band = [], {"footer": [], "header": []}
        for i, word in enumerate(page.words):
            if i in taken:
                continue
            below = max(FOOTER_TOLERANCE, BELOW_TOLERANCE_SHARE * (word.box.y1 - word.box.y0))
            if word.box.y1 > meant.text_area.y1 + below:
                in_band["footer"].append(word)
            elif word.box.y0 < meant.text_area.y0 - FOOTER_TOLERANCE:
                in_band["header"].append(word)
            else:
                body_words.append(word)
        for band, words in in_band.items():
            # the band's own words are those farthest from the body: the footer's lowest, the header's highest
            order = sorted(words, key=lambda word: -word.box.y0 if band == "footer" else word.box.y0)
            for word in order:
                if left[band][word.key] > 0:
                    left[band][word.key] -= 1
                else:
                    into[band].append(word)
            into[band].sort(key=words.index)
        for band, words in into.items():
            if words:
                where = (f"below the bottom margin (y {meant.text_area.y1:.1f}) into the footer" if band == "footer"
                         else f"above the top margin (y {meant.text_area.y0:.1f}) into the header")
                problems.append(f"{prefix}: {len(words)} body word(s) drawn {where}: {_listed(words)}")
        # the body inside the margins
        outside = [word for word in body_words
                   if not _fits(meant.text_area, word) and not _hangs(meant.text_area, word)]
        if outside:
            problems.append(_outside(prefix, "the text area", meant.text_area, outside))
    return problems
