"""Words a line must not break inside, joined by no-break spaces as the Office renderers write them: the names a
document lists (products, capabilities, the rep's phone), dates as the reader's locale writes them, phone numbers,
and a number with its unit ("11 stops", "$1.2 M", "37 %").

Only the Word and PowerPoint renderers call it: the Markdown draft stays plain text. A space already no-break
(U+00A0, or U+202F as Babel writes French numbers) is kept as it is.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterable, Iterator

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
#: A space inside a group: an ordinary one (turned no-break) or one already no-break.
_SPACE = "[ \u00a0\u202f]"
_SPACES = f"{_SPACE}+"

#: Words that follow a number without being its unit ("60 to 90 days": only "90 days" is an amount).
_NOT_UNITS = frozenset("""
    a an and are as at be by for from in into is it of on or out over per plus than that the then this to up vs
    was we were which who will with you your most more less new other each all
    à au aux de des du en et ou par pour sur un une
    auf aus bei bis der die das ein eine für im in mit oder pro und von zu
    al con del el en la las los o para por un una y
""".split())
#: A number as the renderers' text writes one: 11, 1,234.5, 1.234,5, 1 234 (U+202F), -57, +8, $1.2.
_NUMBER = r"[-+\u2212]?[$\u20ac\u00a3\u00a5]?\d(?:[\d.,'\u00a0\u202f]*\d)?"
#: A unit after a number: a sign (%, currency) or a word of letters (stops, weeks, M, bn, Mio.).
_UNIT = r"(?:[%\u2030\u00b0$\u20ac\u00a3\u00a5]|(?P<unit>[^\W\d_]+\.?))(?![\w])"
#: A phone number: "+1 614 555 0142", "+44 (0)20 7946 0958", "(614) 555-0142", "06 12 34 56 78".
_PHONE = (r"(?:\+\d{1,3}(?:[ .\-]?\(?\d{1,5}\)?){2,}"
          r"|\(\d{2,5}\)[ .\-]?\d{2,5}(?:[ .\-]\d{2,5})+"
          r"|\d{2,5}(?:[ .\-]\d{2,5}){2,})")
_MIN_PHONE_DIGITS = 7


class NoBreak:
    """Turns a text into its no-break form for one document: its phrases, and the dates, phone numbers and
    amounts it finds itself in the reader's locale."""

    def __init__(self, locale: str = "en-US", phrases: Iterable[str] = ()):
        self.locale = locale
        # longest first: "Meridian Predict Pro" wins over "Meridian Predict"
        words = sorted({tuple(phrase.split()) for phrase in phrases if len(phrase.split()) > 1},
                       key=lambda words: (-len(" ".join(words)), words))
        phrase = "|".join(_SPACES.join(map(re.escape, words)) for words in words)
        parts = [f"(?P<phrase>(?<!\\w)(?:{phrase})(?!\\w))"] if phrase else []
        parts += [f"(?P<date>(?<![\\w.])(?i:{_date_pattern(locale)})(?!\\w))",
                  f"(?P<phone>(?<![\\w+]){_PHONE}(?![\\w]))",
                  f"(?P<amount>(?<![\\w.,\\-]){_NUMBER}{_SPACE}{_UNIT}"
                  f"|(?<![\\w.,])[$\u20ac\u00a3\u00a5]{_SPACE}\\d(?:[\\d.,]*\\d)?(?!\\w))"]
        self.pattern = re.compile("|".join(parts))
        self.unit_space = _unit_space(locale)

    def groups(self, text: str) -> list[str]:
        """The pieces of `text` no line may break inside, as they are in it."""
        return [match.group(0) for match in self._matches(text)]

    def __call__(self, text: str) -> str:
        """`text` with each ordinary space inside a group made a no-break space."""
        if " " not in text:
            return text
        out, last = [], 0
        for match in self._matches(text):
            out.append(text[last:match.start()])
            joined = match.group(0).replace(" ", NO_BREAK_SPACE)
            if match.lastgroup == "amount" and joined.endswith(NO_BREAK_SPACE + "%"):
                joined = joined[:-2] + self.unit_space + "%"  # as the locale writes "37 %"
            out.append(joined)
            last = match.end()
        out.append(text[last:])
        return "".join(out)

    def _matches(self, text: str) -> Iterator[re.Match]:
        for match in self.pattern.finditer(text):
            kind = match.lastgroup
            if kind == "amount" and (match.group("unit") or "").casefold() in _NOT_UNITS:
                continue
            if kind == "phone" and sum(ch.isdigit() for ch in match.group(0)) < _MIN_PHONE_DIGITS:
                continue
            if not re.search(_SPACE, match.group(0)):
                continue  # nothing to join
            yield match


def _months(locale: str) -> list[str]:
    """Every way the locale writes a month: wide and abbreviated, in dates and on their own."""
    from babel import Locale

    from aspo.core.formatting import locale_problem

    tag = locale if locale_problem(locale) is None else "en-US"
    parsed = Locale.parse(tag.replace("-", "_"))
    names = {name for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
             for name in parsed.months.get(context, {}).get(width, {}).values()}
    return sorted(names, key=lambda name: (-len(name), name))


@lru_cache(maxsize=16)
def _date_pattern(locale: str) -> str:
    """Dates as the locale's long and medium formats write them, and those of English ones: "January 29, 2027",
    "29 January 2027", "29. Januar 2027", "29 de enero de 2027", "3. 5. 2027"."""
    names = [re.escape(name).replace(r"\ ", _SPACES) for name in _months(locale) + _months("en-US")]
    month = f"(?:{'|'.join(dict.fromkeys(names))})\\.?"
    of = f"(?:{_SPACE}de)?"  # Spanish and Portuguese: "29 de enero de 2027"
    return (f"(?:\\d{{1,2}}\\.?{of}{_SPACES}{month}(?:,?{of}{_SPACES}\\d{{4}})?"
            f"|{month}{_SPACES}\\d{{1,2}}(?:,{_SPACES}\\d{{4}}|(?![\\d,]))"
            f"|{month}{of}{_SPACES}\\d{{4}}"
            f"|\\d{{1,2}}\\.{_SPACES}\\d{{1,2}}\\.{_SPACES}\\d{{4}})")


@lru_cache(maxsize=16)
def _unit_space(locale: str) -> str:
    """The no-break space the locale writes between a number and "%": U+202F where it already uses it."""
    from aspo.core.formatting import format_percent, locale_problem

    if locale_problem(locale) is not None:
        return NO_BREAK_SPACE
    written = format_percent(0.37, locale, signed=False)
    return NARROW_NO_BREAK_SPACE if NARROW_NO_BREAK_SPACE in written else NO_BREAK_SPACE


@lru_cache(maxsize=64)
def no_break(locale: str, phrases: tuple[str, ...]) -> NoBreak:
    """The NoBreak of one document, made once a process for the same locale and phrases."""
    return NoBreak(locale, phrases)


_CURRENT: ContextVar[NoBreak | None] = ContextVar("aspo_no_break", default=None)


@contextmanager
def keeping_together(locale: str, phrases: tuple[str, ...]) -> Iterator[NoBreak]:
    """While rendering one document: keep_together() joins its groups."""
    token = _CURRENT.set(no_break(locale, tuple(phrases)))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def keep_together(text: str) -> str:
    """`text` in its no-break form for the document being rendered (as it is outside keeping_together)."""
    current = _CURRENT.get()
    return text if current is None else current(text)
