"""Marketing's settings for the rules `aspo check` applies (templates/checks.yaml), validated as the rules declare."""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field, create_model

from aspo.checks.registry import all_rules, check_rules
from aspo.checks.rule import CheckRule, RuleOptions
from aspo.core.errors import AspoError, did_you_mean
from aspo.core.rulebook import SCHEMA
from aspo.core.yamlfile import load_yaml
from aspo.library.schema import Strict
from aspo.library.validation import validate

CHECKS_FILE = "checks.yaml"
Severity = Literal["error", "warning", "off"]


def default_severities() -> dict[str, str]:
    return {rule.id: rule.severity for rule in all_rules().values()}


@dataclass(frozen=True)
class Settings:
    """The rules as marketing tuned them in templates/checks.yaml."""

    severities: dict[str, str] = field(default_factory=default_severities)
    options: dict[str, RuleOptions] = field(default_factory=dict)  # by rule id; a rule not here takes its defaults
    per_file_ignores: dict[str, frozenset[str]] = field(default_factory=dict)

    def severity(self, rule: str, relative_path: str) -> str:
        """error, warning or off for this rule in this file (path relative to templates/ or the project)."""
        for pattern, ignored in self.per_file_ignores.items():
            if rule in ignored and fnmatch.fnmatch(relative_path, pattern):
                return "off"
        return self.severities.get(rule, "error")

    def options_of(self, rule: CheckRule) -> RuleOptions | None:
        """The rule's own settings, as checks.yaml gives them (None for a rule that has none)."""
        if rule.options is None:
            return None
        return self.options[rule.id] if rule.id in self.options else rule.options()


@functools.cache
def checks_file_model(rules: tuple[CheckRule, ...] | None = None) -> type[BaseModel]:
    """templates/checks.yaml's model, made from the rules' declarations (every check rule's, when None): under
    `rules:`, by rule id, a severity for any rule, and each key a check rule declares (all optional: empty is the
    rule's default). One model of every key serves every rule, as the file always read: a key another rule
    declares means nothing for this one. Two rules may declare one key only alike."""
    keys: dict[str, tuple] = {"severity": (Optional[Severity], Field(None, description="error, warning, or off."))}
    declared_by: dict[str, tuple[str, object]] = {}
    for rule in check_rules() if rules is None else rules:
        for key, info in (rule.options.model_fields if rule.options else {}).items():
            kind = Optional[Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation]
            if key in declared_by and declared_by[key][1] != kind:
                raise TypeError(f"{rule.id} declares the setting '{key}' unlike {declared_by[key][0]} does: "
                                "a key means one thing in checks.yaml")
            described = f"{declared_by[key][0]}, {rule.id}" if key in declared_by else rule.id
            declared_by[key] = (described, kind)
            keys[key] = (kind, Field(None, description=f"{described}: {info.description}"))
    rule_settings = create_model("RuleSettings", __base__=Strict, __doc__="How one rule of `aspo check` applies; only "
                                 "some settings mean something for each rule.", **keys)
    return create_model(
        "ChecksFile", __base__=Strict,
        __doc__="templates/checks.yaml: rule settings for `aspo check`, and per-file suppressions.",
        rules=(dict[str, rule_settings], Field(default_factory=dict, description="Settings by rule id, e.g. C201.")),
        per_file_ignores=(dict[str, list[str]], Field(
            default_factory=dict,
            description="Rule ids to skip, by file pattern relative to templates/ (or accounts/).")),
    )


def load_settings(templates: Path) -> Settings:
    """Reads templates/checks.yaml if there is one; defaults otherwise."""
    path = Path(templates) / CHECKS_FILE
    if not path.is_file():
        return Settings()
    doc = load_yaml(path)
    config = validate(checks_file_model(), doc)
    rules = all_rules()
    problems = [
        doc.problem(loc, f"unknown rule '{rule}'{did_you_mean(rule, rules)}", SCHEMA)
        for loc, rule in [(("rules", r), r) for r in config.rules]
        + [(("per_file_ignores", pattern, i), r) for pattern, ids in config.per_file_ignores.items()
           for i, r in enumerate(ids)]
        if rule not in rules
    ]
    if problems:
        raise AspoError(problems)
    severities = default_severities()
    severities.update({rule: s.severity for rule, s in config.rules.items() if s.severity})
    options = {}
    for rule in check_rules():
        given = config.rules.get(rule.id)
        if rule.options is not None and given is not None:
            options[rule.id] = rule.options(**{key: value for key in rule.options.model_fields
                                               if (value := getattr(given, key)) is not None})
    return Settings(
        severities=severities,
        options=options,
        per_file_ignores={pattern: frozenset(ids) for pattern, ids in config.per_file_ignores.items()},
    )
