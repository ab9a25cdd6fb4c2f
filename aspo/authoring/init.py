"""A new content repository: what `aspo init` writes (the starter library or the sample, and the repository's files)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aspo import __version__
from aspo.core.errors import AspoError, display_path
from aspo.core.files import write_new_file
from aspo.core.rulebook import INVALID_FILE, OUTPUT
from aspo.library.account_paths import SCHEMA_FILE
from aspo.library.protected import refuse_library

#: The starter library, example account and repository files, shipped inside the package.
STARTER = Path(__file__).parent / "starter"
#: Files kept in the package without their leading dot: a .gitattributes inside aspo/ would act on aspo's own
#: repository.
DOT_FILES = {"gitattributes": ".gitattributes", "gitignore": ".gitignore",
             "pre-commit-config.yaml": ".pre-commit-config.yaml"}
#: The starter's dates are written as if it were made on this day; `aspo init` moves each of them by the days
#: since, so the content starts a year from its review date and the example meeting is two weeks ahead.
STARTER_DAY = dt.date(2027, 1, 1)
_DATE_FIELD = re.compile(r"^(\s*(?:review_by|date|by):\s*)(\d{4}-\d{2}-\d{2})(\s*)$", re.MULTILINE)
#: What may stand in a folder that is still "empty": a fresh `git init` leaves .git behind.
IGNORED_ENTRIES = {".git"}


@dataclass(frozen=True)
class Initialised:
    """What `aspo init` did: the files it wrote, and those it found already there and left alone."""

    created: tuple[Path, ...]
    kept: tuple[Path, ...]


def init_project(folder: Path, *, force: bool = False, sample: bool = False,
                 today: dt.date | None = None) -> Initialised:
    """Writes a content repository into `folder`: templates/, accounts/, schemas/, a README and the git and
    pre-commit files. A folder with anything in it (but .git) is refused unless `force`; even then no file
    that exists is overwritten, and nothing is deleted. Each file is written whole or not at all."""
    folder = Path(folder)
    refuse_library(folder, None, None, holding=False, instead="init a folder outside it")  # a starter would join it
    _refuse_occupied(folder, force)
    source = sample_source() if sample else STARTER
    files = {**_tree(source, "templates"), **_tree(source, "accounts")}
    if not sample:
        shift = (today or dt.date.today()) - STARTER_DAY
        files = {name: _moved_dates(name, data, shift) for name, data in files.items()}
    files.update(_repository_files())
    files[SCHEMA_FILE.as_posix()] = _account_schema(source / "templates")
    names = sorted(files)
    _refuse_existing_library(folder, names)
    _refuse_linked_folders(folder, names)  # every folder first: a refusal leaves nothing half written
    created, kept = [], []
    for name in names:
        path = folder / name
        (created if write_new_file(path, files[name]) else kept).append(path)
    return Initialised(tuple(created), tuple(kept))


def sample_source() -> Path:
    """Where aspo's sample library is: inside the package when installed from a wheel (the build copies it
    there), else in the source checkout an editable install runs from."""
    packaged = Path(__file__).parents[1] / "sample"
    checkout = Path(__file__).resolve().parents[2]
    for root in (packaged, checkout):
        if (root / "templates" / "outline.yaml").is_file() and (root / "accounts").is_dir() \
                and (root is packaged or (root / "pyproject.toml").is_file()):
            return root
    raise AspoError.option("--from-sample", "this installation of aspo carries no sample library; install aspo from "
                           "a wheel or its source repository, or leave out --from-sample for the starter library",
                           INVALID_FILE)


def _refuse_occupied(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise AspoError.at(folder, None, None, "exists and is not a folder; choose another DIR", OUTPUT)
    if not force and folder.is_dir():
        if any(entry.name not in IGNORED_ENTRIES for entry in folder.iterdir()):
            raise AspoError.at(folder, None, None, "not empty (use --force to write into it anyway: no file there "
                               "is overwritten or deleted)", OUTPUT)


def _refuse_existing_library(folder: Path, names: list[str]) -> None:
    """Refuses a folder whose templates/ holds a library already: --force completes a starter that aspo init began
    (a kill stopped it), but adds no starter block, scenario or account to a library holding anything else, where
    it would reach every deck."""
    templates = folder / "templates"
    if templates.is_symlink() or not templates.is_dir():
        return  # a link is refused with the other links
    ours = set(names)
    for path in sorted(templates.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue  # hidden files are editors', git's or an interrupted write's
        if relative.as_posix() not in ours:
            raise AspoError.at(templates, None, None, f"holds a content library already ({display_path(path)} is "
                               "not the starter's); aspo init adds nothing to it: init another folder", OUTPUT)


def _tree(root: Path, top: str) -> dict[str, bytes]:
    """Every file under root/top by its path relative to root, hidden files and caches left out."""
    found = {}
    for path in sorted((root / top).rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts) or not path.is_file():
            continue
        found[relative.as_posix()] = path.read_bytes()
    return found


def _moved_dates(name: str, data: bytes, shift: dt.timedelta) -> bytes:
    """The starter's review_by, meeting date and next step's date, moved by `shift`."""
    if not name.endswith((".yaml", ".md")):
        return data

    def moved(match: re.Match) -> str:
        day = dt.date.fromisoformat(match.group(2)) + shift
        return f"{match.group(1)}{day.isoformat()}{match.group(3)}"

    return _DATE_FIELD.sub(moved, data.decode("utf-8")).encode("utf-8")


def _repository_files() -> dict[str, bytes]:
    """The content repository's README, .gitattributes, .gitignore and .pre-commit-config.yaml; the hook's rev
    is the release of aspo that wrote them."""
    files = {"README.md": (STARTER / "README.md").read_bytes()}
    for stored, name in DOT_FILES.items():
        files[name] = (STARTER / stored).read_bytes()
    files[".pre-commit-config.yaml"] = re.sub(rb"(?m)^(\s*rev: )\S+$", b"\\g<1>v" + __version__.encode(),
                                              files[".pre-commit-config.yaml"])
    return files


def _account_schema(templates: Path) -> bytes:
    """schemas/account.schema.json for the library being written: its ids listed, as the sample's is made (its
    layout files are aspo's own, so they are not read)."""
    from aspo.library.schema_export import account_schema_text

    return account_schema_text(templates, layouts=False).encode("utf-8")


def _refuse_linked_folders(folder: Path, names: list[str]) -> None:
    """Refuses a link, or something that is not a folder, where a folder inside `folder` holding one of the files
    would be: checked for every file before any is written, as a build checks its outputs."""
    seen: set[PurePosixPath] = set()
    for name in names:
        for parent in reversed(PurePosixPath(name).parents[:-1]):  # the folders inside `folder`, outermost first
            if parent in seen:
                continue
            seen.add(parent)
            inner = folder / parent
            if inner.is_symlink():
                raise AspoError.at(inner, None, None, "is a link; aspo init writes no file through it", OUTPUT)
            if inner.exists() and not inner.is_dir():
                raise AspoError.at(inner, None, None, "exists and is not a folder; move it away or choose another "
                                   "DIR", OUTPUT)


def next_command(folder: Path) -> str:
    """The command that builds the new repository's accounts, from where the user is."""
    moved = "" if os.path.abspath(folder) == os.getcwd() else f"cd {shlex.quote(display_path(folder))} && "
    return f"{moved}aspo build accounts/"
