"""Words a line must not break inside, joined by no-break spaces as the Office renderers write them: the names a
document lists (products, capabilities, the rep's phone), dates as the reader's locale writes them, phone numbers,
and a number with its unit ("11 stops", "$1.2 M", "37 %").

Only the Word and PowerPoint renderers call it: the Markdown draft stays plain text. A space already no-break
(U+00A0, or U+202F as Babel writes French numbers) is kept as it is.

What counts as each group, so that only what belongs together is joined:

- A listed name wins over everything else: "Add 2 Meridian Predict licences" joins the name, not "2 Meridian".
  Then dates, then phone numbers, then amounts: each kind takes only text no earlier kind took.
- A date is one of the locale's own forms, built from Babel's date formats and skeletons ("d. MMMM y" in German,
  "MMM d, y" in American English, "d 'de' MMMM 'de' y" in Spanish) with the locale's month names as it writes
  them (its capitals or a capitalised first letter), plus the English forms of en-US and the day-first British
  ones with English names (the library's text is often English whatever the reader's locale). So "5. May" or
  "May. 3" is no date: no form writes it; "2. April" is one in German, where that is how a date is written.
  Numeric dates only count with a year ("3. 5. 2027" where the locale writes "d.M.y").
- A phone number has a leading "+" ("+1 614 555 0142", at most as many digits as its country's numbers have and
  never a lone trailing digit: "+1 614 555 0142 3 times" keeps the "3" out), parentheses ("(614) 555-0187"), a
  trunk "0" ("06 12 34 56 78", "020 7946 0958"), or, where the locale's country dials the North American plan,
  the 3-3-4 form ("614 555 0142"). "Orders 1234 5678 9012" is no phone number. The rep's phone is a listed name.
- An amount is a number and its unit. A unit is a sign (% ‰ ° $ € £ ¥), a known abbreviation (M, bn, k, kWh, GB,
  h, min, pt, Mio., and the locale's compact ones from Babel), a measure word Babel's units write after a number
  in the locale or in English ("weeks", "Wochen", "heures", "million"), or else a lowercase word that is no
  function word, pronoun or adverb (_NOT_UNITS) and does not end like an English participle or adverb (-ed, -ing,
  -ly): "11 stops", "1 234 arrêts". A capitalised ordinary word is never a unit ("10 I", "3 Acme"), nor is the
  first word of a listed name. A number with a leading zero ("0187") is a code, not an amount.
- A year (a bare four-digit number from 1900 to 2099) is an amount only with a sign, a known abbreviation or one
  of Babel's measure words ("2000 hours", "1950 kWh"): "by 2028 so", "2027 rollout" and "2026 Acme" stay apart.
- No phone number or amount spans a sentence end: a ".", "!" or "?" followed by spaces and a capital or a digit.
  A date's dots are its form's ("29. Januar 2027"), and a listed name is joined as it is listed.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from aspo.core.formatting import babel_locale, format_percent, locale_problem

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
#: A space inside a group: an ordinary one (turned no-break) or one already no-break.
_SPACE = "[ \u00a0\u202f]"
_SPACES = f"{_SPACE}+"

#: Words that follow a number without being its unit ("60 to 90 days": only "90 days" is an amount): function
#: words, pronouns and adverbs of the languages aspo's libraries are written in, and the English adjectives that
#: come between a number and its measure ("14 open work orders").
_NOT_UNITS = frozenset("""
    active additional big best closed core critical different extra first full further high key large last low
    main major minor old open same separate small top total
    a about above across after again against ago all also always am an and any are as at back be because been
    before being below between both but by can could did do does down during each either else even ever for from
    had has have he her here him his how i if in into is it its just least less like may me might more most much
    must my neither new next no nor not now of off on once only onto or other our out over per plus since so some
    still such than that the their them then there these they this those though through thus till to too under
    unless until up upon us very via vs was we were what when where whether which while who whom whose why will
    with within without would yet you your
    à au aux avant après avec ce ces cette chez dans de depuis des donc du elle elles en entre et il ils je la le
    les leur leurs lui mais ne ni nous on ou où par pas pendant plus pour puis qu que qui sa sans se ses si son
    sous sur toujours très un une vers vous y
    aber als am an auch auf aus bei bis da dann das dass dem den denn der des die doch ein eine er es für ich im
    ist mit nach nicht noch nur oder pro seit sich sie sind so über um und uns von vor war was wenn wie wir wird
    zu zum zur
    al ante antes aunque con cuando del desde después durante el ella ellos en entre era es está hacia hasta la
    las le les lo los más mientras muy ni no nos o para pero por porque que se según sin sobre son su sus también
    tras un una y ya
""".split())
#: Short units, as written (case matters: "M" is a million, "m" a metre).
_ABBREVIATIONS = frozenset("""
    M B bn Bn BN k K T tn m km cm mm µm nm kg g mg t kt Mt l L ml cl hl kW MW GW TW kWh MWh GWh TWh Wh kV mA Hz
    kHz MHz GHz kB KB MB GB TB PB Kb Mb Gb Mbps Gbps ms s sec min mins h hr hrs wk wks mo yr yrs am pm AM PM pt pts
    bp bps x pp FTE FTEs USD EUR GBP CHF JPY CNY CAD AUD Mio. Mrd. Tsd. Mio Mrd Tsd Md Mds mil mill. m² m³ km² °C °F
""".split())
_SIGNS = "%\u2030$\u20ac\u00a3\u00a5"
#: A number as the renderers' text writes one: 11, 1,234.5, 1.234,5, 1 234 (U+202F), -57, +8, $1.2.
_NUMBER = r"[-+\u2212]?[$\u20ac\u00a3\u00a5]?\d(?:[\d.,'\u00a0\u202f]*\d)?"
_AMOUNT = (f"(?<![\\w.,\\-+\u2212])(?P<number>{_NUMBER}){_SPACE}"
           f"(?:(?P<sign>\u00b0[CF]?|[{_SIGNS}])|(?P<unit>[^\\W\\d_]+\\.?))(?![\\w&])"
           f"|(?<![\\w.,])[$\u20ac\u00a3\u00a5]{_SPACE}\\d(?:[\\d.,]*\\d)?(?!\\w)")
#: A bare year: "by 2028", not "$2028" nor "2,028".
_YEAR = re.compile(r"(?:19|20)\d\d")
_LEADING_ZERO = re.compile(r"[-+\u2212]?[$\u20ac\u00a3\u00a5]?0\d")
#: Endings of English words that are no measure: "ISO 9001 certified", "step 3 running", "2 only".
_NOT_A_MEASURE_ENDING = re.compile(r"(?:ed|ing|ly)$")

#: Phone numbers: international ("+1 614 555 0142", "+44 (0)20 7946 0958", "+33 6 12 34 56 78"), with an area code
#: in parentheses ("(614) 555-0142") or national with a trunk "0" ("06 12 34 56 78", "020 7946 0958").
_INTERNATIONAL = r"\+\d{1,3}(?:[ .\-]?(?:\(\d{1,5}\)|\d{1,5})){2,}"
_PARENTHESES = r"\(\d{2,5}\)[ .\-]?\d{2,5}(?:[ .\-]\d{2,5})+"
_TRUNK = r"0\d{1,4}(?:[ .\-]\d{2,5})+"
#: The North American plan's form: "614 555 0142", "614-555-0142".
_NORTH_AMERICAN = r"[2-9]\d\d[ .\-]\d{3}[ .\-]\d{4}"
_NORTH_AMERICAN_TERRITORIES = frozenset("US CA PR VI GU AS MP AG AI BB BM BS DM DO GD JM KN KY LC MS SX TC TT VC VG"
                                        .split())
_MIN_PHONE_DIGITS = 7
#: The digits a country's numbers have after its calling code, where they are fixed or capped; E.164's 15 in all
#: else.
_NATIONAL_DIGITS = {"1": 10, "7": 10, "31": 9, "32": 9, "33": 9, "34": 9, "39": 11, "41": 9, "43": 13, "44": 10,
                    "45": 8, "46": 9, "47": 8, "48": 9, "49": 11, "351": 9, "352": 11, "353": 9, "61": 9, "81": 10,
                    "86": 11, "91": 10}
#: The calling code of a locale's country, for how many digits its national numbers have (one more with the trunk
#: "0").
_CALLING_CODES = {"US": "1", "CA": "1", "RU": "7", "NL": "31", "BE": "32", "FR": "33", "ES": "34", "IT": "39",
                  "CH": "41", "AT": "43", "GB": "44", "DK": "45", "SE": "46", "NO": "47", "PL": "48", "DE": "49",
                  "PT": "351", "LU": "352", "IE": "353", "AU": "61", "JP": "81", "CN": "86", "IN": "91"}
_PHONE_GROUP = re.compile(r"\(?\d+\)?")
#: A sentence end: its mark, closing quotes or brackets, spaces, then what starts the next sentence.
_SENTENCE_END = re.compile(f"[.!?\u2026][)\"'\u2019\u201d\u00bb]*{_SPACES}(\\S)")

#: The order in which the kinds of groups take their text: a listed name first.
_KINDS = ("phrase", "date", "phone", "amount")


class Group(NamedTuple):
    """One piece of text no line may break inside: where it is and what kind it is."""

    start: int
    end: int
    kind: str


class NoBreak:
    """Turns a text into its no-break form for one document: its phrases, and the dates, phone numbers and
    amounts it finds itself in the reader's locale."""

    def __init__(self, locale: str = "en-US", phrases: Iterable[str] = ()):
        self.locale = _known(locale)
        # longest first: "Meridian Predict Pro" wins over "Meridian Predict"
        words = sorted({tuple(phrase.split()) for phrase in phrases if len(phrase.split()) > 1},
                       key=lambda words: (-len(" ".join(words)), words))
        phrase = "|".join(_SPACES.join(map(re.escape, words)) for words in words)
        phone = "|".join([_INTERNATIONAL, _PARENTHESES, _TRUNK]
                         + ([_NORTH_AMERICAN] if _territory(self.locale) in _NORTH_AMERICAN_TERRITORIES else []))
        self.patterns = {
            "phrase": re.compile(f"(?<!\\w)(?:{phrase})(?!\\w)") if phrase else None,
            "date": re.compile(f"(?<![\\w.])(?:{_date_pattern(self.locale)})(?!\\w)"),
            "phone": re.compile(f"(?<![\\w+\\-.,])(?:{phone})(?!\\w)"),
            "amount": re.compile(_AMOUNT),
        }
        self.units = _units(self.locale)
        self.unit_space = _unit_space(self.locale)

    def groups(self, text: str, kinds: Iterable[str] = _KINDS) -> list[str]:
        """The pieces of `text` no line may break inside, as they are in it; only those of `kinds` if given."""
        kinds = set(kinds)
        return [text[group.start:group.end] for group in self.found(text) if group.kind in kinds]

    def __call__(self, text: str) -> str:
        """`text` with each ordinary space inside a group made a no-break space."""
        if " " not in text:
            return text
        out, last = [], 0
        for group in self.found(text):
            out.append(text[last:group.start])
            joined = text[group.start:group.end].replace(" ", NO_BREAK_SPACE)
            if group.kind == "amount" and joined.endswith(NO_BREAK_SPACE + "%"):
                joined = joined[:-2] + self.unit_space + "%"  # as the locale writes "37 %"
            out.append(joined)
            last = group.end
        out.append(text[last:])
        return "".join(out)

    def found(self, text: str) -> list[Group]:
        """The groups of `text` with a space to keep, in order: each kind takes what the kinds before it left."""
        taken: list[Group] = []
        for kind in _KINDS:
            pattern = self.patterns[kind]
            position = 0
            while pattern is not None and (match := pattern.search(text, position)):
                end = self._end(kind, match)
                if end is None or any(match.start() < other.end and other.start < end for other in taken):
                    position = match.start() + 1  # a shorter or later group may still start here
                    continue
                taken.append(Group(match.start(), end, kind))
                position = end
        return sorted(group for group in taken if re.search(_SPACE, text[group.start:group.end]))

    def _end(self, kind: str, match: re.Match) -> int | None:
        """Where the group `match` found ends, or None when it is none."""
        if kind == "phone":
            end = _phone_end(match, self.locale)
        elif kind == "amount":
            end = self._amount_end(match)
        else:
            return match.end()
        if end is not None and _spans_sentence_end(match.string[match.start():end]):
            return None
        return end

    def _amount_end(self, match: re.Match) -> int | None:
        number, unit = match.group("number"), match.group("unit")
        if number is None or match.group("sign"):  # "$ 1.2", "37 %"
            return match.end()
        if _LEADING_ZERO.match(number):
            return None
        word = unit.rstrip(".")
        abbreviations, measures = self.units
        # a dot ends the sentence ("4 lines.") unless it is the abbreviation's ("1,2 Mio.")
        end = match.end() if unit in _ABBREVIATIONS or unit in abbreviations else match.start("unit") + len(word)
        if word in _ABBREVIATIONS or word in abbreviations or unit in abbreviations or word.casefold() in measures:
            return end
        if _YEAR.fullmatch(number) or not word[0].islower() or word.casefold() in _NOT_UNITS:
            return None
        return None if _NOT_A_MEASURE_ENDING.search(word) else end


def _spans_sentence_end(text: str) -> bool:
    return any(found.group(1).isupper() or found.group(1).isdigit() for found in _SENTENCE_END.finditer(text))


def _phone_end(match: re.Match, locale: str) -> int | None:
    """Where the phone number `match` found ends: its last group that belongs to it (no lone trailing digit, no
    more digits than its country's numbers have), or None when it has too few digits to be one."""
    text = match.group(0)
    groups = list(_PHONE_GROUP.finditer(text))
    if text.startswith("+"):
        code = groups[0].group(0)
        most = len(code) + _NATIONAL_DIGITS.get(code, 15 - len(code))
    elif _territory(locale) in _NORTH_AMERICAN_TERRITORIES:
        most = 10
    else:
        most = 1 + _NATIONAL_DIGITS.get(_CALLING_CODES.get(_territory(locale) or "", ""), 11)

    def digits(groups: list[re.Match]) -> int:
        return sum(len(group.group(0).strip("()")) for group in groups if group.group(0) != "(0)")

    while len(groups) > 2 and (len(groups[-1].group(0)) == 1 or digits(groups) > most):
        groups.pop()
    if digits(groups) < _MIN_PHONE_DIGITS or digits(groups) > most:
        return None
    return match.start() + groups[-1].end()


def _known(locale: str) -> str:
    """`locale`, or en-US when Babel cannot format for it."""
    return locale if locale_problem(locale) is None else "en-US"


def _territory(locale: str) -> str | None:
    return babel_locale(locale).territory


#: The date formats and skeletons a date is written in: long, medium and short, and day-month, month-year.
_DATE_SKELETONS = ("MMMMd", "MMMd", "yMMMM", "yMMM", "yMMMMd", "yMMMd", "yMd")
_FIELD = re.compile(r"'([^']*)'|([A-Za-z])\2*|(\s+)|(.)")


def _forms(locale: str) -> list[str]:
    parsed = babel_locale(locale)
    forms = [str(parsed.date_formats[width].pattern) for width in ("long", "medium", "short")]
    forms += [str(parsed.datetime_skeletons[skeleton].pattern) for skeleton in _DATE_SKELETONS
              if skeleton in parsed.datetime_skeletons]
    return list(dict.fromkeys(forms))


def _month_names(locale: str, width: str) -> list[str]:
    """The locale's month names of one width, as it writes them and capitalised (starting a line), the dot of an
    abbreviation optional."""
    months = babel_locale(locale).months
    names = {name for context in ("format", "stand-alone") for name in months.get(context, {}).get(width, {}).values()}
    names |= {name[:1].upper() + name[1:] for name in names}
    written = [re.escape(name[:-1]) + r"\.?" if name.endswith(".") else re.escape(name)
               for name in sorted(names, key=lambda name: (-len(name), name))]
    return [name.replace(r"\ ", _SPACES) for name in written]


def _form_pattern(form: str, locale: str) -> str | None:
    """The regular expression of one CLDR date form with the locale's month names; None for a form with a field
    other than day, month and year, or with nothing to join."""
    fields = [found for found in _FIELD.finditer(form) if found.group(2)]
    numeric = all(found.group(0)[0] not in "ML" or len(found.group(0)) < 3 for found in fields)
    if numeric and not any(found.group(2) == "y" for found in fields):
        return None  # "3. 5." without a year is a list's numbers as often as a date
    out, spaced = [], False
    for found in _FIELD.finditer(form):
        quoted, letter, space, other = found.groups()
        field = found.group(0)
        if quoted is not None:
            out.append(re.escape(quoted).replace(r"\ ", _SPACES))
            spaced = spaced or " " in quoted
        elif letter in ("d", "M", "L", "y") and (letter != "y" or len(field) != 2):
            if letter in "ML" and len(field) >= 3:
                names = _month_names(locale, "wide" if len(field) >= 4 else "abbreviated")
                out.append(f"(?:{'|'.join(names)})")
            else:
                out.append(r"\d{4}" if letter == "y" else r"\d{1,2}")
        elif letter == "y":
            out.append(r"\d{2}")
        elif letter:
            return None  # a weekday, an era: not how dates stand in a sentence
        elif space:
            out.append(_SPACES)
            spaced = True
        elif other == "." and numeric:
            out.append(f"\\.{_SPACE}?")  # "3. 5. 2027" as well as "3.5.2027"
            spaced = True
        else:
            out.append(re.escape(other))
    return "".join(out) if spaced else None


#: English dates written day first, as in Britain ("29 January 2027"), read with English month names: written here
#: rather than read from Babel's en-GB, whose data takes longer to load than the rest of this module to run.
_ENGLISH_DAY_FIRST = ("d MMMM y", "d MMM y", "d MMMM", "d MMM")


@lru_cache(maxsize=16)
def _date_pattern(locale: str) -> str:
    """Dates as the locale's own forms write them, and as English ones do: "January 29, 2027", "29 January 2027",
    "29. Januar 2027", "29 de enero de 2027", "3. 5. 2027"."""
    pairs = [(form, writer) for writer in dict.fromkeys((locale, "en-US")) for form in _forms(writer)]
    pairs += [(form, "en-US") for form in _ENGLISH_DAY_FIRST]
    # a longer form first: "MMMM d, y" before "MMMM d", which would take its beginning
    pairs.sort(key=lambda pair: -len(pair[0]))
    patterns = [_form_pattern(form, writer) for form, writer in pairs]
    return "|".join(dict.fromkeys(pattern for pattern in patterns if pattern))


#: A unit pattern of Babel's with one word after the number: "{0} weeks", "{0} Wochen".
_UNIT_WORD = re.compile(r"\{0\}[ \u00a0\u202f]?([^\W\d_]+)")


@lru_cache(maxsize=16)
def _units(locale: str) -> tuple[frozenset[str], frozenset[str]]:
    """The locale's and English's compact abbreviations ("Mio.", "k") and measure words, casefolded ("weeks",
    "wochen", "million")."""
    abbreviations, measures = set(), set()
    for writer in dict.fromkeys((locale, "en-US")):
        data = babel_locale(writer)._data
        for unit in data["unit_patterns"].values():
            for pattern in unit.get("long", {}).values():
                found = _UNIT_WORD.fullmatch(pattern) if isinstance(pattern, str) else None
                if found:
                    measures.add(found.group(1).casefold())
        for width, into in (("short", abbreviations), ("long", measures)):
            for forms in data["compact_decimal_formats"].get(width, {}).values():
                for number_pattern in forms.values():
                    text = str(getattr(number_pattern, "pattern", number_pattern)).replace("'", "")
                    words = [word for word in re.split(r"[\s\u00a0\u202f0#]+", text) if word]
                    into.update(word.casefold() if into is measures else word for word in words)
    return frozenset(abbreviations), frozenset(measures - _NOT_UNITS)


@lru_cache(maxsize=16)
def _unit_space(locale: str) -> str:
    """The no-break space the locale writes between a number and "%": U+202F where it already uses it."""
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
