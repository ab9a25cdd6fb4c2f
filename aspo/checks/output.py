"""What `aspo check` prints: each Diagnostic as path:line:col: RULE message, the count by rule, or JSON for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aspo.checks.registry import all_rules
from aspo.core.errors import one_line


@dataclass(frozen=True)
class Diagnostic:
    """One finding, as linters print them."""

    path: str
    line: int
    column: int
    rule: str
    severity: str  # "error" or "warning"
    message: str
    measure: float | None = None  # how bad, where the rule can say: the summary names each rule's worst

    def __str__(self) -> str:
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.rule} {self.message}")


def as_text(diagnostics: list[Diagnostic]) -> str:
    lines = [str(d) for d in diagnostics]
    if diagnostics:
        lines += summary_by_rule(diagnostics)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    lines.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines) + "\n"


def summary_by_rule(diagnostics: list[Diagnostic]) -> list[str]:
    """One line per rule found: how many, its name and severity, and for a measured rule where its worst is."""
    rules = all_rules()
    by_rule: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_rule.setdefault(diagnostic.rule, []).append(diagnostic)
    width = len(str(max(len(found) for found in by_rule.values())))
    lines = ["by rule:"]
    for rule, found in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        severities = "/".join(sorted({d.severity for d in found}))
        line = f"  {rule} × {len(found):<{width}}  {rules[rule].name} ({severities})"
        measured = [d for d in found if d.measure is not None]
        worst = getattr(rules[rule], "worst", None)  # how a measured rule words its worst finding's measure
        if measured and worst:
            most = max(measured, key=lambda d: d.measure)
            line += f", worst: {most.path}:{most.line}:{most.column} ({worst(most.measure)})"
        lines.append(line)
    return lines


def as_json(diagnostics: list[Diagnostic]) -> str:
    rules = all_rules()
    return json.dumps([
        {"path": d.path, "line": d.line, "column": d.column, "rule": d.rule, "name": rules[d.rule].name,
         "severity": d.severity, "message": d.message} for d in diagnostics
    ], indent=2, ensure_ascii=False) + "\n"
