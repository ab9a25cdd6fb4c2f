"""Shared fixtures: a private copy of the sample library, and the CLI run in process."""

from __future__ import annotations

import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
from procs import HAVE_PROC, Proc, cwd, descendants, describe, running

from aspo.cli import main

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind(tmp_path_factory):
    """Fails the session, naming them, if processes the tests started outlive it (they are killed first):
    children of pytest, or anything still running in the session's temporary folders (orphaned workers)."""
    yield
    if not HAVE_PROC:
        return
    base = str(tmp_path_factory.getbasetemp().resolve())
    mine = descendants(os.getpid())
    for pid in running():
        folder = cwd(pid) or ""
        if folder == base or folder.startswith(base + os.sep) or base in describe(pid):
            mine.add(pid)
    mine.discard(os.getpid())
    left = [Proc(pid) for pid in sorted(mine)]
    left = [proc for proc in left if proc.alive()]
    named = [repr(proc) for proc in left]  # before they are gone
    for proc in left:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"processes started by the tests were still running (now killed): {named}"


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A copy of templates/, accounts/ and schemas/ in a temporary folder, which is the working directory."""
    for folder in ("templates", "accounts", "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / ".aspo-cache"))  # each test's own build stamps
    return tmp_path


@pytest.fixture
def aspo(capsys):
    """Runs the aspo command line in process and returns its exit status and output."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def skip_unless_installed(missing: str | None, required_by: tuple[str, ...] = ("ASPO_REQUIRE_LIBREOFFICE", "CI"),
                          checks: str = "these checks") -> None:
    """Skips the test, saying why, when a program it needs is missing (`missing` names it; None: nothing is);
    fails it instead where one of the `required_by` variables is set, as CI sets them."""
    if missing is None:
        return
    set_here = [name for name in required_by if os.environ.get(name)]
    if set_here:
        pytest.fail(f"{missing} is required here ({' or '.join(required_by)} is set) but not installed")
    pytest.skip(f"{missing} is not installed; CI installs it and runs {checks}")


def edit(path: Path, old: str, new: str) -> None:
    """Replaces one exact piece of a file, failing loudly if it is not there exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line number of the one line containing needle, failing loudly if no line or several do
    (as the cases' `lines:` in test_cases.py)."""
    found = [number for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
             if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found} of {path}, not one"
    return found[0]
