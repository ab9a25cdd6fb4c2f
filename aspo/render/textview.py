"""Office files and review drafts as stable text, unit by unit (a slide, a section), for reading and diffing.

Which reader reads which file, aspo.render.formats says (its read_units). Imports are lazy (see aspo/cli/app.py):
python-pptx and python-docx load only when a deck or a document is read."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from aspo.core.errors import AspoError, Problem

PREAMBLE = "Before the first heading"
OUTSIDE = "Links, macros and embedded content"
TEMPLATE = "Word template: page, theme and styles"
_HEADING_STYLE = re.compile(r"Heading (\d)$")
#: Bullets Word and PowerPoint templates write as Symbol or Wingdings characters of Unicode's private-use area,
#: which a browser or terminal draws as a box: shown as the shape the font draws.
SYMBOL_BULLETS = {"\uf0b7": "\u2022", "\uf0a7": "\u25aa", "\uf0d8": "\u27a2", "\uf076": "\u2756", "\uf0fc": "\u2713",
                  "\uf06e": "\u25a0", "\uf071": "\u274f", "\uf0a8": "\u25a1", "\uf02d": "\u2212", "\uf0e8": "\u2794"}
#: What keeps words together on a line without being text of its own: no-break spaces read as spaces, a no-break
#: hyphen as a hyphen, word joiners and zero-width no-break spaces as nothing. The renderers write them inside phone
#: numbers, dates and product names; a text view shows none of them, so writing them is no change.
_UNBREAKABLE = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2011": "-", "\u2060": "", "\ufeff": ""}
_PLAIN = str.maketrans({**SYMBOL_BULLETS, **_UNBREAKABLE})


@dataclass(frozen=True)
class Unit:
    """One slide or section: a label to find it by, and its text line by line."""

    label: str
    lines: tuple[str, ...]


def _outside_content_units(data: bytes, kind: str) -> list[Unit]:
    """What a template links to, runs or embeds (hyperlinks too): every output would carry it, so a diff shows it."""
    from aspo.core.bounded import open_zip
    from aspo.office.hygiene import findings

    with open_zip(data) as package:  # check_package unpacked it within the budget already
        found = findings(package, kind)
    lines = tuple(f"{finding.part}: {finding.message.split(';')[0]}" for finding in found)
    return [Unit(OUTSIDE, lines)] if lines else []


def labelled_lines(units: Iterable[Unit]) -> list[tuple[str, str]]:
    """Each line of `as_text`, with the label of the unit it belongs to."""
    found: list[tuple[str, str]] = []
    for number, unit in enumerate(units):
        if number:
            found.append((unit.label, ""))
        found.append((unit.label, f"## {unit.label}"))
        found.extend((unit.label, line) for line in unit.lines)
    return found


def as_text(units: Iterable[Unit]) -> str:
    """The stable text: each unit as `## label` and its lines, a blank line between units."""
    return "".join(line + "\n" for _, line in labelled_lines(units))


def plain(text: str) -> str:
    """The text as every text view shows it (textconv, diff, the review page): symbol-font bullets as the shapes
    they draw, no-break spaces as spaces, word joiners gone."""
    return text.translate(_PLAIN)


def _fold(text: str) -> str:
    # Whitespace runs (including line breaks inside a paragraph) become one space, so re-wrapping
    # a paragraph never shows as a change.
    return " ".join(plain(text).split())


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_fold(cell).replace("|", "\\|") for cell in cells) + " |"


def _item(text: str, level: int) -> str:
    return "  " * level + "- " + text if level else text


#: Each Office package a text view reads, in words, by suffix.
PACKAGES = {".pptx": "a PowerPoint .pptx file", ".docx": "a Word .docx file"}


def check_package(path: Path, data: bytes, what: str | None = None) -> None:
    """Refuses, in one line, an Office file (`what`, else by its suffix) whose zip is not one, does not unpack, or
    unpacks past aspo's one budget for a zip: before python-pptx, python-docx or LibreOffice is handed it whole."""
    from aspo.core.bounded import checked_zip

    what = what or PACKAGES.get(path.suffix.lower())
    if what is not None:
        checked_zip(data, lambda message: AspoError.at(path, None, None, f"cannot read this file as {what}: {message}"))


def not_shown(problem: Problem) -> str:
    """What `aspo textconv` prints for a file it cannot show: git shows it as the file's text, in one line."""
    return f"(aspo: not shown as text: {problem.message})\n"


def _unreadable(path: Path, what: str, exc: Exception) -> AspoError:
    # python-pptx and python-docx raise several kinds of error for a sound zip they cannot read (check_package
    # refused the rest); their messages can embed object addresses, so only the kind of error is shown
    return AspoError.at(path, None, None, f"cannot read this file as {what} ({type(exc).__name__})")


def deck_units(path: Path, data: bytes) -> list[Unit]:
    """A deck slide by slide: its text, tables, charts and speaker notes (a template's layouts too)."""
    from pptx import Presentation

    check_package(path, data, PACKAGES[".pptx"])
    try:  # python-pptx reads parts as it goes: a slide or chart missing from a sound zip fails here, not at opening
        units = _slide_units(Presentation(io.BytesIO(data)))
    except Exception as exc:  # noqa: BLE001 - see _unreadable
        raise _unreadable(path, PACKAGES[".pptx"], exc) from None
    if not units or path.parent.name == "layouts":
        # a template: what marketing edits is its slide size, theme and layouts, as `aspo layouts show` tells them
        from aspo.office.deck_template import read_deck_template
        from aspo.office.description import deck_lines, describe_deck

        units += [Unit(label, tuple(lines))
                  for label, lines in deck_lines(describe_deck(read_deck_template(path, data)))]
        units.extend(_outside_content_units(data, "PowerPoint"))
    return units


def _slide_units(prs) -> list[Unit]:
    units = []
    for number, slide in enumerate(prs.slides, start=1):
        title_shape = slide.shapes.title
        title = _fold(title_shape.text_frame.text) if title_shape is not None else ""
        lines: list[str] = []
        for shape in slide.shapes:  # document order is z-order
            if title_shape is None or shape.shape_id != title_shape.shape_id:
                lines += _shape_lines(shape)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = [_fold(p.text) for p in slide.notes_slide.notes_text_frame.paragraphs]
            if any(notes):
                lines += ["Notes:", *(note for note in notes if note)]
        units.append(Unit(f"Slide {number}: {title}" if title else f"Slide {number}", tuple(lines)))
    return units


def _shape_lines(shape) -> list[str]:
    from pptx.shapes.group import GroupShape

    if isinstance(shape, GroupShape):
        return [line for member in shape.shapes for line in _shape_lines(member)]
    if shape.has_table:
        return [_row(cell.text for cell in row.cells) for row in shape.table.rows]
    if getattr(shape, "has_chart", False) and shape.has_chart:
        return _chart_lines(shape.chart)
    if shape.has_text_frame:
        texts = ((_fold(p.text), p.level) for p in shape.text_frame.paragraphs)
        return [_item(text, level) for text, level in texts if text]
    return []  # pictures, charts, media: no text of their own


def _chart_lines(chart) -> list[str]:
    """A chart as its title and a table of its data: what a diff of the numbers needs."""
    title = _fold(chart.chart_title.text_frame.text) if chart.has_title else ""
    lines = [f"Chart: {title}" if title else "Chart"]
    for plot in chart.plots:
        lines.append(_row(["", *(_fold(str(c)) for c in plot.categories)]))
        lines.extend(_row([_fold(series.name), *(f"{v:g}" if v is not None else "" for v in series.values)])
                     for series in plot.series)
    return lines


def document_units(path: Path, data: bytes) -> list[Unit]:
    """A Word document section by section, by its headings (a template's page and styles too)."""
    import docx

    check_package(path, data, PACKAGES[".docx"])
    try:  # python-docx reads parts as it goes, as python-pptx does
        units = _assemble(_document_events(docx.Document(io.BytesIO(data))))
    except Exception as exc:  # noqa: BLE001 - see _unreadable
        raise _unreadable(path, PACKAGES[".docx"], exc) from None
    empty = not any(unit.lines or unit.label != PREAMBLE for unit in units)
    if empty or "layouts" in path.parts[:-1]:  # a template: its page, theme and styles, so a diff shows their looks
        from aspo.office.description import describe_document_template, document_template_lines

        lines = document_template_lines(describe_document_template(path, data))
        units = [*([] if empty else units), Unit(TEMPLATE, tuple(lines)), *_outside_content_units(data, "Word")]
    return units


def _document_events(document) -> Iterator[tuple[int | None, str]]:
    """(heading level, text) for each heading; (None, line) for every other line, in body order."""
    from docx.table import Table

    for block in document.iter_inner_content():  # paragraphs and tables as they interleave in the body
        if isinstance(block, Table):
            for row in block.rows:
                yield None, _row(cell.text for cell in row.cells)
            continue
        text = _fold(block.text)
        if not text:
            continue
        style = block.style.name if block.style is not None else ""
        heading = _HEADING_STYLE.match(style)
        if style == "Title" or heading:
            # the title is a top-level unit like a Heading 1, not the parent of every heading
            yield (int(heading.group(1)) if heading else 1), text
            continue
        if style == "List" or style.startswith("List "):
            level = int(style[-1]) if style[-1].isdigit() else 1  # "List Bullet 2" is the second level
            text = "  " * (level - 1) + "- " + text
        yield None, text


def _assemble(events: Iterable[tuple[int | None, str]]) -> list[Unit]:
    """Units from headings and lines: each unit is labelled with its heading path ("Group / Title")."""
    units: list[Unit] = []
    path: list[tuple[int, str]] = []  # the open headings, outermost first
    lines: list[str] = []

    def close() -> None:
        if path:
            number = sum(unit.label != PREAMBLE for unit in units) + 1
            label = f"Section {number}: " + " / ".join(title for _, title in path)
        elif lines:
            label = PREAMBLE
        else:
            return
        units.append(Unit(label, tuple(lines)))

    for level, text in events:
        if level is None:
            lines.append(text)
            continue
        # a heading straight above a deeper one is part of that one's label, not a unit of its own
        if lines or not path or level <= path[-1][0]:
            close()
        lines = []
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, text))
    close()
    return units


def draft_units(path: Path, data: bytes) -> list[Unit]:
    """A review draft section by section, by its `## ` headings."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AspoError.at(path, None, None, "cannot show this file as text; it is not UTF-8") from None
    units: list[Unit] = []
    label, lines = PREAMBLE, []
    for line in text.splitlines() + ["## "]:  # the sentinel closes the last section
        if not line.startswith("## "):
            lines.append(plain(line))
            continue
        while lines and not lines[-1].strip():
            lines.pop()
        if label != PREAMBLE or lines:
            units.append(Unit(label, tuple(lines)))
        label, lines = _fold(line[3:]), []
    return units


#: The headers an e-mail's text view shows, in this order: who, what, when, and whether it is a draft.
MAIL_HEADERS = ("From", "To", "Cc", "Subject", "Date", "X-Unsent")


def mail_units(path: Path, data: bytes) -> list[Unit]:
    """An e-mail (.eml): its headers and attachments' names, then its plain-text body line by line (the HTML body
    says the same, from the same model)."""
    import email
    import email.policy

    try:
        try:  # headers in UTF-8 (RFC 6532), as aspo writes an address beyond ASCII, read as text
            message = email.message_from_string(data.decode("utf-8"), policy=email.policy.default)
        except UnicodeDecodeError:
            message = email.message_from_bytes(data, policy=email.policy.default)
        headers = tuple(f"{name}: {_fold(str(value))}" for name in MAIL_HEADERS
                        for value in message.get_all(name, ()))
        attached = tuple(f"Attached: {part.get_filename()}" for part in message.iter_attachments()
                         if part.get_filename())
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
    except (LookupError, ValueError, TypeError) as exc:  # a charset Python lacks, a header it cannot read
        raise _unreadable(path, "an e-mail", exc) from None
    return [Unit("Message", headers + attached), Unit("Text", tuple(plain(line.rstrip()) for line in
                                                                    text.strip("\n").splitlines()))]
