"""Review workflow: batch builds that skip what did not change, the provenance manifest, aspo explain."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, edit, statuses


def assert_unchanged_and_nothing_written(workspace: Path, aspo) -> None:
    before = {p: p.stat().st_mtime_ns for p in (workspace / "output").rglob("*") if p.is_file()}
    result = aspo("build", "accounts/")
    assert result.status == 0
    assert statuses(result.out) == dict.fromkeys(SAMPLES, "unchanged")
    assert result.out.splitlines()[-1].startswith("3 accounts: 0 built, 3 unchanged, 0 failed in ")
    assert before == {p: p.stat().st_mtime_ns for p in (workspace / "output").rglob("*") if p.is_file()}


@pytest.fixture
def built(built_workspace, aspo):
    """The working folder as `aspo build accounts/` leaves it: output/ (a copy of the session's build, every account
    built, as conftest.samples_built checks) and the build stamps in this test's cache, which a build that finds
    the copy current writes (the slow way: no stamps yet)."""
    assert_unchanged_and_nothing_written(built_workspace, aspo)
    return built_workspace


def test_a_second_build_reports_every_account_unchanged_and_writes_nothing(built, aspo):
    assert_unchanged_and_nothing_written(built, aspo)  # the quick way: the stamps the first build left


def test_editing_one_block_rebuilds_exactly_the_accounts_that_use_it(built, aspo):
    # next-steps-pilot is the consideration-stage next step: only Acme uses it.
    edit(built / "templates/blocks/next-steps-pilot.md", "A pilot should answer one question",
         "A pilot should answer a single question")
    assert statuses(aspo("build", "accounts/").out) == {
        "acme": "built", "globex": "unchanged", "northwind-health": "unchanged"}
    assert "A pilot should answer a single question" in (built / "output/acme/acme-draft.md").read_text()


def test_editing_a_block_no_account_uses_rebuilds_nothing(built, aspo):
    edit(built / "templates/blocks/priority-logistics-conveyor-uptime.md", "title: No conveyor surprises during peak",
         "title: No conveyor surprises at peak")
    assert statuses(aspo("build", "accounts/").out) == dict.fromkeys(SAMPLES, "unchanged")


def test_editing_an_account_rebuilds_only_that_account(built, aspo):
    edit(built / "accounts/globex.yaml", "name: Globex Foods", "name: Globex Foods Ltd")
    assert statuses(aspo("build", "accounts/").out) == {
        "acme": "unchanged", "globex": "built", "northwind-health": "unchanged"}


def test_a_deleted_or_edited_output_is_rebuilt(built, aspo):
    (built / "output/globex/globex-deck.pptx").unlink()
    (built / "output/acme/acme-draft.md").write_text("scribbled on\n")
    assert statuses(aspo("build", "accounts/").out) == {
        "acme": "built", "globex": "built", "northwind-health": "unchanged"}


def test_force_rebuilds_everything(built, aspo):
    assert statuses(aspo("build", "--force", "accounts/").out) == dict.fromkeys(SAMPLES, "built")


def test_parallel_and_serial_builds_write_the_same_bytes(workspace, aspo):
    assert aspo("build", "-j", "1", "-o", "serial", "accounts/").status == 0
    assert aspo("build", "-j", "2", "-o", "parallel", "accounts/").status == 0
    for slug in SAMPLES:
        for path in (workspace / "serial" / slug).iterdir():
            assert path.read_bytes() == (workspace / "parallel" / slug / path.name).read_bytes(), path.name


def test_the_manifest_records_inputs_outputs_and_why_each_part_is_there(built):
    folder = built / "output" / "acme"
    text = (folder / "manifest.json").read_text()
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert manifest["aspo_version"] == "0.1.0"
    assert manifest["templates"] is None  # the workspace is not a git checkout
    block = built / "templates/blocks/next-steps-pilot.md"
    assert manifest["inputs"]["templates/blocks/next-steps-pilot.md"] == hashlib.sha256(block.read_bytes()).hexdigest()
    assert manifest["inputs"]["accounts/acme.yaml"] == hashlib.sha256(
        (built / "accounts/acme.yaml").read_bytes()).hexdigest()
    assert "templates/blocks/priority-logistics-conveyor-uptime.md" not in manifest["inputs"]
    for name in ("acme-deck.pptx", "acme-offering.docx", "acme-draft.md"):
        assert manifest["outputs"][name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    priority = next(s for s in manifest["sections"] if s["key"] == "priority-1")
    assert priority["slide"] == 5 and priority["document"] is True
    assert priority["sources"] == [{
        "kind": "block", "id": "priority-downtime-early-warning",
        "hash": hashlib.sha256(
            (built / "templates/blocks/priority-downtime-early-warning.md").read_bytes()).hexdigest(),
        "reason": "answers unplanned-downtime (priority 1: unplanned-downtime 0.91 from 'stop', "
                  "'breakdowns' ~ 'breakdown', 'lost')"}]
    agenda = next(s for s in manifest["sections"] if s["key"] == "agenda")
    assert agenda["document"] is False
    assert [g["priority"] for g in manifest["gaps"]] == [
        "Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place."]


def test_the_manifest_names_the_templates_git_commit(workspace, aspo):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=workspace, check=True)
    subprocess.run([*git, "add", "."], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=workspace, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=workspace, capture_output=True, text=True).stdout.strip()
    assert aspo("build", "accounts/acme.yaml").status == 0
    manifest = json.loads((workspace / "output/acme/manifest.json").read_text())
    assert manifest["templates"] == {"commit": head, "dirty": False}


def explained(text: str, group: str) -> dict[str, list[str]]:
    """{id: [verdict line, reason lines...]} for one group ('Blocks', 'Scenarios', 'Capabilities')."""
    body = text.split(f"\n{group} (")[1].split("\n\n")[0]
    entries: dict[str, list[str]] = {}
    current = ""
    for line in body.splitlines()[1:]:
        if line.startswith("      "):
            entries[current].append(line.strip())
        else:
            current, verdict = line.strip().split(": ", 1)
            entries[current] = [verdict]
    return entries


@pytest.mark.parametrize("slug, first, first_status, first_reason, other, other_reason", [
    ("acme", "multi-plant-reliability-review", "CHOSEN for scenarios", "+ same industry (manufacturing)",
     "corrugator-bearing-failures", "- excluded by the account file"),
    # decision and awareness outlines show no scenarios section (references, and insight, take its place)
    ("globex", "frozen-food-spiral-freezers", "not used: the outline shows no scenarios at this stage",
     "+ same industry (food-beverage)", "castings-new-technicians", "- none of the account's pains"),
    ("northwind-health", "health-system-survey-readiness", "not used: the outline shows no scenarios at this stage",
     "+ same industry (healthcare)", "parcel-hub-peak-season", "- other industry (logistics)"),
])
def test_explain_says_why_the_first_scenario_was_chosen_and_another_was_not(
        workspace, aspo, slug, first, first_status, first_reason, other, other_reason):
    result = aspo("explain", f"accounts/{slug}.yaml")
    assert result.status == 0, result.err
    scenarios = explained(result.out, "Scenarios")
    assert list(scenarios)[0] == first
    assert scenarios[first][0].startswith(first_status)
    assert first_reason in scenarios[first]
    assert scenarios[other][0].startswith(("ruled out", "not used"))
    assert other_reason in scenarios[other]


def test_explain_json_lists_every_decision(workspace, aspo):
    result = aspo("explain", "--format", "json", "accounts/acme.yaml")
    payload = json.loads(result.out)
    assert payload["name"] == "Acme Packaging"
    kinds = {d["kind"] for d in payload["decisions"]}
    assert kinds == {"block", "scenario", "capability"}
    gap = payload["priorities"][3]
    assert gap["block"] is None and gap["reason"] == (
        "no known pain recognised in the priority's words (closest: visibility-across-sites, 0.76, only related words)")
    excluded = next(d for d in payload["decisions"] if d["id"] == "corrugator-bearing-failures")
    assert excluded == {"kind": "scenario", "id": "corrugator-bearing-failures", "chosen": False, "score": 0,
                        "where": "", "matched": [], "failed": ["excluded by the account file"], "note": ""}


def git(workspace, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          cwd=workspace, capture_output=True, text=True, check=True)
    return done.stdout


PILOT_SENTENCE = "A pilot should answer one question"


def test_aspo_diff_shows_one_edited_sentence_on_every_output_and_names_the_block(workspace, aspo):
    assert aspo("build", "accounts/acme.yaml", "-o", "before").status == 0
    edit(workspace / "templates/blocks/next-steps-pilot.md", PILOT_SENTENCE, "A pilot should answer a single question")
    assert aspo("build", "accounts/acme.yaml", "-o", "after").status == 0
    result = aspo("diff", "before/acme", "after/acme")
    assert result.status == 1
    changed = [line for line in result.out.splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert len(changed) == 6  # one sentence, removed and added, in the deck, the document and the draft
    assert all("question with your own data" in line for line in changed)
    assert re.search(r"^@@ -\d+,7 \+\d+,7 @@ Slide 11: Plan and next step$", result.out, re.MULTILINE), result.out
    assert result.out.endswith("Provenance:\n  block changed: next-steps-pilot\n")
    assert aspo("diff", "before/acme/acme-deck.pptx", "before/acme/acme-deck.pptx").status == 0


def test_aspo_diff_rev_compares_templates_at_a_git_revision_with_the_working_tree(workspace, aspo):
    git(workspace, "init", "-q")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "templates")
    same = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (same.status, same.out) == (0, "no differences\n")
    edit(workspace / "templates/blocks/next-steps-pilot.md", PILOT_SENTENCE, "A pilot should answer a single question")
    recolour(workspace / "templates/layouts/deck.pptx", "1B998B", "C00000")  # the brand's accent: every slide's look
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.status == 1
    assert "--- HEAD/acme-deck-presenter.pptx\n+++ working-tree/acme-deck-presenter.pptx" in result.out
    assert "+A pilot should answer a single question with your own data" in result.out
    # what changed the look is named too, not only the block that changed the words
    assert result.out.endswith("Provenance:\n  block changed: next-steps-pilot\n"
                               "  layout file changed: templates/layouts/deck.pptx\n")
    # accounts compared in worker processes (-j 2) or here (-j 1): the same report
    both = [aspo("diff", "--rev", "HEAD", "-j", jobs, "accounts/acme.yaml", "accounts/globex.yaml") for jobs in "12"]
    assert both[0].status == both[1].status == 1 and both[0].out == both[1].out and result.out in both[0].out
    assert git(workspace, "status", "--porcelain", "templates") == (" M templates/blocks/next-steps-pilot.md\n"
                                                                    " M templates/layouts/deck.pptx\n")
    assert aspo("diff", "--rev", "nope", "accounts/acme.yaml").err == (
        "aspo: error: templates: --rev: unknown git revision 'nope'\n")


def recolour(path: Path, old: str, new: str) -> None:
    """Rewrites an Office file with one colour of its theme replaced, as a brand change does."""
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as after:
        for info in before.infolist():
            part = before.read(info)
            after.writestr(info, part.replace(f'val="{old}"'.encode(), f'val="{new}"'.encode())
                           if "/theme/" in info.filename else part)
    assert data.getvalue() != path.read_bytes()
    path.write_bytes(data.getvalue())


def readme_textconv_lines() -> list[str]:
    """The README's `git config diff.aspo…` lines, as a user pastes them."""
    lines = [line.strip() for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("git config diff.aspo.")]
    assert [line.split()[2] for line in lines] == ["diff.aspo.textconv", "diff.aspo.xfuncname"], lines
    return lines


def test_git_diff_shows_decks_and_documents_as_text_with_the_readmes_setup(workspace, aspo):
    import sys

    shutil.copy(REPO / ".gitattributes", workspace / ".gitattributes")
    # a clone after the README's first command: aspo in .venv/bin, which is not on git's PATH
    (workspace / ".venv/bin").mkdir(parents=True)
    (workspace / ".venv/bin/aspo").symlink_to(Path(sys.executable).parent / "aspo")
    git(workspace, "init", "-q")
    setup = subprocess.run(["bash", "-c", "\n".join(readme_textconv_lines())], cwd=workspace, capture_output=True,
                           text=True, env={**os.environ, "PATH": "/usr/bin:/bin"}, timeout=60)
    assert setup.returncode == 0, setup.stderr
    assert aspo("build", "accounts/acme.yaml").status == 0
    git(workspace, "add", "accounts", "templates", "output", ".gitattributes")
    git(workspace, "commit", "-qm", "built")
    edit(workspace / "templates/blocks/next-steps-pilot.md", PILOT_SENTENCE, "A pilot should answer a single question")
    assert aspo("build", "accounts/acme.yaml").status == 0
    shown = git(workspace, "diff", "output/acme/acme-deck.pptx", "output/acme/acme-offering.docx")
    assert "-A pilot should answer one question with your own data" in shown
    assert "+A pilot should answer a single question with your own data" in shown
    assert re.search(r"^@@ .* @@ Slide \d+: ", shown, re.MULTILINE), shown  # xfuncname: hunks name their slide
    assert "Binary files" not in shown


def test_textconv_prints_a_deck_slide_by_slide_with_notes(workspace, aspo):
    assert aspo("build", "accounts/acme.yaml").status == 0
    assert "Notes:" not in aspo("textconv", "output/acme/acme-deck.pptx").out  # the deck a rep may send
    result = aspo("textconv", "output/acme/acme-deck-presenter.pptx")
    assert result.status == 0
    assert result.out.startswith("## Slide 1: Acme Packaging and Meridian Ops\n")
    assert "## Slide 11: Plan and next step\n" in result.out
    assert result.out.endswith("Notes:\n"
                               "Agree the success measures in writing before the pilot starts. If they cannot name "
                               "one, the pilot is not ready.\n"
                               "Ask who signs off on the pilot and who signs the order after it.\n"
                               "Close by agreeing the next step, its owner and its date.\n")
    assert aspo("textconv", "accounts/acme.yaml").err == (
        "aspo: error: accounts/acme.yaml: cannot show this file as text; expected a .pptx, .docx, .md or .eml\n")


def test_textconv_shows_a_templates_layouts_and_styles_so_template_edits_diff_too(workspace, aspo):
    deck = aspo("textconv", "templates/layouts/deck.pptx").out
    assert "## layout 'Two Content'\ntitle 'Title 1', 30 pt: 30.5 x 3.2 cm at 1.7, 1.0 cm\n" in deck
    document = aspo("textconv", "templates/layouts/offering.docx").out
    assert document.startswith("## Word template: page, theme and styles\npage: A4 portrait, 210 x 297 mm; ")
    assert ("paragraph 'Heading 2' (id 'Heading2', built-in 'heading 2', based on 'Normal'): 'Calibri' 13 pt bold "
            "colour accent1; no numbering\n") in document
    assert "table 'Table Grid' (id 'TableGrid', built-in 'table grid', based on 'TableNormal'): 'Calibri' 11 pt\n" \
        in document


def test_git_log_goes_on_past_a_deck_the_driver_cannot_show(workspace):
    """git shows what textconv prints as the file's text and stops `git log -p` at a driver that fails: a deck aspo
    cannot show (here damaged) is a placeholder in the log, its reason one line on stderr, and the log goes on."""
    import sys

    git(workspace, "init", "-q")
    git(workspace, "config", "diff.aspo.textconv", f"'{sys.executable}' -m aspo textconv")
    (workspace / ".gitattributes").write_text("*.pptx diff=aspo\n", encoding="utf-8")
    (workspace / "old-deck.pptx").write_bytes(b"PK\x03\x04 saved half way")
    git(workspace, "add", ".gitattributes", "old-deck.pptx")
    git(workspace, "commit", "-qm", "a damaged deck")
    git(workspace, "add", "accounts")
    git(workspace, "commit", "-qm", "the accounts")
    log = subprocess.run(["git", "log", "-p", "--format=commit %s"], cwd=workspace, capture_output=True, text=True,
                         timeout=60)
    assert log.returncode == 0, log.stderr
    assert [line for line in log.stdout.splitlines() if line.startswith("commit ")] == [
        "commit the accounts", "commit a damaged deck"]
    assert ("\n+(aspo: not shown as text: cannot read this file as a PowerPoint .pptx file: not a zip package "
            "(damaged or not an Office file))\n") in log.stdout
    assert re.fullmatch(r"aspo: error: \S+/old-deck\.pptx: cannot read this file as a PowerPoint \.pptx file: not a "
                        r"zip package \(damaged or not an Office file\)\n", log.stderr), log.stderr


def test_an_unrelated_block_change_leaves_other_drafts_byte_for_byte(built, aspo):
    before = (built / "output/acme/acme-draft.md").read_bytes()
    edit(built / "templates/blocks/priority-food-audit-ready.md", "ready before the auditor is",
         "ready before any auditor is")
    assert aspo("build", "--force", "accounts/").status == 0
    assert (built / "output/acme/acme-draft.md").read_bytes() == before
    assert "ready before any auditor is" in (built / "output/globex/globex-draft.md").read_text()


def test_a_terminal_gets_a_progress_bar_and_a_pipe_a_plain_summary(workspace):
    import os
    import pty
    import sys

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "aspo", "build", "accounts/"], cwd=workspace,
                          stdout=subprocess.PIPE, stderr=follower, text=True, timeout=120)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"building" in shown and b"100%" in shown
    assert "building" not in done.stdout and done.stdout.splitlines()[-1].startswith("3 accounts: 3 built")
