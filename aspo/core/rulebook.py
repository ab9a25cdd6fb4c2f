"""The rules the loader and the build raise (E101–E301, C601, C702): their ids, names, severities and meanings.

Lower layers find these, so they are defined here, where those layers can import them. The rules `aspo check`
runs itself are units of their own in aspo/checks/rules/; aspo.checks.registry.all_rules() is the whole table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One rule: its id, name, default severity and what it means."""

    id: str
    name: str
    severity: str  # the default: "error" or "warning"
    summary: str


# Problems that stop a build (E), and the two content rules the loader finds (C601, C702): `aspo build` refuses
# them too.
INVALID_FILE = "E101"
SCHEMA = "E102"
UNKNOWN_ID = "E103"
DUPLICATE_ID = "E104"
TRANSLATION_FIELDS = "E105"
LANGUAGE = "E106"
TRANSLATION_UNUSABLE = "E107"
TEMPLATE_SYNTAX = "E201"
TEMPLATE_ERROR = "E202"
LAYOUT = "E203"
HYGIENE = "E204"
PLACEHOLDER_BOX = "E205"
OUTPUT = "E301"
CALL_TO_ACTION = "C601"
UNKNOWN_PIN = "C702"

BUILD_RULES = {rule.id: rule for rule in (
    Rule(INVALID_FILE, "invalid-file", "error", "A file cannot be read, is not UTF-8, or is not valid YAML."),
    Rule(SCHEMA, "schema", "error", "A field is unknown, missing, or of the wrong type."),
    Rule(UNKNOWN_ID, "unknown-id", "error", "A file names a persona, pain, product, capability… no file defines."),
    Rule(DUPLICATE_ID, "duplicate-id", "error", "Two blocks, scenarios or entries share an id."),
    Rule(TRANSLATION_FIELDS, "translation-fields", "error",
         "A translation sets what only its source may (selection rules, figures' numbers), or its shape differs."),
    Rule(LANGUAGE, "language", "error",
         "An account, its rep or catalog.yaml names a language the library does not maintain, or no labels exist "
         "for it."),
    Rule(TRANSLATION_UNUSABLE, "translation-unusable", "error",
         "A build would show a draft, machine or unstamped translation, one whose source's claims changed since, "
         "or none where catalog.yaml allows no fallback."),
    Rule(TEMPLATE_SYNTAX, "template-syntax", "error", "A block or outline text is not valid Jinja."),
    Rule(TEMPLATE_ERROR, "template-error", "error",
         "A template uses an undefined variable or something the sandbox refuses."),
    Rule(LAYOUT, "layout", "error", "A slide layout, placeholder or Word style the outline needs is missing."),
    Rule(HYGIENE, "template-hygiene", "error",
         "A template file carries linked content, fetching fields, macros, embedded objects or custom XML."),
    Rule(PLACEHOLDER_BOX, "placeholder-box", "error",
         "A placeholder of a slide layout the outline uses has no width or height, or lies wholly off the slide."),
    Rule(OUTPUT, "output", "error", "The outputs cannot be written where they belong (build only)."),
    Rule(CALL_TO_ACTION, "no-call-to-action", "error",
         "The outline does not end the deck and the document with next steps."),
    Rule(UNKNOWN_PIN, "unknown-pin", "error", "An account pins or excludes a block or scenario that does not exist."),
)}
