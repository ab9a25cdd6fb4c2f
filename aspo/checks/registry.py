"""The one list of the rule modules `aspo check` runs, and the whole rule table: theirs and the loader's and build's."""

from __future__ import annotations

import functools

from aspo.checks.rule import CheckRule
from aspo.checks.rules import (
    analyst_speak,
    capability_wording,
    content_gaps,
    follow_up,
    industry_words,
    overflow,
    review_dates,
    stage_purpose,
    template_hyperlinks,
    translations,
    unsourced_claims,
)
from aspo.core.rulebook import BUILD_RULES, Rule

#: The modules of aspo/checks/rules/ whose rules `aspo check` runs. Adding a rule is writing its module and
#: naming it here (and in the import above).
RULE_MODULES = (
    translations,  # C001–C008
    review_dates,  # C101–C104
    analyst_speak,  # C201
    industry_words,  # C202
    capability_wording,  # C301, C302
    unsourced_claims,  # C401
    overflow,  # C501
    stage_purpose,  # C602
    content_gaps,  # C701, C703
    template_hyperlinks,  # C801
    follow_up,  # C901–C904
)

#: The order rules are listed in (the docs, --select's list, the count by rule's ties): what stops a build first.
_KINDS = "EC"


@functools.cache
def check_rules() -> tuple[CheckRule, ...]:
    """The rules `aspo check` runs itself, by id: each @check_rule defined in a module of RULE_MODULES."""
    found: dict[str, CheckRule] = {}
    for module in RULE_MODULES:
        for rule in vars(module).values():
            if isinstance(rule, CheckRule) and rule.check.__module__ == module.__name__:  # defined there
                if rule.id in found or rule.id in BUILD_RULES:
                    raise ValueError(f"rule {rule.id} is defined twice (in {module.__name__})")
                found[rule.id] = rule
    return tuple(found[rule_id] for rule_id in sorted(found))


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule aspo reports, by id, for output, --select and checks.yaml: the loader's and the build's (core's
    rulebook) and `aspo check`'s own; E rules first, then C rules, each by number."""
    rules: dict[str, Rule] = {**BUILD_RULES, **{rule.id: rule for rule in check_rules()}}
    return {rule_id: rules[rule_id] for rule_id in sorted(rules, key=lambda r: (_KINDS.index(r[0]), r))}


def selected_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> frozenset[str]:
    """The rule ids `--select` and `--ignore` leave, as ruff reads them: ids or prefixes (C5, E2, C701), comma-
    separated or repeated; `ALL` selects every rule; select narrows first, then ignore takes away."""
    rules = all_rules()

    def codes(values: tuple[str, ...], option: str) -> list[str]:
        found = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
        for code in found:
            if code != "ALL" and not any(rule.startswith(code) for rule in rules):
                raise ValueError(f"{option}: {code!r} is no rule id or prefix of one (rules: {', '.join(rules)})")
        return found

    def matching(code: str) -> set[str]:
        return set(rules) if code == "ALL" else {rule for rule in rules if rule.startswith(code)}

    chosen = codes(select, "--select")
    selected = set().union(*map(matching, chosen)) if chosen else set(rules)
    return frozenset(selected - set().union(*map(matching, codes(ignore, "--ignore"))))


def rules_table() -> str:
    """The docs' table of every rule: id, name, default severity and summary, in Markdown."""
    lines = ["| Rule | Name | Default | Summary |", "|------|------|---------|---------|"]
    lines += [f"| {rule.id} | {rule.name} | {rule.severity} | {rule.summary.replace('|', chr(92) + '|')} |"
              for rule in all_rules().values()]
    return "\n".join(lines) + "\n"
