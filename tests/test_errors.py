"""Bad input: one line naming file, line and field; exit 2; earlier good outputs untouched.

Most bad inputs are cases in tests/cases/ (test_cases.py); the tests here need more than a case can say
(a fresh output folder, the installed command, a bug injected into aspo) or check what no case does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit, line_of

from aspo.checks.output import Diagnostic
from aspo.cli.app import main
from aspo.core.errors import OptionProblem, Problem, one_line

ACME = "accounts/acme.yaml"
PILOT = "templates/blocks/next-steps-pilot.md"


def fails(aspo, *args):
    result = aspo(*args)
    assert result.status == 2, (result.status, result.err)
    assert "Traceback" not in result.err
    return result.err.splitlines()


def test_an_unknown_field_suggests_the_closest_one(workspace, aspo):
    edit(workspace / ACME, "\npriorities:", "\nprioritys:")
    line = line_of(workspace / ACME, "prioritys:")
    assert fails(aspo, "build", ACME) == [
        f"aspo: error: {ACME}:{line}: prioritys: unknown field; did you mean 'priorities'?",
        f"aspo: error: {ACME}:{line_of(workspace / ACME, 'name: Acme Packaging')}: priorities: "
        "required field is missing",
    ]


def test_an_unknown_nested_field_lists_the_allowed_ones(workspace, aspo):
    edit(workspace / ACME, "      persona: plant-it\n", "      persona: plant-it\n      role: skeptic\n")
    line = line_of(workspace / ACME, "role: skeptic")
    assert fails(aspo, "build", ACME) == [
        f"aspo: error: {ACME}:{line}: meeting.attendees[2].role: unknown field (allowed: name, title, persona, email)"
    ]


@pytest.mark.parametrize("old, new, field, message", [
    ("size: enterprise", "size: huge", "size", "input should be 'smb', 'mid-market' or 'enterprise', got 'huge'"),
    ("  date: 2027-01-14", "  date: someday", "meeting.date", "expected a date as YYYY-MM-DD, got 'someday'"),
    ("region: North America - Central", "region: [a, b]", "region", "input should be a valid string, got a list"),
])
def test_a_wrong_type_names_the_field_and_what_was_given(workspace, aspo, old, new, field, message):
    edit(workspace / ACME, old, new)
    line = line_of(workspace / ACME, new)
    assert fails(aspo, "build", ACME) == [f"aspo: error: {ACME}:{line}: {field}: {message}"]


def test_an_unknown_scenario_names_the_field_and_the_closest_id(workspace, aspo):
    """Unknown stages and personas are cases 011 and 010."""
    edit(workspace / ACME, "  scenarios: [corrugator-bearing-failures]", "  scenarios: [corrugator-bearings]")
    line = line_of(workspace / ACME, "scenarios: [corrugator-bearings]")
    assert fails(aspo, "build", ACME) == [
        f"aspo: error: {ACME}:{line}: exclude.scenarios[0]: unknown scenario 'corrugator-bearings'; "
        "did you mean 'corrugator-bearing-failures'?"]


def test_a_missing_slide_layout_lists_the_ones_there_are(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "layout: Title Slide", "layout: Case Study")
    line = line_of(workspace / "templates/outline.yaml", "Case Study")
    assert fails(aspo, "build", ACME) == [
        f"aspo: error: templates/outline.yaml:{line}: sections[0].deck.layout: 'Case Study' is not a slide layout in "
        "templates/layouts/deck.pptx; it has: 'Title Slide', 'Title and Content', 'Section Header', 'Two Content', "
        "'Title Only'"
    ]


def test_a_missing_word_style_lists_the_ones_there_are(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "subheading: Heading 2", "subheading: Heading 9")
    line = line_of(workspace / "templates/outline.yaml", "Heading 9")
    err = fails(aspo, "build", ACME)
    assert err[0].startswith(
        f"aspo: error: templates/outline.yaml:{line}: document.styles.subheading: 'Heading 9' is not a "
        "paragraph style in templates/layouts/offering.docx; it has: ")
    assert "Heading 2" in err[0]


def test_a_failed_build_leaves_earlier_outputs_intact(workspace, aspo):
    assert aspo("build", ACME).status == 0
    before = {p: p.read_bytes() for p in (workspace / "output").rglob("*") if p.is_file()}
    edit(workspace / ACME, "name: Acme Packaging", "name: Acme Packaging Co")
    edit(workspace / PILOT, "{{ next_step.owner }}", "{{ nope }}")
    fails(aspo, "build", ACME)
    after = {p: p.read_bytes() for p in (workspace / "output").rglob("*") if p.is_file()}
    assert before == after


def test_one_bad_account_in_a_first_build_gets_no_output_folder(workspace, aspo):
    """Case 066 checks the same input over earlier outputs (its error line and that they stay as they were);
    here nothing was built before: the good accounts are built and the bad one gets no folder at all."""
    edit(workspace / "accounts/globex.yaml", "stage: decision", "stage: closing")
    result = aspo("build", "accounts/")
    assert result.status == 2
    errors = [line for line in result.err.splitlines() if not line.startswith("aspo: warning: accounts/acme.yaml:")]
    assert len(errors) == 1 and errors[0].startswith("aspo: error: accounts/globex.yaml:"), errors
    assert result.out.splitlines()[:2] == ["built      output/acme/", "built      output/northwind-health/"]
    assert result.out.splitlines()[2].startswith(
        "3 accounts: 2 built, 0 unchanged, 1 failed (accounts/globex.yaml) in ")
    assert not (workspace / "output" / "globex").exists()
    assert (workspace / "output" / "acme" / "acme-deck.pptx").is_file()


def test_a_reserved_device_name_is_refused(workspace, aspo):
    (workspace / "accounts" / "nul.yaml").write_text((workspace / ACME).read_text())
    assert fails(aspo, "build", "accounts/nul.yaml") == [
        "aspo: error: accounts/nul.yaml: file name 'nul.yaml' is a reserved device name on Windows; "
        "rename the file (e.g. nul-corp.yaml)"
    ]


def test_the_installed_command_prints_no_traceback_unless_asked(workspace):
    edit(workspace / ACME, "stage: consideration", "stage: considration")
    plain = subprocess.run([sys.executable, "-m", "aspo", "build", ACME], capture_output=True, text=True)
    assert plain.returncode == 2
    line = line_of(workspace / ACME, "stage:")
    assert plain.stderr == (f"aspo: error: {ACME}:{line}: stage: unknown stage 'considration'; "
                            "did you mean 'consideration'? (valid: awareness, consideration, decision)\n")
    debug = subprocess.run([sys.executable, "-m", "aspo", "--debug", "build", ACME], capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_an_internal_error_says_it_is_a_bug_and_exits_3(workspace, aspo, monkeypatch):
    from aspo.plan import plan as plan_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(plan_module, "select", broken)
    result = aspo("build", ACME)
    assert result.status == 3
    assert result.err.splitlines()[0] == "aspo: internal error: RuntimeError: boom"
    assert "this is a bug" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("where, jobs", [("render", "1"), ("render", "2"), ("select", "1")])
def test_a_bug_in_one_account_of_a_batch_fails_that_account_and_exits_3_after_the_summary(workspace, aspo, monkeypatch,
                                                                                           where, jobs):
    """Workers are forked, so they inherit the broken function (-j 2); select runs before any rendering."""
    from aspo.build import builder as build_module
    from aspo.plan import plan as plan_module

    if where == "render":
        render = build_module.Builder.render

        def broken(self, plan):
            if plan.account.slug == "globex":
                raise RuntimeError("boom\nsecond line")
            return render(self, plan)

        monkeypatch.setattr(build_module.Builder, "render", broken)
    else:
        select = plan_module.select

        def broken(account, *args):
            if account.slug == "globex":
                raise RuntimeError("boom\nsecond line")
            return select(account, *args)

        monkeypatch.setattr(plan_module, "select", broken)
    edit(workspace / "accounts/northwind-health.yaml", "stage: awareness", "stage: awarenes")
    result = aspo("build", "-j", jobs, "accounts/")
    assert result.status == 3
    errors = [line for line in result.err.splitlines() if not line.startswith("aspo: warning: accounts/acme.yaml:")]
    assert errors[0] == "aspo: internal error: accounts/globex.yaml: RuntimeError: boom second line (a bug in aspo)"
    assert errors[1].startswith("aspo: error: accounts/northwind-health.yaml:")
    assert errors[2:] == ["aspo: this is a bug; please report it at https://github.com/aspo-dev/aspo/issues "
                          "with the output of --debug"]
    assert result.out.splitlines()[0] == "built      output/acme/"
    assert result.out.splitlines()[-1].startswith(
        "3 accounts: 1 built, 0 unchanged, 2 failed (accounts/globex.yaml, accounts/northwind-health.yaml) in ")
    assert (workspace / "output/acme/acme-deck.pptx").exists() and not (workspace / "output/globex").exists()
    with pytest.raises(RuntimeError, match="boom"):  # --debug: the bug's own traceback
        main(["--debug", "build", "accounts/acme.yaml", "accounts/globex.yaml"])


def test_a_layout_without_a_body_placeholder_is_named(workspace, aspo):
    edit(workspace / "templates/outline.yaml", "title: Agenda\n    deck: {layout: Title and Content}",
         "title: Agenda\n    deck: {layout: Title Only}")
    line = line_of(workspace / "templates/outline.yaml", "layout: Title Only")
    assert fails(aspo, "build", ACME) == [
        f"aspo: error: templates/outline.yaml:{line}: sections[1].deck.layout: layout 'Title Only' in "
        "templates/layouts/deck.pptx has no body or content placeholder, which the agenda section needs"
    ]


def test_a_layout_file_that_is_not_a_pptx_is_named(workspace, aspo):
    (workspace / "templates/layouts/deck.pptx").write_bytes(b"version https://git-lfs.github.com/spec/v1\n")
    assert fails(aspo, "build", ACME) == [
        "aspo: error: templates/layouts/deck.pptx: is a Git LFS pointer, not the file itself; run `git lfs pull`"
    ]


def test_an_unknown_id_is_worded_the_same_by_every_command():
    from aspo.core.errors import AspoError, unknown_id

    # what aspo check, aspo build and aspo new account say (aspo import's own wording is still its own)
    assert unknown_id("stage", "decison", ["decision", "awareness"]) == \
        "unknown stage 'decison'; did you mean 'decision'? (valid: awareness, decision)"
    assert unknown_id("block", "x\ny", {"a": 1}, listed=False) == "unknown block 'x\\ny'"
    assert str(AspoError.option("--stage", "is wrong", "E101").problems[0]) == "--stage: is wrong"


def test_what_a_terminal_would_act_on_is_shown_escaped_so_every_message_is_one_line(workspace, aspo):
    # an OSC sequence that retitles the terminal, CSI that clears it, a line break, C1's CSI, DEL, a bidi override
    hostile = "a\x1b]0;owned\x07b\x1b[2J\nc\x9b31m\x7f\u202ed\te"
    shown = "a\\x1b]0;owned\\x07b\\x1b[2J\\nc\\x9b31m\\x7f\\u202ed\\te"
    assert one_line(hostile) == shown
    assert one_line(shown) == shown  # an escaped message stays as it is
    assert one_line("Nestlé — 1\u202f250 × ✓") == "Nestlé — 1\u202f250 × ✓"  # the rest of Unicode is left alone
    assert str(Problem(f"crm{hostile}.csv", 3, hostile, hostile)) == f"crm{shown}.csv:3: {shown}: {shown}"
    assert str(OptionProblem(None, None, "--reason", hostile)) == f"--reason: {shown}"
    assert str(Diagnostic(f"x{hostile}", 1, 2, "C201", "error", hostile)) == f"x{shown}:1:2: C201 {shown}"

    result = aspo("log", "accounts/acme.yaml", "outcome", "won", "--on", "2026-01-02", "--reason", hostile)
    assert (result.status, result.err) == (2, "aspo: error: --reason: the reason holds U+001B (a control character) at "
                                              "character 2, which decks and documents cannot contain; remove it\n")
    assert not (workspace / "history").exists()  # a history aspo could not read back would take no further event


def test_what_the_system_refuses_about_a_file_is_one_line_not_a_bug(workspace, aspo, monkeypatch):
    # Python 3.11's Path.exists and is_dir raise for a folder aspo may not look into (EACCES): that, like a full
    # disk, is the machine's answer about a file, never "internal error"
    real_stat = Path.stat

    def refused(self, *args, **kwargs):
        if "locked" in self.parts:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refused)
    result = aspo("new", "account", "locked/x.yaml")
    assert result.status == 2 and result.err.count("\n") == 1, result.err
    assert result.err.startswith("aspo: error: locked") and result.err.endswith("Permission denied\n")
