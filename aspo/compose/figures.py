"""An account's own figures, found in its priorities' words, for the insight section to quote as theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Units of time and effort a spelled-out number counts with ("three weeks"); years are left out: "in two years"
#: says when, not how much.
_WORD_UNITS = r"(?:hours?|days?|weeks?|months?|shifts?)"
_NUMBER_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_FIGURE = re.compile(
    r"(?<![\w.])(?P<digits>\d+(?:[.,]\d+)*(?:\s?%|\s" + _WORD_UNITS + r"\b)?)"
    r"|\b(?P<words>" + _NUMBER_WORDS + r"\s" + _WORD_UNITS + r")\b",
    re.IGNORECASE,
)
#: A calendar year ("by 2028") is a date, not a figure.
_YEAR = re.compile(r"^(?:19|20)\d\d$")
#: Where a priority's clauses end: sentences, semicolons, dashes.
_CLAUSE_END = re.compile(r"(?<=[.;!?])\s+|\s+[\u2013\u2014-]\s+|;\s*")


def has_numbers(result) -> bool:
    """Whether a scenario's result gives numbers, before and after (charted), not only words."""
    return result.before is not None and result.after is not None


@dataclass(frozen=True)
class Figure:
    """One figure a priority gives: the figure as a slide shows it large, and the clause that holds it."""

    figure: str  # "22%", "14", "three weeks"
    clause: str  # "it is up 22% in two years across our four hospitals"


def figures_in(text: str) -> tuple[Figure, ...]:
    """The figures in one priority's words, the first of each clause, in reading order."""
    found = []
    for clause in _CLAUSE_END.split(text):
        clause = clause.strip().rstrip(".;!?").strip()
        for match in _FIGURE.finditer(clause):
            figure = (match.group("digits") or match.group("words")).strip()
            if _YEAR.match(figure):
                continue
            found.append(Figure(figure.replace(" %", "%"), clause))
            break
    return tuple(found)
