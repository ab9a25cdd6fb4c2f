"""What git knows about templates/: the commit it is at, and its files at another revision."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aspo.core.errors import AspoError


def _git(cwd: Path, *args: str, binary: bool = False):
    """Runs git; returns (status, output, error text) and never raises for git's own failures."""
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, b"" if binary else "", str(exc)
    out = done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()
    return done.returncode, out, done.stderr.decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class TemplatesRevision:
    """The git commit templates/ is at, and whether it has uncommitted changes."""

    commit: str | None
    dirty: bool

    def as_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "dirty": self.dirty}


def templates_revision(templates: Path) -> TemplatesRevision | None:
    """Asks git about templates/; None when it is not in a git checkout (or git is missing)."""
    def git(*args: str) -> str | None:
        status, out, _ = _git(templates, *args)
        return out if status == 0 else None

    commit = git("rev-parse", "--verify", "-q", "HEAD")
    if commit is None:
        return None
    status = git("status", "--porcelain", "--", ".")
    return TemplatesRevision(commit, bool(status))


def templates_at(revision: str, templates: Path, into: Path) -> Path:
    """Extracts templates/ as it was at a git revision into `into`, leaving the work tree alone."""
    status, top, error = _git(templates, "rev-parse", "--show-toplevel")
    if status != 0:
        raise AspoError.at(templates, None, None, "--rev needs templates/ in a git checkout")
    inside = Path(templates).resolve().relative_to(Path(top).resolve()).as_posix() or "."
    status, _, _ = _git(Path(top), "rev-parse", "--verify", "-q", f"{revision}^{{commit}}")
    if status != 0:
        raise AspoError.at(templates, None, "--rev", f"unknown git revision '{revision}'")
    # under the checkout's own folder name, so that templates/ at the top of its repository keeps its name, which
    # input keys and manifests use
    top_name = Path(top).resolve().name or "repository"
    status, archive, error = _git(Path(top), "archive", "--format=tar", f"--prefix={top_name}/", revision, "--", inside,
                                  binary=True)
    if status != 0:
        raise AspoError.at(templates, None, "--rev", f"templates/ does not exist at '{revision}' "
                           f"({error.splitlines()[0] if error else 'git archive failed'})")
    import io
    import tarfile  # only diff --rev reads another revision

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: refuses links and paths leaving `into`
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - git archive of our own tree holds plain files only
            tar.extractall(into)
    return Path(into, top_name, inside)
