"""Words no line may break inside: aspo.compose.nobreak, as the Word and PowerPoint renderers write them."""

from __future__ import annotations

import pytest

from aspo.compose.nobreak import NoBreak, keep_together, keeping_together

NB, NNB = "\u00a0", "\u202f"


@pytest.mark.parametrize("text, written", [
    ("Call +1 614 555 0142 today", f"Call +1{NB}614{NB}555{NB}0142 today"),
    ("or +44 (0)20 7946 0958.", f"or +44{NB}(0)20{NB}7946{NB}0958."),
    ("or (614) 555-0187", f"or (614){NB}555-0187"),
    ("We lost 11 shifts to stops", f"We lost 11{NB}shifts to stops"),
    ("60 to 90 days", f"60 to 90{NB}days"),
    ("worth $1.2 M a year", f"worth $1.2{NB}M a year"),
    ("down 37 % and 18%", f"down 37{NB}% and 18%"),
    ("from 14 weeks to 6 weeks", f"from 14{NB}weeks to 6{NB}weeks"),
    ("by January 29, 2027.", f"by January{NB}29,{NB}2027."),
    ("on 3 May 2027 or May 3", f"on 3{NB}May{NB}2027 or May{NB}3"),
    ("in May 2027", f"in May{NB}2027"),
])
def test_it_joins_phone_numbers_amounts_with_their_units_and_dates(text, written):
    assert NoBreak("en-US")(text) == written


@pytest.mark.parametrize("text", [
    "Open with the line-7 story.",  # a number inside a word is no amount
    "It runs to 2027 and beyond",  # "2027 and": a word that is no unit
    "line 2 at Dayton, covering its 30 most critical assets",
    "Phase 1, kickoff (weeks 1-2)",
    "We may do it in May",  # a month alone is no date
    "1.234.567",  # nothing to join
])
def test_it_leaves_alone_what_is_not_a_group(text):
    assert NoBreak("en-US")(text) == text


def test_the_phrases_a_document_names_are_joined_longest_first_and_only_as_whole_words():
    keep = NoBreak("en-US", ("Meridian Predict", "Meridian Predict Pro", "Meridian Flow", "Single"))
    assert keep("Meridian Predict Pro and Meridian Predict, not Meridian Flowers") == (
        f"Meridian{NB}Predict{NB}Pro and Meridian{NB}Predict, not Meridian Flowers")
    assert keep.groups("Meridian Predict on January 29, 2027") == ["Meridian Predict", "January 29, 2027"]


@pytest.mark.parametrize("locale, text, written", [
    ("en-GB", "by 29 January 2027", f"by 29{NB}January{NB}2027"),
    ("de-DE", "am 29. Januar 2027 und 3. 5. 2027", f"am 29.{NB}Januar{NB}2027 und 3.{NB}5.{NB}2027"),
    ("es-ES", "el 29 de enero de 2027", f"el 29{NB}de{NB}enero{NB}de{NB}2027"),
    ("fr-FR", f"le 29 janvier 2027 : 1{NNB}234 arrêts, 37 %",
     f"le 29{NB}janvier{NB}2027 : 1{NNB}234{NB}arrêts, 37{NB}%"),
])
def test_dates_are_found_as_the_locale_writes_them_and_its_own_spaces_are_kept(locale, text, written):
    assert NoBreak(locale)(text) == written


def test_a_locale_that_writes_a_narrow_no_break_space_before_percent_gets_one():
    assert NoBreak("oc-FR")("37 %") == f"37{NNB}%"  # as Babel writes Occitan's percentages
    assert NoBreak("fr-FR")("37 %") == f"37{NB}%"


def test_keep_together_applies_only_while_a_document_is_rendered():
    assert keep_together("11 stops") == "11 stops"
    with keeping_together("en-US", ("Meridian Flow",)):
        assert keep_together("Meridian Flow: 11 stops") == f"Meridian{NB}Flow: 11{NB}stops"
    assert keep_together("11 stops") == "11 stops"


@pytest.mark.parametrize("text", [
    "Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place.",  # acme
    "Since 2025 Acme runs it",  # a year and a capitalised word
    "Version 2.1 is out; v 3 too.",  # an adverb
    "Score 10 I think",  # a pronoun
    "ISO 9001 certified",  # a participle
    "Phase 1 2027 rollout",  # a year and a noun that is no measure
    "Call 555 0187 now",  # a code with a leading zero, and an adverb
    "It took 3 Acme engineers",
    "with 14 open work orders",  # an adjective before the measure
])
def test_a_number_is_not_joined_to_a_word_that_is_no_unit(text):
    assert NoBreak("en-US").groups(text) == []


@pytest.mark.parametrize("text, groups", [
    ("a 2000 hours service", ["2000 hours"]),  # a year-like number with a measure Babel writes
    ("about 1950 kWh a day", ["1950 kWh"]),
    ("worth $1.2 million", ["$1.2 million"]),
    ("at 20 °C and 9 am", ["20 °C", "9 am"]),
    ("1 plant, 4 lines.", ["1 plant", "4 lines"]),  # the sentence's dot is not the unit's
    ("1,2 Mio. € in 14 Wochen", ["1,2 Mio.", "14 Wochen"]),  # an abbreviation's dot is
])
def test_a_unit_is_a_sign_an_abbreviation_or_a_measure_word(text, groups):
    assert NoBreak("de-DE" if "Wochen" in text else "en-US").groups(text) == groups


@pytest.mark.parametrize("text, written", [
    ("Since 2024 Meridian Monitor runs", f"Since 2024 Meridian{NB}Monitor runs"),
    ("Add 2 Meridian Predict licences", f"Add 2 Meridian{NB}Predict licences"),
    ("Add 2 predictive maintenance pilots", f"Add 2 predictive{NB}maintenance pilots"),
])
def test_a_listed_name_wins_over_an_amount_that_would_take_its_first_word(text, written):
    keep = NoBreak("en-US", ("Meridian Monitor", "Meridian Predict", "predictive maintenance"))
    assert keep(text) == written


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"])
@pytest.mark.parametrize("text, groups", [
    ("Pilot ends in May. 3 plants follow.", ["3 plants"]),
    ("Step 5. May we begin?", []),
    ("We cut stops by 37 %. 12 Sites joined.", ["37 %"]),
    ("Tom said 5. Then Anna left", []),
])
def test_nothing_is_joined_across_a_sentence_end_in_any_locale(locale, text, groups):
    assert NoBreak(locale).groups(text) == groups


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "fr-FR", "es-ES"])
def test_list_numbers_before_english_months_are_no_dates(locale):
    # "1. March" and "2. April" are no dates in these locales; "March 2" is the English form of one ("on March 2")
    assert NoBreak(locale).groups("1. March 2. April") == ["March 2"]
    assert NoBreak(locale).groups("1. Plan 2. Run") == []


def test_the_german_day_form_is_used_only_where_dates_are_written_that_way():
    assert NoBreak("de-DE").groups("1. März und 2. April") == ["1. März", "2. April"]
    assert NoBreak("en-GB").groups("1. März und 2. April") == []
    assert NoBreak("fr-FR").groups("le 10 mars. 3 sites") == ["10 mars", "3 sites"]
    assert NoBreak("en-US").groups("we mar 3 days") == ["3 days"]  # month names as the locale writes them


@pytest.mark.parametrize("text, groups", [
    ("Call +1 614 555 0142 3 times", ["+1 614 555 0142", "3 times"]),  # no lone trailing digit
    ("Call +1 614 555 0142 30 times", ["+1 614 555 0142", "30 times"]),  # +1: ten digits
    ("+33 6 12 34 56 78 et 3 sites", ["+33 6 12 34 56 78", "3 sites"]),
    ("Orders 1234 5678 9012 shipped", []),  # no +, parentheses, trunk 0 nor the country's form
    ("Sites 100 200 300 400", []),
    ("Call 614 555 0142", ["614 555 0142"]),  # the North American plan's form, in en-US
    ("or 06 12 34 56 78", ["06 12 34 56 78"]),  # a trunk 0
])
def test_a_phone_number_has_a_plus_parentheses_a_trunk_zero_or_its_countrys_form(text, groups):
    assert NoBreak("en-US").groups(text) == groups


def test_the_reps_phone_is_kept_whole_as_a_listed_name_in_any_form():
    assert NoBreak("en-GB", ("614 555 0142",)).groups("Call 614 555 0142") == ["614 555 0142"]
    assert NoBreak("en-GB").groups("Call 614 555 0142") == []
