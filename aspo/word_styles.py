"""Word styles by built-in identity: finding a style by any of its names, the best one per role, a template's description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aspo.errors import did_you_mean, display_path, quoted
from aspo.layouts import DocumentTemplate, WordStyle, read_document_template

#: The roles of outline.yaml's document.styles, in its order.
ROLES = ("title", "subtitle", "heading", "subheading", "body", "bullet", "table", "note")
#: Built-in identities (w:name of Word's built-in styles, lower-cased) each role takes, best first.
CANDIDATES = {
    "title": ("title", "heading 1", "normal"),
    "subtitle": ("subtitle", "heading 2", "normal"),
    "heading": ("heading 1", "heading 2", "title", "normal"),
    "subheading": ("heading 2", "heading 3", "heading 1", "normal"),
    "body": ("normal", "body text"),
    "bullet": ("list bullet", "list paragraph", "list", "body text", "normal"),
    "table": ("table grid",),
    "note": ("quote", "intense quote", "block text", "body text", "normal"),
}
#: Every built-in identity a role may take.
_KNOWN = {identity for identities in CANDIDATES.values() for identity in identities} | {"normal table"}
#: The table style every other one is based on: it draws no borders, so a table in it would not read as one.
_PLAIN_TABLE = "normal table"
_HEADING_ROLES = ("title", "subtitle", "heading", "subheading")


def role_kind(role: str) -> str:
    return "table" if role == "table" else "paragraph"


def find_style(template: DocumentTemplate, name: str, kind: str) -> WordStyle | None:
    """The `kind` style `name` means: the name Word shows ("Heading 1"), else the styleId ("berschrift1"), else a
    built-in identity ("heading 1"), else a localized name whose letters make the styleId ("Überschrift 1")."""
    styles = [style for style in template.styles if style.kind == kind]
    folded = re.sub(r"[^A-Za-z0-9]", "", name).casefold()
    tests = (lambda style: style.name == name, lambda style: style.style_id == name,
             lambda style: style.builtin == name.casefold(),
             lambda style: bool(folded) and style.style_id.casefold() == folded)
    for test in tests:
        found = next((style for style in styles if test(style)), None)
        if found is not None:
            return found
    return None


def style_names(template: DocumentTemplate, kind: str) -> str:
    """The `kind` styles a template has, quoted, sorted and each once, for "it has: ..." in messages."""
    names = sorted({style.name for style in template.styles if style.kind == kind}, key=str.casefold)
    return ", ".join(quoted(name) for name in names) if names else "none"


def style_hint(template: DocumentTemplate, name: str, kind: str) -> str:
    """"; did you mean 'List Bullet'?" for a name close to one of the `kind` styles; "" when none is close, or
    when the name is a style of the other kind (the role wants the other kind, not a spelling fix)."""
    if find_style(template, name, "paragraph" if kind == "table" else "table") is not None:
        return ""
    return did_you_mean(name, (style.name for style in template.styles if style.kind == kind))


@dataclass(frozen=True)
class StyleChoice:
    """The style a role of outline.yaml's document.styles gets from a template, and why."""

    role: str  # title, subtitle, heading, subheading, body, bullet, table, note
    style: str | None  # as outline.yaml must name it; None: no table style (aspo draws thin borders), or for
    # a paragraph role, a template with no paragraph styles at all (it cannot be used)
    reason: str  # "built-in 'heading 1'"
    warning: str | None = None  # what fell back or looks off, for the person adopting the template


def map_document_styles(template: DocumentTemplate) -> tuple[StyleChoice, ...]:
    """The best style of the template for each role, by built-in identity first, then the closest of its type."""
    return tuple(_choose(template, role) for role in ROLES)


def _choose(template: DocumentTemplate, role: str) -> StyleChoice:
    kind = role_kind(role)
    styles = [style for style in template.styles if style.kind == kind]
    wanted = CANDIDATES[role][0]
    for identity in CANDIDATES[role]:
        style = next((style for style in styles if style.builtin == identity), None)
        if style is not None:
            return _choice(template, role, style, f"built-in {quoted(identity)}", identity != wanted)
    if role == "table":
        usable = [style for style in styles if style.builtin != _PLAIN_TABLE]
        style = next((style for style in usable if style.default), usable[0] if usable else None)
        if style is None:
            reason = f"no table style but {quoted('Normal Table')}" if styles else "no table style"
            return StyleChoice(role, None, f"{reason}; aspo draws thin borders",
                               f"no {quoted('Table Grid')} style: tables get thin single borders; "
                               "add a table style in Word to choose their look")
        what = "the default table style" if style.default else "the first table style"
        return _choice(template, role, style, what, True)
    style = next((style for style in styles if style.default), styles[0] if styles else None)
    if style is None:
        return StyleChoice(role, None, "no paragraph style", "the template has no paragraph styles; save it "
                           "again from Word")
    what = "the default paragraph style" if style.default else "the first paragraph style"
    return _choice(template, role, style, what, True)


def _choice(template: DocumentTemplate, role: str, style: WordStyle, reason: str, fell_back: bool) -> StyleChoice:
    wanted = quoted(_ui_name(CANDIDATES[role][0]))
    # the name that finds this very style again (a custom style may share a built-in one's name)
    name = style.name if find_style(template, style.name, style.kind) == style else style.style_id
    warnings = []
    added = ""
    if role == "bullet" and style.draws_numbering and not style.draws_bullets:
        warnings.append(f"{quoted(name)} draws {style.numbering} numbers, not bullets")
    elif role == "bullet" and not style.draws_bullets:
        added = " with bullets aspo adds"  # see render_docx: a bullet style without numbering gets bullets
    if fell_back:
        reason = f"no {wanted} style; {quoted(name)}" + ("" if reason.startswith("built-in") else f" ({reason})")
        warnings.insert(0, f"no {wanted} style: the {role} role uses {quoted(name)}{added}")
    reason += added
    if role in _HEADING_ROLES and style.draws_numbering:
        warnings.append(f"{quoted(name)} numbers its paragraphs ({style.numbering} {quoted(style.numbering_text)}): "
                        "the template's design; remove its numbering in Word to drop it")
    return StyleChoice(role, name, reason, "; ".join(warnings) or None)


def _ui_name(identity: str) -> str:
    """A built-in identity as Word shows it in English: "list bullet" is "List Bullet"."""
    return " ".join(word.capitalize() for word in identity.split())


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
