"""C501: text that will not fit its placeholder on a slide, measured in each account's deck as it is built."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from pydantic import Field

from aspo.checks.rule import Context, RuleOptions, check_rule
from aspo.core.errors import AspoError, Problem

if TYPE_CHECKING:
    from aspo.library.content import Library

OVERFLOW = "C501"


class Overflow(RuleOptions):
    # 10 percent: PowerPoint's first shrink step (92.5%) absorbs this much unseen
    tolerance: int = Field(10, ge=0, le=100, description="percent a slide's text may overflow before a warning.")


@check_rule(OVERFLOW, "overflow", "warning",
            "Text will not fit its placeholder on the slide, estimated from the layout (tolerance: 10 percent).",
            options=Overflow, scope="accounts", worst=lambda over: f"{round(over * 100)}% over")
def overflow(context: Context, options: Overflow) -> Iterator[Problem]:
    """Slides whose text overflows its placeholder by more than the tolerance, at the text's source."""
    from aspo.compose.slide_fit import overflows
    from aspo.office.deck_template import box_problems

    library = context.library
    try:
        template = library.deck  # read once per library, as the layout checks read it
    except AspoError:
        return  # reported as E203 already
    # a layout with a placeholder of no area is E205's: every slide on it would be estimated too tall
    misplaced = {layout.name for layout in template.usable if box_problems(layout, template.width, template.height)}
    for document in context.documents:
        sections = {section.key: section for section in document.sections}
        for found in overflows(document, template, document.min_font_size):
            if found.over * 100 <= options.tolerance or found.layout in misplaced:
                continue
            section = sections[found.section_key]
            path, line = _source_of(library, section, found.field)
            yield Problem(path, line, None, f"{found.field} of slide “{section.title}” for "
                                            f"{document.account_name}: {found.message}", OVERFLOW,
                          measure=found.over)


def _source_of(library: Library, section, field: str) -> tuple[Path, int | None]:
    """The file and line that wrote a slide's title or body: its block or scenario, else the outline."""
    for source in section.sources:
        if source.kind == "block" and source.id in library.blocks:
            block = library.blocks[source.id]
            return block.path, block.title_line if field == "title" else block.body_line
        if source.kind == "scenario" and source.id in library.scenarios:
            scenario = library.scenarios[source.id]
            return scenario.path, scenario.doc.line_of(("title",) if field == "title" else ("challenge",))
    kinds = [s.kind for s in library.outline.sections]
    index = kinds.index(section.kind) if section.kind in kinds else 0
    return library.outline_doc.path, library.outline_doc.line_of(("sections", index, "title"))
