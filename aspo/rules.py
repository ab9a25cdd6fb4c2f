"""The rules `aspo check` applies: each rule's id, default severity and meaning, and marketing's settings."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from aspo.errors import AspoError, did_you_mean
from aspo.schema import ChecksFile
from aspo.validation import validate
from aspo.yamlfile import load_yaml

CHECKS_FILE = "checks.yaml"
CALL_TO_ACTION = "C601"
UNKNOWN_PIN = "C702"
TEMPLATE_HYPERLINK = "C801"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str  # the default: "error" or "warning"
    summary: str


RULES = {rule.id: rule for rule in (
    Rule("E101", "invalid-file", "error", "A file cannot be read, is not UTF-8, or is not valid YAML."),
    Rule("E102", "schema", "error", "A field is unknown, missing, or of the wrong type."),
    Rule("E103", "unknown-id", "error", "A file names a persona, pain, product, capability… no file defines."),
    Rule("E104", "duplicate-id", "error", "Two blocks, scenarios or entries share an id."),
    Rule("E201", "template-syntax", "error", "A block or outline text is not valid Jinja."),
    Rule("E202", "template-error", "error", "A template uses an undefined variable or something the sandbox refuses."),
    Rule("E203", "layout", "error", "A slide layout, placeholder or Word style the outline needs is missing."),
    Rule("E204", "template-hygiene", "error",
         "A template file carries linked content, fetching fields, macros, embedded objects or custom XML."),
    Rule("C101", "review-expired", "error", "A block or scenario is past its review_by date."),
    Rule("C102", "review-soon", "warning", "A block or scenario reaches its review_by date soon (days: 30)."),
    Rule("C103", "no-owner", "warning", "A block or scenario has no owner to answer for it."),
    Rule("C104", "no-review-date", "warning", "A block or scenario has no review_by date."),
    Rule("C201", "analyst-speak", "warning",
         "Analyst names or megatrend language in a block meant for consideration or decision buyers (words, stages)."),
    Rule("C301", "limited-without-nuance", "error",
         "A limited capability is named without its nuance; use {{ capability('id') }}."),
    Rule("C302", "roadmap-as-available", "error", "A roadmap capability is named in slide or document text."),
    Rule("C401", "unsourced-claim", "warning",
         "A quantified claim (37%, 3x) with no scenario result or listed source behind it."),
    Rule("C501", "overflow", "warning",
         "Text will not fit its placeholder on the slide, estimated from the layout (tolerance: 10 percent)."),
    Rule("C601", "no-call-to-action", "error", "The outline does not end the deck and the document with next steps."),
    Rule("C701", "content-gap", "warning", "An account priority no approved block answers."),
    Rule("C703", "unknown-industry", "warning",
         "An account in an industry the library does not list yet: it is built with industry-neutral content."),
    Rule("C702", "unknown-pin", "error", "An account pins or excludes a block or scenario that does not exist."),
    Rule("C801", "template-hyperlink", "warning",
         "A hyperlink in a template file, which every deck or document built from it carries."),
)}

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
        doc.problem(loc, f"unknown rule '{rule}'{did_you_mean(rule, RULES)}", "E102")
        for loc, rule in [(("rules", r), r) for r in config.rules]
        + [(("per_file_ignores", pattern, i), r) for pattern, ids in config.per_file_ignores.items()
           for i, r in enumerate(ids)]
        if rule not in RULES
    ]
    if problems:
        raise AspoError(problems)
    severities = {r.id: r.severity for r in RULES.values()}
    severities.update({rule: s.severity for rule, s in config.rules.items() if s.severity})
    soon, analyst, overflow = config.rules.get("C102"), config.rules.get("C201"), config.rules.get("C501")
    return Settings(
        severities=severities,
        review_soon_days=soon.days if soon and soon.days else DEFAULT_REVIEW_SOON_DAYS,
        analyst_words=tuple(analyst.words) if analyst and analyst.words is not None else DEFAULT_ANALYST_WORDS,
        analyst_stages=tuple(analyst.stages) if analyst and analyst.stages is not None else DEFAULT_ANALYST_STAGES,
        overflow_tolerance=(overflow.tolerance if overflow and overflow.tolerance is not None
                            else DEFAULT_OVERFLOW_TOLERANCE),
        per_file_ignores={pattern: frozenset(ids) for pattern, ids in config.per_file_ignores.items()},
    )
