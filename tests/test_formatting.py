"""Numbers as the customer reads them, for any float, and units as literal text in Excel number formats."""

from __future__ import annotations

import pytest

from aspo.core.formatting import excel_literal, format_number, format_percent


def test_a_number_past_28_digits_is_written_out_not_a_decimal_error():
    # Babel rounds in Python's decimal context, whose 28 digits once gave decimal.InvalidOperation here
    assert format_number(1e25, "en-US") == "10,000,000,000,000,000,000,000,000"
    assert format_number(-1e300, "de-DE").startswith("-1.000.000.000")
    assert format_percent(1e25, "en-US") == "+" + "1,000,000,000,000,000,000,000,000,000%"


def test_a_signed_number_says_plus_for_a_rise_only():
    assert [format_number(value, "en-US", signed=True) for value in (10, -3.5, 0)] == ["+10", "-3.5", "0"]


@pytest.mark.parametrize("text, literal", [
    (" weeks", '" weeks"'),
    ("%", '"%"'),
    ('in "units"', '"in "\\""units"\\"'),
    ("a\\b", '"a"\\\\"b"'),
    ("#0;@% [Red]", '"#0;@% [Red]"'),
])
def test_a_unit_is_quoted_and_what_quotes_cannot_hold_is_escaped_outside_them(text, literal):
    assert excel_literal(text) == literal
