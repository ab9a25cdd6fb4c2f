"""The warm library: kept in the user's cache after a read without a problem, read back while every file of
templates/ (and the account, and its logo) has the same content, never when anything changed; damaged, foreign or
switched-off entries mean the slow way, with the same outputs."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import edit
from procs import loaded_by

from aspo import __version__

#: What a read of the library or an account from files loads, and a warm one does not.
READING = {"pydantic", "yaml", "aspo.library.schema"}


def entries(workspace: Path) -> list[Path]:
    return sorted((workspace / ".aspo-cache" / "warm").glob("*.entry"))


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def build_loads(*args: str) -> set[str]:
    status, loaded = loaded_by("build", "--force", *args)
    assert status in (0, None)
    return loaded


def test_an_unchanged_library_and_account_are_read_warm_with_the_same_outputs(workspace, aspo):
    assert aspo("build", "--force", "-o", "cold", "accounts/northwind-health.yaml").status == 0
    assert len(entries(workspace)) == 2  # the library, the account (with its logo)
    assert not build_loads("-o", "warm", "accounts/northwind-health.yaml") & READING
    assert outputs(workspace / "warm/northwind-health") == outputs(workspace / "cold/northwind-health")


def explain_loads(account: str) -> set[str]:
    status, loaded = loaded_by("explain", account)
    assert status in (0, None)
    return loaded


@pytest.mark.parametrize("change", ["comment", "layout", "new-file", "new-folder", "account", "logo"])
def test_any_change_means_reading_afresh(workspace, aspo, change):
    assert aspo("explain", "accounts/northwind-health.yaml").status == 0
    assert not explain_loads("accounts/northwind-health.yaml") & (READING | {"PIL._imaging"})  # warm
    if change == "comment":  # a comment alone: the library reads the same, but its files are not the same
        catalog = workspace / "templates/catalog.yaml"
        catalog.write_text(catalog.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    elif change == "layout":  # a layout template alone, its parts the same: only the zip's comment differs
        with zipfile.ZipFile(workspace / "templates/layouts/deck.pptx", "a") as deck:
            deck.comment = b"reviewed"
    elif change == "new-file":
        (workspace / "templates/blocks/notes.txt").write_text("ideas\n", encoding="utf-8")
    elif change == "new-folder":  # empty: a folder named like a block is refused when the library is read
        (workspace / "templates/blocks/archive").mkdir()
    elif change == "account":
        edit(workspace / "accounts/northwind-health.yaml", "region: ", "region: West ")
    else:
        logo = workspace / "accounts/northwind-health-logo.png"
        logo.write_bytes(logo.read_bytes() + b"\0")  # after the PNG's end: the same picture, other bytes
    loaded = explain_loads("accounts/northwind-health.yaml")
    assert READING <= loaded
    assert "PIL._imaging" in loaded  # the account read again, its logo decoded: also when only the library changed
    assert not explain_loads("accounts/northwind-health.yaml") & READING  # kept again, as it is now


def test_a_change_in_a_linked_folder_means_reading_afresh(workspace, aspo):
    """templates/blocks/ a link to blocks shared with another library: the readers follow it, and so does the
    cache's check of what changed."""
    (workspace / "templates/blocks").rename(workspace / "shared-blocks")
    (workspace / "templates/blocks").symlink_to("../shared-blocks")
    assert aspo("explain", "accounts/acme.yaml").status == 0
    assert not explain_loads("accounts/acme.yaml") & READING
    edit(workspace / "shared-blocks/priority-downtime-early-warning.md", "title: ", "title: Fewer ")
    assert READING <= explain_loads("accounts/acme.yaml")


def test_a_library_whose_layout_template_is_outside_templates_is_not_kept(workspace, aspo):
    """Read after the sources were taken, such a template could change unseen: it is read afresh every time."""
    (workspace / "templates/layouts/deck.pptx").rename(workspace / "deck.pptx")
    edit(workspace / "templates/outline.yaml", "template: layouts/deck.pptx", "template: ../deck.pptx")
    assert aspo("build", "accounts/acme.yaml").status == 0
    assert entries(workspace) == []  # nor its accounts, which are kept with the library they were checked against
    assert READING <= explain_loads("accounts/acme.yaml")


@pytest.mark.parametrize("damage", ["truncated", "foreign-code", "not-an-entry"])
def test_a_damaged_or_foreign_entry_means_reading_afresh_with_the_same_outputs(workspace, aspo, damage):
    assert aspo("build", "--force", "-o", "first", "accounts/acme.yaml").status == 0
    for entry in entries(workspace):
        data = entry.read_bytes()
        if damage == "truncated":
            data = data[:len(data) // 2]
        elif damage == "foreign-code":  # whole, but written by another aspo: its header names another version
            mine = f'"version": ["{__version__}"'.encode()
            assert mine in data
            data = data.replace(mine, b'"version": ["0.0.1"', 1)
        else:
            data = os.urandom(len(data))
        entry.write_bytes(data)
    assert READING <= build_loads("-o", "second", "accounts/acme.yaml")
    assert outputs(workspace / "second/acme") == outputs(workspace / "first/acme")
    assert not build_loads("-o", "third", "accounts/acme.yaml") & READING  # and kept whole again


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_cache_reads_afresh_and_keeps_nothing(workspace, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("ASPO_NO_CACHE", "1")
    options = ["--no-cache"] if how == "option" else []
    for _ in range(2):
        status, loaded = loaded_by("explain", *options, "accounts/acme.yaml")
        assert status in (0, None) and READING <= loaded
    assert entries(workspace) == []


def test_two_builds_at_once_both_succeed(workspace):
    """Both read the library cold and keep it at the same moment: each entry is written whole or not at all."""
    command = [sys.executable, "-m", "aspo", "build", "--force", "-q", "accounts/acme.yaml", "accounts/globex.yaml"]
    builds = [subprocess.Popen([*command, "-o", f"out{number}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for number in (1, 2)]
    results = [build.communicate(timeout=300) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], results
    for name in ("acme", "globex"):
        assert outputs(workspace / f"out1/{name}") == outputs(workspace / f"out2/{name}")
    assert not build_loads("-o", "out3", "accounts/acme.yaml") & READING
    assert outputs(workspace / "out3/acme") == outputs(workspace / "out1/acme")


def test_the_cache_keeps_the_most_recently_used_entries_within_its_bounds(tmp_path, monkeypatch):
    from aspo.core import user_cache

    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(user_cache, "MAX_ENTRIES", 3)
    source = tmp_path / "source.txt"
    source.write_text("content\n", encoding="utf-8")

    def sources_now(recorded):
        return {"file": user_cache.content_hash(source)}

    for number in range(3):
        user_cache.write_entry(["test", number], sources_now(None), {"value": b"%d" % number})
    folder = tmp_path / "cache/warm"
    for number, age in ((0, 30), (1, 20), (2, 10)):  # written long ago, the first the oldest
        entry = user_cache._entry_path(["test", number])
        os.utime(entry, (entry.stat().st_atime - age, entry.stat().st_mtime - age))
    assert user_cache.read_entry(["test", 0], sources_now) == {"value": b"0"}  # used: now the most recent
    user_cache.write_entry(["test", 3], sources_now(None), {"value": b"3"})
    assert len(list(folder.glob("*.entry"))) == 3
    assert user_cache.read_entry(["test", 1], sources_now) is None  # the least recently used went
    assert [user_cache.read_entry(["test", n], sources_now) for n in (0, 2, 3)] == [
        {"value": b"0"}, {"value": b"2"}, {"value": b"3"}]
    source.write_text("changed\n", encoding="utf-8")
    assert user_cache.read_entry(["test", 0], sources_now) is None  # its source changed
