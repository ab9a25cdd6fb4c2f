"""The library's folder, which no command that writes may write into: the one guard each of them calls with its
target (an accounts or history folder, a new file, an `-o` file, a review page's folder) before writing anything.

`aspo layouts use` alone writes into templates/, on purpose; a build's output folders have their own rule
(aspo/build/output.py), told in the same words.
"""

from __future__ import annotations

import os
from pathlib import Path

from aspo.core.errors import AspoError, display_path
from aspo.core.rulebook import OUTPUT

#: A folder holding both of these is a content library, whatever it is called.
LIBRARY_FILES = ("outline.yaml", "catalog.yaml")


def resolved(path: Path) -> Path:
    """The path with every link on the way followed, whether or not it exists yet."""
    return Path(os.path.abspath(path)).resolve()


def relation(target: Path, place: Path) -> str | None:
    """How one resolved path stands to another: "is", "lies inside" or "holds"; None when they are apart."""
    if target == place:
        return "is"
    if target.is_relative_to(place):
        return "lies inside"
    if place.is_relative_to(target):
        return "holds"
    return None


def shown_folder(path: Path) -> str:
    return display_path(path).rstrip("/") + "/"


def refuse_library(target: Path, templates: Path | None, option: str | None, *, holding: bool = True,
                   instead: str = "") -> None:
    """Refuses a target that is the templates folder or lies inside it, or inside any folder that holds a library's
    outline.yaml and catalog.yaml (another project's library is no place to write either); with `holding`, also a
    folder that holds the templates folder (a folder the command writes files straight into). One line names the
    target, the option that gave it (None for an argument) and what to do: `instead`, else choose another option."""
    target_at = resolved(target)
    found = None
    if templates is not None:
        library = resolved(templates)
        found = relation(target_at, library), library
        if found[0] == "holds" and not holding:
            found = None, library
    if found is None or found[0] is None:
        library = next((folder for folder in (target_at, *target_at.parents) if _holds_library(folder)), None)
        found = (relation(target_at, library), library) if library is not None else None
    if found is None or found[0] is None:
        return
    how, library = found
    what = "the templates folder" if templates is not None and library == resolved(templates) else "a content library"
    where = what if how == "is" else f"{what} ({shown_folder(library)})"
    advice = instead or f"choose another {option}"
    raise AspoError.at(target, None, option, f"{how} {where}, and aspo writes nothing into the content library; "
                       f"{advice}", OUTPUT)


def _holds_library(folder: Path) -> bool:
    """Whether the folder holds a library's outline.yaml and catalog.yaml; a place aspo may not look into (another
    user's, or one it may not search) holds none that aspo could read."""
    try:
        return all((folder / name).is_file() for name in LIBRARY_FILES)
    except OSError:  # Python 3.11's is_file raises on EACCES
        return False
