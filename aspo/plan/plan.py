"""One account's plan: loaded, validated, selected and keyed once, the same way for every command."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from aspo.core.errors import AspoError
from aspo.library.account import Account, load_account
from aspo.library.content import Library
from aspo.library.languages import untranslatable
from aspo.plan.key import FileHashes, input_key
from aspo.plan.selection import Selection, select


@dataclass(frozen=True)
class Plan:
    """What `build`, `check`, `explain`, `report` and `diff --rev` all start from for one account."""

    account: Account
    selection: Selection
    library: Library
    epoch: int | None = None  # SOURCE_DATE_EPOCH as the entry point read it: the moment stamped into the files
    hashes: FileHashes = field(default_factory=FileHashes, compare=False, repr=False)

    @functools.cached_property
    def key(self) -> str:
        """Everything that decides the output bytes, hashed: computed only by the commands that write."""
        return input_key(self.account, self.library, self.selection, self.hashes, self.epoch)


def plan_account(path: Path, library: Library, epoch: int | None = None, hashes: FileHashes | None = None) -> Plan:
    """Loads and validates one account file against the library and chooses its content; raises AspoError."""
    account = load_account(Path(path), library)
    library = library.in_languages(*account.languages(library))  # the text the account reads, as it reads it
    selection = select(account, library)
    problems = untranslatable(library, selection, account)
    if problems:
        raise AspoError(problems)
    return Plan(account, selection, library, epoch, hashes if hashes is not None else FileHashes())
