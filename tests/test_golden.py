"""The review draft of a sample account, compared with a checked-in golden copy.

After an intended change to templates/, accounts/ or the draft format, regenerate it with
    ASPO_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import os

import pytest

from conftest import REPO

GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_the_review_draft_matches_the_golden_copy(workspace, aspo, slug):
    assert aspo("build", f"accounts/{slug}.yaml").status == 0
    fresh = (workspace / "output" / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
    golden = GOLDEN / f"{slug}-draft.md"
    if os.environ.get("ASPO_UPDATE_GOLDEN"):
        golden.write_text(fresh, encoding="utf-8")
    assert fresh == golden.read_text(encoding="utf-8"), f"regenerate with ASPO_UPDATE_GOLDEN=1 if {golden.name} should change"
