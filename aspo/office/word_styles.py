"""Word styles by built-in identity: finding a style by any of its names, the best one per role, a template's
description."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aspo.core.errors import did_you_mean, quoted
from aspo.office.word_template import DocumentTemplate, WordStyle

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
