"""C602: a section or block that contradicts its buying stage's purpose: selling at a stage that sells nothing."""

from __future__ import annotations

from typing import Iterator

from pydantic import Field

from aspo.checks.file_text import phrase
from aspo.checks.rule import Context, RuleOptions, check_rule
from aspo.core.errors import Problem
from aspo.plan.selection import FOLLOW_UP

STAGE_PURPOSE = "C602"
#: What a next step that sells asks for.
DEFAULT_WORDS = ("pilot", "order", "purchase", "contract", "sign", "pricing", "quote")


class StagePurpose(RuleOptions):
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_WORDS),
                             description="words of a next step that asks for a sale: a pilot, an order.")


@check_rule(STAGE_PURPOSE, "stage-purpose", "warning",
            "An outline section or block sells at a stage whose purpose is to sell nothing (stages.yaml "
            "`sells: false`): an offering, a block that promotes products, a next step asking for a pilot or an "
            "order (words).", options=StagePurpose)
def stage_purpose(context: Context, options: StagePurpose) -> Iterator[Problem]:
    """An offering section of the outline shown at such a stage; a block the outline can show at one (its section
    is in the stage's outline and its stages admit it) that promotes products or, as a next step, asks for a sale;
    an offering block that names the stage."""
    library = context.library
    quiet = [stage for stage in library.stages.values() if not stage.sells]
    doc = library.outline_doc
    for stage in quiet:
        why = f"stage {stage.id} sells nothing (stages.yaml: sells: false)"
        shown = library.outline_at(stage.id)
        for index, section in shown:
            if section.kind == "offering":
                where = (("sections", index, "stages", section.stages.index(stage.id)) if section.stages
                         else ("sections", index, "kind"))
                listed = " lists" if section.stages else " (no stages: every stage) has"
                yield doc.problem(where, f"the offering section{listed} stage {stage.id}, but {why}; give it the "
                                  "stages it belongs to", STAGE_PURPOSE)
        kinds = {section.kind for _, section in shown} | {FOLLOW_UP}  # the e-mail goes with every stage
        for block in library.blocks.values():
            meta = block.meta
            stages = meta.applies_to.stages
            if meta.section not in kinds or (stages and stage.id not in stages):
                continue
            at = ("applies_to", "stages", stages.index(stage.id)) if stages else None
            if meta.section == "offering":
                if not stages:  # shown only because the outline's offering section is: reported there
                    continue
                yield block.doc.problem(at or ("section",), f"an offering block for stage {stage.id}, but {why}",
                                        STAGE_PURPOSE)
            elif meta.promotes:
                yield block.doc.problem(at or ("promotes",), f"promotes {', '.join(meta.promotes)} in the "
                                        f"{meta.section} section at stage {stage.id}, but {why}", STAGE_PURPOSE)
            elif meta.section in ("next-steps", FOLLOW_UP):
                text, shown = context.shown(block)
                for word in options.words:
                    where = text.find(phrase(word), shown)
                    if where:
                        field = "title" if where[0] == block.title_line else "body"
                        what = "a follow-up e-mail" if meta.section == FOLLOW_UP else "a next step"
                        yield Problem(block.path, where[0], field, f"{what} asking for '{word}' at stage "
                                      f"{stage.id}, but {why}; suggest a workshop or an assessment instead",
                                      STAGE_PURPOSE, where[1])
                        break
