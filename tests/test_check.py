"""aspo check: each rule broken on purpose in a copy of the library, with exact place, rule id and exit status."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import edit, line_of

TODAY = "2026-11-22"
LOGISTICS = "templates/blocks/priority-logistics-conveyor-uptime.md"  # used by no sample account
PILOT = "templates/blocks/next-steps-pilot.md"
PARCEL = "templates/scenarios/parcel-hub-peak-season.yaml"
GAP = ("accounts/acme.yaml:{line}:5: C701 priorities[3].text: content gap: no known pain recognised in the "
       "priority's words (closest: visibility-across-sites, 0.76, only related words) (\u201cMove all three plants "
       "onto a single ERP vendor by 2028 so purchasing runs in one "
       "place.\u201d)")


def where(workspace, path: str, needle: str) -> str:
    """path:line:col of the first occurrence of needle in the file."""
    for number, line in enumerate((workspace / path).read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return f"{path}:{number}:{line.index(needle) + 1}"
    raise AssertionError(f"{needle!r} not in {path}")


def run(aspo, *args):
    return aspo("check", "--today", TODAY, *args)


def sample_gap(workspace) -> str:
    """The sample's one finding: acme's fourth priority, a deliberate content gap (C701)."""
    return GAP.format(line=line_of(workspace / "accounts/acme.yaml", "Move all three plants"))


GAP_SUMMARY = "by rule:\n  C701 × 1  content-gap (warning)\n"


def findings(result) -> list[str]:
    """Every finding but the sample's deliberate content gap, which is there unless the library does not load."""
    gap = sample_gap(Path.cwd())
    lines = result.out.splitlines()
    assert re.fullmatch(r"\d+ errors?, \d+ warnings?", lines[-1]), lines[-1]
    found = lines[:lines.index("by rule:")] if "by rule:" in lines else lines[:-1]
    # a test that rewords a source block leaves its German translation stale (C003): not what these tests look at
    return [line for line in found if line != gap and not re.search(r"\.de\.md:\d+:\d+: C003 ", line)]


def test_the_sample_library_passes_with_its_deliberate_content_gap_as_a_warning(workspace, aspo):
    result = run(aspo)
    assert result.status == 0, result.out
    assert result.out == sample_gap(workspace) + "\n" + GAP_SUMMARY + "0 errors, 1 warning\n"


def test_strict_fails_on_warnings(workspace, aspo):
    result = run(aspo, "--strict")
    assert result.status == 1
    assert result.out == sample_gap(workspace) + "\n" + GAP_SUMMARY + "0 errors, 1 warning\n"


@pytest.mark.parametrize("path, old, new, needle, rule, message", [
    (PARCEL, "industry: logistics", "industry: [logistics", "company_size:", "E101",
     "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started on line 3)"),
    (LOGISTICS, "section: priorities", "section: priorities\ncolour: blue", "colour: blue", "E102",
     "colour: unknown field (allowed: id, title, section, applies_to, promotes, "
     "capabilities, owner, review_by, sources)"),
    (PARCEL, "persona: maintenance-manager", "persona: maintenance-manger", "persona:", "E103",
     "persona: unknown persona 'maintenance-manger'; did you mean 'maintenance-manager'?"),
    (LOGISTICS, "{{ capability('parts-inventory') }}", "{{ capability('parts-inventory') }",
     "{{ capability('parts-inventory') }", "E201", "body: template syntax error: unexpected '}'"),
    (LOGISTICS, "{{ capability('parts-inventory') }}", "{{ account.nmae }}", "{{ account.nmae }}", "E202",
     "body: undefined variable: no field 'nmae'; did you mean 'name'?"),
    (LOGISTICS, "{{ capability('parts-inventory') }}", "{{ '\\x00' }}", "{{ '\\x00' }}", "E202",
     "body: the template's output holds U+0000 (a control character), which decks and documents cannot contain; "
     "remove it"),
    (LOGISTICS, "{{ capability('parts-inventory') }}", "{{ '\\ud800' }}", "{{ '\\ud800' }}", "E202",
     "body: the template's output holds U+D800 (a lone surrogate), which decks and documents cannot contain; "
     "remove it"),
])
def test_structural_problems_are_reported_with_their_rule(workspace, aspo, path, old, new, needle, rule, message):
    edit(workspace / path, old, new)
    result = run(aspo)
    assert result.status == 1
    place = where(workspace, path, needle)
    if rule == "E101":  # where the parser gave up: the end of the next key
        place = place.rsplit(":", 1)[0] + ":13"
    if rule in ("E201", "E202"):  # template errors know their line, not their column
        place = place.rsplit(":", 1)[0] + ":1"
    assert findings(result) == [f"{place}: {rule} {message}"]


def test_a_duplicate_block_id_is_reported_at_the_second_file(workspace, aspo):
    shutil.copy(workspace / LOGISTICS, workspace / "templates/blocks/zz-copy.md")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        "templates/blocks/zz-copy.md:2:1: E104 id: duplicate block id 'priority-logistics-conveyor-uptime' "
        "(also in priority-logistics-conveyor-uptime.md)"]


def test_a_missing_layout_is_reported_in_the_outline(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "layout: Title Slide", "layout: Cover")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        f"{where(workspace, 'templates/outline.yaml', 'layout: Cover')}: E203 sections[0].deck.layout: "
        "'Cover' is not a slide layout in templates/layouts/deck.pptx; it has: 'Title Slide', "
        "'Title and Content', 'Section Header', 'Two Content', 'Title Only'"]


@pytest.mark.parametrize("review_by, today, rule, status, message", [
    ("2027-01-31", "2027-02-01", "C101", 1, "review_by: review_by 2027-01-31 has passed: review the block, then move "
                                            "the date; builds no longer use it"),
    ("2027-01-31", "2027-01-11", "C102", 0, "review_by: review_by 2027-01-31 is in 20 days"),
])
def test_review_dates_past_or_near(workspace, aspo, review_by, today, rule, status, message):
    # every other block and scenario is reviewed by 2027-03-31 or later: more than 30 days after either day
    edit(workspace / LOGISTICS, "review_by: 2027-06-30", f"review_by: {review_by}")
    result = aspo("check", "--today", today)
    assert result.status == status  # C101 is an error, C102 a warning
    assert findings(result) == [f"{where(workspace, LOGISTICS, 'review_by:')}: {rule} {message}"]


def test_a_block_without_owner_or_review_date_is_a_warning(workspace, aspo):
    edit(workspace / LOGISTICS, "owner: marco.ruiz@meridianops.example\nreview_by: 2027-06-30\n", "")
    result = run(aspo)
    assert result.status == 0
    place = where(workspace, LOGISTICS, "id:")
    assert findings(result) == [
        f"{place}: C103 id: block has no owner; add owner: with who answers for it",
        f"{place}: C104 id: block has no review_by date"]


def test_analyst_speak_in_a_consideration_block(workspace, aspo):
    edit(workspace / PILOT, "A pilot should answer", "In this megatrend, a pilot should answer")
    result = run(aspo)
    assert result.status == 0  # a warning
    assert findings(result) == [f"{where(workspace, PILOT, 'megatrend')}: C201 analyst speak 'megatrend' in a block "
                                "for consideration/decision buyers; say what it means for this account instead"]


def test_analyst_speak_only_counts_for_the_configured_stages(workspace, aspo):
    edit(workspace / PILOT, "A pilot should answer", "In this megatrend, a pilot should answer")
    (workspace / "templates/checks.yaml").write_text("rules:\n  C201:\n    stages: [decision]\n")
    assert findings(run(aspo)) == []


def test_a_limited_capability_named_without_its_nuance(workspace, aspo):
    edit(workspace / PILOT, "- Your time:", "- The Historian connector reads your tags.\n- Your time:")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        f"{where(workspace, PILOT, 'Historian connector')}: C301 names limited capability 'Historian connector' "
        "without its nuance; use {{ capability('historian-connector') }}"]


def test_a_roadmap_capability_named_as_if_available(workspace, aspo):
    edit(workspace / PILOT, "- Your time:", "- Skills-based dispatch assigns the right technician.\n- Your time:")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        f"{where(workspace, PILOT, 'Skills-based dispatch')}: C302 names roadmap capability 'Skills-based dispatch' "
        "(planned H1 2028) where the prospect reads it; roadmap belongs in speaker notes only"]


def test_a_roadmap_capability_in_speaker_notes_is_fine(workspace, aspo):
    edit(workspace / PILOT, "\n## Notes\n", "\n## Notes\n\nSkills-based dispatch is on the roadmap, not available.\n")
    assert findings(run(aspo)) == []


def test_a_quantified_claim_without_a_source(workspace, aspo):
    edit(workspace / PILOT, "- Your time:", "- Customers cut downtime by 37% in a quarter.\n- Your time:")
    result = run(aspo)
    assert result.status == 0
    assert findings(result) == [f"{where(workspace, PILOT, '37%')}: C401 quantified claim '37%' has no source; list "
                                "the scenario or document behind it under sources:"]


def test_a_claim_backed_by_a_scenario_result_or_a_listed_source_passes(workspace, aspo):
    edit(workspace / PILOT, "- Your time:", "- One site cut downtime by 24% in nine months.\n- Your time:")
    assert findings(run(aspo)) == []  # -24% is a result of multi-plant-reliability-review
    edit(workspace / PILOT, "24%", "37%")
    edit(workspace / PILOT, "review_by: 2027-06-30", "review_by: 2027-06-30\nsources: [2026 customer survey]")
    assert findings(run(aspo)) == []


def test_an_outline_without_a_call_to_action(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "  - kind: next-steps\n    title: Plan and next step\n"
         "    deck: {layout: Title and Content}\n", "")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        f"{where(workspace, 'templates/outline.yaml', 'kind: references').rsplit(':', 1)[0]}:5: C601 sections[9].kind: "
        "the last section must be of kind next-steps: every deck and document ends with a call to action"]
    assert aspo("build", "accounts/acme.yaml").status == 2  # a build refuses it too


def test_an_unknown_pin(workspace, aspo):
    edit(workspace / "accounts/globex.yaml", "blocks: [priority-food-audit-ready]", "blocks: [priority-food-audit]")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [
        f"{where(workspace, 'accounts/globex.yaml', 'priority-food-audit]')}: C702 pin.blocks[0]: unknown block "
        "'priority-food-audit'; did you mean 'priority-food-audit-ready'?"]


def test_rules_can_be_switched_off_or_ignored_per_file(workspace, aspo):
    edit(workspace / PILOT, "- Your time:", "- Customers cut downtime by 37% in a quarter.\n- Your time:")
    (workspace / "templates/checks.yaml").write_text(
        "rules:\n  C701: {severity: off}\nper_file_ignores:\n  blocks/next-steps-*.md: [C401]\n")
    assert run(aspo).out == "0 errors, 0 warnings\n"


def test_per_file_ignores_for_an_account_hold_when_the_account_is_named(workspace, aspo, monkeypatch):
    (workspace / "templates/checks.yaml").write_text("per_file_ignores:\n  accounts/acme.yaml: [C701]\n")
    assert run(aspo).out == "0 errors, 0 warnings\n"
    assert run(aspo, "accounts/acme.yaml").out == "0 errors, 0 warnings\n"
    monkeypatch.chdir(workspace / "accounts")
    assert run(aspo, "acme.yaml").out == "0 errors, 0 warnings\n"


def test_a_warning_can_become_an_error(workspace, aspo):
    (workspace / "templates/checks.yaml").write_text("rules:\n  C701: {severity: error}\n")
    result = run(aspo)
    assert result.status == 1
    assert result.out == sample_gap(workspace) + "\nby rule:\n  C701 × 1  content-gap (error)\n1 error, 0 warnings\n"
    [finding] = json.loads(run(aspo, "--format", "json").out)
    assert finding["rule"] == "C701" and finding["severity"] == "error"


def test_an_unknown_rule_in_the_settings_is_named(workspace, aspo):
    (workspace / "templates/checks.yaml").write_text("rules:\n  C7001: {severity: off}\n")
    result = run(aspo)
    assert result.status == 1
    assert result.out.splitlines()[0] == (
        "templates/checks.yaml:2:3: E102 rules.C7001: unknown rule 'C7001'; did you mean 'C701'?")


def test_json_output_for_tools(workspace, aspo):
    result = run(aspo, "--format", "json")
    [finding] = json.loads(result.out)
    assert finding["rule"] == "C701" and finding["name"] == "content-gap" and finding["severity"] == "warning"
    assert finding["path"] == "accounts/acme.yaml" and finding["column"] == 5


def test_text_that_overflows_its_placeholder_on_a_real_layout(workspace, aspo):
    long_bullet = ("- Your time: about two hours a week from maintenance, and half a day from {{ industry.site }} "
                   "IT at the start, with a review every second Friday and a written summary for the steering group\n")
    edit(workspace / PILOT, "- Your time:", long_bullet + "- Your time:")
    result = run(aspo)
    assert result.status == 0  # a warning
    [finding] = findings(result)
    assert finding.startswith(f"{PILOT}:10:1: C501 body of slide \u201cPlan and next step\u201d for Acme Packaging: "
                              "text needs about ")
    assert "but the content placeholder of layout 'Title and Content' holds 349 pt (" in finding
    assert "% over; cut about " in finding
    over = re.search(r"\((\d+)% over", finding).group(1)
    assert f"  C501 × 1  overflow (warning), worst: {PILOT}:10:1 ({over}% over)" in result.out.splitlines()
    (workspace / "templates/checks.yaml").write_text("rules:\n  C501: {tolerance: 50}\n")
    assert findings(run(aspo)) == []


# --- templates meet probe accounts for every shape an account can take, and each account's own values ---------

UNDEFINED = "E202 body: undefined variable: no field 'nmae'; did you mean 'name'?"


def test_a_list_an_account_may_leave_empty_is_met_though_no_account_leaves_it_empty(workspace, aspo):
    """No account gets the block, and every account names a competitor: the probe that leaves every optional
    field out and every list empty still meets `competitors[0]` (in the speaker notes: the customer never reads
    a competitor's name)."""
    edit(workspace / "accounts/globex.yaml", "competitors: []", "competitors: [Fiix]")
    edit(workspace / LOGISTICS, "Ask when their peak starts",
         "Unlike {{ account.competitors[0] }}, ask when their peak starts")
    result = run(aspo)
    assert result.status == 1
    line = line_of(workspace / LOGISTICS, "account.competitors[0]")
    assert findings(result) == [f"{LOGISTICS}:{line}:1: E202 notes: undefined variable: list object has no element 0"]


@pytest.mark.parametrize("before, branch, field", [
    # the sample accounts are in manufacturing, food and healthcare: a probe's variant is in utilities
    ("- A pre-peak health check", '{% if account.industry == "Utilities" %}- {{ account.nmae }}{% endif %}\n',
     "body"),
    # the probes' first variant is at the first stage, awareness: another is at decision (in speaker notes)
    ("Ask when their peak starts", '{% if account.stage == "Decision" %}{{ account.nmae }}{% endif %}', "notes"),
], ids=["industry-no-account-is-in", "stage-in-speaker-notes"])
def test_a_branch_no_account_takes_is_met_by_a_probe(workspace, aspo, before, branch, field):
    edit(workspace / LOGISTICS, before, branch + before)
    result = run(aspo)
    assert result.status == 1
    line = line_of(workspace / LOGISTICS, "account.nmae")
    assert findings(result) == [f"{LOGISTICS}:{line}:1: " + UNDEFINED.replace(" body: ", f" {field}: ")]


def test_what_only_an_accounts_own_values_reach_is_reported_in_every_block_it_gets(workspace, aspo):
    """No probe is called Acme Packaging: these fail only for Acme, which gets both blocks. Composing its document
    stops at the first; the second is reported as well."""
    shortage = "templates/blocks/priority-technician-shortage.md"
    trap = '{% if account.name == "Acme Packaging" %}{{ account.nmae }}{% endif %}'
    edit(workspace / PILOT, "- Typical shape:", f"- {trap}Typical shape:")
    edit(workspace / shortage, "- Job plans with photos", f"- {trap}Job plans with photos")
    result = run(aspo)
    assert result.status == 1
    assert findings(result) == [f"{path}:{line_of(workspace / path, 'account.nmae')}:1: {UNDEFINED}"
                                for path in (PILOT, shortage)]


# --- what to check: account files, folders, a project; which rules; the count by rule ----------------------------


def test_the_count_by_rule_puts_the_most_frequent_first_and_points_at_each_measured_rules_worst():
    from aspo.checks.output import Diagnostic, summary_by_rule

    found = [Diagnostic("a.md", 3, 1, "C501", "warning", "…", 0.2),
             Diagnostic("b.md", 7, 1, "C501", "warning", "…", 0.9),
             Diagnostic("c.md", 1, 1, "C501", "warning", "…", 0.4), Diagnostic("x.yaml", 2, 5, "C701", "warning", "…"),
             Diagnostic("d.md", 4, 3, "C101", "error", "…", 12), Diagnostic("e.md", 4, 3, "C101", "error", "…", 400)]
    assert summary_by_rule(found) == ["by rule:",
                                      "  C501 × 3  overflow (warning), worst: b.md:7:1 (90% over)",
                                      "  C101 × 2  review-expired (error), worst: e.md:4:3 (400 days ago)",
                                      "  C701 × 1  content-gap (warning)"]


def test_an_account_file_is_checked_with_what_in_the_library_stops_it_not_the_librarys_own_rules(workspace, aspo):
    edit(workspace / PILOT, "owner: ", "# owner: ")  # the library's own rule: a block with no owner (C103)
    edit(workspace / "accounts/globex.yaml", "stage: ", "old_stage: x\nstage: ")
    whole = run(aspo)
    assert {"C103", "E102"} <= {line.split()[1] for line in findings(whole)}
    one = run(aspo, "accounts/acme.yaml")
    assert (one.status, one.out) == (0, sample_gap(workspace) + "\n" + GAP_SUMMARY + "0 errors, 1 warning\n")
    other = run(aspo, "accounts/globex.yaml")
    assert other.status == 1
    assert [(line.split(":")[0], line.split()[1]) for line in findings(other)] == [("accounts/globex.yaml", "E102")]


def test_an_accounts_folder_and_a_project_folder_are_checked_as_named(workspace, aspo):
    edit(workspace / PILOT, "owner: ", "# owner: ")
    assert " C103 " not in run(aspo, "accounts/").out
    assert sample_gap(workspace) in run(aspo, "accounts/").out
    assert " C103 " in run(aspo, ".").out


def test_a_path_that_is_not_there_is_one_line(workspace, aspo):
    result = run(aspo, "accounts/nope.yaml")
    assert (result.status, result.out, result.err) == (
        2, "", "aspo: error: accounts/nope.yaml: no such file or folder\n")


@pytest.mark.parametrize("args, rules", [
    (["--select", "C7"], {"C701"}),
    (["--select", "c5,C7"], {"C501", "C701"}),
    (["--select", "C5", "--select", "C7"], {"C501", "C701"}),
    (["--select", "ALL", "--ignore", "C701"], {"C501"}),
    (["--ignore", "C"], set()),
])
def test_select_and_ignore_take_rule_ids_and_prefixes_as_ruff_does(workspace, aspo, args, rules):
    edit(workspace / PILOT, "- Your time:", "- Your time: " + "about two hours a week, " * 12 + "\n- Your time:")
    every = {line.split()[1] for line in findings(run(aspo))} | {"C701"}
    assert every == {"C501", "C701"}  # both rules are found when nothing is selected
    result = run(aspo, *args)
    assert {line.split()[1] for line in result.out.splitlines() if re.match(r"\S+:\d+:\d+: ", line)} == rules


def test_an_ignored_error_does_not_fail_the_check_and_an_unknown_rule_is_a_usage_error(workspace, aspo):
    (workspace / "templates/checks.yaml").write_text("rules:\n  C701: {severity: error}\n")
    assert run(aspo).status == 1
    assert (run(aspo, "--ignore", "C701").status, run(aspo, "--ignore", "C701").out) == (0, "0 errors, 0 warnings\n")
    result = run(aspo, "--select", "C99")
    assert result.status == 2
    assert result.err.splitlines()[-1].startswith("Error: --select: 'C99' is no rule id or prefix of one (rules: E101,")


def test_the_crm_import_settings_are_checked_as_aspo_import_reads_them(workspace, aspo):
    edit(workspace / "templates/import.yaml", "  Needs Analysis: awareness", "  Needs Analysis: awarenes")
    assert findings(run(aspo)) == [
        f"{where(workspace, 'templates/import.yaml', 'Needs Analysis: awarenes')}: E103 stages.Needs Analysis: "
        "unknown stage 'awarenes'; did you mean 'awareness'? (valid: awareness, consideration, decision)"]
