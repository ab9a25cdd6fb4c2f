"""C501: text that will not fit its placeholder on a slide, measured in each account's deck as it is built, and summed
up in one line with the size that fits where a template's text size leaves most of a placeholder's slides too tall."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from pydantic import Field

from aspo.checks.rule import Context, RuleOptions, check_rule
from aspo.core.errors import AspoError, Problem, quoted

if TYPE_CHECKING:
    from aspo.compose.slide_fit import PlacedText
    from aspo.library.content import Library

OVERFLOW = "C501"


class Overflow(RuleOptions):
    # 10 percent: PowerPoint's first shrink step (92.5%) absorbs this much unseen
    tolerance: int = Field(10, ge=0, le=100, description="percent a slide's text may overflow before a warning.")


#: A placeholder's overflows are put down to its text size, in one line, when at least MANY of its slides are too
#: tall and they are at least SHARE of them: then one setting in the template mends them all. Fewer are the length of
#: a few blocks, each listed where it is written, to be shortened.
MANY, SHARE = 5, 1 / 3
#: The text sizes a summary may suggest, largest first, down to the outline's deck.min_font_size.
SIZES = (40, 36, 32, 28, 24, 20, 18, 16, 14, 12, 11, 10, 9, 8, 7, 6)
#: The share of a placeholder's slides that may stay too tall at the size suggested; they keep their own lines.
LEFT_OVER = 0.1


@check_rule(OVERFLOW, "overflow", "warning",
            "Text will not fit its placeholder on the slide, estimated from the layout (tolerance: 10 percent); "
            "when most slides of a placeholder are too tall, one line names the text size that fits.",
            options=Overflow, scope="accounts", worst=lambda over: f"{round(over * 100)}% over")
def overflow(context: Context, options: Overflow) -> Iterator[Problem]:
    """Slides whose text overflows its placeholder by more than the tolerance, at the text's source; where a
    placeholder's text size leaves many of its slides too tall, one line at the template for them instead."""
    from aspo.compose.slide_fit import overflows, placed_texts
    from aspo.office.deck_template import box_problems

    library = context.library
    try:
        template = library.deck  # read once per library, as the layout checks read it
    except AspoError:
        return  # reported as E203 already
    # a layout with a placeholder of no area is E205's: every slide on it would be estimated too tall
    misplaced = {layout.name for layout in template.usable if box_problems(layout, template.width, template.height)}
    documents = context.documents
    by_placeholder: dict[tuple[str, int], list[tuple[int, PlacedText]]] = {}
    for number, document in enumerate(documents):
        for placed in placed_texts(document, template, document.min_font_size):
            if placed.layout not in misplaced:
                by_placeholder.setdefault((placed.layout, placed.box.slot), []).append((number, placed))
    summed_up: set[tuple] = set()
    min_size = min((document.min_font_size for document in documents), default=10)
    for texts in by_placeholder.values():
        summary = _size_summary(texts, options.tolerance / 100, min_size)
        if summary is not None:
            message, covered, worst = summary
            summed_up |= covered
            yield Problem(template.path, None, None, message, OVERFLOW, measure=worst)
    read = {plan.account.slug: plan.library for plan in context.planned}  # each in its account's language
    for number, document in enumerate(documents):
        sections = {section.key: section for section in document.sections}
        for found in overflows(document, template, document.min_font_size):
            if found.over * 100 <= options.tolerance or found.layout in misplaced \
                    or (number, found.section_key, found.field, found.placeholder, found.layout) in summed_up:
                continue
            section = sections[found.section_key]
            path, line = _source_of(read.get(document.slug, library), section, found.field)
            yield Problem(path, line, None, f"{found.field} of slide “{section.title}” for "
                                            f"{document.account_name}: {found.message}", OVERFLOW,
                          measure=found.over)


def _size_summary(texts: list[tuple[int, PlacedText]], tolerance: float, min_size: float
                  ) -> tuple[str, set[tuple], float] | None:
    """One placeholder's slides (in every account's deck): when many are too tall at its text size, the line that
    says so with the largest size at which all but LEFT_OVER of them fit (else the smallest allowed), the slides it
    speaks for (those that fit at that size) and the worst overflow; None when few are too tall."""
    box, layout = texts[0][1].box, texts[0][1].layout
    size = box.sizes[0]
    too_tall = [(number, placed) for number, placed in texts if placed.over_at(size) > tolerance]
    if len(too_tall) < MANY or len(too_tall) < SHARE * len(texts):
        return None
    smaller = [candidate for candidate in SIZES if min_size <= candidate < size]
    if not smaller:
        return None  # the smallest size already: the blocks are too long, each listed
    for candidate in smaller:
        left = [(number, placed) for number, placed in too_tall if placed.over_at(candidate) > tolerance]
        if len(left) <= LEFT_OVER * len(texts):
            break
    what = {"title": "title", "subtitle": "subtitle"}.get(too_tall[0][1].placeholder, "body")
    fit = "all fit" if not left else f"all but {len(left)} fit (listed)"
    if len(left) > LEFT_OVER * len(texts):
        fit = f"{len(texts) - len(left)} of {len(texts)} fit; shorten the others (listed)"
    message = (f"text size: the {what} text size of layout {quoted(layout)} ({size:g} pt) leaves {len(too_tall)} of "
               f"{len(texts)} slides estimated too tall; at {candidate:g} pt {fit}: set it in the template")
    stays = {id(placed) for _, placed in left}
    covered = {(number, placed.section_key, placed.field, placed.placeholder, placed.layout)
               for number, placed in too_tall if id(placed) not in stays}
    return message, covered, max(placed.over_at(size) for _, placed in too_tall)


def _source_of(library: Library, section, field: str) -> tuple[Path, int | None]:
    """The file and line that wrote a slide's title or body: its block or scenario, else the outline."""
    for source in section.sources:
        if source.kind == "block" and source.id in library.blocks:
            block = library.blocks[source.id]  # its translation's, where the account reads one
            return block.text_path or block.path, block.title_line if field == "title" else block.body_line
        if source.kind == "scenario" and source.id in library.scenarios:
            scenario = library.scenarios[source.id]
            doc = scenario.doc
            if scenario.text_path is not None:
                doc = next(v.doc for v in library.variants[("scenario", source.id)].values()
                           if v.path == scenario.text_path)
            return doc.path, doc.line_of(("title",) if field == "title" else ("challenge",))
    kinds = [s.kind for s in library.outline.sections]
    index = kinds.index(section.kind) if section.kind in kinds else 0
    return library.outline_doc.path, library.outline_doc.line_of(("sections", index, "title"))
