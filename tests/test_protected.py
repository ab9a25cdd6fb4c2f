"""No command that writes writes into the library: each refuses, in one line naming the path and the option, a
target that is the templates folder, lies inside it or another library, or (a folder it writes straight into)
holds it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from aspo.core.errors import AspoError
from aspo.library.protected import refuse_library

REFUSED = "and aspo writes nothing into the content library"
WRITERS = [
    (("import", "crm.csv", "--accounts", "templates/blocks"),
     f"templates/blocks: --accounts: lies inside the templates folder (templates/), {REFUSED}; choose another "
     "--accounts"),
    (("import", "crm.csv", "--accounts", "."),
     f".: --accounts: holds the templates folder (templates/), {REFUSED}; choose another --accounts"),
    (("import", "crm.csv", "--history", "templates"),
     f"templates: --history: is the templates folder, {REFUSED}; choose another --history"),
    (("import", "--stage-history", "crm.csv", "--history", "templates/scenarios"),
     f"templates/scenarios: --history: lies inside the templates folder (templates/), {REFUSED}; choose another "
     "--history"),
    (("log", "accounts/acme.yaml", "stage", "decision", "--on", "2026-11-02", "--history", "templates/"),
     f"templates: --history: is the templates folder, {REFUSED}; choose another --history"),
    (("export", "activities", "-o", "templates/activities.csv"),
     f"templates/activities.csv: --output: lies inside the templates folder (templates/), {REFUSED}; choose "
     "another --output"),
    (("diff", "--html", "templates/review", "a.md", "b.md"),
     f"templates/review: --html: lies inside the templates folder (templates/), {REFUSED}; choose another --html"),
    (("diff", "--html", ".", "a.md", "b.md"),
     f".: --html: holds the templates folder (templates/), {REFUSED}; choose another --html"),
    (("new", "account", "templates/blocks/zeta.yaml"),
     f"templates/blocks/zeta.yaml: lies inside the templates folder (templates/), {REFUSED}; write the account file "
     "outside it, e.g. accounts/zeta.yaml"),
    (("init", "templates/starter"),
     f"templates/starter: lies inside a content library (templates/), {REFUSED}; init a folder outside it"),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else b"<folder>"
            for path in sorted(folder.rglob("*"))}


def test_every_command_that_writes_refuses_the_library_and_leaves_it_as_it_was(workspace, aspo):
    Path("crm.csv").write_text("Account Name,Stage,Stage Change Date\nCatalog,Prospecting,2026-11-02\n",
                               encoding="utf-8")
    Path("a.md").write_text("# a\n", encoding="utf-8")
    Path("b.md").write_text("# b\n", encoding="utf-8")
    library = snapshot(workspace / "templates")
    for args, line in WRITERS:
        result = aspo(*args)
        assert (result.status, result.err) == (2, f"aspo: error: {line}\n"), args
    assert snapshot(workspace / "templates") == library
    assert not (workspace / "history").exists()


def test_a_link_to_the_library_and_another_projects_library_are_the_library_too(workspace, aspo, tmp_path):
    (workspace / "shortcut").symlink_to(workspace / "templates" / "scenarios")
    with pytest.raises(AspoError) as refused:
        refuse_library(workspace / "shortcut", workspace / "templates", "--accounts")
    assert str(refused.value) == (f"shortcut: --accounts: lies inside the templates folder (templates/), {REFUSED}; "
                                  "choose another --accounts")
    other = workspace / "elsewhere" / "lib"
    other.mkdir(parents=True)
    for name in ("outline.yaml", "catalog.yaml"):
        (other / name).write_text("# another project's\n", encoding="utf-8")
    result = aspo("new", "account", "elsewhere/lib/zeta.yaml")
    assert result.err == (f"aspo: error: elsewhere/lib/zeta.yaml: lies inside a content library (elsewhere/lib/), "
                          f"{REFUSED}; write the account file outside it, e.g. accounts/zeta.yaml\n")
    refuse_library(workspace / "accounts", workspace / "templates", "--accounts")  # the project's own: no problem



@pytest.fixture
def unsearchable(monkeypatch):
    """Makes folders aspo may not look into, as another user's private folders are: a stat of anything inside one
    fails with EACCES (tests run as root, which may look anywhere, so os.stat is told to refuse)."""
    denied: set[Path] = set()
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if not isinstance(path, int) and set(Path(os.path.abspath(path)).parents) & denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_stat(path, *args, **kwargs)

    def make(folder: Path) -> None:
        folder.mkdir(parents=True)
        denied.add(folder.resolve())

    monkeypatch.setattr(os, "stat", stat)
    return make


def test_a_folder_aspo_may_not_look_into_holds_no_library(workspace, aspo, unsearchable):
    """Python 3.11's Path.is_file raises on EACCES: asking whether such a folder holds a library exited 3."""
    unsearchable(workspace / "review")
    refuse_library(workspace / "review" / "notes.csv", workspace / "templates", "--output")
    Path("a.md").write_text("# a\n", encoding="utf-8")
    Path("b.md").write_text("# b\n", encoding="utf-8")
    result = aspo("diff", "--html", "review", "a.md", "b.md")
    assert (result.status, result.err) == (2, "aspo: error: review/images: cannot write the review page: Permission "
                                              "denied\n")


def test_a_templates_folder_aspo_may_not_look_into_is_passed_over(workspace, aspo, unsearchable):
    """Finding the project from the current folder up met another user's private templates/ (in /tmp, say)."""
    unsearchable(workspace / "team" / "templates")
    (workspace / "team" / "here").mkdir()
    os.chdir(workspace / "team" / "here")
    result = aspo("check")
    assert result.status == 0 and result.out.endswith("0 errors, 1 warning\n"), result.err
