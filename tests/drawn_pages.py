"""How LibreOffice laid a document out on its pages (`pdftotext -raw -bbox`, read by tests/drawn.py), checked
against the .docx it drew:

1. No heading is the last line drawn on a page but the last: a heading stays on the page of what follows it. A
   heading is a paragraph in a title, subtitle or heading style (or one based on them); its words are found on
   the page by content, starting a line. The closing section (from the last heading on) is drawn on one page.
2. No table row is drawn on two pages: each row's cells are drawn whole on one page (a merged cell's
   continuation has no text of its own; a repeated header row is whole on every page it is drawn on).
3. No group of words a line must not break inside is drawn on two lines: the pieces of text the .docx joins
   with no-break spaces (U+00A0, U+202F; in Chinese and Japanese, which break beside any character, only what they
   join), and the phone numbers and dates its text holds even where they are
   not joined (found as aspo.compose.nobreak finds them), so a document that breaks them is caught too.

Each problem is one readable line naming the PDF, the page and the text. Text is compared as drawn words joined
without their spaces (case and compatibility forms folded), so a word drawn in pieces after a hyphen still matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drawn import (
    BELOW_TOLERANCE_SHARE,
    FOOTER_TOLERANCE,
    Box,
    Page,
    Word,
    document_pages,
    is_wide,
    join_words,
    norm,
    split_words,
)

_HEADING_STYLE = re.compile(r"^(title|subtitle|heading [1-9])$")
_NO_BREAK_SPACES = "\u00a0\u202f"
_BREAKING_SPACE = re.compile(r"[ \t\r\n]+")


@dataclass
class Layout:
    """What a document's pages must keep together: headings, table rows (each a list of cell texts) and no-break
    groups, in reading order; and the text area the page margins leave."""

    text_area: Box
    headings: list[str] = field(default_factory=list)
    rows: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (table, row, cell texts); 1-based
    groups: list[str] = field(default_factory=list)

    @property
    def closing(self) -> str | None:
        """The closing section's heading: the document's last."""
        return self.headings[-1] if self.headings else None


def _is_heading(style) -> bool:
    """A title, subtitle or heading style by built-in identity (any language Word shows it in), or based on one."""
    seen = 0
    while style is not None and seen < 20:
        name = (style.element.name_val or "").lower()
        if _HEADING_STYLE.match(name):
            return True
        style, seen = style.base_style, seen + 1
    return False


def _unbroken(token: str) -> list[str]:
    """A token between breaking spaces as the pieces a line may not break inside: itself, or in Chinese and
    Japanese text, which may break beside any full-width character, its pieces between those breaks (a no-break
    space joins what is on either side of it)."""
    if not any(map(is_wide, token)):
        return [token]
    pieces = [token[0]]
    for before, char in zip(token, token[1:]):
        joined = before in _NO_BREAK_SPACES or char in _NO_BREAK_SPACES
        if (is_wide(before) or is_wide(char)) and not joined:
            pieces.append(char)
        else:
            pieces[-1] += char
    return pieces


def _groups_in(text: str, finder) -> list[str]:
    """The text's no-break groups (words joined by no-break spaces), then the phone numbers and dates `finder`
    sees in it (ordinary spaces or not)."""
    found = [group for token in _BREAKING_SPACE.split(text) for group in _unbroken(token)
             if any(ch in group for ch in _NO_BREAK_SPACES) and len(split_words(group)) > 1]
    plain = text.replace("\u00a0", " ").replace("\u202f", " ")
    found += [group for group in finder.groups(plain, kinds=("phone", "date")) if " " in group]
    return found


def document_layout(path: Path, locale: str = "en-US") -> Layout:
    """What `path` (.docx) must keep together on its pages; `locale`: the one its dates are written in."""
    import docx
    from docx.oxml.ns import qn

    from aspo.compose.nobreak import NoBreak

    finder = NoBreak(locale)
    document = docx.Document(str(path))
    layout = Layout(document_pages(path).text_area)
    texts = []
    for paragraph in document.paragraphs:
        if paragraph.text.strip() and paragraph.style is not None and _is_heading(paragraph.style):
            layout.headings.append(paragraph.text)
        texts.append(paragraph.text)
    for number, table in enumerate(document.tables, start=1):
        for row_number, row in enumerate(table.rows, start=1):
            # each cell of the XML once: python-docx's row.cells repeats a merged cell's first one
            cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in row._tr.tc_lst]
            layout.rows.append((number, row_number, cells))
            texts.extend(cells)
    seen = set()
    for text in texts:
        for group in _groups_in(text, finder):
            if _key(group) not in seen:  # a joined group is found again in its plain form
                seen.add(_key(group))
                layout.groups.append(group)
    return layout


# --- pages as streams of characters -------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Text as compared: its words joined without spaces, case and compatibility forms folded."""
    return "".join(norm(word) for word in split_words(text))


def _body_words(page: Page, text_area: Box) -> list[Word]:
    """The words drawn between the header and the footer (the bands' own words are no body's)."""
    found = []
    for word in page.words:
        below = max(FOOTER_TOLERANCE, BELOW_TOLERANCE_SHARE * word.box.height)
        if word.box.y1 > text_area.y1 + below or word.box.y0 < text_area.y0 - FOOTER_TOLERANCE:
            continue
        found.append(word)
    return found


def _occurrences(words: list[Word], text: str) -> list[tuple[int, int]]:
    """Where `text` is drawn in `words`: (first, last + 1) of each run of whole words whose keys make its key."""
    target = _key(text)
    found = []
    if not target:
        return found
    for start, word in enumerate(words):
        if not target.startswith(word.key) or not word.key:
            continue
        joined, end = "", start
        while end < len(words) and len(joined) < len(target):
            joined += words[end].key
            end += 1
        if joined == target:
            found.append((start, end))
    return found


def _same_line(a: Word, b: Word) -> bool:
    return abs(a.box.y0 - b.box.y0) < 0.5 * min(a.box.height, b.box.height)


def _lines(words: list[Word]) -> list[list[int]]:
    """The indexes of `words` by line, top to bottom."""
    lines: list[list[int]] = []
    for index in sorted(range(len(words)), key=lambda i: (words[i].box.y0, words[i].box.x0)):
        if lines and _same_line(words[lines[-1][0]], words[index]):
            lines[-1].append(index)
        else:
            lines.append([index])
    return lines


def _quoted(text: str, limit: int = 60) -> str:
    text = join_words(split_words(text))
    return repr(text if len(text) <= limit else text[: limit - 1] + "\u2026")


# --- the checks -------------------------------------------------------------------------------------------------


def heading_problems(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """Every heading drawn as the last line of a page that is not the document's last."""
    problems = []
    for number, page in enumerate(pages[:-1], start=1):
        words = _body_words(page, layout.text_area)
        lines = _lines(words)
        if not lines:
            continue
        last_line = set(lines[-1])
        line_of = {index: n for n, line in enumerate(lines) for index in line}
        for heading in layout.headings:
            for start, end in _occurrences(words, heading):
                first_line = lines[line_of[start]]
                starts_line = min(first_line, key=lambda i: words[i].box.x0) == start
                if starts_line and last_line <= set(range(start, end)):
                    problems.append(f"{name} page {number}: the heading {_quoted(heading)} is the last line of the "
                                    f"page; what follows it starts on page {number + 1}")
    return problems


def missing_headings(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """Every heading drawn on no page: the other checks look for headings by their words, and find nothing to
    report about one that is not there."""
    words = [word for page in pages for word in _body_words(page, layout.text_area)]
    return [f"{name}: the heading {_quoted(heading)} is not drawn on any page"
            for heading in dict.fromkeys(layout.headings) if not _occurrences(words, heading)]


def closing_problems(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """The closing section when it starts on one page and ends on another, though it is short enough to move to a
    page whole (half a page at most, as aspo.render.word keeps it; a longer one flows like any section)."""
    if layout.closing is None:
        return []
    stream = [(number, word) for number, page in enumerate(pages, start=1)
              for word in _body_words(page, layout.text_area)]
    starts = _occurrences([word for _, word in stream], layout.closing)
    if not starts:
        return [f"{name}: the closing section's heading {_quoted(layout.closing)} is not drawn on any page"]
    section = stream[starts[-1][0]:]
    first, last = section[0][0], section[-1][0]
    if first == last:
        return []
    drawn = sum(max(word.box.y1 for number, word in section if number == page)
                - min(word.box.y0 for number, word in section if number == page) for page in range(first, last + 1)
                if any(number == page for number, _ in section))
    if drawn > 0.5 * layout.text_area.height:
        return []
    return [f"{name}: the closing section {_quoted(layout.closing)} starts on page {first} and ends on page {last}"]


def row_problems(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """Every table row not drawn whole on one page."""
    bodies = [_body_words(page, layout.text_area) for page in pages]
    keys = ["".join(word.key for word in words) for words in bodies]
    problems = []
    for table, row, cells in layout.rows:
        wanted = [_key(cell) for cell in cells if _key(cell)]
        if not wanted or any(all(cell in page for cell in wanted) for page in keys):
            continue
        text = " | ".join(join_words(split_words(cell)) for cell in cells if cell.strip())
        longest = max(wanted, key=len)
        whole = [number for number, page in enumerate(keys, start=1) if longest in page]
        if whole:
            where = "its cells are drawn whole, but never all on one page"
        else:  # the longest cell in two pieces: where it begins and where it ends
            begins = [number for number, page in enumerate(keys, start=1) if longest[:20] in page]
            ends = [number for number, page in enumerate(keys, start=1) if longest[-20:] in page]
            where = (f"its text begins on page {', '.join(map(str, begins)) or '?'} and ends on page "
                     f"{', '.join(map(str, ends)) or '?'}")
        problems.append(f"{name}: row {row} of table {table} ({_quoted(text)}) is not drawn whole on one page: "
                        f"{where}")
    return problems


def group_problems(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """Every no-break group, phone number or date drawn on two lines (or across a page)."""
    stream = [(number, word) for number, page in enumerate(pages, start=1)
              for word in _body_words(page, layout.text_area)]
    words = [word for _, word in stream]
    problems = []
    for group in layout.groups:
        for start, end in _occurrences(words, group):
            first_page, first = stream[start]
            pieces: list[list[str]] = [[first.text]]
            for (page, word), (before_page, before) in zip(stream[start + 1:end], stream[start:end - 1]):
                if page != before_page or not _same_line(before, word):
                    pieces.append([])
                pieces[-1].append(word.text)
            if len(pieces) > 1:
                drawn = " / ".join(" ".join(piece) for piece in pieces)
                problems.append(f"{name} page {first_page}: {_quoted(group)} is drawn on {len(pieces)} lines: "
                                f"{drawn!r}")
    return problems


def check_document_pages(name: str, pages: list[Page], layout: Layout) -> list[str]:
    """Every problem with how a document was laid out on its pages, one line each."""
    return (missing_headings(name, pages, layout) + heading_problems(name, pages, layout)
            + closing_problems(name, pages, layout)
            + row_problems(name, pages, layout) + group_problems(name, pages, layout))
