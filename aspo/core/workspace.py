"""Where the project is: the folder holding templates/, found from the current folder up, as git finds .git."""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATES = "templates"
#: A templates/ folder above the current one counts only if it holds one of these: a folder named "templates"
#: belongs to many tools, and a stranger's must not become the library.
MARKERS = ("outline.yaml", "catalog.yaml")


def project_folder(start: Path | None = None) -> Path | None:
    """The nearest folder, from `start` (the current folder) up, holding aspo's templates/; None if there is none.

    The current folder's own templates/ counts even when broken, so that its problems are reported rather than
    some other library's used."""
    here = Path(os.path.abspath(start or Path.cwd()))
    if _is(here / TEMPLATES, folder=True):
        return here
    for folder in here.parents:
        if any(_is(folder / TEMPLATES / marker, folder=False) for marker in MARKERS):
            return folder
    return None


def _is(path: Path, folder: bool) -> bool:
    """Whether `path` is a folder (or a file); not where aspo may not look (Python 3.11's is_dir and is_file raise
    on EACCES): another user's private templates/ in /tmp is none of ours."""
    try:
        return path.is_dir() if folder else path.is_file()
    except OSError:
        return False


def project_path(name: str) -> Path:
    """`name` (templates, accounts, output) in the project, relative to the current folder as a user would write
    it (`../output`); just `name` when there is no project, so the error names what was looked for."""
    project = project_folder()
    if project is None or project == Path(os.path.abspath(Path.cwd())):
        return Path(name)
    return Path(os.path.relpath(project / name))
