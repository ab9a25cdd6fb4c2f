"""The scripts in tools/ that anyone may run to reproduce a figure: they still run on the sample accounts."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_the_benchmarks_plain_script_builds_a_samples_deck_document_and_email(tmp_path):
    command = [sys.executable, str(REPO / "tools/plain_build.py"), "-o", str(tmp_path), "accounts/acme.yaml"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in (tmp_path / "acme").iterdir()) == [
        "acme-deck.pptx", "acme-follow-up.eml", "acme-offering.docx"]
