"""What `aspo layouts show` tells of a PowerPoint or Word template, as data and as lines."""

from __future__ import annotations

import re
from pathlib import Path

from aspo.core.errors import AspoError, display_path, quoted
from aspo.core.rulebook import LAYOUT
from aspo.office.deck_template import DeckTemplate, cm, read_deck_template
from aspo.office.word_styles import CANDIDATES
from aspo.office.word_template import read_document_template


def describe_deck(deck: DeckTemplate) -> dict:
    """What `aspo layouts show` tells of a deck template, for tools (--format json): every layout once
    (the first of its name, the one a name selects), with the masters that repeat its name."""
    repeats: dict[str, list[int]] = {}
    for layout in deck.layouts:
        repeats.setdefault(layout.name, []).append(layout.master)
    return {
        "file": display_path(deck.path),
        "kind": "PowerPoint",
        "slide": {"aspect": deck.aspect, "width": deck.width, "height": deck.height},
        "sample_slides": deck.sample_slides,
        "masters": [{"number": master.number, "name": master.name,
                     "theme": None if master.theme is None else {
                         "name": master.theme.name, "heading_font": master.theme.heading_font,
                         "body_font": master.theme.body_font, "colors": dict(master.theme.colors)}}
                    for master in deck.masters],
        "layouts": [{"name": layout.name, "master": layout.master, "also_in_masters": repeats[layout.name][1:],
                     "type": layout.kind,
                     "placeholders": [{"role": ph.role, "name": ph.name, "left": ph.left, "top": ph.top,
                                       "width": ph.width, "height": ph.height, "size": ph.size}
                                      for ph in layout.placeholders]}
                    for layout in deck.usable],
    }


def deck_lines(description: dict) -> list[tuple[str, list[str]]]:
    """The description as text, heading by heading: the file, each theme, then each layout (names quoted)."""
    slide = description["slide"]
    masters = description["masters"]
    count = len(description["layouts"])
    samples = description["sample_slides"]
    head = [f"slides {slide['aspect']} ({cm(slide['width'])} x {cm(slide['height'])} cm), "
            f"{len(masters)} slide master{'s' if len(masters) != 1 else ''}, {count} layout{'s' if count != 1 else ''}"
            + (f", {samples} sample slide{'s' if samples != 1 else ''} (left out of every deck)" if samples else "")]
    found = [(f"{description['kind']} template", head)]
    for master in masters:
        theme = master["theme"]
        label = f"master {master['number']}" + (f" {quoted(master['name'])}" if master["name"] else "")
        if theme is None:
            found.append((label, ["no theme"]))
            continue
        found.append((f"{label}: theme {quoted(theme['name'])}", [
            f"fonts: {quoted(theme['heading_font'])} for headings, {quoted(theme['body_font'])} for body text",
            *(f"colour {slot}: {value}" for slot, value in theme["colors"].items())]))
    several = len(masters) > 1
    for layout in description["layouts"]:
        where = [f"master {layout['master']}"] if several else []
        if layout["also_in_masters"]:
            others = ", ".join(str(number) for number in layout["also_in_masters"])
            where.append(f"also in master {others}, which its name does not select")
        label = f"layout {quoted(layout['name'], 80)}" + (f" ({'; '.join(where)})" if where else "")
        lines = [_placeholder_line(ph) for ph in layout["placeholders"]] or ["no placeholders"]
        found.append((label, lines))
    return found


def _placeholder_line(ph: dict) -> str:
    size = f", {ph['size']:g} pt" if ph["size"] else ""
    return (f"{ph['role']} {quoted(ph['name'])}{size}: {cm(ph['width'])} x {cm(ph['height'])} cm "
            f"at {cm(ph['left'])}, {cm(ph['top'])} cm")


def describe_template(path: Path) -> dict:
    """What `aspo layouts show` tells of a .pptx or .docx template."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pptx":
        return describe_deck(read_deck_template(Path(path)))
    if suffix == ".docx":
        return describe_document_template(Path(path))
    raise AspoError.at(path, None, None, "expected a PowerPoint .pptx or Word .docx template", LAYOUT)


def template_lines(description: dict) -> list[tuple[str, list[str]]]:
    """A description as text, heading by heading."""
    if description.get("kind") == "PowerPoint":
        return deck_lines(description)
    return [("Word template", document_template_lines(description))]
#: Every built-in identity a role may take.
_KNOWN = {identity for identities in CANDIDATES.values() for identity in identities} | {"normal table"}


_PAPER = {"A4": (210, 297), "A5": (148, 210), "A3": (297, 420), "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}


def describe_document_template(path: Path, data: bytes | None = None) -> dict:
    """A .docx template as plain data (JSON-serializable): page, theme fonts and colours, and its paragraph and
    table styles, each with what Word shows and what it is built as. Reads what the checks would refuse too."""
    template = read_document_template(Path(path), data, checked=False)
    page = None
    if template.page is not None:
        width, height = (_mm(template.page.width), _mm(template.page.height))
        paper = next((name for name, size in _PAPER.items()
                      if sorted(map(round, size)) == sorted((round(width), round(height)))), None)
        page = {"width_mm": width, "height_mm": height, "paper": paper,
                "orientation": "landscape" if template.page.landscape else "portrait",
                "margins_mm": dict(zip(("top", "right", "bottom", "left"), map(_mm, template.page.margins)))}
    styles = sorted(template.styles, key=lambda style: (style.kind != "paragraph", _natural(style.name),
                                                        style.style_id))
    return {
        "file": display_path(path),
        "kind": "Word",
        "page": page,
        "theme": {"heading_font": template.heading_font, "body_font": template.body_font,
                  "colors": dict(template.theme_colors)},
        "styles": [{"name": style.name, "style_id": style.style_id, "builtin": style.builtin, "type": style.kind,
                    "based_on": style.based_on, "default": style.default, "font": style.font, "size": style.size,
                    "bold": style.bold, "italic": style.italic, "color": style.color,
                    "numbering": style.numbering if style.draws_numbering else None,
                    "numbering_text": style.numbering_text if style.draws_numbering else None}
                   for style in styles],
    }


def _natural(name: str) -> tuple:
    """A sort key that puts "Heading 2" before "Heading 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name.casefold()))


def _mm(twips: int) -> float:
    return round(twips / 1440 * 25.4, 1)


def document_template_lines(description: dict) -> list[str]:
    """A description as lines for people and `git diff`: the page, the theme, then one style a line."""
    lines = []
    page = description["page"]
    if page is None:
        lines.append("page: not set (Word and LibreOffice use their own default)")
    else:
        size = f"{page['width_mm']:g} x {page['height_mm']:g} mm"
        margins = ", ".join(f"{side} {value:g}" for side, value in page["margins_mm"].items())
        lines.append(f"page: {page['paper'] + ' ' if page['paper'] else ''}{page['orientation']}, {size}; "
                     f"margins (mm): {margins}")
    theme = description["theme"]
    if theme["heading_font"] or theme["body_font"]:
        lines.append(f"theme fonts: headings {_shown(theme['heading_font'])}, body {_shown(theme['body_font'])}")
    if theme["colors"]:
        lines.append("theme colours: " + ", ".join(f"{name} {value}" for name, value in theme["colors"].items()))
    for style in description["styles"]:
        looks = [_shown(style["font"])]
        if style["size"] is not None:
            looks.append(f"{style['size']:g} pt")
        looks += [word for word, on in (("bold", style["bold"]), ("italic", style["italic"])) if on]
        if style["color"] and style["color"] != "auto":
            looks.append(f"colour {style['color']}")
        about = [f"id {quoted(style['style_id'])}"]
        if style["builtin"] in _KNOWN:  # what aspo recognises a role's style by, in any UI language
            about.append(f"built-in {quoted(style['builtin'])}")
        if style["based_on"]:
            about.append(f"based on {quoted(style['based_on'])}")
        if style["default"]:
            about.append("default")
        line = f"{style['type']} {quoted(style['name'])} ({', '.join(about)}): {' '.join(looks)}"
        if style["type"] == "paragraph":
            line += (f"; numbering {style['numbering']} {quoted(style['numbering_text'])}" if style["numbering"]
                     else "; no numbering")
        lines.append(line)
    return lines


def _shown(font: str | None) -> str:
    return quoted(font) if font else "default font"
