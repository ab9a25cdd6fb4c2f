"""The library and accounts as last validated, kept in the user's cache and read back, while every file they were
read from has the same content, without PyYAML's parser, pydantic or the schema."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

from aspo.core.record import plain_pickle
from aspo.core.user_cache import bytes_hash, content_hash, enabled, folder_hashes, read_entry, write_entry

#: What this module keeps and reads back: an aspo.library.content.Library and an aspo.library.account.Account
#: (named, not imported: both call this module).
Library = Account = Any
#: Where a library keeps the digest of the sources it was read from (for its accounts' entries).
_SOURCES = "_warm_sources"
#: Computed on first use, never kept: a language's view of the library, and the sources' digest.
_NOT_KEPT = ("_in_languages", _SOURCES, "deck", "word")


#: The largest account file or logo aspo reads (aspo.core.yamlfile, aspo.library.logo): a larger one is refused
#: on the slow way, so is never hashed.
_ACCOUNT_SOURCE_BYTES = 5 * 1024 * 1024


def _library_identity(root: Path) -> list:
    return ["library", str(root), os.path.abspath(root)]


def library_sources(root: Path) -> dict[str, Any]:
    """What a library entry holds while it is unchanged: every file and folder under templates/, by content.
    Taken before the library is read, so an edit made while it is read shows as a change next time, never as a
    library that matches files it was not read from."""
    return {"templates": folder_hashes(root)}


def keepable(library: Library) -> bool:
    """Whether the library can be kept: not when the outline names a layout template outside templates/, which
    was read after the sources were taken."""
    inside = os.path.realpath(library.root) + os.sep
    return all(os.path.realpath(path).startswith(inside)
               for path in (library.deck_template, library.document_template))


def warm_library(root: Path, layouts: bool) -> Library | None:
    """The library kept for `root`, when nothing under it changed (and its layouts were checked, if asked)."""
    if not enabled():
        return None
    now: dict[str, Any] = {}

    def sources_now(recorded: Any) -> dict:
        now.update(library_sources(root))
        return now

    parts = read_entry(_library_identity(root), sources_now)
    if parts is None or (layouts and "layouts" not in parts):
        return None
    try:
        library, labels = pickle.loads(parts["library"])
        if layouts:
            library.__dict__.update(pickle.loads(parts["layouts"]))
    except Exception:  # noqa: BLE001 - a damaged entry of ours, or one pickled by code since moved: read afresh
        return None
    from aspo.library.labels import seed_built_in

    seed_built_in(labels)
    library.__dict__[_SOURCES] = _digest(now)
    return library


def keep_library(library: Library, sources: dict, layouts: bool) -> None:
    """Keeps a library just read without a problem, with the sources taken before it was read."""
    library.__dict__[_SOURCES] = _digest(sources)
    if not enabled():
        return
    from aspo.library.labels import built_in

    library.matcher  # noqa: B018 - built now, so every command that reads the entry finds it built
    kept = object.__new__(type(library))
    kept.__dict__.update({name: value for name, value in library.__dict__.items() if name not in _NOT_KEPT})
    catalog_languages = library.catalog.languages
    labels = {language: built_in(language) for language in (catalog_languages.source, *catalog_languages.maintained)}
    parts = {"library": plain_pickle((kept, labels))}
    if layouts:
        parts["layouts"] = plain_pickle({"deck": library.deck, "word": library.word})
    write_entry(_library_identity(library.root), sources, parts)


def _account_identity(path: Path) -> list:
    return ["account", str(path), os.path.abspath(path)]


def _account_sources(library: Library, files) -> dict:
    return {"library": library.__dict__.get(_SOURCES),
            "files": {path: content_hash(Path(path), _ACCOUNT_SOURCE_BYTES) for path in files}}


def warm_account(path: Path, library: Library) -> Account | None:
    """The account kept for `path`, when neither it, its logo nor the library it was checked against changed."""
    if not enabled() or library.__dict__.get(_SOURCES) is None:
        return None

    def sources_now(recorded: Any) -> dict:
        files = recorded.get("files") if isinstance(recorded, dict) else None
        return _account_sources(library, files if isinstance(files, dict) else ())

    parts = read_entry(_account_identity(path), sources_now)
    if parts is None:
        return None
    try:
        return pickle.loads(parts["account"])
    except Exception:  # noqa: BLE001 - as for the library: read afresh
        return None


def account_sources(path: Path, library: Library) -> dict | None:
    """The account file's content and the library's, taken before the account is read; None when the library
    was not read here (a language's view of it), so nothing is kept."""
    if not enabled() or library.__dict__.get(_SOURCES) is None:
        return None
    return _account_sources(library, (os.path.abspath(path),))


def keep_account(account: Account, sources: dict | None) -> None:
    """Keeps an account just read without a problem; its logo by the hash of the bytes read, so a logo edited
    meanwhile can only make the entry unusable."""
    if sources is None or (account.logo is not None and account.logo.read_hash is None):
        return
    if account.logo is not None:
        sources["files"][os.path.abspath(account.logo.path)] = account.logo.read_hash
    write_entry(_account_identity(account.path), sources, {"account": plain_pickle(account)})


def _digest(sources: Any) -> str:
    return bytes_hash(json.dumps(sources, sort_keys=True).encode())
