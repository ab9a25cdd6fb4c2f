"""The rules as units: each module of aspo/checks/rules/ registered once, the whole table assembled in one place and
documented from it (docs/marketing.md), settings declared by their rule, and a selection that runs only what it
chooses yet reports just what a full check reports for those rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import REPO, edit
from pydantic import Field

from aspo.checks import check as checking
from aspo.checks.registry import RULE_MODULES, all_rules, check_rules, rules_table
from aspo.checks.rule import RuleOptions, check_rule
from aspo.checks.settings import Settings, checks_file_model
from aspo.core.rulebook import BUILD_RULES

RULES_DIR = REPO / "aspo" / "checks" / "rules"
#: The page whose table of rules must be the registry's.
RULES_PAGE = REPO / "docs" / "marketing.md"
PILOT = "templates/blocks/next-steps-pilot.md"
LOGISTICS = "templates/blocks/priority-logistics-conveyor-uptime.md"


def test_every_module_of_rules_is_registered_and_defines_a_rule():
    modules = {path.stem for path in RULES_DIR.glob("*.py") if path.stem != "__init__"}
    assert {module.__name__.rsplit(".", 1)[1] for module in RULE_MODULES} == modules, (
        "list each module of aspo/checks/rules/ in registry.RULE_MODULES")
    assert len(RULE_MODULES) == len(modules)
    defined = {rule.check.__module__.rsplit(".", 1)[1] for rule in check_rules()}
    assert defined == modules


def test_the_table_is_the_loaders_and_builds_rules_and_the_checks_own_each_once_errors_that_stop_a_build_first():
    own = [rule.id for rule in check_rules()]
    assert len(set(own)) == len(own) and not set(own) & set(BUILD_RULES)
    ids = list(all_rules())
    assert set(ids) == set(own) | set(BUILD_RULES)
    assert ids == sorted(ids, key=lambda rule: (rule[0] != "E", rule))
    assert all(all_rules()[rule] is BUILD_RULES[rule] for rule in BUILD_RULES)


def test_each_rules_summary_names_its_settings_and_their_defaults():
    for rule in check_rules():
        for key, field in (rule.options.model_fields if rule.options else {}).items():
            assert key in rule.summary, f"{rule.id}: the summary does not name its setting '{key}'"
            if isinstance(field.default, int):
                assert f"{key}: {field.default}" in rule.summary, f"{rule.id}: the summary's default for '{key}'"
            assert field.description, f"{rule.id}: describe the setting '{key}'"


def test_the_docs_table_of_rules_is_the_registrys():
    lines = RULES_PAGE.read_text(encoding="utf-8").splitlines()
    header = rules_table().splitlines()[0]
    assert header in lines, f"{RULES_PAGE.name} has no table of rules"
    start = lines.index(header)
    end = next((n for n in range(start, len(lines)) if not lines[n].startswith("|")), len(lines))
    assert "\n".join(lines[start:end]) + "\n" == rules_table(), (
        f"the table in docs/{RULES_PAGE.name} is not the registry's; regenerate it with "
        "python -c 'from aspo.checks.registry import rules_table; print(rules_table(), end=\"\")'")


def test_a_setting_two_rules_declare_must_mean_one_thing():
    class Days(RuleOptions):
        days: int = Field(30, ge=1, description="how many days.")

    class OtherDays(RuleOptions):
        days: int = Field(7, ge=0, description="another count of days.")

    def rule(rule_id: str, options) -> object:
        return check_rule(rule_id, f"rule-{rule_id}", "warning", "Days (days: …).", options=options)(lambda c, o: ())

    model = checks_file_model((rule("C602", Days), rule("C902", Days)))
    assert model.model_json_schema()["$defs"]["RuleSettings"]["properties"]["days"]["description"] == (
        "C602, C902: how many days.")
    with pytest.raises(TypeError, match="C902 declares the setting 'days' unlike C602 does"):
        checks_file_model((rule("C602", Days), rule("C902", OtherDays)))


def test_a_rule_without_settings_in_checks_yaml_takes_its_defaults():
    soon = all_rules()["C102"]
    assert Settings().options_of(soon).days == 30
    assert Settings().options_of(all_rules()["C103"]) is None


@pytest.fixture
def broken(workspace) -> Path:
    """The sample with something for most rules to find."""
    edit(workspace / PILOT, "A pilot should answer", "In this megatrend, a pilot should answer")
    edit(workspace / "templates/blocks/situation-build-vs-buy.md", "review_by: 2027-03-31", "review_by: 2026-11-01")
    edit(workspace / PILOT, "- Your time:", "- Skills-based dispatch and the Historian connector cut downtime 37%.\n"
         "- Your time: " + "about two hours a week, " * 12 + "\n- Your time:")
    edit(workspace / LOGISTICS, "owner: marco.ruiz@meridianops.example\nreview_by: 2027-06-30\n", "")
    edit(workspace / LOGISTICS, "{{ capability('parts-inventory') }}", "{{ account.nmae }}")
    edit(workspace / "accounts/globex.yaml", "industry: food-beverage", "industry: mining")
    edit(workspace / "templates/import.yaml", "  Needs Analysis: awareness", "  Needs Analysis: awarenes")
    return workspace


def run(workspace: Path, rules=None):
    return checking.run_check(workspace / "templates", workspace / "accounts", dt.date(2026, 11, 22), rules=rules)


def test_a_selection_runs_only_its_rules_and_reports_what_a_full_check_reports_for_them(broken, monkeypatch):
    everything = run(broken)
    found = {d.rule for d in everything}
    assert {"C101", "C103", "C104", "C201", "C301", "C302", "C401", "C501", "C703", "E103", "E202"} <= found

    ran: list[str] = []
    probes: list[int] = []
    probe = checking.probe_templates

    def spied(rule):
        def check(*args):
            ran.append(rule.id)
            return rule.check(*args)
        return dataclasses.replace(rule, check=check)

    monkeypatch.setattr(checking, "check_rules", lambda: tuple(map(spied, check_rules())))
    monkeypatch.setattr(checking, "probe_templates", lambda *args: probes.append(1) or probe(*args))
    for chosen in [{rule} for rule in all_rules()] + [{"C101", "C701"}, {"E202", "C501"}, set()]:
        ran.clear()
        probes.clear()
        assert run(broken, frozenset(chosen)) == [d for d in everything if d.rule in chosen], chosen
        assert set(ran) == chosen & {rule.id for rule in check_rules()}, chosen
        # the template probes run for E201 or E202, which they find, or for C501, C901 and C902, which read their
        # documents
        assert len(probes) == (1 if chosen & {"C501", "C901", "C902", "E201", "E202"} else 0), chosen


def test_every_c_rule_has_its_case_in_the_case_corpus():
    cases = [path.name for path in (REPO / "tests" / "cases").iterdir()]
    missing = [rule for rule in all_rules() if rule.startswith("C")
               and not any(f"-check-{rule.lower()}-" in name for name in cases)]
    assert missing == [], "add tests/cases/NNN-check-cXXX-name/case.yaml (see tests/test_cases.py)"
