"""C201: analyst names and megatrend language in blocks for buyers who want to hear about their own business."""

from __future__ import annotations

from typing import Iterator

from pydantic import Field

from aspo.checks.file_text import phrase, problem_at
from aspo.checks.rule import Context, RuleOptions, check_rule
from aspo.core.errors import Problem

ANALYST_SPEAK = "C201"
DEFAULT_WORDS = (
    "megatrend", "megatrends", "paradigm shift", "Gartner", "Forrester", "IDC", "McKinsey", "magic quadrant",
    "hype cycle", "wave report", "industry 4.0", "digital transformation journey", "synergy", "synergies",
    "best-of-breed", "next-generation", "world-class", "game-changer", "game-changing", "revolutionary",
)
DEFAULT_STAGES = ("consideration", "decision")


class AnalystSpeak(RuleOptions):
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_WORDS),
                             description="words and phrases that are analyst speak.")
    stages: list[str] = Field(default_factory=lambda: list(DEFAULT_STAGES),
                              description="the buying stages the word list applies to.")


@check_rule(ANALYST_SPEAK, "analyst-speak", "warning",
            "Analyst names or megatrend language in a block meant for consideration or decision buyers "
            "(words, stages).", options=AnalystSpeak)
def analyst_speak(context: Context, options: AnalystSpeak) -> Iterator[Problem]:
    """Each word of the list in the title or body of a block for one of the stages (any stage, when the block
    names none), once a block."""
    for block in context.library.blocks.values():
        stages = block.meta.applies_to.stages or list(context.library.stages)
        if not any(stage in options.stages for stage in stages):
            continue
        text, shown = context.shown(block)
        for word in options.words:
            where = text.find(phrase(word), shown)
            if where:
                yield problem_at(block.path, where, f"analyst speak '{word}' in a block for "
                                 f"{'/'.join(options.stages)} buyers; say what it means for this account instead",
                                 ANALYST_SPEAK)
