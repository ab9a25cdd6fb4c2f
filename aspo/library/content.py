"""The content library in templates/: loaded, validated and cross-checked once, then read-only."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from aspo.core.errors import AspoError, Problem, did_you_mean, display_path, quoted, unknown_id
from aspo.core.formatting import locale_problem
from aspo.core.rulebook import (
    CALL_TO_ACTION,
    DUPLICATE_ID,
    INVALID_FILE,
    LAYOUT,
    PLACEHOLDER_BOX,
    SCHEMA,
    UNKNOWN_ID,
)
from aspo.core.yamlfile import YamlDocument, load_yaml
from aspo.library.languages import language_problems
from aspo.library.translations import (
    Translations,
    Variant,
    load_labels,
    variant_name,
)

if TYPE_CHECKING:  # validation (pydantic, the schema) loads only when files are read: not for a warm library
    from aspo.library.schema import (
        BlockFrontMatter,
        Capability,
        CatalogFile,
        IndustriesFile,
        IndustryEntry,
        OutlineFile,
        OutlineSection,
        PainEntry,
        PersonaEntry,
        Product,
        ScenarioFile,
        StageEntry,
    )

#: The library files every account's outputs depend on, whatever is chosen for it.
SHARED_FILES = ("catalog.yaml", "personas.yaml", "stages.yaml", "pains.yaml", "industries.yaml", "outline.yaml")


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class Block:
    """A message block: its front matter plus the body and speaker-note templates."""

    meta: BlockFrontMatter
    doc: YamlDocument  # the front matter, for line numbers
    body: str
    notes: str
    path: Path
    title_line: int
    body_line: int  # file line of the body's first line, for template errors
    notes_line: int
    #: Where a translated block's title and body, and its notes, were read (its variants); None: `path`.
    text_path: Path | None = None
    notes_path: Path | None = None

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Scenario:
    """A 'someone like you' case scenario."""

    meta: ScenarioFile
    doc: YamlDocument
    path: Path
    text_path: Path | None = None  # where a translated scenario's text was read (its variant); None: `path`

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Library:
    """Everything marketing owns, validated and indexed by id."""

    root: Path
    catalog: CatalogFile
    catalog_doc: YamlDocument
    products: Mapping[str, Product]
    capabilities: Mapping[str, tuple[Capability, Product]]
    personas: Mapping[str, PersonaEntry]
    stages: Mapping[str, StageEntry]
    pains: Mapping[str, PainEntry]
    outside_subject: tuple[str, ...]  # pains.yaml `outside:`: words of priorities the library does not answer
    industries: Mapping[str, IndustryEntry]
    neutral_words: Mapping[str, str]  # industries.yaml `neutral:`: the words blocks may use, as any industry lacks them
    blocks: Mapping[str, Block]  # sorted by id
    scenarios: Mapping[str, Scenario]  # sorted by id
    outline: OutlineFile
    outline_doc: YamlDocument
    #: The language of the customer's text here, and of the rep's: the source language in the library as loaded;
    #: the account's in the library in_languages() gives it.
    language: str = "en"
    rep_language: str = "en"
    #: The translated files, read on first use; the library's own labels by language (l10n/<lang>/labels.yaml).
    translations: Translations | None = None
    label_overrides: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=_empty)
    #: In a library in_languages() gave: which language each block's and scenario's text is shown in, and why.
    shown: Mapping[tuple[str, str], Any] = dataclasses.field(default_factory=_empty)
    #: ... and the translated files its text was read from (for the input key).
    translation_files: tuple[Path, ...] = ()
    origin: Library | None = None  # the library as loaded, of which this one is a language's view

    @property
    def for_rep(self) -> Library:
        """The library in the rep's language, for the names speaker notes give (industry, stage)."""
        if self.origin is None or self.rep_language == self.language:
            return self
        return self.origin.in_languages(self.rep_language, self.rep_language)

    @property
    def variants(self) -> Mapping[tuple[str, str], Mapping[str, Variant]]:
        """Each block's and scenario's translations: (kind, id) -> language -> variant."""
        return self.translations.read()[0] if self.translations else MappingProxyType({})

    @property
    def l10n(self) -> Mapping[str, Mapping[str, Variant]]:
        """The files of templates/l10n/: language -> file name -> its translation."""
        return self.translations.read()[1] if self.translations else MappingProxyType({})

    def industry_name(self, industry: str) -> str:
        """The industry's name as decks show it; an industry the library lacks keeps the rep's words."""
        known = self.industries.get(industry)
        return known.name if known else industry

    def industry_words(self, industry: str) -> dict[str, str]:
        """The words an account in this industry reads for `{{ industry.<name> }}`: its industry's, the neutral
        ones where it gives none, all neutral for an industry the library lacks."""
        known = self.industries.get(industry)
        return {**self.neutral_words, **(known.words if known else {})}

    @functools.cached_property
    def matcher(self):
        """Recognises pains in priorities against this library's vocabulary (built on first use)."""
        from aspo.library.matching import Matcher

        return Matcher(pain_sources(self), tuple(self.pains), outside=self.outside_subject, language=self.language)

    def labels(self, language: str | None = None):
        """aspo's labels in `language` (default: the customer's here), with this library's overrides."""
        from aspo.library.languages import labels_for

        return labels_for(self, language or self.language)

    def in_languages(self, language: str, rep_language: str) -> Library:
        """This library as an account reading `language` sees it, its rep reading `rep_language`: each text in the
        best approved translation there is (see aspo.library.languages); made once per pair."""
        from aspo.library.languages import localize

        cache = self.__dict__.setdefault("_in_languages", {})
        if (language, rep_language) not in cache:
            source = self.catalog.languages.source
            if self.translations is not None and (language, rep_language) != (source, source) \
                    and self.translations.problems():
                raise AspoError(self.translations.problems())
            localized = localize(self, language, rep_language)
            # what is read once stays read: the layouts are the same in every language; the matcher, in the source
            carried = ("deck", "word", "matcher") if (language, rep_language) == (source, source) else ("deck", "word")
            for name in carried:
                if name in self.__dict__:
                    localized.__dict__.setdefault(name, self.__dict__[name])
            cache[language, rep_language] = localized
        return cache[language, rep_language]

    @functools.cached_property
    def deck(self):
        """The deck template's layouts and placeholder boxes, read once."""
        from aspo.office.deck_template import read_deck_template

        return replace(read_deck_template(self.deck_template), master=self.outline.deck.master)

    @functools.cached_property
    def word(self):
        """The document template's styles and page, read once."""
        from aspo.office.word_template import read_document_template

        return read_document_template(self.document_template)

    def outline_at(self, stage: str) -> tuple[tuple[int, OutlineSection], ...]:
        """The outline's sections that appear at one buying stage, in reading order, each with its index in
        outline.yaml (for line numbers)."""
        return tuple((index, section) for index, section in enumerate(self.outline.sections)
                     if not section.stages or stage in section.stages)

    @property
    def shared_files(self) -> tuple[Path, ...]:
        """The files every account's outputs depend on: the vocabulary, the catalog, the outline and both
        layout templates."""
        return (*(self.root / name for name in SHARED_FILES), self.deck_template, self.document_template)

    @property
    def deck_template(self) -> Path:
        return self.root / self.outline.deck.template

    @property
    def document_template(self) -> Path:
        return self.root / self.outline.document.template


def pain_sources(library: Library) -> list:
    """Everything the library says about each pain, for the matcher: the pain's own words first, then the
    capabilities, blocks and scenarios that answer it."""
    from aspo.library.matching import Source, plain_text

    sources = []
    for pain in library.pains.values():
        sources.append(Source(pain.id, "name", pain.name))
        sources.extend(Source(pain.id, "keyword", k) for k in pain.keywords)
        sources.extend(Source(pain.id, "related", k) for k in pain.related)
        sources.extend(Source(pain.id, "example", e) for e in pain.examples)
    for capability, _ in library.capabilities.values():
        sources.extend(Source(p, "capability", f"{capability.name}. {capability.summary}") for p in capability.answers)
    for block in library.blocks.values():
        if block.meta.section == "priorities":
            text = plain_text(f"{block.meta.title}\n{block.body}")
            sources.extend(Source(p, "block", text) for p in block.meta.applies_to.pains)
    for scenario in library.scenarios.values():
        sources.extend(Source(p, "scenario", f"{scenario.meta.title}. {scenario.meta.challenge}")
                       for p in scenario.meta.pains)
    return sources


def load_library(root: Path, layouts: bool = True, warm: bool = True) -> Library:
    """Loads templates/ and reports every problem in it before giving up.

    `layouts=False` leaves the layout templates unread, for commands that never render (explain, report). A library
    read without a problem is kept in the user's cache, and read back from there while no file in templates/
    changed (aspo.library.warm); `warm=False` neither reads nor keeps it (a library at a past revision)."""
    from aspo.core.user_cache import enabled
    from aspo.library.warm import keep_library, keepable, library_sources, warm_library

    root = Path(root)
    warm = warm and enabled()
    if warm and (library := warm_library(root, layouts)) is not None:
        return library
    sources = library_sources(root) if warm else None
    library, problems = read_library(root, layouts, translations=False)  # read when an account needs them
    if problems:
        raise AspoError(problems)
    if sources is not None and keepable(library):
        keep_library(library, sources, layouts)
    return library


def check_library(root: Path) -> tuple[Library | None, list[Problem]]:
    """The library and every problem in it, translations included, for `aspo check`: from the warm library when
    nothing changed since one was read without a problem, else read afresh (read_library)."""
    try:
        library = load_library(root)
    except AspoError:
        return read_library(root)  # every problem, and as much of the library as can be checked
    return library, list(library.translations.problems()) if library.translations is not None else []


class _Collector:
    """Runs loading steps, keeping every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[Problem] = []

    def __call__(self, step, *args):
        try:
            return step(*args)
        except AspoError as exc:
            self.problems.extend(exc.problems)
            return None


def read_library(root: Path, layouts: bool = True, translations: bool = True) -> tuple[Library | None, list[Problem]]:
    """The library and every problem found in it; the library is None when a core file is unusable. With
    `translations`, the translated files are read now and their problems are among these; without, they are read
    when an account first reads another language, and their problems stop that account (load_library).

    Blocks and scenarios that fail to load are left out, so the rest can still be checked. A change to the library
    that a killed `aspo layouts use` left unfinished is completed or undone first (aspo.core.changeset).
    """
    root = Path(root)
    if not root.is_dir():
        return None, [Problem(root, None, None, "templates folder not found, here or in any folder above (use "
                              "--templates to point at it, or `aspo init` to start a project)", INVALID_FILE)]
    from aspo.core.changeset import settled

    with contextlib.ExitStack() as reading:
        try:
            reading.enter_context(settled(root, LAYOUT))
        except AspoError as exc:
            return None, list(exc.problems)
        library, problems = _read_library(root, layouts)
        if translations and library is not None and library.translations is not None:
            problems += library.translations.problems()
        return library, problems


def _read_library(root: Path, layouts: bool) -> tuple[Library | None, list[Problem]]:
    from aspo.library.schema import (
        CatalogFile,
        IndustriesFile,
        OutlineFile,
        PainsFile,
        PersonasFile,
        ScenarioFile,
        StagesFile,
    )
    from aspo.library.validation import validate

    attempt = _Collector()
    catalog_file, personas_file, stages_file, pains_yaml, industries_file, outline_file = (
        root / name for name in SHARED_FILES)
    catalog_doc = attempt(load_yaml, catalog_file)
    catalog = attempt(validate, CatalogFile, catalog_doc) if catalog_doc else None
    personas = attempt(_entries, personas_file, PersonasFile, "personas")
    stages = attempt(_entries, stages_file, StagesFile, "stages")
    pains_file, pains, _ = attempt(_file_entries, pains_yaml, PainsFile, "pains") or (None, None, None)
    industries_read, industries, industries_doc = (
        attempt(_file_entries, industries_file, IndustriesFile, "industries") or (None, None, None))
    outline_doc = attempt(load_yaml, outline_file)
    outline = attempt(validate, OutlineFile, outline_doc) if outline_doc else None
    blocks: dict[str, Block] = {}
    variant_files: list[Path] = []  # read when an account first reads another language (Translations)
    for path in sorted((root / "blocks").glob("*.md")):
        if variant_name(path):
            variant_files.append(path)
            continue
        block = attempt(load_block, path)
        if block is None:
            continue
        if block.id in blocks:
            attempt.problems.append(block.doc.problem(
                ("id",), f"duplicate block id '{block.id}' (also in {blocks[block.id].path.name})", DUPLICATE_ID))
            continue
        blocks[block.id] = block
    scenarios: dict[str, Scenario] = {}
    for path in sorted((root / "scenarios").glob("*.yaml")):
        if variant_name(path):
            variant_files.append(path)
            continue
        doc = attempt(load_yaml, path)
        meta = attempt(validate, ScenarioFile, doc) if doc else None
        if meta is None:
            continue
        if meta.id in scenarios:
            attempt.problems.append(doc.problem(
                ("id",), f"duplicate scenario id '{meta.id}' (also in {scenarios[meta.id].path.name})", DUPLICATE_ID))
            continue
        scenarios[meta.id] = Scenario(meta, doc, path)
    label_files, label_problems = load_labels(root)
    attempt.problems.extend(label_problems)
    if None in (catalog, personas, stages, pains, industries, outline):
        return None, attempt.problems

    products = {product.id: product for product in catalog.products}
    capabilities = {cap.id: (cap, product) for product in catalog.products for cap in product.capabilities}
    library = Library(
        root=root,
        catalog=catalog,
        catalog_doc=catalog_doc,
        products=MappingProxyType(products),
        capabilities=MappingProxyType(capabilities),
        personas=MappingProxyType(personas),
        stages=MappingProxyType(stages),
        pains=MappingProxyType(pains),
        outside_subject=tuple(pains_file.outside),
        industries=MappingProxyType(industries),
        neutral_words=MappingProxyType(dict(industries_read.neutral)),
        blocks=MappingProxyType(dict(sorted(blocks.items()))),
        scenarios=MappingProxyType(dict(sorted(scenarios.items()))),
        outline=outline,
        outline_doc=outline_doc,
        language=catalog.languages.source,
        rep_language=catalog.languages.source,
        translations=Translations(root, tuple(variant_files)),
        label_overrides=MappingProxyType({language: MappingProxyType(dict(file.labels))
                                          for language, (file, _) in label_files.items()}),
    )
    attempt.problems.extend(language_problems(library, label_files))
    attempt.problems.extend(_reference_problems(library))
    attempt.problems.extend(_word_problems(industries_read, industries_doc))
    attempt.problems.extend(_call_to_action_problems(library))
    if layouts:
        attempt.problems.extend(attempt(_layout_problems, library) or [])
    return library, attempt.problems


def load_block(path: Path) -> Block:
    """Reads one message block: YAML front matter between '---' lines, then the body."""
    from aspo.library.block_file import read_block_file
    from aspo.library.schema import BlockFrontMatter
    from aspo.library.validation import validate

    read = read_block_file(path)
    meta = validate(BlockFrontMatter, read.front)
    if meta.section == "follow-up":
        _check_follow_up_body(path, read.body_lines, read.first_body_line)
    return Block(meta=meta, doc=read.front, body=read.body, notes=read.notes, path=path, title_line=read.title_line,
                 body_line=read.body_line, notes_line=read.notes_line)


#: A body line that is a Jinja statement or comment alone: it renders as an empty line, unless a "-" strips the
#: line end before or after it ({%- ... %}, {% ... -%}).
_TEMPLATE_ONLY = re.compile(r"\s*(\{%.*?%\}|\{#.*?#\})\s*")


def _check_follow_up_body(path: Path, lines: list[str], first_line: int) -> None:
    """A follow-up block's body is the e-mail's opening paragraph, then (optionally) its closing paragraph: the
    e-mail lists the answered priorities itself, between the two."""
    starts = []  # the file line of each paragraph's first line
    previous_blank = True
    for number, line in enumerate(lines, start=first_line):
        if _TEMPLATE_ONLY.fullmatch(line):
            if not line.lstrip().startswith(("{%-", "{#-")) and not line.rstrip().endswith(("-%}", "-#}")):
                previous_blank = True  # it renders as an empty line: a paragraph ends there
            continue
        if line.strip().startswith(("- ", "* ")):
            raise AspoError.at(path, number, "body", "a follow-up block's body is the e-mail's opening paragraph, "
                               "then its closing paragraph, without lists: the e-mail lists the priorities it "
                               "answers itself, between the two", SCHEMA)
        if line.strip() and previous_blank:
            starts.append(number)
        previous_blank = not line.strip()
    if not starts:
        raise AspoError.at(path, first_line, "body", "a follow-up block's body is the e-mail's opening paragraph, "
                           "which carries the next step and its date; it is empty", SCHEMA)
    if len(starts) > 2:
        raise AspoError.at(path, starts[2], "body", f"a follow-up block's body is the e-mail's opening paragraph, "
                           f"then its closing paragraph; this is a third of {len(starts)} (join them, or leave "
                           "this one out; a line holding only a {% ... %} tag ends a paragraph: write {%- ... %})",
                           SCHEMA)



def _entries(path: Path, model, key: str) -> dict:
    return _file_entries(path, model, key)[1]


def _file_entries(path: Path, model, key: str) -> tuple:
    """The validated file, its entries by id, and the parsed file (for lines)."""
    from aspo.library.validation import validate

    doc = load_yaml(path)
    whole = validate(model, doc)
    entries = getattr(whole, key)
    by_id = {}
    duplicates = []
    for index, entry in enumerate(entries):
        if entry.id in by_id:
            duplicates.append(doc.problem((key, index, "id"), f"duplicate id '{entry.id}'", DUPLICATE_ID))
        by_id[entry.id] = entry
    if duplicates:
        raise AspoError(duplicates)
    return whole, by_id, doc


def _word_problems(industries: IndustriesFile, doc: YamlDocument) -> list[Problem]:
    """An industry's word that `neutral:` does not name: a block cannot say it, and another industry would lack
    it (a misspelt 'sitee' is caught here)."""
    problems = []
    for index, industry in enumerate(industries.industries):
        for name in industry.words:
            if name not in industries.neutral:
                problems.append(doc.problem(("industries", index, "words", name),
                                            unknown_id("industry word", name, industries.neutral)
                                            + "; a new word goes under neutral: first", SCHEMA))
    return problems


def _reference_problems(lib: Library) -> list[Problem]:
    """Every id that one library file uses and no file defines."""
    problems: list[Problem] = []

    def check(doc: YamlDocument, loc: tuple, ids, known, noun: str) -> None:
        for index, value in enumerate(ids):
            if value not in known:
                problems.append(doc.problem(loc + (index,),
                                            f"unknown {noun} {quoted(value)}{did_you_mean(value, known)}", UNKNOWN_ID))

    if "locale" in lib.catalog.model_fields_set and (problem := locale_problem(lib.catalog.locale)):
        problems.append(lib.catalog_doc.problem(("locale",), problem, SCHEMA))
    for p_index, product in enumerate(lib.catalog.products):
        loc = ("products", p_index)
        check(lib.catalog_doc, loc + ("adjacent",), product.adjacent, lib.products, "product")
        for c_index, cap in enumerate(product.capabilities):
            check(lib.catalog_doc, loc + ("capabilities", c_index, "answers"), cap.answers, lib.pains, "pain")

    for index, section in enumerate(lib.outline.sections):
        check(lib.outline_doc, ("sections", index, "stages"), section.stages, lib.stages, "stage")

    for block in lib.blocks.values():
        applies = block.meta.applies_to
        for field, ids, known, noun in (
            ("industries", applies.industries, lib.industries, "industry"),
            ("personas", applies.personas, lib.personas, "persona"),
            ("stages", applies.stages, lib.stages, "stage"),
            ("pains", applies.pains, lib.pains, "pain"),
            ("owned_products", applies.owned_products, lib.products, "product"),
        ):
            check(block.doc, ("applies_to", field), ids, known, noun)
        check(block.doc, ("promotes",), block.meta.promotes, lib.products, "product")
        check(block.doc, ("capabilities",), block.meta.capabilities, lib.capabilities, "capability")

    for scenario in lib.scenarios.values():
        meta, doc = scenario.meta, scenario.doc
        for field, value, known, noun in (
            ("industry", meta.industry, lib.industries, "industry"),
            ("persona", meta.persona, lib.personas, "persona"),
        ):
            if value not in known:
                problems.append(doc.problem((field,), f"unknown {noun} {quoted(value)}{did_you_mean(value, known)}",
                                            UNKNOWN_ID))
        check(doc, ("capabilities",), meta.capabilities, lib.capabilities, "capability")
        check(doc, ("pains",), meta.pains, lib.pains, "pain")
        for index, cap_id in enumerate(meta.capabilities):
            if cap_id in lib.capabilities and lib.capabilities[cap_id][0].maturity == "roadmap":
                problems.append(doc.problem(("capabilities", index),
                                            f"'{cap_id}' is a roadmap capability; no customer runs it yet", UNKNOWN_ID))
    return problems


def _layout_problems(lib: Library) -> list[Problem]:
    """Every slide layout, placeholder and Word style the outline names must exist in the template files."""
    from aspo.office.word_styles import find_style, role_kind, style_hint, style_names

    problems: list[Problem] = []
    doc = lib.outline_doc
    deck = lib.deck
    if deck.master > max(len(deck.masters), 1):
        problems.append(doc.problem(("deck", "master"), f"{display_path(deck.path)} has {len(deck.masters)} slide "
                                    f"master(s), not {deck.master}; `aspo layouts show` lists them", LAYOUT))
    for index, section in enumerate(lib.outline.sections):
        if section.deck is None:
            continue
        loc = ("sections", index, "deck", "layout")
        layout = deck.layout(section.deck.layout)
        if layout is None:
            message = (f"{quoted(section.deck.layout)} is not a slide layout in {display_path(deck.path)}; "
                       f"it has: {deck.names()}")
        elif not layout.has_title:
            message = f"layout {quoted(layout.name)} in {display_path(deck.path)} has no title placeholder"
        elif section.kind != "title" and layout.body_placeholders == 0:
            message = (f"layout {quoted(layout.name)} in {display_path(deck.path)} has no body or content "
                       f"placeholder, which the {section.kind} section needs")
        elif section.kind == "title" and section.subtitle and layout.body_placeholders == 0:
            message = (f"layout {quoted(layout.name)} in {display_path(deck.path)} has no subtitle, body or content "
                       "placeholder, which the title section's subtitle needs")
        else:
            continue
        problems.append(doc.problem(loc, message, LAYOUT))
    problems += _box_problems(lib, deck)
    word = lib.word
    for role, name in lib.outline.document.styles.model_dump().items():
        kind = role_kind(role)
        if name is None or find_style(word, name, kind) is not None:  # as render_docx finds it
            continue
        problems.append(doc.problem(("document", "styles", role),
                                    f"{quoted(name)} is not a {kind} style in {display_path(word.path)}; "
                                    f"it has: {style_names(word, kind)}{style_hint(word, name, kind)}", LAYOUT))
    return problems


def _box_problems(lib: Library, deck) -> list[Problem]:
    """A placeholder with no area on the slide, in a layout the outline uses: every slide on it would draw its
    title or text off the slide. Said once per placeholder, at the first section naming the layout, with every
    section that does. A layout no section names is left alone: no output uses it (`aspo layouts use` notes it)."""
    from aspo.office.deck_template import BOX_FIX, box_problems

    users: dict[str, list[int]] = {}
    for index, section in enumerate(lib.outline.sections):
        layout = deck.layout(section.deck.layout) if section.deck is not None else None
        if layout is not None:
            users.setdefault(layout.name, []).append(index)
    problems = []
    for name, indexes in users.items():
        sections = ", ".join(map(str, indexes))
        for found in box_problems(deck.layout(name), deck.width, deck.height):
            problems.append(lib.outline_doc.problem(
                ("sections", indexes[0], "deck", "layout"),
                f"layout {quoted(name)} in {display_path(deck.path)} (sections {sections}): {found}; {BOX_FIX}",
                PLACEHOLDER_BOX))
    return problems


def _call_to_action_problems(lib: Library) -> list[Problem]:
    """Every deck and document ends with the account's next step, at every stage: the outline must say so."""
    sections = lib.outline.sections
    last = len(sections) - 1
    short = sorted(set(lib.stages) - set(sections[last].stages)) if sections[last].stages else []
    if sections[last].kind == "next-steps" and short:
        return [lib.outline_doc.problem(("sections", last, "stages"), "the next-steps section must end the story at "
                                        f"every stage; it leaves out {', '.join(short)}: remove its stages",
                                        CALL_TO_ACTION)]
    if sections[last].kind != "next-steps":
        message = "the last section must be of kind next-steps: every deck and document ends with a call to action"
    elif sections[last].deck is None or not sections[last].document:
        message = "the next-steps section must be in the deck and in the document: both end with a call to action"
    else:
        return []
    return [lib.outline_doc.problem(("sections", last, "kind"), message, CALL_TO_ACTION)]
