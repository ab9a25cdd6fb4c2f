"""Builds killed at random moments, interrupted with Ctrl-C, or run twice at once never leave a broken set."""

from __future__ import annotations

import io
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pptx import Presentation

AGENDA = "title: Agenda\n"
VARIANTS = {"a": "title: Agenda\n", "b": "title: Agenda for today\n"}
SLUGS = ("acme", "globex", "northwind-health")


def aspo_process(workspace: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "aspo", *args], cwd=workspace,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def use_variant(workspace: Path, variant: str) -> None:
    outline = workspace / "templates" / "outline.yaml"
    text = outline.read_text()
    for other in VARIANTS.values():
        text = text.replace(other, VARIANTS[variant])
    outline.write_text(text)


def snapshot(folder: Path, without: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name not in without}


@pytest.fixture
def references(workspace, aspo) -> dict[str, dict[str, dict[str, bytes]]]:
    """The complete output set of every account for each variant of the templates."""
    found = {}
    for variant in VARIANTS:
        use_variant(workspace, variant)
        assert aspo("build", "--force", "-o", f"ref-{variant}", "accounts/").status == 0
        found[variant] = {slug: snapshot(workspace / f"ref-{variant}" / slug) for slug in SLUGS}
    assert found["a"]["acme"] != found["b"]["acme"]
    use_variant(workspace, "a")
    assert aspo("build", "--force", "accounts/").status == 0
    return found


def assert_complete_sets(workspace: Path, references, without: tuple[str, ...] = ()) -> None:
    """Each account folder holds exactly one variant's complete set, and every file reopens."""
    for slug in SLUGS:
        files = snapshot(workspace / "output" / slug, without)
        expected = [{n: b for n, b in references[v][slug].items() if n not in without} for v in VARIANTS]
        assert files in expected, f"{slug}: a mixed or partial set"
        Presentation(io.BytesIO(files[f"{slug}-deck.pptx"]))
        WordDocument(io.BytesIO(files[f"{slug}-offering.docx"]))


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_set(workspace, references):
    rng = random.Random(20261122)
    for attempt in range(24):
        use_variant(workspace, "b" if attempt % 2 == 0 else "a")
        jobs = "2" if attempt % 3 == 0 else "1"
        build = aspo_process(workspace, "build", "--force", "-j", jobs, "accounts/")
        time.sleep(rng.uniform(0.2, 1.2))
        build.send_signal(signal.SIGKILL)
        build.wait()
        # a killed worker of a parallel build may outlive its parent for a moment
        time.sleep(0.05)
        assert_complete_sets(workspace, references)
    leftovers = list((workspace / "output").glob(".aspo-staging-*"))
    use_variant(workspace, "a")
    done = aspo_process(workspace, "build", "accounts/")
    assert done.wait() == 0
    assert not [p for p in leftovers if p.exists()], "a later build removes what killed builds left behind"


def test_ctrl_c_exits_130_and_keeps_the_previous_outputs(workspace, references):
    use_variant(workspace, "b")
    # about a second of template work in each account's next-steps block, so the interrupt lands mid-build
    busy = "{% for i in range(20) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}"
    for block in ("next-steps-pilot", "next-steps-rollout-plan", "next-steps-workshop"):
        path = workspace / "templates" / "blocks" / f"{block}.md"
        path.write_text(path.read_text().replace("\n## Notes", busy + "\n\n## Notes", 1))
    before = {slug: snapshot(workspace / "output" / slug) for slug in SLUGS}
    build = aspo_process(workspace, "build", "--force", "-j", "1", "accounts/")
    time.sleep(1.5)
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert err.splitlines()[-1] == "aspo: interrupted"
    assert "Traceback" not in err
    # accounts finished before Ctrl-C are new (their manifests name the busy blocks), the rest as before
    assert_complete_sets(workspace, references, without=("manifest.json",))
    assert snapshot(workspace / "output" / "northwind-health") == before["northwind-health"]
    assert not list((workspace / "output").glob(".aspo-staging-*"))


def test_two_builds_of_the_same_account_at_once_leave_a_complete_set(workspace, references):
    for attempt in range(20):
        first = aspo_process(workspace, "build", "--force", "accounts/acme.yaml")
        use_variant(workspace, "b" if attempt % 2 == 0 else "a")
        second = aspo_process(workspace, "build", "--force", "accounts/acme.yaml")
        assert (first.wait(), second.wait()) == (0, 0), (first.stderr.read(), second.stderr.read())
        assert_complete_sets(workspace, references)
    shutil.rmtree(workspace / "ref-a")
