"""Which files are accounts, and the output folder name each one gives: read without loading anything."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from aspo.core.errors import AspoError
from aspo.core.rulebook import INVALID_FILE

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: Names Windows reserves for devices: a folder named so cannot be created or opened there.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def slug_for(path: Path) -> str:
    """The output name for an account file: its file name without .yaml, if it is safe."""
    slug = path.stem
    if slug in RESERVED:
        raise AspoError.at(path, None, None, f"file name '{path.name}' is a reserved device name on Windows; "
                           "rename the file (e.g. nul-corp.yaml)", INVALID_FILE)
    if not SLUG.match(slug):
        raise AspoError.at(path, None, None,
                           f"file name '{path.name}' cannot name outputs; use lowercase letters, digits, '-' or '_' "
                           "(e.g. acme.yaml), at most 64 characters", INVALID_FILE)
    return slug


ACCOUNT_SUFFIXES = (".yaml", ".yml")


def visible_text(text: str) -> str:
    """Text as a reader sees it: one Unicode form (NFKC: an accent typed as its own character, a full-width letter
    or a no-break space is the usual one), without format characters (zero-width spaces and joiners, bidi marks,
    soft hyphens, a BOM), its spaces evened out. Two spellings that look alike give the same text."""
    composed = unicodedata.normalize("NFKC", text)
    return " ".join("".join(char for char in composed if unicodedata.category(char) != "Cf").split())


def name_key(name: str) -> str:
    """An account's or a person's name as names are compared: visible_text without case, so 'Nestle\u0301 GmbH',
    'NESTLÉ  GmbH' and 'Nestlé\u200b GmbH' are one name."""
    return unicodedata.normalize("NFKC", visible_text(name).casefold())


def account_files_in(folder: Path) -> list[Path]:
    """The account files in a folder, sorted (none: an empty list).

    Every entry named *.yaml or *.yml (in any case) counts, whatever it is, so a named pipe or a folder with such
    a name is refused with a line rather than skipped without a word; hidden entries (editors' lock and backup
    files) are left out.
    """
    return sorted(path for path in folder.iterdir()
                  if path.suffix.lower() in ACCOUNT_SUFFIXES and not path.name.startswith("."))


def account_files(paths: Iterable[Path]) -> list[Path]:
    """Expands folders to the account files in them (account_files_in), sorted; keeps files as given, each once;
    refuses to find none."""
    paths = list(paths)
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(account_files_in(path))
        else:
            found.append(path)
    if not found:
        raise AspoError.at(paths[0] if paths else None, None, None, "no account files (*.yaml) found")
    unique = {os.path.abspath(path): path for path in reversed(found)}  # the same file named twice builds once
    return [path for path in found if unique.get(os.path.abspath(path)) is path]


#: The account schema a project may keep for editors (`aspo schema account --library templates/` writes it).
SCHEMA_FILE = Path("schemas") / "account.schema.json"


def schema_modeline(templates: Path, folder: Path) -> str | None:
    """The first line of a new account file in `folder`, pointing the YAML language server at the project's
    schema; None when the project has none (a path an editor cannot read would be flagged) or it is on another
    drive."""
    schema = Path(os.path.abspath(templates)).parent / SCHEMA_FILE
    if not schema.is_file():
        return None
    try:
        relative = Path(os.path.relpath(schema, os.path.abspath(folder))).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return None
    return f"# yaml-language-server: $schema={relative}"
