"""Every rule aspo reports: its id, name, default severity and meaning, defined once for the loader, the
build, `aspo check` and the docs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str  # the default: "error" or "warning"
    summary: str


# Problems that stop a build (E) and content rules only `aspo check` applies (C).
INVALID_FILE = "E101"
SCHEMA = "E102"
UNKNOWN_ID = "E103"
DUPLICATE_ID = "E104"
TEMPLATE_SYNTAX = "E201"
TEMPLATE_ERROR = "E202"
LAYOUT = "E203"
HYGIENE = "E204"
OUTPUT = "E301"
REVIEW_EXPIRED = "C101"
REVIEW_SOON = "C102"
NO_OWNER = "C103"
NO_REVIEW_DATE = "C104"
ANALYST_SPEAK = "C201"
LIMITED_WITHOUT_NUANCE = "C301"
ROADMAP_AS_AVAILABLE = "C302"
UNSOURCED_CLAIM = "C401"
OVERFLOW = "C501"
CALL_TO_ACTION = "C601"
CONTENT_GAP = "C701"
UNKNOWN_PIN = "C702"
UNKNOWN_INDUSTRY = "C703"
TEMPLATE_HYPERLINK = "C801"

RULES = {rule.id: rule for rule in (
    Rule(INVALID_FILE, "invalid-file", "error", "A file cannot be read, is not UTF-8, or is not valid YAML."),
    Rule(SCHEMA, "schema", "error", "A field is unknown, missing, or of the wrong type."),
    Rule(UNKNOWN_ID, "unknown-id", "error", "A file names a persona, pain, product, capability… no file defines."),
    Rule(DUPLICATE_ID, "duplicate-id", "error", "Two blocks, scenarios or entries share an id."),
    Rule(TEMPLATE_SYNTAX, "template-syntax", "error", "A block or outline text is not valid Jinja."),
    Rule(TEMPLATE_ERROR, "template-error", "error",
         "A template uses an undefined variable or something the sandbox refuses."),
    Rule(LAYOUT, "layout", "error", "A slide layout, placeholder or Word style the outline needs is missing."),
    Rule(HYGIENE, "template-hygiene", "error",
         "A template file carries linked content, fetching fields, macros, embedded objects or custom XML."),
    Rule(OUTPUT, "output", "error", "The outputs cannot be written where they belong (build only)."),
    Rule(REVIEW_EXPIRED, "review-expired", "error", "A block or scenario is past its review_by date."),
    Rule(REVIEW_SOON, "review-soon", "warning",
         "A block or scenario reaches its review_by date soon (days: 30)."),
    Rule(NO_OWNER, "no-owner", "warning", "A block or scenario has no owner to answer for it."),
    Rule(NO_REVIEW_DATE, "no-review-date", "warning", "A block or scenario has no review_by date."),
    Rule(ANALYST_SPEAK, "analyst-speak", "warning",
         "Analyst names or megatrend language in a block meant for consideration or decision buyers (words, stages)."),
    Rule(LIMITED_WITHOUT_NUANCE, "limited-without-nuance", "error",
         "A limited capability is named without its nuance; use {{ capability('id') }}."),
    Rule(ROADMAP_AS_AVAILABLE, "roadmap-as-available", "error",
         "A roadmap capability is named in slide or document text."),
    Rule(UNSOURCED_CLAIM, "unsourced-claim", "warning",
         "A quantified claim (37%, 3x) with no scenario result or listed source behind it."),
    Rule(OVERFLOW, "overflow", "warning",
         "Text will not fit its placeholder on the slide, estimated from the layout (tolerance: 10 percent)."),
    Rule(CALL_TO_ACTION, "no-call-to-action", "error",
         "The outline does not end the deck and the document with next steps."),
    Rule(CONTENT_GAP, "content-gap", "warning", "An account priority no approved block answers."),
    Rule(UNKNOWN_PIN, "unknown-pin", "error", "An account pins or excludes a block or scenario that does not exist."),
    Rule(UNKNOWN_INDUSTRY, "unknown-industry", "warning",
         "An account in an industry the library does not list yet: it is built with industry-neutral content."),
    Rule(TEMPLATE_HYPERLINK, "template-hyperlink", "warning",
         "A hyperlink in a template file, which every deck or document built from it carries."),
)}


def selected_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> frozenset[str]:
    """The rule ids `--select` and `--ignore` leave, as ruff reads them: ids or prefixes (C5, E2, C701), comma-
    separated or repeated; `ALL` selects every rule; select narrows first, then ignore takes away."""

    def codes(values: tuple[str, ...], option: str) -> list[str]:
        found = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
        for code in found:
            if code != "ALL" and not any(rule.startswith(code) for rule in RULES):
                raise ValueError(f"{option}: {code!r} is no rule id or prefix of one (rules: {', '.join(RULES)})")
        return found

    def matching(code: str) -> set[str]:
        return set(RULES) if code == "ALL" else {rule for rule in RULES if rule.startswith(code)}

    chosen = codes(select, "--select")
    selected = set().union(*map(matching, chosen)) if chosen else set(RULES)
    return frozenset(selected - set().union(*map(matching, codes(ignore, "--ignore"))))
