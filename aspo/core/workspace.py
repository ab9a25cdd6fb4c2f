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
    if (here / TEMPLATES).is_dir():
        return here
    for folder in here.parents:
        if any((folder / TEMPLATES / marker).is_file() for marker in MARKERS):
            return folder
    return None


def project_path(name: str) -> Path:
    """`name` (templates, accounts, output) in the project, relative to the current folder as a user would write
    it (`../output`); just `name` when there is no project, so the error names what was looked for."""
    project = project_folder()
    if project is None or project == Path(os.path.abspath(Path.cwd())):
        return Path(name)
    return Path(os.path.relpath(project / name))
