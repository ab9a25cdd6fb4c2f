"""C001–C007: translations: missing where an account needs one, orphaned, stale, unusable, saying other figures or
calls than their source, and layouts without a font or a direction for a language's script."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem, display_path
from aspo.library.languages import COMPLEX, EAST_ASIAN, RIGHT_TO_LEFT, best_tag, language_name, maintained
from aspo.library.translations import (
    CLAIMS_CHANGED,
    STALE,
    UNSTAMPED,
    Variant,
    base_language,
    calls,
    figures,
    source_text,
    state,
    variant_text,
)

FALLBACK = "C001"
ORPHAN = "C002"
STALE_WORDING = "C003"
STALE_CLAIMS = "C004"
OTHER_FIGURES = "C005"
SCRIPT_FONT = "C006"
RIGHT_TO_LEFT_LAYOUT = "C007"


def _variants(context: Context) -> Iterator[Variant]:
    library = context.library
    for by_language in library.variants.values():
        yield from by_language.values()
    for files in library.l10n.values():
        yield from files.values()


def _source_path(context: Context, kind: str, key_id: str):
    library = context.library
    if kind == "block":
        return library.blocks[key_id].path
    if kind == "scenario":
        return library.scenarios[key_id].path
    if key_id == "labels.yaml":  # aspo's own labels: the language is catalog.yaml's to maintain
        return library.catalog_doc.path
    return library.root / key_id


@check_rule(FALLBACK, "translation-missing", "warning",
            "An account reads a language the library maintains, and a block, scenario or l10n file it shows has no "
            "translation there: it shows in the source language (or, with languages: fallback: false, the build "
            "stops).", scope="accounts")
def translation_missing(context: Context) -> Iterator[Problem]:
    """At the source, naming every account that needs the translation."""
    needed: dict[tuple[str, str, str], list[str]] = {}
    for plan in context.planned:
        library, selection = plan.library, plan.selection
        keys = [("block", b) for b in selection.used_blocks] + [("scenario", s) for s in selection.used_scenarios]
        keys += sorted(key for key in library.shown if key[0] == "l10n")
        for kind, key_id in keys:
            shown = library.shown.get((kind, key_id))
            if shown is not None and shown.fallback and shown.state == "missing":
                needed.setdefault((kind, key_id, shown.wanted), []).append(display_path(plan.account.path))
    fallback = context.library.catalog.languages.fallback
    source = language_name(context.library.catalog.languages.source, "en")
    for (kind, key_id, wanted), accounts in sorted(needed.items()):
        where = (f"l10n/{wanted}/{key_id}" if kind == "l10n" else
                 f"{_source_path(context, kind, key_id).stem}.{wanted}{_source_path(context, kind, key_id).suffix}")
        then = f"they show it in {source}" if fallback else "their builds stop (languages: fallback: false)"
        yield Problem(_source_path(context, kind, key_id), 1, None,
                      f"no {wanted} translation ({where}) for {len(accounts)} account(s) reading "
                      f"{language_name(wanted, 'en')}: {', '.join(accounts)}; {then}", FALLBACK)


@check_rule(ORPHAN, "orphan-translation", "warning",
            "A translation whose source does not exist, or in a language catalog.yaml does not maintain: no build "
            "reads it.")
def orphan_translation(context: Context) -> Iterator[Problem]:
    library = context.library
    languages = maintained(library.catalog)[1:]
    for variant in _variants(context):
        if variant.kind == "block" and variant.id not in library.blocks:
            yield Problem(variant.path, 1, None, f"no block {variant.id} (blocks/{variant.id}.md) to translate: "
                          "rename it after its source, or remove it", ORPHAN)
        elif variant.kind == "scenario" and variant.id not in library.scenarios:
            yield Problem(variant.path, 1, None, f"no scenario {variant.id} (scenarios/{variant.id}.yaml) to "
                          "translate: rename it after its source, or remove it", ORPHAN)
        elif best_tag(variant.language, languages) is None:
            yield Problem(variant.path, 1, None, f"{variant.language} is not a language catalog.yaml maintains "
                          f"(languages: maintained: {', '.join(languages) or 'none'}): no build reads this", ORPHAN)


def _with_source(context: Context) -> Iterator[tuple[Variant, str]]:
    library = context.library
    for variant in _variants(context):
        if (variant.kind == "block" and variant.id not in library.blocks) or (
                variant.kind == "scenario" and variant.id not in library.scenarios):
            continue
        if variant.record.status == "approved":
            yield variant, state(variant, library)


@check_rule(STALE_WORDING, "stale-translation", "warning",
            "The wording of a translation's source changed since it was stamped (its claims did not): it still "
            "builds; review it with `aspo l10n diff`, then `aspo l10n stamp`.")
def stale_translation(context: Context) -> Iterator[Problem]:
    for variant, found in _with_source(context):
        if found == STALE:
            yield variant.doc.problem(("source",), f"{display_path(_source_path(context, variant.kind, variant.id))}"
                                      " was reworded since this translation was stamped: `aspo l10n diff "
                                      f"{display_path(variant.path)}` shows what; update it, then `aspo l10n stamp` "
                                      "it", STALE_WORDING)


@check_rule(STALE_CLAIMS, "translation-claims-changed", "error",
            "An approved translation whose source's claims (capabilities called, their maturity, products, figures) "
            "changed since it was stamped, or that was never stamped: no build uses it until it is reviewed and "
            "stamped.")
def translation_claims_changed(context: Context) -> Iterator[Problem]:
    for variant, found in _with_source(context):
        source = display_path(_source_path(context, variant.kind, variant.id))
        if found == CLAIMS_CHANGED:
            yield variant.doc.problem(("claims",), f"{source} changed what it claims since this translation was "
                                      "stamped (capabilities, maturity, products or figures): `aspo l10n diff "
                                      f"{display_path(variant.path)}`, correct it, then `aspo l10n stamp` it; until "
                                      "then no build uses it", STALE_CLAIMS)
        elif found == UNSTAMPED:
            yield variant.doc.problem(("status",), f"approved but never stamped against {source}: `aspo l10n stamp "
                                      f"{display_path(variant.path)}` once it is reviewed; until then no build uses "
                                      "it", STALE_CLAIMS)


@check_rule(OTHER_FIGURES, "translation-figures", "error",
            "A translation states other figures than its source (37 % and 37%, 1.250 and 1,250 are one figure), or "
            "calls other capabilities or products.")
def translation_figures(context: Context) -> Iterator[Problem]:
    library = context.library
    for variant in _variants(context):
        if variant.kind not in ("block", "scenario") or (variant.kind, variant.id) not in _sources(library):
            continue
        ours, theirs = variant_text(variant), source_text(variant, library)
        missing = figures(theirs) - figures(ours)
        extra = figures(ours) - figures(theirs)
        if missing or extra:
            said = "; ".join(part for part in (
                missing and "leaves out " + ", ".join(sorted(missing.elements())),
                extra and "adds " + ", ".join(sorted(extra.elements()))) if part)
            yield Problem(variant.path, 1, None, f"its figures differ from the source's: it {said}", OTHER_FIGURES)
        if calls(ours) != calls(theirs):
            gone = sorted(set(calls(theirs)) - set(calls(ours)))
            new = sorted(set(calls(ours)) - set(calls(theirs)))
            said = "; ".join(part for part in (gone and "leaves out " + ", ".join(gone),
                                               new and "adds " + ", ".join(new)) if part)
            line = next((n for n, text in enumerate(variant.path.read_text(encoding="utf-8").split("\n"), 1)
                         if any(c.split(":")[1] in text for c in new)), 1)
            yield Problem(variant.path, line, None, f"it calls other catalog entries than its source: it {said}",
                          OTHER_FIGURES)


def _sources(library) -> set[tuple[str, str]]:
    return {("block", b) for b in library.blocks} | {("scenario", s) for s in library.scenarios}


def _script_languages(context: Context) -> list[str]:
    """The languages builds may write: those maintained, and those accounts read."""
    found = list(maintained(context.library.catalog))
    found += [plan.library.language for plan in context.planned]
    return list(dict.fromkeys(found))


@check_rule(SCRIPT_FONT, "script-font", "error",
            "A language the library maintains is written in East Asian or complex script, and a layout's theme names "
            "no font for it, nor does outline.yaml's fonts: (Office and LibreOffice would substitute one, or draw "
            "boxes).")
def script_font(context: Context) -> Iterator[Problem]:
    library = context.library
    fonts = library.outline.fonts
    for language in _script_languages(context):
        base = base_language(language)
        slot = "east_asian" if base in EAST_ASIAN else "complex" if base in COMPLEX else None
        if slot is None or getattr(fonts, slot):
            continue
        for template in (library.deck, library.word):
            theme = getattr(template, "script_fonts", None)
            if theme is not None and getattr(theme, slot):
                continue
            kind, example = (("an East Asian", "'Noto Sans CJK JP' for Japanese") if slot == "east_asian"
                             else ("a complex", "'Noto Sans Hebrew' for Hebrew"))
            yield library.outline_doc.problem(
                ("fonts",), f"{language} ({language_name(language, 'en')}) is written in {kind} script, and "
                f"{display_path(template.path)}'s theme names no font for it: set fonts: {slot}: in outline.yaml "
                f"(e.g. {example}), or the theme's", SCRIPT_FONT)


@check_rule(RIGHT_TO_LEFT_LAYOUT, "right-to-left-layout", "error",
            "A language the library maintains is written right to left, and a layout is not set for it (the slide "
            "master's body text rtl=\"1\", the Word template's Normal style bidi).")
def right_to_left_layout(context: Context) -> Iterator[Problem]:
    library = context.library
    for language in _script_languages(context):
        if base_language(language) not in RIGHT_TO_LEFT:
            continue
        for template, setting in ((library.deck, "its slide master's body text is not set right to left "
                                   "(rtl=\"1\")"),
                                  (library.word, "its Normal style is not set right to left (bidi)")):
            if getattr(template, "right_to_left_ready", False):
                continue
            yield library.outline_doc.problem(
                ("deck" if template is library.deck else "document", "template"),
                f"{language} ({language_name(language, 'en')}) is written right to left, and "
                f"{display_path(template.path)} is not: {setting}; make a right-to-left layout for it",
                RIGHT_TO_LEFT_LAYOUT)
