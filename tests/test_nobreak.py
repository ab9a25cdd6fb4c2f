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
