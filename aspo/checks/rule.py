"""What a check rule is: its metadata and settings, declared with @check_rule, and the Context it reads."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal

from aspo.checks.file_text import FileText
from aspo.core.errors import AspoError, Problem
from aspo.core.rulebook import Rule
from aspo.library.schema import Strict

if TYPE_CHECKING:
    from aspo.checks.probes import Probed
    from aspo.compose.document import Document
    from aspo.library.content import Block, Library
    from aspo.plan.plan import Plan

#: "library": the library's own content (left out when a rep checks the accounts they name); "accounts": what the
#: accounts get from the library (always checked).
Scope = Literal["library", "accounts"]


class RuleOptions(Strict):
    """Base of a rule's settings: the keys it reads under `rules: {ID: ...}` in templates/checks.yaml, each a field
    with its default and a description. Every rule takes `severity` as well; checks.yaml leaves a key out (or
    empty) for its default."""


@dataclass(frozen=True)
class CheckRule(Rule):
    """A rule `aspo check` runs: its metadata (the docs), its settings, and the function that finds it."""

    check: Callable[..., Iterable[Problem]]
    options: type[RuleOptions] | None = None
    scope: Scope = "library"
    #: how the count by rule words the worst finding's measure (Problem.measure), for a rule that measures
    worst: Callable[[float], str] | None = None

    def run(self, context: Context, options: RuleOptions | None) -> list[Problem]:
        """The rule's problems, with its settings as Settings.options_of gives them (None for a rule without)."""
        return list(self.check(context) if self.options is None else self.check(context, options))


def check_rule(id: str, name: str, severity: str, summary: str, *, options: type[RuleOptions] | None = None,
               scope: Scope = "library", worst: Callable[[float], str] | None = None):
    """Declares the decorated function a rule `aspo check` runs (and the registry lists).

    The function takes the Context, and with `options` (the rule's settings model) also the settings as
    checks.yaml gives them; it yields a Problem for each finding, with this rule's id. `summary` is the rule's
    one line in the docs, naming its settings."""
    if not re.fullmatch(r"C\d{3}", id):
        raise ValueError(f"{id}: a check rule's id is C and three digits")
    if severity not in ("error", "warning") or scope not in ("library", "accounts"):
        raise ValueError(f"{id}: severity is error or warning, scope library or accounts")

    def register(check: Callable[..., Iterable[Problem]]) -> CheckRule:
        return CheckRule(id, name, severity, summary, check, options, scope, worst)

    return register


class Context:
    """What the rules read: the library, the accounts as `aspo build` plans them, their documents, and the date."""

    def __init__(self, library: Library, planned: list[Plan], today: dt.date,
                 probe: Callable[[], Probed]):
        self.library = library
        self.planned = planned
        self.today = today
        self._probe = probe
        self._texts: dict[Path, FileText] = {}

    @cached_property
    def probed(self) -> Probed:
        """What the template probes found: template problems, and each account's composed document."""
        return self._probe()

    @property
    def documents(self) -> list[Document]:
        """Each account's document, composed once (with the template probes) when a rule first asks for one."""
        return self.probed.documents

    def text(self, path: Path) -> FileText:
        """A file's text, read once for every rule that searches it."""
        if path not in self._texts:
            self._texts[path] = FileText(path)
        return self._texts[path]

    def shown(self, block: Block) -> tuple[FileText, list[tuple[int, int]]]:
        """A block's file text (its translation's, for a translated block), and the spans the prospect reads: the
        title's line and the body; not the front matter's other keys (ids, dates, sources) nor the speaker notes."""
        path = block.text_path or block.path
        text = self.text(path)
        title = (text.index_of_line(block.title_line), text.index_of_line(block.title_line + 1))
        notes_here = block.notes and (block.notes_path or block.path) == path
        end = text.index_of_line(block.notes_line - 1) if notes_here else len(text.text)
        return text, [title, (text.index_of_line(block.body_line), end)]

    @cached_property
    def in_languages(self) -> list[Library]:
        """The library as it is, then as each language it maintains reads it: what the content rules that read
        the text (capability wording) check in every language, each with that language's catalog words."""
        library = self.library
        views = [library]
        for language in library.catalog.languages.maintained:
            try:
                views.append(library.in_languages(language, language))
            except AspoError:
                continue  # a translation that does not load: E105, said with the library's problems
        return views

    def translated(self) -> Iterator[tuple[Library, Block]]:
        """Each block, then each block translation whatever its state (a draft is checked before it is approved),
        with the library in its language: (that library, the block as its translation words it)."""
        from aspo.library.languages import translated_block

        source = self.library
        by_language = {view.language: view for view in self.in_languages}
        for block in source.blocks.values():
            yield source, block
        for (kind, block_id), variants in source.variants.items():
            if kind != "block" or block_id not in source.blocks:
                continue
            for language, variant in variants.items():
                view = by_language.get(language) or by_language.get(language.split("-")[0], source)
                yield view, translated_block(source.blocks[block_id], variant, variant)
