"""Which language an account and its rep read, and the library as they see it: each text in its best translation.

The lookup goes from the exact tag (fr-CA) to its language (fr), then to the source language only where
catalog.yaml's `languages: fallback:` allows it; a fallback is recorded (Shown), so the draft marks it and
`aspo check` reports it. Selection rules always come from the source: only the text is swapped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from aspo.core.errors import Problem, quoted
from aspo.core.rulebook import LANGUAGE, TRANSLATION_FIELDS, TRANSLATION_UNUSABLE
from aspo.core.scripts import base_language
from aspo.library.labels import Labels, built_in, fields
from aspo.library.translations import CURRENT, LANGUAGE_TAG, USABLE, Variant, state

#: The library (aspo.library.content.Library) and its files' models, as this module's annotations name them: that
#: module imports this one.
Library = AccountFile = CatalogFile = Any



@dataclass(frozen=True)
class Shown:
    """Which language one block's or scenario's text is shown in, for an account that wants `wanted`."""

    wanted: str
    language: str  # what the text is in: `wanted`'s translation, or the source's
    state: str  # the translation's (aspo.library.translations), "source", or "missing"
    path: Path | None = None  # the translation's file, where one exists

    @property
    def fallback(self) -> bool:
        """Shown in the source's language though another was wanted."""
        return base_language(self.language) != base_language(self.wanted)



def maintained(catalog: CatalogFile) -> tuple[str, ...]:
    """The languages an account may read: the source's, then those marketing maintains."""
    return (catalog.languages.source, *catalog.languages.maintained)


def best_tag(wanted: str, available) -> str | None:
    """The tag among `available` for `wanted`: the exact tag, else its language ("fr-CA", then "fr")."""
    available = set(available)
    for tag in (wanted, base_language(wanted)):
        if tag in available:
            return tag
    return None


def account_languages(data: AccountFile, catalog: CatalogFile) -> tuple[str, str]:
    """(the customer's language, the rep's): the account's `language:`, else its locale's language where the
    library maintains it, else the source's; the rep's `language:`, else the source's."""
    source = catalog.languages.source
    customer = data.language
    if customer is None and data.locale:
        locale = data.locale.replace("_", "-")  # de_DE as de-DE
        customer = best_tag(locale, maintained(catalog)) or best_tag(base_language(locale), maintained(catalog))
    return customer or source, data.rep.language or source


def unmaintained(tag: str, catalog: CatalogFile) -> str | None:
    """Why an account cannot read `tag`, or None. The source language with any region (en-GB where the source
    is en or en-US) is the source's."""
    from aspo.core.formatting import locale_problem

    if not LANGUAGE_TAG.fullmatch(tag):
        return f"{quoted(tag)} is not a language tag (de, fr-CA, ja)"
    if (problem := locale_problem(tag)) is not None:  # its region too: Babel writes its dates
        return problem
    if base_language(tag) == base_language(catalog.languages.source):
        return None
    if best_tag(tag, maintained(catalog)) is None:
        return (f"{quoted(tag)} is not a language the library maintains: catalog.yaml languages: has "
                f"{', '.join(maintained(catalog))}")
    return None


def language_problems(library: Library, label_files: dict) -> list[Problem]:
    """catalog.yaml's languages, each with labels; and every labels.yaml override naming a label aspo has, with
    the same fields."""
    problems = []
    doc = library.catalog_doc
    english = built_in("en")
    for index, tag in enumerate(maintained(library.catalog)):
        loc = ("languages", "source") if index == 0 else ("languages", "maintained", index - 1)
        if not LANGUAGE_TAG.fullmatch(tag):
            problems.append(doc.problem(loc, f"{quoted(tag)} is not a language tag (de, fr-CA, ja)", LANGUAGE))
            continue
        missing = labels_missing(library, tag)
        if not missing or library.catalog.languages.fallback:
            continue  # with a fallback, missing labels show in English, and C001 says so
        problems.append(doc.problem(loc, f"aspo has no labels in {quoted(tag)}: give all of them in "
                                    f"l10n/{tag}/labels.yaml (missing: {', '.join(missing[:5])}"
                                    f"{', …' if len(missing) > 5 else ''}), or allow languages: fallback: true",
                                    LANGUAGE))
    for language, (file, file_doc) in label_files.items():
        for key, text in file.labels.items():
            if key not in english:
                problems.append(file_doc.problem(("labels", key), f"no label {quoted(key)}: aspo's labels are in "
                                                 "aspo/library/labels/en.yaml", TRANSLATION_FIELDS))
            elif (found := fields(text)) is None:
                problems.append(file_doc.problem(("labels", key), f"label {quoted(key)} is no label: write a field "
                                                 "as {name}, and a brace as {{ or }}", TRANSLATION_FIELDS))
            elif found != fields(english[key]):
                want = ", ".join("{" + f + "}" for f in sorted(fields(english[key]))) or "none"
                problems.append(file_doc.problem(("labels", key), f"label {quoted(key)} fills in {want}",
                                                 TRANSLATION_FIELDS))
    return problems


def labels_missing(library: Library, tag: str) -> list[str]:
    """The labels neither aspo nor the library gives in `tag` (all of them are aspo's in en, de, fr, es, ja)."""
    if built_in(tag) is not None:
        return []
    given = {**library.label_overrides.get(base_language(tag), {}), **library.label_overrides.get(tag, {})}
    return sorted(set(built_in("en")) - set(given))


def labels_for(library: Library, language: str) -> Labels:
    cache = library.__dict__.setdefault("_labels", {})
    if language not in cache:
        texts = dict(built_in("en"))
        texts.update(built_in(language) or {})
        texts.update(library.label_overrides.get(base_language(language), {}))
        texts.update(library.label_overrides.get(language, {}))
        cache[language] = Labels(language, MappingProxyType(texts))
    return cache[language]


def language_name(tag: str, in_language: str) -> str:
    """"German" for de, in English; "Deutsch" in German (Babel's names; the tag itself where it has none)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-").get_display_name(Locale.parse(in_language, sep="-")) or tag
    except (UnknownLocaleError, ValueError):
        return tag


# --- the library in one language ------------------------------------------------------------------


def _choose(library: Library, by_language: Mapping[str, Variant], wanted: str) -> tuple[Variant | None, Shown]:
    """The translation among `by_language` (language -> it) an account wanting `wanted` reads, if usable, and what
    it is shown in: the exact tag's, else its language's; the source's language (with any region it has no
    translation for) reads the source."""
    source = library.catalog.languages.source
    if base_language(wanted) == base_language(source) and wanted not in by_language:
        return None, Shown(wanted, source, "source")
    tag = best_tag(wanted, by_language)
    if tag is None:
        return None, Shown(wanted, source, "missing")
    variant = by_language[tag]
    found = state(variant, library)
    if found not in USABLE:
        return None, Shown(wanted, source, found, variant.path)
    return variant, Shown(wanted, tag, found, variant.path)


def _l10n_files(library: Library, name: str) -> Mapping[str, Variant]:
    """Each language's translation of the l10n file `name`: file by file, so l10n/fr-CA/ may give some and l10n/fr/
    the rest."""
    return {language: files[name] for language, files in library.l10n.items() if name in files}


def translated_block(block, text: Variant | None, notes: Variant | None):
    """The block with `text`'s title and body and `notes`'s speaker notes (the source's where None)."""
    changes = {}
    if text is not None:
        changes.update(meta=block.meta.model_copy(update={"title": text.record.title}), body=text.body,
                       title_line=text.title_line, body_line=text.body_line, text_path=text.path)
    if notes is not None:
        changes.update(notes=notes.notes, notes_line=notes.notes_line, notes_path=notes.path)
    else:  # the source's notes, at their own lines, whatever the text's language
        changes.update(notes_path=block.path)
    return replace(block, **changes)


def localize(library: Library, language: str, rep_language: str) -> Library:
    """The library with every text an account reading `language` sees in that language where an approved,
    current-claims translation exists; notes in `rep_language`. Unusable or missing translations are recorded in
    `shown`; untranslatable() says which of them stop a build."""
    source = library.catalog.languages.source
    # every labels.yaml labels_for() merges, for the customer's language and the rep's (the input key)
    label_files = [path for tag in dict.fromkeys((base_language(language), language, base_language(rep_language),
                                                  rep_language))
                   if (path := library.root / "l10n" / tag / "labels.yaml").is_file()]
    if (language, rep_language) == (source, source):  # the library as it is: no translation is read
        return replace(library, translation_files=tuple(label_files), origin=library)
    shown: dict[tuple[str, str], Shown] = {}
    used: list[Path] = []
    blocks = {}
    for block_id, block in library.blocks.items():
        translations = library.variants.get(("block", block_id), {})
        text, shown[("block", block_id)] = _choose(library, translations, language)
        notes, notes_shown = _choose(library, translations, rep_language)
        if notes is not None and block.notes and not notes.notes:  # a translation without the source's notes
            notes, notes_shown = None, Shown(rep_language, source, "missing", notes.path)
        if block.notes and notes_shown.fallback and (rep_language != language or text is not None):
            shown[("notes", block_id)] = notes_shown  # the rep reads the notes in the source's language: said
        blocks[block_id] = translated_block(block, text, notes) if text is not None or notes is not None else block
    scenarios = {}
    for scenario_id, scenario in library.scenarios.items():
        text, shown[("scenario", scenario_id)] = _choose(library, library.variants.get(("scenario", scenario_id), {}),
                                                         language)
        scenarios[scenario_id] = _scenario_in(scenario, text) if text is not None else scenario
    changes: dict = {}
    for name, apply in (("catalog.yaml", _catalog_in), ("outline.yaml", _outline_in),
                        ("industries.yaml", _industries_in), ("stages.yaml", _stages_in),
                        ("pains.yaml", _pains_in), ("personas.yaml", _personas_in)):
        # what the rep alone reads (what each persona listens for) is in the rep's language
        reader = rep_language if name == "personas.yaml" else language
        variant, found = _choose(library, _l10n_files(library, name), reader)
        if found.state != "source":
            shown[("l10n", name)] = found
        if variant is not None:
            changes.update(apply(library, variant.record))
            used.append(variant.path)
    if labels_missing(library, language):
        shown[("l10n", "labels.yaml")] = Shown(language, library.catalog.languages.source, "missing")
    used += label_files
    return replace(library, blocks=MappingProxyType(blocks), scenarios=MappingProxyType(scenarios),
                   language=language, rep_language=rep_language, shown=MappingProxyType(shown),
                   translation_files=tuple(dict.fromkeys(used)), origin=library, **changes)


def _scenario_in(scenario, variant: Variant):
    record, meta = variant.record, scenario.meta
    customer = meta.customer.model_copy(update={"described_as": record.customer.described_as}
                                        if record.customer.described_as else {})
    results = [result.model_copy(update={"metric": words.metric, "period": words.period if result.period else None,
                                         **({"value": words.value} if result.value and words.value else {}),
                                         **({"unit": words.unit} if result.unit and words.unit else {})})
               for result, words in zip(meta.results, record.results)] + list(meta.results[len(record.results):])
    meta = meta.model_copy(update={"title": record.title, "situation": record.situation, "challenge": record.challenge,
                                   "approach": record.approach, "customer": customer, "results": results})
    return replace(scenario, meta=meta, text_path=variant.path)


def _set(model, words) -> object:
    """`model` with the fields `words` gives (those it leaves out keep the source's)."""
    return model.model_copy(update={k: v for k, v in words.model_dump().items() if v not in (None, [], {})})


def _catalog_in(library: Library, record) -> dict:
    products = []
    for product in library.catalog.products:
        capabilities = [_set(c, record.capabilities[c.id]) if c.id in record.capabilities else c
                        for c in product.capabilities]
        product = _set(product, record.products[product.id]) if product.id in record.products else product
        products.append(product.model_copy(update={"capabilities": capabilities}))
    catalog = library.catalog.model_copy(update={
        "vendor": _set(library.catalog.vendor, record.vendor), "wording": _set(library.catalog.wording, record.wording),
        "products": products})
    return {"catalog": catalog,
            "products": MappingProxyType({p.id: p for p in products}),
            "capabilities": MappingProxyType({c.id: (c, p) for p in products for c in p.capabilities})}


def _outline_in(library: Library, record) -> dict:
    sections = [_set(s, record.sections[s.kind]) if s.kind in record.sections else s
                for s in library.outline.sections]
    return {"outline": library.outline.model_copy(update={"sections": sections})}


def _industries_in(library: Library, record) -> dict:
    industries = {}
    for industry_id, industry in library.industries.items():
        words = record.industries.get(industry_id)
        if words is not None:
            industry = industry.model_copy(update={"name": words.name or industry.name,
                                                   "words": {**industry.words, **words.words}})
        industries[industry_id] = industry
    return {"industries": MappingProxyType(industries),
            "neutral_words": MappingProxyType({**library.neutral_words, **record.neutral})}


def _stages_in(library: Library, record) -> dict:
    return {"stages": MappingProxyType({i: _set(s, record.stages[i]) if i in record.stages else s
                                        for i, s in library.stages.items()})}


def _pains_in(library: Library, record) -> dict:
    pains = {i: _set(p, record.pains[i]) if i in record.pains else p for i, p in library.pains.items()}
    return {"pains": MappingProxyType(pains), "outside_subject": tuple(record.outside) or library.outside_subject}


def _personas_in(library: Library, record) -> dict:
    return {"personas": MappingProxyType({i: _set(p, record.personas[i]) if i in record.personas else p
                                          for i, p in library.personas.items()})}


def untranslatable(library: Library, selection, account) -> list[Problem]:
    """What stops this account's build: a block or scenario it shows, or a file of l10n/, whose translation is not
    usable (draft, machine, unstamped, claims changed), or missing where catalog.yaml allows no fallback."""
    fallback = library.catalog.languages.fallback
    keys = [("block", b) for b in selection.used_blocks] + [("scenario", s) for s in selection.used_scenarios]
    keys += [key for key in library.shown if key[0] == "l10n"]
    problems = []
    for key in keys:
        shown = library.shown.get(key)
        if shown is None or shown.state in (CURRENT, "stale", "source") or (shown.state == "missing" and fallback):
            continue
        what = f"l10n/{shown.wanted}/{key[1]}" if key[0] == "l10n" else f"{key[0]} {key[1]}"
        if shown.state == "missing":
            reason = (f"has no {shown.wanted} translation, and catalog.yaml's languages: fallback: false shows "
                      "none in the source language")
        elif shown.state in ("draft", "machine"):
            reason = (f"has a {shown.state} translation ({shown.path.name}): a build shows approved translations "
                      "only; have it reviewed, then set status: approved and run `aspo l10n stamp`")
        elif shown.state == "unstamped":
            reason = f"has a translation never stamped ({shown.path.name}): review it, then `aspo l10n stamp` it"
        elif shown.state == "edited since its stamp":
            reason = (f"has a translation edited since it was stamped ({shown.path.name}): what was approved is "
                      "not what it says; review it, then `aspo l10n stamp` it")
        elif shown.state == "other claims":
            reason = (f"has a translation ({shown.path.name}) that states other figures or calls other catalog "
                      "entries than its source: `aspo check` says which; correct it")
        else:
            reason = (f"has a translation ({shown.path.name}) whose source's claims changed since it was stamped "
                      "(capabilities, maturity or figures): `aspo l10n diff` shows what; review it, then `aspo l10n "
                      "stamp` it")
        where = ("language",) if "language" in account.data.model_fields_set else ("locale",)
        problems.append(account.doc.problem(where, f"{what} {reason}", TRANSLATION_UNUSABLE))
    return problems
