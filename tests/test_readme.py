"""The README's promises: its first two commands, CI running the second one verbatim, and its table of rules."""

from __future__ import annotations

import re

from conftest import REPO

from aspo.checks.registry import all_rules


def readme_commands() -> list[str]:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.startswith("    ")][:2]


def test_the_readme_opens_with_a_build_command_and_a_test_command():
    build, test = readme_commands()
    assert build.endswith("aspo build accounts/")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = readme_commands()
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def readme_rule_ids() -> set[str]:
    """The rule ids the README's table of rules lists, ranges (E101–E104) spelled out."""
    ids: set[str] = set()
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().split("|")]
        if len(cells) < 3 or not re.fullmatch(r"[EC]\d{3}.*", cells[1]):
            continue
        for part in cells[1].split(","):
            first, _, last = part.strip().partition("\u2013")
            if not last:
                ids.add(first)
                continue
            ids.update(f"{first[0]}{n}" for n in range(int(first[1:]), int(last[1:]) + 1))
    return ids


def test_the_readme_lists_every_rule_and_no_other():
    assert readme_rule_ids() == set(all_rules())
