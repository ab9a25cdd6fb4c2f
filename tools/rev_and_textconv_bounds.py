#!/usr/bin/env python3
"""`aspo diff --rev` and `aspo textconv` on the sizes issue 27 found them on, too slow for the test suite: a 1.5 GB
file under templates/ at a git revision (a few MB in .git), and a 1.6 MB deck holding a 1.5 GiB part of zeros, in
`aspo textconv` and in `git log -p` through the aspo diff driver. Prints each answer with aspo's peak memory.

    .venv/bin/python tools/rev_and_textconv_bounds.py

Exit status 1 when an answer is not the one aspo promises (diff --rev: one line, exit status 2; textconv: a
placeholder, one line on stderr, exit status 0; git log -p: goes on) or costs more than 200 MB. tests/test_revision.py
and tests/test_textview.py check the same with small files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASPO = [sys.executable, "-m", "aspo"]
HUGE = 1_500_000_000
MAX_MEGABYTES = 200
#: Runs a command, then prints its peak memory in KB (its own children's included: git, for diff --rev) on stderr
_MEASURED = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(done.returncode)")


def run(command: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, peak memory in MB) of a command."""
    done = subprocess.run([sys.executable, "-c", _MEASURED, *command], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    *err, peak = done.stderr.rstrip("\n").split("\n")
    return done.returncode, done.stdout, "\n".join(err) + ("\n" if err else ""), int(peak) // 1024


def git(cwd: Path, *args: str, stdin=None) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                          capture_output=True, text=stdin is None, stdin=stdin).stdout


def huge_file_at_a_revision(project: Path) -> bool:
    """A 1.5 GB layout file committed under templates/ (zeros: git stores it in about 1.5 MB); the working tree
    never holds it."""
    with subprocess.Popen(["head", "-c", str(HUGE), "/dev/zero"], stdout=subprocess.PIPE) as zeros:
        blob = git(project, "hash-object", "-w", "--stdin", stdin=zeros.stdout).decode().strip()
    git(project, "update-index", "--add", "--cacheinfo", f"100644,{blob},templates/layouts/huge.pptx")
    git(project, "commit", "-qm", "a 1.5 GB file under templates/")
    git(project, "reset", "-q", "--mixed", "HEAD~1")  # the working tree as it was: only the revision holds it
    status, out, err, peak = run([*ASPO, "diff", "--rev", "HEAD@{1}", "accounts/acme.yaml"], project)
    print(f"diff --rev, a 1.5 GB file at the revision: exit {status}, {peak} MB\n  {err.strip()}")
    return status == 2 and out == "" and err.count("\n") == 1 and err.startswith("aspo: error: HEAD@{1}:templates/") \
        and peak <= MAX_MEGABYTES


def zeros_deck(project: Path) -> Path:
    """A deck of about 1.6 MB with a part of 1.5 GiB of zeros."""
    deck = project / "zeros-deck.pptx"
    shutil.copyfile(project / "templates/layouts/deck.pptx", deck)
    with zipfile.ZipFile(deck, "a") as package:
        part = zipfile.ZipInfo("ppt/media/zeros.bin")
        part.compress_type = zipfile.ZIP_DEFLATED
        with package.open(part, "w", force_zip64=True) as stream:
            for _ in range(1536):
                stream.write(bytes(1 << 20))
    return deck


def textconv_of_a_zeros_deck(project: Path, deck: Path) -> bool:
    status, out, err, peak = run([*ASPO, "textconv", deck.name], project)
    print(f"textconv, a {deck.stat().st_size // 1000} KB deck unpacking to 1.5 GiB: exit {status}, {peak} MB\n"
          f"  stdout: {out.strip()}\n  stderr: {err.strip()}")
    return status == 0 and out.startswith("(aspo: not shown as text: ") and err.count("\n") == 1 \
        and peak <= MAX_MEGABYTES


def git_log_through_a_zeros_deck(project: Path, deck: Path) -> bool:
    (project / ".gitattributes").write_text("*.pptx diff=aspo\n", encoding="utf-8")
    git(project, "config", "diff.aspo.textconv", f"'{sys.executable}' -m aspo textconv")
    git(project, "add", ".gitattributes", deck.name)
    git(project, "commit", "-qm", "a deck unpacking to 1.5 GiB")
    (project / "notes.txt").write_text("later\n", encoding="utf-8")
    git(project, "add", "notes.txt")
    git(project, "commit", "-qm", "a later commit")
    status, out, err, peak = run(["git", "log", "-p", "--format=commit %s"], project)
    commits = [line for line in out.splitlines() if line.startswith("commit ")]
    print(f"git log -p: exit {status}, {peak} MB, {len(commits)} of 3 commits shown")
    return status == 0 and len(commits) == 3 and "+(aspo: not shown as text: " in out and peak <= MAX_MEGABYTES


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aspo-bounds-") as folder:
        project = Path(folder)
        for name in ("templates", "accounts"):
            shutil.copytree(ROOT / name, project / name)
        git(project, "init", "-q")
        git(project, "add", ".")
        git(project, "commit", "-qm", "the samples")
        results = [huge_file_at_a_revision(project)]
        deck = zeros_deck(project)
        results += [textconv_of_a_zeros_deck(project, deck), git_log_through_a_zeros_deck(project, deck)]
    print("all as promised" if all(results) else "NOT as promised")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
