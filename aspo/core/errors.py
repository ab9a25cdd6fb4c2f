"""The errors a user can cause, and how each is printed as one line."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Iterable, NamedTuple

import click

#: Exit status for any problem in the user's input (accounts, templates, layouts).
USER_ERROR_STATUS = 2


def display_path(path: str | os.PathLike | None) -> str:
    """Shows a path relative to the working directory when it lies below it; a link is named, not followed."""
    if path is None:
        return "<input>"
    path = Path(path)
    cwd = Path.cwd().resolve()
    # resolve the folders above it (the working directory may itself be reached through links), not the name
    absolute = Path(os.path.abspath(path))
    for candidate in (absolute, absolute.parent.resolve() / absolute.name):
        try:
            return candidate.relative_to(cwd).as_posix()
        except ValueError:
            continue
    return path.as_posix()


#: What a terminal would act on or a line would break at, were it printed as it is: C0 and C1 controls (ESC starts
#: the sequences that recolour, retitle or rewrite a terminal), DEL, line and paragraph separators, and the marks
#: that reorder text (bidi overrides, isolates and embeddings), which can make a line read as another.
_ACTING = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """Text as a message prints it: each character a terminal would act on, or a line break, written as its escape
    (`\\x1b`, `\\n`, `\\u202e`), so a message is one line and a file's content never drives the terminal."""
    return _ACTING.sub(lambda match: _ESCAPES.get(match.group()) or _escape(match.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quoted(value: object, limit: int = 40) -> str:
    """A value the user wrote, quoted for a one-line message: odd characters escaped, long text cut."""
    text = str(value)
    if text.isprintable() and len(text) <= limit:
        return f"'{text}'"
    shown = repr(text if len(text) <= limit else text[: limit - 3] + "...")
    return shown if shown.startswith("'") else f"'{shown[1:-1]}'"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Returns "; did you mean 'x'?" for the closest choice, or "" when none is close."""
    import difflib  # only when something is misspelt

    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def unknown_id(noun: str, value: str, known: Iterable[str], listed: bool = True) -> str:
    """Returns "unknown NOUN 'value'; did you mean 'x'? (valid: a, b, c)": the closest id when one is close, then
    every id, sorted (`listed=False` leaves the list out, for kinds with too many ids to read in one line)."""
    known = list(known)
    valid = f" (valid: {', '.join(sorted(known))})" if listed else ""
    return f"unknown {noun} {quoted(value)}{did_you_mean(value, known)}{valid}"


def special_kind(mode: int) -> str:
    """What a file that is not a regular file, folder or link is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class Problem(NamedTuple):  # a named tuple, not a dataclass: `aspo --help` loads this module
    """One thing wrong with one input file, at one line and field."""

    path: str | os.PathLike | None
    line: int | None
    field: str | None
    message: str
    rule: str = ""
    column: int | None = None
    measure: float | None = None  # how bad, where a rule can say (C501: share over): ranks a rule's findings

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return one_line(f"{where}:{field} {self.message}")


#: Problems shown per file: past this a file is broken as a whole, and more lines would bury the first ones.
MAX_PROBLEMS_PER_FILE = 20


def capped(problems: Iterable[Problem], limit: int = MAX_PROBLEMS_PER_FILE) -> tuple[Problem, ...]:
    """The first `limit` problems of each file, in order, then one line saying how many more there are."""
    kept: list[Problem] = []
    dropped: dict[str, list[Problem]] = {}
    shown: dict[str, int] = {}
    for problem in problems:
        key = str(problem.path)  # one file's problems share the path they were found at
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= limit:
            kept.append(problem)
        else:
            dropped.setdefault(key, []).append(problem)
    for more in dropped.values():
        kept.append(Problem(more[0].path, None, None, f"and {len(more)} more problem{'s' if len(more) > 1 else ''} "
                            "in this file", more[0].rule))
    return tuple(kept)


class AspoError(click.ClickException):
    """A problem with the user's input; click prints it as `aspo: error: …` and exits 2."""

    exit_code = USER_ERROR_STATUS

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems = (problems,) if isinstance(problems, Problem) else capped(problems)
        super().__init__(str(self.problems[0]))

    @classmethod
    def at(cls, path, line, field, message, rule: str = "", column: int | None = None) -> "AspoError":
        return cls(Problem(path, line, field, message, rule, column))

    @classmethod
    def option(cls, name: str, message: str, rule: str = "") -> "AspoError":
        """A problem with a command-line option's value (`name`, e.g. "--stage"), shown as `--stage: message`."""
        return cls(OptionProblem(None, None, name, message, rule))

    def format_message(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def show(self, file=None) -> None:
        for problem in self.problems:
            click.echo(f"aspo: error: {problem}", err=True, file=file)


class OptionProblem(Problem):
    """A problem with a command-line option's value, not with a file: shown as `--option: message`."""

    __slots__ = ()

    def __str__(self) -> str:
        return one_line(f"{self.field}: {self.message}")
