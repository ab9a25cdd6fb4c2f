"""Adopting a brand's template: which layout each outline section takes, and outline.yaml rewritten to say so."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from aspo.core.bounded import MAX_UNPACKED_BYTES, OverBudget, read_regular
from aspo.core.changeset import replace_files, settled
from aspo.core.errors import AspoError, Problem, quoted
from aspo.core.rulebook import LAYOUT, PLACEHOLDER_BOX
from aspo.core.yamlfile import apply_edits, child_node, compose, decode_text, parse_yaml, read_bytes, scalar_text
from aspo.library.schema import OutlineFile
from aspo.library.validation import validate
from aspo.office.deck_template import (
    BOX_FIX,
    DeckTemplate,
    SlideLayout,
    TextBox,
    box_problems,
    cm,
    read_deck_template,
)
from aspo.office.hygiene import without_custom_xml
from aspo.office.safety import TEMPLATE_LIMIT

#: What each kind of section puts on its slide, and so what its layout needs.
COVER, ONE, TWO = "a title and a subtitle", "a title and one text placeholder", "a title and two text placeholders"
NEEDS = {"title": COVER, "insight": TWO, "scenarios": TWO, "offering": TWO}
#: Layout types (the same in every language) made for each need.
_MADE_FOR = {COVER: {"title"}, ONE: {"obj", "tx"}, TWO: {"twoObj", "twoTxTwoObj"}}


@dataclass(frozen=True)
class LayoutChoice:
    """The layout one deck section takes, and why."""

    section: int  # its place in outline.yaml's sections
    kind: str
    layout: str
    reason: str
    warning: str | None = None


def map_sections(kinds: list[str | None], deck: DeckTemplate) -> list[LayoutChoice]:
    """The best layout of `deck` for each deck section (`kinds[i]` is None for a section not in the deck),
    judged by the placeholders each needs, never by layout names (they are in the template's language).
    Refuses a template with no layout that has a title and a text placeholder: no section could be shown."""
    titled = [layout for layout in deck.usable if layout.title is not None and layout.bodies
              and not _vertical(layout)]
    candidates = [layout for layout in titled if _text(layout)]
    if not candidates:
        raise AspoError.at(deck.path, None, None, "no slide layout has both a title and a text (body or content) "
                           "placeholder, which every section needs; add one (in PowerPoint: View > Slide Master > "
                           "Insert Layout, then Insert Placeholder > Text) and run again", LAYOUT)
    area = deck.width * deck.height or 1
    choices = []
    for index, kind in enumerate(kinds):
        if kind is None:
            continue
        need = NEEDS.get(kind, ONE)
        among = titled if need == COVER else candidates
        best = max(among, key=lambda layout: (_score(layout, need, area, deck), -among.index(layout)))
        warning = None
        if need == TWO and len(_text(best)) < 2:
            warning = ("no layout has two text placeholders: the results go into the text, without the chart "
                       "(the draft keeps it)")
        choices.append(LayoutChoice(index, kind, best.name, _reason(best, need, deck.height), warning))
    return choices


def _text(layout: SlideLayout) -> tuple[TextBox, ...]:
    """The text placeholders other than the subtitle."""
    return tuple(box for box in layout.bodies if box.kind != "subTitle")


def _subtitles(layout: SlideLayout) -> tuple[TextBox, ...]:
    return tuple(box for box in layout.bodies if box.kind == "subTitle")


def _vertical(layout: SlideLayout) -> bool:
    return layout.kind.startswith("vert") or "Vert" in layout.kind


def _side_by_side(first: TextBox, second: TextBox, height: int) -> bool:
    return abs(first.top - second.top) < height * 0.1 and (first.left + first.width <= second.left
                                                           or second.left + second.width <= first.left)


def _score(layout: SlideLayout, need: str, area: int, deck: DeckTemplate) -> float:
    """How well a layout suits a need; higher is better. Extra placeholders would stay empty, so they count
    against it; a larger text area counts for it."""
    text, subtitles = _text(layout), _subtitles(layout)
    made_for = 30 if layout.kind in _MADE_FOR[need] else 0
    if need == COVER:
        return (100 * bool(subtitles) + made_for + 10 * layout.has("picture")
                - 15 * max(0, len(layout.bodies) - 1))
    share = sum(box.width * box.height for box in text[:2 if need == TWO else 1]) / area
    if need == TWO:
        if len(text) < 2:
            return -100 + 40 * share - 20 * len(subtitles)
        return (100 * _side_by_side(text[0], text[1], deck.height) + 50 * (len(text) == 2) + made_for
                + 40 * share - 20 * (len(text) - 2) - 30 * bool(subtitles))
    return 100 * (len(text) == 1) + made_for + 40 * share - 20 * (len(text) - 1) - 30 * bool(subtitles)


def _reason(layout: SlideLayout, need: str, height: int) -> str:
    text, subtitles = _text(layout), _subtitles(layout)
    if need == COVER:
        parts = ["a title", "a subtitle" if subtitles else "a text placeholder for the subtitle"]
        if layout.has("picture"):
            parts.append("a picture placeholder for the logo")
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    if need == TWO and len(text) >= 2:
        return (f"a title and two text placeholders ({cm(text[0].width)} and {cm(text[1].width)} cm wide)"
                + (" side by side" if _side_by_side(text[0], text[1], height) else ""))
    box = text[0]
    return f"a title and a text placeholder of {cm(box.width)} x {cm(box.height)} cm"


# --- outline.yaml, rewritten in place -------------------------------------------------------------------


def rewrite_outline(text: str, deck_template: str | None, layouts: dict[int, str],
                    document_template: str | None, styles: dict[str, str | None], deck_master: int = 1) -> str:
    """outline.yaml's text with the template paths, section layouts and Word styles replaced where they
    are written, so its comments, order and quoting elsewhere stay as they were. Style roles the file
    leaves to their defaults are added under `styles:`."""
    root = compose(text)
    edits: list[tuple[int, int, str]] = []

    def replace(node, value) -> None:
        if isinstance(node, yaml.ScalarNode):
            edits.append((node.start_mark.index, node.end_mark.index, scalar_text(value, flow=True)))

    deck, document = child_node(root, "deck"), child_node(root, "document")
    if deck_template is not None:
        template = child_node(deck, "template")
        replace(template, deck_template)
        master = child_node(deck, "master")
        if master is not None:
            edits.append((master.start_mark.index, master.end_mark.index, str(deck_master)))
        elif deck_master != 1:  # a new line under template:, as the file writes it
            if deck.flow_style:
                edits.append((template.end_mark.index, template.end_mark.index, f", master: {deck_master}"))
            else:
                newline = text.find("\n", template.end_mark.index)
                at = len(text) if newline < 0 else newline + 1
                line = f"{' ' * deck.value[0][0].start_mark.column}master: {deck_master}\n"
                edits.append((at, at, line if newline >= 0 else "\n" + line))
    sections = child_node(root, "sections")
    for index, layout in layouts.items():
        replace(child_node(child_node(sections.value[index], "deck"), "layout"), layout)
    if document_template is not None:
        replace(child_node(document, "template"), document_template)
    if styles:
        edits += _style_edits(text, document, styles, replace)
    return apply_edits(text, edits)


def _style_edits(text: str, document, styles: dict[str, str | None], replace) -> list[tuple[int, int, str]]:
    """Replaces the styles the file names; the others become new lines after its last one (or a new
    `styles:` block after the document's last key)."""
    node = child_node(document, "styles")
    missing = {role: style for role, style in styles.items() if child_node(node, role) is None}
    for role, style in styles.items():
        if role not in missing:
            replace(child_node(node, role), style)
    if not missing:
        return []
    block = node if node is not None else document
    if not isinstance(block, yaml.MappingNode) or block.flow_style or not block.value:
        raise ValueError("is written on one line; write it as a block, one style a line, so the styles it lacks "
                         "can be added")
    indent = block.value[0][0].start_mark.column
    lines = "".join(f"{' ' * (indent + 2 * (node is None))}{role}: {scalar_text(style, flow=True)}\n"
                    for role, style in missing.items())
    if node is None:
        lines = f"{' ' * indent}styles:\n{lines}"
    # A nested block ends at the start of the next line: after a line break (libyaml marks the end of a text without
    # a final one on a line of its own too, so the mark's column cannot tell).
    last = block.value[-1][1].end_mark.index
    if text[last - 1:last] in ("\n", "\r", "\x85", "\u2028", "\u2029"):
        return [(last, last, lines)]
    newline = text.find("\n", last)
    return [(len(text), len(text), "\n" + lines)] if newline < 0 else [(newline + 1, newline + 1, lines)]


# --- adopting a file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """What `aspo layouts use` did, or would do with --dry-run."""

    source: Path
    target: Path  # where the template is (or would be) copied
    deck: DeckTemplate | None
    layouts: tuple[LayoutChoice, ...]
    styles: tuple = ()  # aspo.office.word_styles.StyleChoice, for a Word template
    notes: tuple[str, ...] = ()  # what could not be mapped, or what to know
    removed: tuple[str, ...] = ()  # parts left out of the copy (custom XML)


def adopt(sources: list[Path], templates: Path, dry_run: bool = False) -> list[Adoption]:
    """Adopts a .pptx, a .docx or one of each as the library's deck and document templates: copies them to
    templates/layouts/, maps the outline onto them, and rewrites templates/outline.yaml. Every file is read and
    mapped before anything is written, so a file that cannot be adopted leaves the library as it was (and a dry
    run writes nothing); the copies and the outline are then written as one change (aspo.core.changeset), so
    that whatever stops aspo, kill -9 included, the library is as it was or fully adopted."""
    sources = [Path(source) for source in sources]
    for source in sources:
        if source.suffix.lower() not in (".pptx", ".docx"):
            raise AspoError.at(source, None, None, "expected a PowerPoint .pptx or Word .docx template "
                               "(save a .potx, .dotx, .odp or .odt as one first)", LAYOUT)
        if source.name.startswith("."):
            raise AspoError.at(source, None, None, "its copy in templates/layouts/ would be a hidden file (its name "
                               "starts with '.'); rename it first", LAYOUT)
        if "\\" in source.name:
            raise AspoError.at(source, None, None, "its name holds a backslash, which Windows reads as a folder; "
                               "rename it first", LAYOUT)
    suffixes = [source.suffix.lower() for source in sources]
    if len(set(suffixes)) < len(suffixes):
        raise AspoError.at(sources[-1], None, None, "give at most one .pptx and one .docx: a library has one deck "
                           "template and one document template", LAYOUT)
    outline_path = templates / "outline.yaml"
    with settled(templates, LAYOUT):  # what a killed adoption left is completed or undone before it is read
        outline_text = _outline_text(outline_path)
        planned = []
        for source in sources:
            adoption, data, outline_text = _plan(source, templates, outline_path, outline_text)
            planned.append((adoption, data))
    if not dry_run:
        files = {adoption.target.relative_to(templates).as_posix(): data for adoption, data in planned
                 if _absolute(adoption.source) != _absolute(adoption.target) or adoption.removed}
        files["outline.yaml"] = outline_text.encode("utf-8")
        replace_files(templates, files, LAYOUT)
    return [adoption for adoption, _ in planned]


def _outline_text(path: Path) -> str:
    """outline.yaml's text as it is written (a BOM kept: the rewrite edits it in place)."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode_text(raw, path)  # names the byte


def _plan(source: Path, templates: Path, outline_path: Path, outline_text: str) -> tuple[Adoption, bytes, str]:
    """What adopting one file does: the mapping, the bytes to copy, and outline.yaml's new text."""
    outline = validate(OutlineFile, parse_yaml(outline_text, outline_path))  # as the library reads it: one line
    target = templates / "layouts" / source.name
    relative = target.relative_to(templates).as_posix()
    data = read_regular(source, MAX_UNPACKED_BYTES, LAYOUT)  # a named pipe, a device or a huge file: refused unread
    removed: tuple[str, ...] = ()
    try:
        data, removed = without_custom_xml(data, TEMPLATE_LIMIT)
    except OverBudget as exc:
        raise AspoError.at(source, None, None, str(exc), LAYOUT) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        pass  # the template reader names what is wrong with the file
    cleaned = (f"the copy leaves out the custom XML data ({', '.join(removed)}) every output would carry",) \
        if removed else ()
    if source.suffix.lower() == ".pptx":
        deck = read_deck_template(source, data)
        deck = replace(deck, master=deck.designed_master)  # the template's own look
        kinds = [section.kind if section.deck is not None else None for section in outline.sections]
        choices = map_sections(kinds, deck)
        _refuse_misplaced(source, deck, choices)
        new_text = rewrite_outline(outline_text, relative, {c.section: c.layout for c in choices}, None, {},
                                   deck.master)
        return Adoption(source, target, deck, tuple(choices), (), cleaned + _deck_notes(deck), removed), data, new_text
    from aspo.office.word_styles import map_document_styles
    from aspo.office.word_template import read_document_template

    styles = map_document_styles(read_document_template(source, data))
    try:
        new_text = rewrite_outline(outline_text, None, {}, relative, {c.role: c.style for c in styles})
    except ValueError as exc:
        raise AspoError.at(outline_path, None, "document.styles", str(exc), LAYOUT) from None
    return Adoption(source, target, None, (), tuple(styles), cleaned, removed), data, new_text


def _refuse_misplaced(source: Path, deck: DeckTemplate, choices: list[LayoutChoice]) -> None:
    """Refuses a template whose chosen layouts have a title, text or picture placeholder with no area on the slide:
    every slide on them would draw its text off the slide. Each such placeholder is named, with the sections that
    would take its layout. Another layout is not taken instead: the layouts made for the sections are the ones
    to mend."""
    takers: dict[str, list[str]] = {}
    for choice in choices:
        takers.setdefault(choice.layout, []).append(f"{choice.section} {choice.kind}")
    problems = [Problem(source, None, None, f"layout {quoted(name)} (sections {', '.join(sections)}): {found}; "
                        f"{BOX_FIX}", PLACEHOLDER_BOX)
                for name, sections in takers.items()
                for found in box_problems(deck.layout(name), deck.width, deck.height)]
    if problems:
        raise AspoError(problems)


def _deck_notes(deck: DeckTemplate) -> tuple[str, ...]:
    notes = [f"layout {quoted(layout.name)}, which no section takes, cannot be used as it is: {found}"
             for layout in deck.usable for found in box_problems(layout, deck.width, deck.height)]
    if deck.sample_slides:
        notes.append(f"its {deck.sample_slides} sample slide(s) are left out of every deck")
    if len(deck.masters) > 1:
        why = "the one its sample slides use" if deck.sample_slides else "the first"
        notes.append(f"it has {len(deck.masters)} slide masters: layouts are taken from master {deck.master}, {why} "
                     "(deck.master in outline.yaml)")
    if not any(layout.has("picture") for layout in deck.usable if layout.title is not None):
        notes.append("no layout has a picture placeholder: an account's logo goes in the cover's top-right corner")
    return tuple(notes)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def describe_choices(adoption: Adoption) -> list[str]:
    """The mapping as lines for a person: each section or role, what it takes and why, then what to know."""
    lines = []
    width = max([len(choice.kind) for choice in adoption.layouts] + [len(c.role) for c in adoption.styles] + [1])
    for choice in adoption.layouts:
        lines.append(f"  sections[{choice.section}] {choice.kind:<{width}}  {quoted(choice.layout, 80)}: "
                     f"{choice.reason}")
        if choice.warning:
            lines.append(f"  {'':<{width + 12}}  warning: {choice.warning}")
    for choice in adoption.styles:
        shown = "no style" if choice.style is None else quoted(choice.style, 80)
        why = f"warning: {choice.warning}" if choice.warning else choice.reason  # the warning says why, too
        lines.append(f"  styles.{choice.role:<{width}}  {shown}: {why}")
    lines.extend(f"  note: {note}" for note in adoption.notes)
    return lines
