"""C301, C302: limited capabilities named with their nuance, roadmap ones never where the prospect reads them."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.file_text import phrase, problem_at
from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem

LIMITED_WITHOUT_NUANCE = "C301"
ROADMAP_AS_AVAILABLE = "C302"


@check_rule(LIMITED_WITHOUT_NUANCE, "limited-without-nuance", "error",
            "A limited capability is named without its nuance; use {{ capability('id') }}.")
def limited_without_nuance(context: Context) -> Iterator[Problem]:
    """A limited capability's name in a block's title or body, where the block never calls capability('id'); in
    every language the library maintains, by the name its catalog translation gives."""
    for library, block in context.translated():
        text, shown = context.shown(block)
        for cap_id, (capability, _) in library.capabilities.items():
            if capability.maturity != "limited":
                continue
            where = text.find(phrase(capability.name), shown)
            if where and f"capability('{cap_id}')" not in text.text.replace('"', "'"):
                yield problem_at(block.text_path or block.path, where, f"names limited capability "
                                 f"'{capability.name}' without its nuance; use {{{{ capability('{cap_id}') }}}}",
                                 LIMITED_WITHOUT_NUANCE)


@check_rule(ROADMAP_AS_AVAILABLE, "roadmap-as-available", "error",
            "A roadmap capability is named in slide or document text.")
def roadmap_as_available(context: Context) -> Iterator[Problem]:
    """A roadmap capability's name in a block's title or body (speaker notes may name it), or anywhere in a
    scenario, which tells what a customer runs."""
    for library, block in context.translated():  # in every language, by its catalog's names and the source's
        text, shown = context.shown(block)
        for capability in _roadmap(context, library):
            where = text.find(phrase(capability.name), shown)
            if where:
                yield problem_at(block.text_path or block.path, where,
                                 f"names roadmap capability '{capability.name}' (planned "
                                 f"{capability.planned or 'no date'}) where the prospect reads it; "
                                 "roadmap belongs in speaker notes only", ROADMAP_AS_AVAILABLE)
    by_language = {view.language: view for view in context.in_languages}
    scenarios = [(context.library, scenario.path) for scenario in context.library.scenarios.values()]
    scenarios += [(by_language.get(language, context.library), variant.path)
                  for (kind, _), variants in context.library.variants.items() if kind == "scenario"
                  for language, variant in variants.items()]
    for library, path in scenarios:  # every translation, whatever its state
        text = context.text(path)
        for capability in _roadmap(context, library):
            where = text.find(phrase(capability.name), [(0, len(text.text))])
            if where:
                yield problem_at(path, where, f"names roadmap capability '{capability.name}'; no customer runs it "
                                 "yet", ROADMAP_AS_AVAILABLE)


def _roadmap(context: Context, library) -> list:
    """The roadmap capabilities, by the names `library`'s language gives them and by the source's."""
    named = {}
    for view in (library, context.library):
        for capability, _ in view.capabilities.values():
            if capability.maturity == "roadmap":
                named.setdefault(capability.name, capability)
    return list(named.values())
