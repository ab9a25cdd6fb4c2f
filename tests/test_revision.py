"""`aspo diff --rev REV`: templates/ as git holds it at REV, asked of git and checked before anything is extracted, so
that whatever the revision holds (a link out of the tree, a submodule, a file too large) is one line naming the file
at REV, exit status 2, and nothing of this machine is read in its place."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from aspo.library import gitinfo


def git(workspace: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          cwd=workspace, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repository(workspace, monkeypatch) -> Path:
    """The workspace as a git repository with its first commit, and a temporary folder of its own that the tests
    find empty again afterwards (nothing of a revision is left behind)."""
    git(workspace, "init", "-q")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "templates")
    (workspace / ".tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(workspace / ".tmp"))
    yield workspace
    assert os.listdir(workspace / ".tmp") == []


def commit_links(workspace: Path, links: dict[str, str]) -> None:
    """Commits links under templates/ (name -> target), then takes them out of the working tree: only the revision
    holds them."""
    for name, target in links.items():
        (workspace / "templates" / name).symlink_to(target)
    git(workspace, "add", "-A", "templates")
    git(workspace, "commit", "-qm", "links")
    for name in links:
        (workspace / "templates" / name).unlink()


@pytest.mark.parametrize("target, why", [
    ("/etc/hostname", "an absolute path"),
    ("../../accounts/acme.yaml", "outside templates/"),
])
def test_a_link_at_the_revision_leading_out_of_templates_is_one_line(repository, aspo, target, why):
    commit_links(repository, {"blocks/borrowed.md": target})
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (2, "")
    assert result.err == (f"aspo: error: HEAD:templates/blocks/borrowed.md: is a link to '{target}', {why}; at a "
                          "revision aspo reads only what git holds in templates/\n")


def test_a_link_leading_out_through_another_link_is_one_line(repository, aspo):
    # written as staying inside (here/../pains.yaml), but here/ is templates/ itself, so here/.. is the project
    commit_links(repository, {"here": ".", "blocks/pains.yaml": "../here/../pains.yaml"})
    (repository / "pains.yaml").write_text("outside: templates\n", encoding="utf-8")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: HEAD:templates/blocks/pains.yaml: is a link to '../here/../pains.yaml', which "
                          "leads outside templates/ through other links; at a revision aspo reads only what git holds "
                          "in templates/\n")


def test_a_link_inside_templates_at_the_revision_is_read_as_the_working_tree_reads_it(repository, aspo):
    (repository / "templates/shared").mkdir()
    (repository / "templates/catalog.yaml").rename(repository / "templates/shared/catalog.yaml")
    (repository / "templates/catalog.yaml").symlink_to("shared/catalog.yaml")
    git(repository, "add", "-A", "templates")
    git(repository, "commit", "-qm", "the catalog, shared")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (0, "no differences\n"), result.err


def test_a_submodule_at_the_revision_is_one_line(repository, aspo):
    head = git(repository, "rev-parse", "HEAD").strip()
    git(repository, "update-index", "--add", "--cacheinfo", f"160000,{head},templates/shared")
    git(repository, "commit", "-qm", "a submodule")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: HEAD:templates/shared: is a git submodule: another repository, whose files "
                          "aspo does not read at a revision\n")


def test_a_file_over_its_limit_at_the_revision_is_refused_before_anything_is_extracted(repository, aspo, monkeypatch):
    monkeypatch.setattr(gitinfo, "_extract", lambda *args: pytest.fail("extracted a revision it refuses"))
    catalog = repository / "templates/catalog.yaml"
    catalog.write_bytes(catalog.read_bytes() + b"#" * 1_000_000)  # git stores it in a few KB
    git(repository, "commit", "-qam", "a catalog over the YAML limit")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (2, "")
    size = catalog.stat().st_size
    assert result.err == (f"aspo: error: HEAD:templates/catalog.yaml: file is {size} bytes; the limit is 1000000 "
                          "bytes\n")
    # a layout template is held to what a template may unpack to (200 MB; lowered here, as a 1.5 GB file is slow
    # to commit: tools/rev_and_textconv_bounds.py commits one)
    git(repository, "reset", "-q", "--hard", "HEAD~1")
    deck = repository / "templates/layouts/deck.pptx"
    monkeypatch.setattr(gitinfo, "MAX_UNPACKED_BYTES", deck.stat().st_size - 1)
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.err == (f"aspo: error: HEAD:templates/layouts/deck.pptx: file is {deck.stat().st_size} bytes; "
                          f"the limit is {deck.stat().st_size - 1} bytes\n")


def test_a_revision_holding_too_much_is_refused_as_a_whole(repository, aspo, monkeypatch):
    monkeypatch.setattr(gitinfo, "_extract", lambda *args: pytest.fail("extracted a revision it refuses"))
    monkeypatch.setattr(gitinfo, "MAX_REVISION_FILES", 10)
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.err == ("aspo: error: HEAD:templates: holds more than 10 files, more than a library of templates "
                          "has\n")
    monkeypatch.setattr(gitinfo, "MAX_REVISION_FILES", 10_000)
    monkeypatch.setattr(gitinfo, "MAX_REVISION_BYTES", 100_000)
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.err == ("aspo: error: HEAD:templates: holds more than 100000 bytes of files, more than aspo "
                          "extracts of a revision\n")
    assert result.status == 2


def test_a_file_the_working_tree_holds_beside_the_library_is_compared_without_being_read(repository, aspo):
    """The summary of other files that changed compares them in chunks, and a named pipe by its kind alone."""
    os.mkfifo(repository / "templates/notes.pipe")
    with open(repository / "templates/video.bin", "wb") as video:
        video.truncate(3_000_000_000)  # sparse: costs no disk, and would cost 3 GB of memory read whole
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (0, "no differences\n"), result.err


def test_an_executable_file_at_the_revision_is_read_and_templates_as_a_file_is_one_line(repository, aspo):
    (repository / "templates/catalog.yaml").chmod(0o755)
    git(repository, "commit", "-qam", "an executable catalog")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (0, "no differences\n"), result.err
    blob = git(repository, "hash-object", "-w", "templates/catalog.yaml").strip()
    git(repository, "rm", "-rq", "--cached", "templates")
    git(repository, "update-index", "--add", "--cacheinfo", f"100644,{blob},templates")
    git(repository, "commit", "-qm", "templates/ replaced by a file")
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert (result.status, result.out) == (2, "")
    assert result.err == "aspo: error: HEAD:templates: is a file at this revision, not a folder\n"


def test_odd_characters_in_a_name_at_the_revision_or_in_the_revision_keep_the_error_on_one_line(repository, aspo):
    commit_links(repository, {"blocks/two\nlines.md": "/etc/hostname"})
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.err == ("aspo: error: HEAD:templates/blocks/two\\nlines.md: is a link to '/etc/hostname', an "
                          "absolute path; at a revision aspo reads only what git holds in templates/\n")
    result = aspo("diff", "--rev", "HEAD\nfeature", "accounts/acme.yaml")
    assert result.err == "aspo: error: templates: --rev: unknown git revision 'HEAD\\nfeature'\n"
    assert result.status == 2


def test_the_revision_of_templates_is_asked_of_git_only_in_a_checkout(workspace, monkeypatch):
    from aspo.core import children

    started: list[list[str]] = []
    real_start = children.start
    monkeypatch.setattr(children, "start", lambda command, **kw: started.append(command) or real_start(command, **kw))
    monkeypatch.delenv("GIT_DIR", raising=False)
    assert gitinfo.templates_revision(workspace / "templates") is None and started == []
    git(workspace, "init", "-q")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "templates")
    revision = gitinfo.templates_revision(workspace / "templates")
    assert revision.commit == git(workspace, "rev-parse", "HEAD").strip() and not revision.dirty
    (workspace / "templates" / "new.md").write_text("an uncommitted file\n")
    assert gitinfo.templates_revision(workspace / "templates").dirty and len(started) == 2
