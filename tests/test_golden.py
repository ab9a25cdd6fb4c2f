"""The committed review drafts in output/ are the golden copies: a fresh build must reproduce them.

After an intended change to templates/, accounts/ or the draft format, rebuild with
    aspo build accounts/
and review and commit the diff of output/*/*-draft.md like any other change.
"""

from __future__ import annotations

import pytest
from conftest import REPO


@pytest.mark.parametrize("slug", ["acme", "globex", "northwind-health"])
def test_the_review_draft_matches_the_committed_one(workspace, aspo, slug):
    assert aspo("build", f"accounts/{slug}.yaml").status == 0
    fresh = (workspace / "output" / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
    committed = REPO / "output" / slug / f"{slug}-draft.md"
    assert fresh == committed.read_text(encoding="utf-8"), (
        f"{committed.relative_to(REPO)} is out of date: run `aspo build accounts/` and review the diff")
