"""Comparing two builds: text diffs that show exactly what changed, and the provenance summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import edit
from pptx import Presentation

from aspo.build.manifest import sources_in
from aspo.core.errors import AspoError
from aspo.review.diffing import DiffResult, diff_build_texts, diff_paths

OLD = "does this reduce the problem you told us about, at a cost that makes sense?"
NEW = "does this reduce the problem you told us about, at a cost your finance team accepts?"
SENTENCE = "A pilot should answer one question with your own data: {}"
A, B = Path("output/acme"), Path("out2/acme")


@pytest.fixture
def first(built_workspace) -> Path:
    """output/acme/ as `aspo build` leaves it in the working folder (a copy of the session's build)."""
    return built_workspace / A


def build_second(aspo) -> None:
    result = aspo("build", "accounts/acme.yaml", "--output", "out2")
    assert result.status == 0, result.err


def changes(text: str) -> list[str]:
    """The removed and added lines of a unified diff."""
    return [line for line in text.splitlines() if line.startswith(("-", "+")) and line[:3] not in ("---", "+++")]


@pytest.mark.parametrize("name, unit", [
    ("acme-deck.pptx", "Slide 11: Plan and next step"),
    ("acme-deck-presenter.pptx", "Slide 11: Plan and next step"),
    ("acme-offering.docx", "Section 10: Plan and next step"),
    ("acme-draft.md", "11. Plan and next step"),
])
def test_one_edited_sentence_is_the_only_change(first, aspo, name, unit):
    edit(Path("templates/blocks/next-steps-pilot.md"), OLD, NEW)
    build_second(aspo)
    result = diff_paths(A / name, B / name)
    assert result.different
    assert changes(result.text) == ["-" + SENTENCE.format(OLD), "+" + SENTENCE.format(NEW)]
    lines = result.text.splitlines()
    assert lines[:2] == [f"--- {A / name}", f"+++ {B / name}"]
    assert lines[2].startswith("@@ -") and lines[2].endswith(f" @@ {unit}")
    if name.endswith(".md"):  # the drafts' markers: the same blocks and scenarios
        assert result.text.endswith("\nProvenance:\n  no change in blocks or scenarios\n")


def test_two_output_folders_compare_every_file_and_the_manifests(first, aspo):
    edit(Path("templates/blocks/next-steps-pilot.md"), OLD, NEW)
    build_second(aspo)
    result = diff_paths(A, B)
    assert changes(result.text) == ["-" + SENTENCE.format(OLD), "+" + SENTENCE.format(NEW)] * 3
    headers = [line for line in result.text.splitlines() if line.startswith("--- ")]
    # the customer deck's slides are the presenter deck's: its change shows there, with the notes
    assert headers == [f"--- {A}/acme-deck-presenter.pptx", f"--- {A}/acme-draft.md", f"--- {A}/acme-offering.docx"]
    if (A / "manifest.json").exists():  # the manifest records each block's hash
        assert result.text.endswith("\nProvenance:\n  block changed: next-steps-pilot\n")


def test_a_build_without_a_presenter_deck_is_compared_by_its_deck(first, aspo):
    edit(Path("templates/blocks/next-steps-pilot.md"), OLD, NEW)
    build_second(aspo)
    (A / "acme-deck-presenter.pptx").unlink()  # as a build before the presenter deck left it
    result = diff_paths(A, B)
    headers = [line for line in result.text.splitlines() if line.startswith(("--- ", "Only in "))]
    assert headers == [f"Only in {B}: acme-deck-presenter.pptx", f"--- {A}/acme-deck.pptx", f"--- {A}/acme-draft.md",
                       f"--- {A}/acme-offering.docx"]


def test_identical_files_and_builds_have_an_empty_diff(first, aspo):
    build_second(aspo)
    for name in ("acme-deck.pptx", "acme-offering.docx", "acme-draft.md"):
        assert diff_paths(A / name, B / name) == DiffResult("", False)
    assert diff_paths(A, B) == DiffResult("", False)


def test_a_swapped_scenario_is_named_from_the_drafts(first, aspo):
    edit(Path("accounts/acme.yaml"), "scenarios: [corrugator-bearing-failures]",
         "scenarios: [corrugator-bearing-failures, multi-plant-reliability-review]")
    build_second(aspo)
    result = diff_paths(A / "acme-draft.md", B / "acme-draft.md")
    assert "-`[scenario:multi-plant-reliability-review]`" in result.text.splitlines()
    summary = result.text.split("\nProvenance:\n")[1]
    assert summary.startswith("  scenario swapped: multi-plant-reliability-review -> ")
    assert summary.count("\n") == 1


def manifest(folder: Path, blocks: dict[str, str], inputs: dict[str, str] | None = None) -> None:
    sources = [{"kind": "block", "id": id_, "hash": digest, "reason": "test"} for id_, digest in blocks.items()]
    data = {"aspo_version": "0.1.0", "sections": [{"key": "next-steps", "sources": sources}, {"key": "odd"}]}
    if inputs is not None:
        data["inputs"] = inputs
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")


def test_manifests_name_changed_added_and_removed_blocks(first, tmp_path):
    for side in ("a", "b"):
        (tmp_path / side).mkdir()
        for name in ("acme-deck.pptx", "acme-draft.md"):
            shutil.copy(first / name, tmp_path / side / name)
    manifest(tmp_path / "a", {"next-steps-pilot": "1" * 64, "situation-manufacturing": "3" * 64})
    manifest(tmp_path / "b", {"next-steps-pilot": "2" * 64, "offering-new-logo": "4" * 64})
    result = diff_paths(tmp_path / "a", tmp_path / "b")
    assert result == DiffResult(
        "Provenance:\n"
        "  block added: offering-new-logo\n"
        "  block removed: situation-manufacturing\n"
        "  block changed: next-steps-pilot\n",
        True,
    )


def test_manifests_name_the_layout_files_that_changed_or_were_swapped(first, tmp_path):
    """A layout file changes every slide's or page's look, which no block says: provenance names it."""
    for side in ("a", "b"):
        (tmp_path / side).mkdir()
        shutil.copy(first / "acme-draft.md", tmp_path / side / "acme-draft.md")
    blocks = {"next-steps-pilot": "1" * 64}
    manifest(tmp_path / "a", blocks, {"templates/layouts/deck.pptx": "1" * 64,
                                      "templates/layouts/offering.docx": "2" * 64, "accounts/acme.yaml": "3" * 64})
    manifest(tmp_path / "b", blocks, {"templates/layouts/brand.pptx": "1" * 64,
                                      "templates/layouts/offering.docx": "4" * 64, "accounts/acme.yaml": "3" * 64})
    assert diff_paths(tmp_path / "a", tmp_path / "b") == DiffResult(
        "Provenance:\n"
        "  layout file added: templates/layouts/brand.pptx\n"
        "  layout file removed: templates/layouts/deck.pptx\n"
        "  layout file changed: templates/layouts/offering.docx\n",
        True,
    )


def test_a_missing_file_and_a_layout_only_change_are_differences(first, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(first, b)
    (b / "acme-offering.docx").unlink()
    Presentation(str(b / "acme-deck.pptx")).save(str(b / "acme-deck.pptx"))  # new zip, same text
    result = diff_paths(A, b)
    assert result.different
    assert result.text.splitlines() == [
        f"Files {A}/acme-deck.pptx and {b}/acme-deck.pptx differ only outside their text "
        "(layout, formatting or properties)",
        f"Only in {A}: acme-offering.docx",
        "",
        "Provenance:",
        "  no change in blocks or scenarios",
    ]


def test_in_memory_builds_share_the_folder_comparison(first, aspo):
    edit(Path("templates/blocks/next-steps-pilot.md"), OLD, NEW)
    build_second(aspo)
    a_files = {p.name: p.read_bytes() for p in A.iterdir()}
    b_files = {p.name: p.read_bytes() for p in B.iterdir()}
    result = diff_build_texts(a_files, b_files, "HEAD:output/acme", "output/acme")
    assert result.text == diff_paths(A, B).text.replace(f"--- {A}/", "--- HEAD:output/acme/").replace(
        f"+++ {B}/", "+++ output/acme/")


def test_mixed_kinds_cannot_be_compared(first):
    for a, b, message in [
        (A / "acme-deck.pptx", A / "acme-offering.docx", "cannot compare a '.pptx' file with a '.docx' file"),
        (A, A / "acme-draft.md", "cannot compare a file with a folder"),
        (A, Path("nowhere"), "no such file or folder"),
    ]:
        with pytest.raises(AspoError) as caught:
            diff_paths(a, b)
        assert caught.value.problems[0].message.startswith(message)


def test_markdown_without_markers_has_no_provenance_summary(tmp_path):
    (tmp_path / "a.md").write_text("# Notes\n\n## One\n\nold\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Notes\n\n## One\n\nnew\n", encoding="utf-8")
    assert diff_paths(tmp_path / "a.md", tmp_path / "b.md").text == (
        f"--- {tmp_path}/a.md\n+++ {tmp_path}/b.md\n@@ -3,4 +3,4 @@ One\n \n ## One\n \n-old\n+new\n"
    )


def test_a_hand_edited_manifest_names_only_sources_whose_kind_and_id_are_text():
    """diff --html asks a manifest for sources of every kind: a kind or id that was a list made a key that cannot be
    one (exit 3). Anything else a hand may have put there is passed over, as an odd section is."""
    manifest = {"sections": [
        {"sources": [{"kind": ["block"], "id": "a", "hash": "1"}, {"kind": "block", "id": ["b"], "hash": "2"},
                     {"kind": "block", "id": 7, "hash": "3"}, {"kind": "block", "id": "", "hash": "4"},
                     {"kind": "scenario", "id": "c", "hash": ["5"]}, {"kind": "outline", "id": "title", "hash": "6"},
                     "odd"]},
        "odd", {"sources": {"kind": "block"}}]}
    assert sources_in(manifest, None) == {("scenario", "c"): None, ("outline", "title"): "6"}
    assert sources_in(manifest) == {("scenario", "c"): None}


def test_no_break_spaces_and_symbol_bullets_are_no_change_in_a_text_diff(tmp_path, aspo):
    """The renderers now keep phone numbers, dates and names on one line with no-break spaces and word joiners; a
    template's Symbol bullet is the bullet it draws. Neither shows as a changed line, in diff or textconv."""
    import docx

    for name, space, bullet in (("a.docx", " ", "\u2022"), ("b.docx", "\u00a0", "\uf0b7")):
        document = docx.Document()
        document.add_heading("Plan and next step", level=1)
        document.add_paragraph(f"{bullet} Call Tom Brandt on +1{space}402{space}555{space}0187 by January{space}29")
        document.add_paragraph(f"Meridian\u2060{space}\u2060Predict" if space != " " else "Meridian Predict")
        document.save(tmp_path / name)
    result = diff_paths(tmp_path / "a.docx", tmp_path / "b.docx")
    assert result == DiffResult(f"Files {tmp_path}/a.docx and {tmp_path}/b.docx differ only outside their text "
                                "(layout, formatting or properties)\n", True)
    shown = aspo("textconv", str(tmp_path / "b.docx"))
    assert (shown.status, shown.out) == (0, "## Section 1: Plan and next step\n"
                                            "\u2022 Call Tom Brandt on +1 402 555 0187 by January 29\n"
                                            "Meridian Predict\n")
