"""Dates and numbers as the customer reads them: one format per locale, from Babel's CLDR data."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

#: Locale tags as people write them: en-US, en_GB, de.
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def locale_problem(tag: str) -> str | None:
    """Why `tag` is not a locale Babel can format for, or None when it is."""
    if not _TAG.match(tag):
        return f"'{tag}' is not a locale tag; write it as language-COUNTRY, e.g. en-US, en-GB, de-DE"
    from babel import localedata  # loads only when an account names a locale

    name = tag.replace("-", "_")
    if not localedata.exists(_canonical(name)):
        return f"unknown locale '{tag}'; use a tag such as en-US, en-GB, de-DE or fr-FR"
    return None


def _canonical(name: str) -> str:
    parts = name.split("_")
    return "_".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p.title() for p in parts[1:])])


@lru_cache(maxsize=16)
def babel_locale(tag: str):
    """Babel's Locale for a tag as people write it (en-US, en_gb, de)."""
    from babel import Locale

    return Locale.parse(_canonical(tag.replace("-", "_")))


def format_date(day: dt.date, tag: str) -> str:
    """The date as the reader writes it: 'January 29, 2027', '29 January 2027', '29. Januar 2027'."""
    from babel.dates import format_date as babel_date

    return babel_date(day, "long", locale=babel_locale(tag))


def format_number(value: float, tag: str, signed: bool = False) -> str:
    """A number with the reader's decimal and grouping marks: '1,234.5', '1.234,5'; '+8' when `signed`."""
    from babel.numbers import format_decimal

    with _exact():
        text = format_decimal(value, locale=babel_locale(tag))
    return "+" + text if signed and value > 0 else text


def format_percent(share: float, tag: str, signed: bool = True) -> str:
    """A share as a whole percent, with an explicit sign when `signed`: '-57%', '+12 %', '94%'."""
    from babel.numbers import format_percent as babel_percent

    with _exact():
        text = babel_percent(share, locale=babel_locale(tag))
    return "+" + text if signed and share > 0 else text


def _exact():
    """Room for every digit of any float: Babel rounds in Python's decimal context, whose 28 digits fail on
    numbers past 10^25 (decimal.InvalidOperation) although the schema keeps figures far below."""
    import decimal

    context = decimal.getcontext().copy()
    context.prec = 400  # a float's largest value has 309 digits before the point
    return decimal.localcontext(context)


#: What quoted text in an Excel number format cannot hold (a quote ends it; a backslash is safest escaped too).
_FORMAT_QUOTED = re.compile(r'(["\\])')


def excel_literal(text: str) -> str:
    """`text` as literal text in an Excel number format (' weeks' in '0" weeks"'): in double quotes, where digit,
    section and percent codes (`#0;@%`) are plain text, and each double quote or backslash escaped outside them, so
    a unit such as 'in "units"' can neither end the quoted text early nor make the format invalid."""
    return "".join("\\" + piece if piece in ('"', "\\") else f'"{piece}"' for piece in _FORMAT_QUOTED.split(text)
                   if piece)
