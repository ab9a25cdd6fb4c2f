"""A starter account file: every field with a comment and the library's ids, and placeholders the rep replaces."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from aspo.authoring.import_ import AccountFolder
from aspo.core.errors import AspoError, display_path, quoted, unknown_id
from aspo.core.files import write_new_file
from aspo.core.rulebook import INVALID_FILE, OUTPUT, SCHEMA
from aspo.core.yamlfile import scalar_text
from aspo.library.account_paths import ACCOUNT_SUFFIXES, SCHEMA_FILE, schema_modeline, slug_for
from aspo.library.content import Library, read_library
from aspo.library.protected import refuse_library
from aspo.library.schema import COMPANY_SIZES, AccountFile, Attendee, Choice, Meeting, NextStep, Priority, Rep
from aspo.library.validation import PLACEHOLDER

#: The facts a rep at a terminal is asked for when no option gave them, in the order they are asked.
ESSENTIALS = ("name", "industry", "size", "stage")
#: Comments for the fields the schema describes by their name alone.
_ABOUT = {
    (Rep, "name"): "Your name, as the customer reads it on the closing slide.",
    (Rep, "email"): "Your e-mail address, as the customer reads it.",
    # what only the rep reads says so: the customer's deck and document never carry it
    (Meeting, "goal"): "What you want from this meeting, in one sentence. Only you read it (your speaker notes).",
    (Attendee, "name"): "Full name as you would address them; the customer may read it.",
    (Attendee, "persona"): "Only you read it (your notes say what they listen for). Persona id from "
                           "templates/personas.yaml.",
    (Priority, "text"): "The priority in the account's words; a slide quotes it word for word.",
    (AccountFile, "competitors"): "Competitors in play, by name. Only you read them (your speaker notes).",
    (AccountFile, "notes"): "Your notes: who decides, what worries them. Only you read them (your speaker notes "
                            "and the draft).",
    (Choice, "blocks"): "Block ids: the id in a templates/blocks/*.md file.",
    (Choice, "scenarios"): "Scenario ids: the id in a templates/scenarios/*.yaml file.",
}
WIDTH = 110


@dataclass(frozen=True)
class StarterAccount:
    """A starter account file just written."""

    path: Path
    name: str | None  # the account's name, when an option or answer gave it
    placeholders: int  # "TODO:" values the rep must replace
    has_schema: bool  # its first line names the project's JSON Schema (False when the project has none)
    templates: Path  # the library it was written for, as the command was given it

    def lines(self) -> list[str]:
        """What to tell the rep: what is left to fill, and how to check it."""
        shown = display_path(self.path)  # as the rep types it where they are (aspo finds the project from there)
        who = f" for {self.name}" if self.name else ""
        lines = [f"Wrote {shown}{who}: replace its {self.placeholders} \"{PLACEHOLDER} …\" values, "
                 f"then run `aspo check {shown}`."]
        if not self.has_schema:
            lines.append(f"(The project has no {SCHEMA_FILE.as_posix()}, so the file names no schema for editors; "
                         f"`{schema_command(self.templates)}` makes one.)")
        return lines


def schema_command(templates: Path) -> str:
    """The shell command that writes the project's schemas/account.schema.json for the library in `templates`,
    typed from the current folder (the project is the folder holding templates/)."""
    project = Path(os.path.normpath(os.path.join(templates, os.pardir)))  # as abspath(templates).parent, unresolved
    schema = project / SCHEMA_FILE
    return (f"mkdir -p {shlex.quote(display_path(schema.parent))} && aspo schema account --library "
            f"{shlex.quote(display_path(templates))} > {shlex.quote(display_path(schema))}")


def new_account(path: Path, templates: Path, *, name: str | None = None, industry: str | None = None,
                size: str | None = None, region: str | None = None, stage: str | None = None,
                date: dt.date | None = None, ask: bool = False) -> StarterAccount:
    """Writes a commented starter account at `path` for the library in `templates`, never over an existing
    file. The given facts fill their fields (ids checked against the library); with `ask`, the essentials
    left out are asked for on the terminal; everything else is a "TODO:" placeholder."""
    path, templates = Path(path), Path(templates)
    slug = _refuse_path(path)
    accounts = Path(os.path.normpath(os.path.join(templates, os.pardir, "accounts", path.name)))
    refuse_library(path, templates, None, holding=False,
                   instead=f"write the account file outside it, e.g. {display_path(accounts)}")
    # Only the library's ids are needed, nothing is rendered: a block or scenario with a problem is `aspo check`'s
    # business, as for aspo import; the core files must be readable.
    library, problems = read_library(templates, layouts=False)
    if library is None:
        raise AspoError(problems)
    facts = _given(dict(name=name, industry=industry, size=size, region=region, stage=stage, date=date))
    _refuse_unwritable(facts, answered=False)
    _check_ids(facts, library)
    folder = AccountFolder(path.parent)
    _refuse_twin(path, folder, facts.get("name"), "--name")
    if ask:
        answers = _given(_asked(facts, library))
        _refuse_unwritable(answers, answered=True)
        _refuse_twin(path, folder, answers.get("name"), "name")
        facts = {**facts, **answers}
    project = Path(os.path.abspath(templates)).parent
    modeline = schema_modeline(templates, path.parent)
    text, placeholders = starter_text(library, facts, modeline=modeline,
                                      shown_path=_from_project(path, project), slug=slug)
    if not write_new_file(path, text.encode("utf-8")):
        raise _exists(path)
    return StarterAccount(path, facts.get("name"), placeholders, modeline is not None, templates)


def _given(values: dict) -> dict:
    """The facts an option or answer gave: text stripped, and what is left empty dropped."""
    stripped = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    return {key: value for key, value in stripped.items() if value not in (None, "")}


def _refuse_unwritable(facts: dict, answered: bool) -> None:
    """Refuses a fact with a line break or control character in it, named by its option (or, when answered at
    the prompt, by its field)."""
    for key, value in facts.items():
        if isinstance(value, str) and not value.isprintable():
            raise AspoError.option(key if answered else f"--{key}", f"{quoted(value)} holds a line break or control "
                                   "character, which an account file cannot", SCHEMA)


def _refuse_path(path: Path) -> str:
    """The account's slug (its outputs' name), once the path is one a new account file can be written at."""
    if path.is_dir():
        raise AspoError.at(path, None, None, "is a folder; name the account file in it, e.g. "
                           f"{display_path(path / 'zeta.yaml')}", INVALID_FILE)
    if path.exists() or path.is_symlink():
        raise _exists(path)
    if path.suffix.lower() not in ACCOUNT_SUFFIXES:
        raise AspoError.at(path, None, None, f"an account file is named <name>.yaml; try "
                           f"{display_path(path.with_name(path.stem.lower() + '.yaml'))}", INVALID_FILE)
    return slug_for(path)  # the file name must be able to name the outputs


def _refuse_twin(path: Path, folder: AccountFolder, name: str | None, option: str) -> None:
    """Refuses a second file for an account its folder holds: one with the same output name (acme.yml beside
    acme.yaml, which the build refuses both of), or holding its name as names are compared (case, an accent typed
    apart or a zero-width space aside), which aspo import could then not tell apart."""
    twin = folder.by_stem.get(path.stem.lower())
    if twin:
        raise AspoError.at(path, None, None, f"{display_path(twin[0])} is there already, and both would build "
                           f"output/{path.stem}/; edit it, or choose another name", OUTPUT)
    same = folder.by_name(name) if name else []
    if same:
        raise AspoError.option(option, f"{quoted(name)} is the account of {display_path(same[0])} already; edit that "
                               "file, or name this account differently", SCHEMA)


def _exists(path: Path) -> AspoError:
    return AspoError.at(path, None, None, "already exists; aspo new account never overwrites a file (choose "
                        "another name, or move it away first)", OUTPUT)


def _check_ids(facts: dict, library: Library) -> None:
    """An industry, size or stage given as an option must be one the library (or the schema) knows."""
    for key, known in (("industry", library.industries), ("size", COMPANY_SIZES), ("stage", library.stages)):
        value = facts.get(key)
        if value is not None and value not in known:
            raise AspoError.option(f"--{key}", unknown_id(key, value, known), SCHEMA)


def _asked(facts: dict, library: Library) -> dict:
    """The essentials no option gave, asked for on the terminal (the choices are the library's ids)."""
    import click

    questions = {
        "name": ("Account name (the company)", None),
        "industry": ("Industry", click.Choice(list(library.industries))),
        "size": ("Company size", click.Choice(list(COMPANY_SIZES))),
        "stage": ("Buying stage", click.Choice(list(library.stages))),
    }
    answers = {}
    for key in ESSENTIALS:
        if key not in facts:
            text, choice = questions[key]
            answers[key] = str(click.prompt(text, type=choice) if choice else click.prompt(text, type=str))
    return answers


def _from_project(path: Path, project: Path) -> str:
    """The path as typed from the project's top folder, as the file's own comments name it."""
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(project).as_posix() if absolute.is_relative_to(project) else display_path(path)


# --- the file ------------------------------------------------------------------------------------------------


def starter_text(library: Library, facts: dict, *, modeline: str | None = None,
                 shown_path: str = "accounts/<name>.yaml", slug: str = "account") -> tuple[str, int]:
    """The starter account's text, and how many "TODO:" placeholders it holds.

    Every field of the account schema is there, in the schema's order, each under a one-line comment from its
    description (and the library's ids where it takes one); required fields hold the given fact or a quoted
    placeholder, optional ones are commented out with an example that would be valid."""
    out = _Writer()
    if modeline:
        out.line(modeline)
    name = facts.get("name")
    out.line(f"# Account file{f' for {name}' if name else ''}, written by its rep; "
             f"`aspo build {shown_path}` makes its deck,")
    out.line(f"# document and review draft. Replace every quoted \"{PLACEHOLDER} ...\" value, and uncomment (remove "
             "the '# ' of)")
    out.line(f"# the optional fields you need; `aspo check {shown_path}` says what is left.")
    out.line("# The customer reads the deck and the document (the name, the priorities word for word, the next step,")
    out.line("# the attendees' names and titles, your contact). What says \"only you read it\" stays in the presenter")
    out.line("# deck's speaker notes and the review draft.")
    out.blank()
    meeting_day = facts.get("date")
    by = (meeting_day or dt.date.today()) + dt.timedelta(days=14)

    out.field(0, AccountFile, "name", facts.get("name"), "the company's name")
    out.field(0, AccountFile, "industry", facts.get("industry"), "an industry id listed above",
              ids=library.industries)
    out.field(0, AccountFile, "size", facts.get("size"), "smb, mid-market or enterprise")
    out.field(0, AccountFile, "region", facts.get("region"), "the sales region, e.g. EMEA")
    out.field(0, AccountFile, "stage", facts.get("stage"), "a stage id listed above", ids=library.stages)
    out.blank()
    out.section(0, AccountFile, "meeting")
    out.field(2, Meeting, "date", meeting_day, "the meeting day, YYYY-MM-DD")
    out.field(2, Meeting, "goal", None, "what you want from this meeting")
    out.section(2, Meeting, "attendees", note="one entry per person")
    out.field(4, Attendee, "name", None, "their full name", item=True)
    out.field(6, Attendee, "title", None, "their job title")
    out.field(6, Attendee, "persona", None, "a persona id listed above", ids=library.personas)
    out.optional(6, Attendee, "email", "name@their-company.example")
    out.blank()
    out.section(0, AccountFile, "priorities", note="one `- text:` per priority")
    out.field(2, Priority, "text", None, "a priority, in their own words", item=True)
    out.optional(4, Priority, "pain", _first(library.pains), ids=library.pains)
    out.optional(4, Priority, "capability", _first(library.capabilities), ids=library.capabilities)
    out.blank()
    out.optional(0, AccountFile, "owns", f"[{_first(library.products)}]", ids=library.products)
    out.optional(0, AccountFile, "competitors", "[Another vendor, an in-house team]")
    out.blank()
    out.section(0, AccountFile, "next_step")
    out.field(2, NextStep, "action", None, "the next step you will propose")
    out.optional(2, NextStep, "owner", "Their name")
    out.optional(2, NextStep, "by", by.isoformat())
    out.blank()
    out.section(0, AccountFile, "rep")
    out.field(2, Rep, "name", None, "your name")
    out.optional(2, Rep, "title", "Account Executive")
    out.field(2, Rep, "email", None, "your e-mail address")
    out.optional(2, Rep, "phone", '"+1 555 0100"')
    out.optional(2, Rep, "language", library.catalog.languages.source)
    out.blank()
    out.optional(0, AccountFile, "pin", "")
    out.optional(2, Choice, "blocks", "[]", ids=library.blocks, inside_commented=True)
    out.optional(2, Choice, "scenarios", "[]", ids=library.scenarios, inside_commented=True)
    out.optional(0, AccountFile, "exclude", "")
    out.optional(2, Choice, "blocks", "[]", about="Block ids, as listed under pin.", inside_commented=True)
    out.optional(2, Choice, "scenarios", "[]", about="Scenario ids, as listed under pin.", inside_commented=True)
    out.blank()
    out.optional(0, AccountFile, "notes", "Who decides, what worries them, what the slides must not say.")
    out.optional(0, AccountFile, "locale", "en-GB", about=_about(AccountFile, "locale").replace(
        "the catalog's locale", f"the catalog's locale, {library.catalog.locale}"))
    languages = ", ".join((library.catalog.languages.source, *library.catalog.languages.maintained))
    out.optional(0, AccountFile, "language", (library.catalog.languages.maintained or ["fr"])[0],
                 about=_about(AccountFile, "language") + f" This library: {languages}.")
    out.optional(0, AccountFile, "logo", f"{slug}-logo.png")
    out.optional(0, AccountFile, "opportunity", "006Hs00001AbCdEF")
    return out.text(), out.placeholders


def _first(ids) -> str:
    return next(iter(ids))


def _about(model: type[BaseModel], key: str) -> str:
    """One line saying what a field means: its description in the schema, else its model's docstring."""
    if (model, key) in _ABOUT:
        return _ABOUT[(model, key)]
    field = model.model_fields[key]
    if field.description:
        return field.description
    annotation = field.annotation
    inner = get_args(annotation)[0] if get_args(annotation) else annotation
    doc = (inner.__doc__ or "") if isinstance(inner, type) and issubclass(inner, BaseModel) else ""
    if not doc:
        raise KeyError(f"{model.__name__}.{key} has no description for the starter account's comment")
    return doc.strip().splitlines()[0]


class _Writer:
    """Lines of the starter file, with the count of placeholders written."""

    def __init__(self):
        self.lines: list[str] = []
        self.placeholders = 0

    def line(self, text: str) -> None:
        self.lines.append(text)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def comment(self, indent: int, about: str, ids=(), prefix: str = "") -> None:
        """`# about` (and the ids, wrapped onto `#   ` lines when the line would run long)."""
        lead = f"{prefix}{' ' * indent}# "
        ids = list(ids)
        if not ids:
            self.line(f"{lead}{about}")
            return
        about = about.rstrip(".")
        whole = f"{lead}{about}: {', '.join(ids)}."
        if len(whole) <= WIDTH:
            self.line(whole)
            return
        self.line(f"{lead}{about}:")
        for piece in textwrap.wrap(", ".join(ids) + ".", WIDTH - len(lead) - 2, break_on_hyphens=False):
            self.line(f"{lead}  {piece}")

    def field(self, indent: int, model, key: str, value, placeholder: str, *, ids=(), item: bool = False) -> None:
        """A required field: the given value, or a quoted placeholder the rep replaces."""
        self.comment(indent, _about(model, key), ids)
        if value is None:
            self.placeholders += 1
            shown = scalar_text(f"{PLACEHOLDER} {placeholder}", flow=False)  # always quoted: it holds ": "
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        else:
            shown = scalar_text(str(value), flow=False)
        self.line(f"{' ' * indent}{'- ' if item else ''}{key}: {shown}")

    def section(self, indent: int, model, key: str, note: str = "") -> None:
        """A required mapping or list whose fields follow."""
        about = _about(model, key)
        self.comment(indent, f"{about.rstrip('.')}: {note}." if note else about)
        self.line(f"{' ' * indent}{key}:")

    def optional(self, indent: int, model, key: str, example: str, *, ids=(), about: str | None = None,
                 inside_commented: bool = False) -> None:
        """An optional field, commented out, with an example value that would be valid: removing the '# ' in
        front of its line (and of the lines of a commented-out mapping) uses it."""
        about = about or _about(model, key)
        value = f" {example}" if example else ""
        if inside_commented:  # a field of a commented-out mapping: every line of it starts with '# '
            self.comment(indent, about, ids, prefix="# ")
            self.line(f"# {' ' * indent}{key}:{value}")
            return
        self.comment(indent, about, ids)
        self.line(f"{' ' * indent}# {key}:{value}")

    def text(self) -> str:
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"
