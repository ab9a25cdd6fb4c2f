"""Marketing's settings for the rules `aspo check` applies (templates/checks.yaml)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from aspo.core.errors import AspoError, did_you_mean
from aspo.core.rulebook import ANALYST_SPEAK, OVERFLOW, REVIEW_SOON, RULES, SCHEMA
from aspo.core.yamlfile import load_yaml
from aspo.library.schema import ChecksFile
from aspo.library.validation import validate

CHECKS_FILE = "checks.yaml"
DEFAULT_ANALYST_WORDS = (
    "megatrend", "megatrends", "paradigm shift", "Gartner", "Forrester", "IDC", "McKinsey", "magic quadrant",
    "hype cycle", "wave report", "industry 4.0", "digital transformation journey", "synergy", "synergies",
    "best-of-breed", "next-generation", "world-class", "game-changer", "game-changing", "revolutionary",
)
DEFAULT_ANALYST_STAGES = ("consideration", "decision")
DEFAULT_REVIEW_SOON_DAYS = 30
DEFAULT_OVERFLOW_TOLERANCE = 10  # percent: PowerPoint's first shrink step (92.5%) absorbs this much unseen


@dataclass(frozen=True)
class Settings:
    """The rules as marketing tuned them in templates/checks.yaml."""

    severities: dict[str, str] = field(default_factory=lambda: {r.id: r.severity for r in RULES.values()})
    review_soon_days: int = DEFAULT_REVIEW_SOON_DAYS
    analyst_words: tuple[str, ...] = DEFAULT_ANALYST_WORDS
    analyst_stages: tuple[str, ...] = DEFAULT_ANALYST_STAGES
    overflow_tolerance: int = DEFAULT_OVERFLOW_TOLERANCE
    per_file_ignores: dict[str, frozenset[str]] = field(default_factory=dict)

    def severity(self, rule: str, relative_path: str) -> str:
        """error, warning or off for this rule in this file (path relative to templates/ or the project)."""
        for pattern, ignored in self.per_file_ignores.items():
            if rule in ignored and fnmatch.fnmatch(relative_path, pattern):
                return "off"
        return self.severities.get(rule, "error")


def load_settings(templates: Path) -> Settings:
    """Reads templates/checks.yaml if there is one; defaults otherwise."""
    path = Path(templates) / CHECKS_FILE
    if not path.is_file():
        return Settings()
    doc = load_yaml(path)
    config = validate(ChecksFile, doc)
    problems = [
        doc.problem(loc, f"unknown rule '{rule}'{did_you_mean(rule, RULES)}", SCHEMA)
        for loc, rule in [(("rules", r), r) for r in config.rules]
        + [(("per_file_ignores", pattern, i), r) for pattern, ids in config.per_file_ignores.items()
           for i, r in enumerate(ids)]
        if rule not in RULES
    ]
    if problems:
        raise AspoError(problems)
    severities = {r.id: r.severity for r in RULES.values()}
    severities.update({rule: s.severity for rule, s in config.rules.items() if s.severity})
    soon, analyst, overflow = config.rules.get(REVIEW_SOON), config.rules.get(ANALYST_SPEAK), config.rules.get(OVERFLOW)
    return Settings(
        severities=severities,
        review_soon_days=soon.days if soon and soon.days else DEFAULT_REVIEW_SOON_DAYS,
        analyst_words=tuple(analyst.words) if analyst and analyst.words is not None else DEFAULT_ANALYST_WORDS,
        analyst_stages=tuple(analyst.stages) if analyst and analyst.stages is not None else DEFAULT_ANALYST_STAGES,
        overflow_tolerance=(overflow.tolerance if overflow and overflow.tolerance is not None
                            else DEFAULT_OVERFLOW_TOLERANCE),
        per_file_ignores={pattern: frozenset(ids) for pattern, ids in config.per_file_ignores.items()},
    )
