"""C001–C008: translations: missing where an account needs one, orphaned, stale, unusable, saying other figures or
calls than their source, incomplete, and layouts without a font or a direction for a language's script."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem, display_path
from aspo.core.scripts import COMPLEX, EAST_ASIAN, base_language, right_to_left
from aspo.library.languages import best_tag, language_name, maintained
from aspo.library.translations import (
    CLAIMS_CHANGED,
    EDITED,
    STALE,
    UNSTAMPED,
    Variant,
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
INCOMPLETE = "C008"


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
        keys += [("notes", b) for b in selection.used_blocks]  # the rep's, in the rep's language
        keys += sorted(key for key in library.shown if key[0] == "l10n")
        for kind, key_id in keys:
            shown = library.shown.get((kind, key_id))
            if shown is not None and shown.fallback and shown.state == "missing":
                needed.setdefault((kind, key_id, shown.wanted), []).append(display_path(plan.account.path))
    fallback = context.library.catalog.languages.fallback
    source = language_name(context.library.catalog.languages.source, "en")
    for (kind, key_id, wanted), accounts in sorted(needed.items()):
        path = _source_path(context, "block" if kind == "notes" else kind, key_id)
        language = base_language(wanted)  # a translation for fr serves fr-CA too
        where = f"l10n/{language}/{key_id}" if kind == "l10n" else f"{path.stem}.{language}{path.suffix}"
        if kind == "notes":
            yield Problem(path, 1, None, f"no {language} translation ({where}) of its speaker notes for "
                          f"{len(accounts)} account(s) whose rep reads {language_name(wanted, 'en')}: "
                          f"{', '.join(accounts)}; the rep reads them in {source}", FALLBACK)
            continue
        then = f"they show it in {source}" if fallback else "their builds stop (languages: fallback: false)"
        yield Problem(path, 1, None,
                      f"no {language} translation ({where}) for {len(accounts)} account(s) reading "
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
        elif best_tag(variant.language, languages) is None and base_language(variant.language) != base_language(
                library.catalog.languages.source):  # en-GB beside an English source serves accounts reading en-GB
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
            "changed since it was stamped, that was edited since, or that was never stamped: no build uses it until "
            "it is reviewed and stamped.")
def translation_claims_changed(context: Context) -> Iterator[Problem]:
    for variant, found in _with_source(context):
        source = display_path(_source_path(context, variant.kind, variant.id))
        if found == CLAIMS_CHANGED:
            yield variant.doc.problem(("claims",), f"{source} changed what it claims since this translation was "
                                      "stamped (capabilities, maturity, products or figures): `aspo l10n diff "
                                      f"{display_path(variant.path)}`, correct it, then `aspo l10n stamp` it; until "
                                      "then no build uses it", STALE_CLAIMS)
        elif found == EDITED:
            yield variant.doc.problem(("reviewed",), "edited since it was stamped: what was approved is not what it "
                                      f"says; review it, then `aspo l10n stamp {display_path(variant.path)}`; until "
                                      "then no build uses it", STALE_CLAIMS)
        elif found == UNSTAMPED:
            yield variant.doc.problem(("status",), f"approved but never stamped against {source}: `aspo l10n stamp "
                                      f"{display_path(variant.path)}` once it is reviewed; until then no build uses "
                                      "it", STALE_CLAIMS)


@check_rule(OTHER_FIGURES, "translation-figures", "error",
            "A translation states other figures than its source (37 % and 37%, 1.250 and 1,250 are one figure), "
            "calls other capabilities or products, or leaves out the speaker notes its source has.")
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
        if variant.kind == "block" and library.blocks[variant.id].notes and not variant.notes:
            yield Problem(variant.path, 1, None, f"it has no '## Notes', which its source has: the rep reading "
                          f"{language_name(variant.language, 'en')} would lose them", OTHER_FIGURES)
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
        if not right_to_left(language):
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


@check_rule(INCOMPLETE, "incomplete-translation", "warning",
            "A translation leaves out part of its source's text (a capability's name, a result's unit, a section's "
            "title): accounts reading its language read that part in the source language.")
def incomplete_translation(context: Context) -> Iterator[Problem]:
    """At the translation, naming each part it lacks, from what the source says."""
    library = context.library
    for variant in _variants(context):
        if variant.kind == "block" or (variant.kind == "scenario" and variant.id not in library.scenarios):
            continue
        wanted = _scenario_parts(library.scenarios[variant.id]) if variant.kind == "scenario" else \
            _l10n_parts(variant.kind, library)
        given = _given(variant.record.model_dump(exclude_none=True))
        missing = [part for part in wanted if part not in given]
        if missing:
            shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            yield Problem(variant.path, 1, None, f"gives no {shown}: accounts reading "
                          f"{language_name(variant.language, 'en')} read "
                          f"{'it' if len(missing) == 1 else 'them'} in "
                          f"{language_name(library.catalog.languages.source, 'en')}", INCOMPLETE)


def _given(data, prefix: str = "") -> set[str]:
    """Every path a translation's data gives a value at: "capabilities.x.name", "results[0].unit"."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found |= _given(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list) and data and not all(isinstance(item, str) for item in data):
        for index, value in enumerate(data):
            found |= _given(value, f"{prefix}[{index}]")
    elif data not in (None, "", [], {}):
        found.add(prefix)
    return found


def _scenario_parts(scenario) -> list[str]:
    meta = scenario.meta
    parts = ["title", "situation", "challenge", "approach", "customer.described_as"]
    for index, result in enumerate(meta.results):
        parts += [f"results[{index}].{name}" for name in ("metric", "value", "unit", "period")
                  if getattr(result, name)]
    return parts


def _l10n_parts(name: str, library) -> list[str]:
    """What of its source an l10n file translates, as paths into it."""
    if name == "catalog.yaml":
        parts = ["vendor.tagline", "wording.ga", "wording.limited", "wording.roadmap_note"]
        parts += [f"products.{product.id}.summary" for product in library.catalog.products]
        for capability, _ in library.capabilities.values():
            parts += [f"capabilities.{capability.id}.{field}" for field in ("name", "summary", "depends_on")
                      if getattr(capability, field)]
        return parts
    if name == "outline.yaml":
        return [f"sections.{section.kind}.{field}" for section in library.outline.sections
                for field in ("title", "subtitle") if getattr(section, field)]
    if name == "industries.yaml":
        return [f"neutral.{word}" for word in library.neutral_words] + [
            part for industry in library.industries.values()
            for part in (f"industries.{industry.id}.name", *(f"industries.{industry.id}.words.{word}"
                                                             for word in industry.words))]
    if name == "stages.yaml":
        return [f"stages.{stage.id}.{field}" for stage in library.stages.values() for field in ("name", "material")]
    if name == "pains.yaml":
        return [f"pains.{pain.id}.keywords" for pain in library.pains.values()]
    return [f"personas.{persona.id}.cares_about" for persona in library.personas.values()]
