"""One account as a rep wrote it: loaded, validated and checked against the library."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aspo.core.errors import AspoError, Problem, did_you_mean, unknown_id
from aspo.core.formatting import locale_problem
from aspo.core.rulebook import INVALID_FILE, LANGUAGE, SCHEMA, UNKNOWN_ID, UNKNOWN_PIN
from aspo.core.yamlfile import YamlDocument, load_yaml
from aspo.library.account_paths import ACCOUNT_SUFFIXES, slug_for
from aspo.library.content import Library
from aspo.library.languages import unmaintained

if TYPE_CHECKING:  # validation loads only when an account file is read: not for a warm account
    from aspo.library.logo import Logo
    from aspo.library.schema import AccountFile


@dataclass(frozen=True)
class Account:
    """A validated account, with the slug its outputs are named after."""

    data: AccountFile
    doc: YamlDocument
    path: Path
    slug: str
    logo: Logo | None = None

    def locale(self, library: Library) -> str:
        """How the customer writes dates and numbers: the account's locale, else its language (where it names
        one; Babel writes "de" as Germany's German), else the catalog's."""
        return self.data.locale or self.data.language or library.catalog.locale

    def languages(self, library: Library) -> tuple[str, str]:
        """(the customer's language, the rep's): see aspo.library.languages.account_languages."""
        from aspo.library.languages import account_languages

        return account_languages(self.data, library.catalog)

    @functools.cached_property  # selection asks once per block and scenario judged
    def owned(self) -> frozenset[str]:
        return frozenset(self.data.owns)

    def industry_known(self, library: Library) -> bool:
        return self.data.industry in library.industries

    def industry_gap(self, library: Library) -> str:
        """Why the account's industry is a content gap, or '' when the library lists it."""
        if self.industry_known(library):
            return ""
        return (f"the library has no industry '{self.data.industry}' yet: built with industry-neutral blocks, "
                "and scenarios from other industries are labelled with theirs")

    @functools.cached_property
    def personas(self) -> frozenset[str]:
        return frozenset(a.persona for a in self.data.meeting.attendees)


def load_account(path: Path, library: Library) -> Account:
    """Reads an account file and checks every id it uses against the library; one read without a problem is kept,
    and read back while neither it, its logo nor the library changed (aspo.library.warm)."""
    from aspo.library.warm import account_sources, keep_account, warm_account

    path = Path(path)
    if path.suffix.lower() not in ACCOUNT_SUFFIXES:
        raise AspoError.at(path, None, None, "an account file ends in .yaml", INVALID_FILE)
    if (account := warm_account(path, library)) is not None:
        return account
    sources = account_sources(path, library)
    account = _read_account(path, library)
    keep_account(account, sources)
    return account


def _read_account(path: Path, library: Library) -> Account:
    from aspo.library.schema import AccountFile
    from aspo.library.validation import validate

    slug = slug_for(path)
    doc = load_yaml(path)
    data = validate(AccountFile, doc)
    problems = _reference_problems(data, doc, library)
    if data.locale and (problem := locale_problem(data.locale)):
        problems.append(doc.problem(("locale",), problem, SCHEMA))
    for loc, tag in ((("language",), data.language), (("rep", "language"), data.rep.language)):
        if tag and (problem := unmaintained(tag, library.catalog)):
            problems.append(doc.problem(loc, problem, LANGUAGE))
    logo = None
    if data.logo:
        from aspo.library.logo import LogoProblem, read_logo

        try:
            logo = read_logo(path.parent / data.logo, data.logo)
        except LogoProblem as exc:
            problems.append(doc.problem(("logo",), str(exc), INVALID_FILE))
    if problems:
        raise AspoError(problems)
    return Account(data=data, doc=doc, path=path, slug=slug, logo=logo)


def _reference_problems(data: AccountFile, doc: YamlDocument, lib: Library) -> list[Problem]:
    problems: list[Problem] = []

    def check(loc: tuple, value: str | None, known, noun: str, rule: str = UNKNOWN_ID, listed: bool = True) -> None:
        if value is not None and value not in known:
            problems.append(doc.problem(loc, unknown_id(noun, value, known, listed), rule))

    # An industry the library does not list yet is no typo unless a known one is close: the account is built
    # with industry-neutral content, and the build says so.
    if did_you_mean(data.industry, lib.industries):
        check(("industry",), data.industry, lib.industries, "industry")
    check(("stage",), data.stage, lib.stages, "stage")
    for i, attendee in enumerate(data.meeting.attendees):
        check(("meeting", "attendees", i, "persona"), attendee.persona, lib.personas, "persona")
    for i, priority in enumerate(data.priorities):
        check(("priorities", i, "pain"), priority.pain, lib.pains, "pain")
        check(("priorities", i, "capability"), priority.capability, lib.capabilities, "capability")
    for i, product in enumerate(data.owns):
        check(("owns", i), product, lib.products, "product")
    for choice in ("pin", "exclude"):
        for kind, known in (("blocks", lib.blocks), ("scenarios", lib.scenarios)):
            for i, item in enumerate(getattr(getattr(data, choice), kind)):
                check((choice, kind, i), item, known, kind[:-1], UNKNOWN_PIN, listed=False)
    for kind in ("blocks", "scenarios"):
        for i, item in enumerate(getattr(data.pin, kind)):
            if item in getattr(data.exclude, kind):
                loc = ("pin", kind, i)
                problems.append(doc.problem(loc, f"'{item}' is both pinned and excluded; keep one", SCHEMA))
    return problems
