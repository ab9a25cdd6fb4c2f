"""Priorities in the prospect's own words: recognised without tags, explained, and reported when unanswered."""

from __future__ import annotations

import json
import re
import sys

import pytest
from conftest import REPO, edit, line_of

sys.path.insert(0, str(REPO / "tools"))
from match_eval import evaluate  # noqa: E402

from aspo.library.content import load_library  # noqa: E402

#: Everyday phrasings from the issue that the keyword matcher missed, with the pain a reader hears in each.
EVERYDAY = {
    "Our fryers and ovens keep going down mid-shift and we end up scrapping product": "unplanned-downtime",
    "Our machines break down too often": "unplanned-downtime",
    "Equipment failures keep stopping production": "unplanned-downtime",
    "Everything is still on paper": "data-silos",
    "Our equipment is 30 years old and failing": "aging-assets",
    "Warn us early, before a motor or a pump fails": "unplanned-downtime",
    "Know which spare parts to keep in stock": "spare-parts-inventory",
    "Prove to finance that predictive maintenance saves money": "maintenance-cost",
}


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "templates")


#: Sets whose misses nobody reads: a failure shows their figures, never their phrasings.
BLIND = ("blind-c.yaml", "blind-h.yaml", "blind-i-de.yaml", "blind-i-ja.yaml")


@pytest.mark.parametrize("name, floor", [("blind-c.yaml", (0.78, 0.85)), ("blind-h.yaml", (0.84, 0.85)),
                                         ("blind-g.yaml", (0.90, 0.94)), ("blind-d.yaml", (0.88, 0.91)),
                                         ("heldout.yaml", (0.87, 0.90)), ("tuning.yaml", (0.85, 0.95)),
                                         ("dev-e.yaml", (0.84, 0.80))])
def test_recall_and_specificity_on_the_labelled_sets(name, floor):
    """Regression floors at the figures reached (tools/match_eval.py prints them with every miss)."""
    figures = evaluate(REPO / "templates", REPO / "tests" / "matching" / name)
    assert figures.fitting >= 80 and figures.unfitting >= 12
    shown = f"recall {figures.recall:.1%}, specificity {figures.specificity:.1%}"
    above = figures.recall >= floor[0] and figures.specificity >= floor[1]  # a bool: pytest shows no misses
    assert above, shown if name in BLIND else "\n".join(figures.misses)


@pytest.mark.parametrize("name, floor", [("blind-i-de.yaml", (0.95, 0.76, 1.0)), ("blind-i-ja.yaml", (1.0, 1.0, 1.0))])
def test_priorities_in_german_and_japanese_read_as_accounts_reading_those_languages(name, floor):
    """Set I (issue 30), written blind in German and Japanese, small: floors at the figures measured once
    (precision, recall, specificity), which its misses never tuned."""
    figures = evaluate(REPO / "templates", REPO / "tests" / "matching" / name)
    shown = f"precision {figures.precision:.1%}, recall {figures.recall:.1%}, specificity {figures.specificity:.1%}"
    above = all(got >= want for got, want in zip((figures.precision, figures.recall, figures.specificity), floor))
    assert above, shown


@pytest.mark.parametrize("name, floor", [("blind-c.yaml", 0.90), ("blind-h.yaml", 0.92), ("blind-g.yaml", 0.96),
                                         ("blind-d.yaml", 0.98),
                                         ("heldout.yaml", 0.96),
                                         ("tuning.yaml", 0.95), ("dev-e.yaml", 0.93)])
def test_precision_on_the_labelled_sets(name, floor):
    """Of the priorities given a pain, the share right first: a regression floor at the figure reached."""
    figures = evaluate(REPO / "templates", REPO / "tests" / "matching" / name)
    above = figures.precision >= floor  # a bool: pytest shows no misses
    assert above, f"precision {figures.precision:.1%}" if name in BLIND else "\n".join(figures.misses)


@pytest.mark.parametrize("text, pain", EVERYDAY.items())
def test_everyday_phrasings_are_recognised(library, text, pain):
    assert library.matcher.recognise(text).pains[:1] == (pain,), library.matcher.recognise(text).explain()


def test_everyday_phrasings_in_an_untagged_account_are_answered_by_a_block_on_their_pain(workspace, aspo):
    """Each phrasing, alone in an account with no tags, gets a priority slide from a block on the right pain.

    The account is Globex: an existing customer in decision stage, as in the report that found the gap.
    """
    library = load_library(workspace / "templates")
    account = workspace / "accounts" / "globex.yaml"
    text = account.read_text(encoding="utf-8")
    start, end = text.index("priorities:\n"), text.index("owns:")
    for number, (phrase, pain) in enumerate(EVERYDAY.items()):
        path = workspace / "accounts" / f"everyday-{number}.yaml"
        path.write_text(text[:start] + f"priorities:\n  - text: {phrase}\n\n" + text[end:], encoding="utf-8")
        result = aspo("build", path)
        assert result.status == 0 and "aspo: warning" not in result.err, (phrase, result.err)
        manifest = json.loads((workspace / "output" / path.stem / "manifest.json").read_text(encoding="utf-8"))
        section = next(s for s in manifest["sections"] if s["key"] == "priority-1")
        block = section["sources"][0]["id"]
        assert pain in library.blocks[block].meta.applies_to.pains, (phrase, block)


def test_a_priority_about_something_else_stays_a_gap(library):
    for text in ("Move all three plants onto a single ERP vendor by 2028 so purchasing runs in one place.",
                 "Open a new distribution centre in Phoenix next year",
                 # shares "distribution center" with an example, but none of the pain's own words
                 "Opening a new distribution center in Phoenix in Q3",
                 "Grow revenue in Asia by 15 percent"):
        recognition = library.matcher.recognise(text)
        assert recognition.pains == (), recognition.explain()
        assert recognition.explain().startswith(("closest ", "no word")), recognition.explain()


def test_a_priority_about_a_subject_the_library_marks_as_outside_stays_a_gap(library):
    recognition = library.matcher.recognise("Our website has too much downtime")
    assert recognition.pains == ()
    assert recognition.closest() == ("closest: unplanned-downtime, 0.25, below 0.55, about 'website', "
                                     "which the library marks as outside its subject")
    # the machine words still win when they are overwhelming
    recognition = library.matcher.recognise("The main server crashed and the packaging line stopped")
    assert recognition.pains[:1] == ("unplanned-downtime",), recognition.explain()


def test_words_that_say_a_topic_is_not_the_problem_count_for_little(library):
    recognition = library.matcher.recognise("Downtime is not a problem for us, but we run out of spare parts")
    assert recognition.pains[:1] == ("spare-parts-inventory",), recognition.explain()
    # "no paper records" is still about paper: a negation alone does not turn the topic around
    assert library.matcher.recognise("We want no paper records on the floor").pains[:1] == ("data-silos",)


def test_a_typo_and_another_form_of_a_word_still_match(library):
    recognition = library.matcher.recognise("Our motors fail without warning")
    assert recognition.pains[:1] == ("unplanned-downtime",)
    assert recognition.best.evidence[0].startswith("'fail' ~ '")  # the same stem as the library's 'failing'
    assert library.matcher.recognise("Predict the failure of a motor").pains[:1] == ("unplanned-downtime",)
    assert library.matcher.recognise("maintanance costs are thru the roof").pains[:1] == ("maintenance-cost",)


def test_recognition_is_deterministic(library):
    first = [library.matcher.recognise(text) for text in EVERYDAY]
    again = load_library(REPO / "templates").matcher
    assert first == [again.recognise(text) for text in EVERYDAY]


def test_build_warns_once_per_unanswered_priority_and_quiet_silences_it(workspace, aspo):
    line = line_of(workspace / "accounts" / "acme.yaml", "Move all three plants onto a single ERP")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0
    assert result.err.splitlines() == [
        f"aspo: warning: accounts/acme.yaml:{line}: priorities[3]: no approved content answers this yet "
        "(closest: visibility-across-sites, 0.76, only related words); tag it with pain: or tell marketing"]
    again = aspo("build", "accounts/acme.yaml")
    assert again.out.startswith("unchanged") and again.err == result.err
    quiet = aspo("build", "--force", "--quiet", "accounts/acme.yaml")
    assert (quiet.status, quiet.err) == (0, "")


def test_explain_shows_the_words_behind_each_pain_and_a_tag_the_words_contradict(workspace, aspo):
    edit(workspace / "accounts" / "acme.yaml", "    pain: technician-shortage\n", "    pain: energy-cost\n")
    lines = aspo("explain", "accounts/acme.yaml").out.splitlines()
    words = next(line for line in lines if line.startswith("     words: unplanned-downtime "))
    assert "from 'stop', 'breakdowns' ~ 'breakdown', 'lost', 'unplanned'" in words and "; runner-up " in words
    note = next(line for line in lines if line.startswith("     NOTE: "))
    assert re.fullmatch(r"     NOTE: the words point to technician-shortage \(0\.\d\d\) rather than the tagged "
                        r"energy-cost; check the tag", note)
    payload = json.loads(aspo("explain", "--format", "json", "accounts/acme.yaml").out)
    third = payload["priorities"][2]
    assert third["words"]["recognised"] == ["technician-shortage"]
    assert third["words_disagree"].startswith("the words point to technician-shortage")


def test_aspo_match_tries_phrasings_without_an_account(workspace, aspo):
    result = aspo("match", "Our machines break down too often", "Grow revenue in Asia by 15 percent")
    assert result.status == 0
    lines = result.out.splitlines()
    assert lines[0] == "\u201cOur machines break down too often\u201d"
    assert lines[1] == "  recognised: unplanned-downtime"
    gap = lines.index("\u201cGrow revenue in Asia by 15 percent\u201d")
    assert lines[gap + 1].startswith("  a content gap (")
    payload = json.loads(aspo("match", "--format", "json", "Everything is still on paper").out)
    assert payload[0]["recognised"] == ["data-silos"] and payload[0]["ranked"][0]["evidence"] == ["'paper'"]


def test_an_industry_the_library_lacks_builds_with_neutral_content_and_a_gap(workspace, aspo):
    edit(workspace / "accounts" / "acme.yaml", "industry: manufacturing", "industry: mining")
    line = line_of(workspace / "accounts" / "acme.yaml", "industry: mining")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0, result.err
    assert result.err.splitlines()[0] == (
        f"aspo: warning: accounts/acme.yaml:{line}: industry: 'mining' is not an industry the library lists yet; "
        "built with industry-neutral content (tell marketing)")
    draft = (workspace / "output" / "acme" / "acme-draft.md").read_text(encoding="utf-8")
    gaps = draft[draft.index("## Content gaps"):]
    assert "\u201cIndustry: mining\u201d: the library has no industry 'mining' yet" in gaps
    report = json.loads(aspo("report", "--format", "json").out)
    assert any(group["label"] == "industries the library does not list" for group in report["gaps"])
    check = aspo("check")
    assert f"accounts/acme.yaml:{line}:1: C703 industry: content gap: the library has no industry 'mining'" in check.out


def test_a_close_miss_of_a_known_industry_is_still_a_typo(workspace, aspo):
    edit(workspace / "accounts" / "acme.yaml", "industry: manufacturing", "industry: manufacturng")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert "unknown industry 'manufacturng'; did you mean 'manufacturing'? (valid: food-beverage, " in result.err


def test_an_unknown_persona_lists_the_valid_ones(workspace, aspo):
    edit(workspace / "accounts" / "acme.yaml", "persona: plant-it", "persona: cfo")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert result.err.rstrip("\n").endswith(
        "unknown persona 'cfo' (valid: facilities-director, finance, maintenance-manager, operations-leader, "
        "plant-it)")


def test_the_schema_built_from_a_library_lists_its_ids(aspo):
    schema = json.loads(aspo("schema", "account", "--library", REPO / "templates").out)
    persona = schema["$defs"]["Attendee"]["properties"]["persona"]
    assert persona["enum"] == ["facilities-director", "finance", "maintenance-manager", "operations-leader",
                               "plant-it"]
    assert schema["properties"]["industry"]["examples"][0] == "food-beverage"
    assert "enum" not in schema["properties"]["industry"]  # an industry the library lacks is not refused


#: Issue 24: the clause that names the problem outweighs the words that name the equipment or the site.
#: The first was answered with energy-cost before (its equipment words won); the others guard the same class.
PROBLEM_CLAUSE = {
    "The refrigeration compressors at the Wakefield DC - only Dave and Sunil know them properly and both retire "
    "next yr. Nothing written down.": "technician-shortage",
    "Two technicians near retirement are the only ones who know the old refrigeration compressors":
        "technician-shortage",
    "Our refrigeration units break down on the road, then a six-hour wait for a technician": "unplanned-downtime",
}


@pytest.mark.parametrize("text, pain", PROBLEM_CLAUSE.items())
def test_the_problem_clause_outweighs_context_words(library, text, pain):
    recognition = library.matcher.recognise(text)
    assert recognition.pains[:1] == (pain,), recognition.explain()


def test_late_pms_kept_in_a_spreadsheet_are_not_about_maintenance_cost(library):
    recognition = library.matcher.recognise("Half the PMs are late, the intervals live in one person's spreadsheet")
    assert "maintenance-cost" not in recognition.pains, recognition.explain()


def test_a_clause_without_a_problem_beside_one_with_it_counts_as_context(library):
    matcher = library.matcher
    context, problem = matcher._query("The refrigeration compressors at the DC - both technicians retire next year")[:2]
    assert context[0] == "refrigeration" and context[2] < 1.0
    assert all(share >= 1.0 for word, _, share in matcher._query("both technicians retire next year"))


def test_explain_never_shows_a_higher_runner_up_without_why_it_lost(library):
    """Over every labelled development phrasing: a runner-up above the chosen pain always says why it lost."""
    import yaml

    higher = 0
    for name in ("dev-e.yaml", "tuning.yaml", "heldout.yaml"):
        for item in yaml.safe_load((REPO / "tests" / "matching" / name).read_text(encoding="utf-8"))["phrasings"]:
            recognition = library.matcher.recognise(item["text"])
            shown = recognition.score_of(recognition.pains[0]) if recognition.pains else recognition.best
            others = [p for p in recognition.ranked if p is not shown]
            if others and others[0].score > shown.score:
                higher += 1
                assert ", not chosen: " in recognition.explain(), recognition.explain()
    assert higher >= 5  # the rule was exercised, not vacuously true


def test_a_runner_up_that_lost_says_why_and_context_words_that_outweigh_the_problem_leave_a_gap():
    from aspo.library.matching import PainScore, Recognition

    chosen = PainScore("technician-shortage", 3.0, ("'retire'",))
    related = PainScore("energy-cost", 4.0, ("'power'",), supported=False, problem=False, keyword=False)
    assert Recognition("t", (related, chosen)).explain() == (
        "technician-shortage 0.56 from 'retire'; runner-up energy-cost 0.62, not chosen: only related words, none "
        "stands alone")
    weak = PainScore("energy-cost", 3.2, ("'power'", "'gas'"), problem=False, keyword=False)
    assert Recognition("t", (weak, chosen)).explain().endswith(
        "runner-up energy-cost 0.57, not chosen: only weak signals, below the 0.60 they need")
    context = PainScore("energy-cost", 4.0, ("'refrigeration'",), supported=False, problem=False, context_only=True)
    outweighed = Recognition("t", (context, chosen))
    assert outweighed.pains == ()
    assert outweighed.explain() == ("closest energy-cost 0.62 from 'refrigeration', context words only, the problem "
                                    "is named elsewhere; runner-up technician-shortage 0.56")


def test_two_pains_that_nearly_tie_with_nothing_to_decide_between_them_stay_a_gap():
    from aspo.library.matching import PainScore, Recognition

    first, second = PainScore("energy-cost", 4.0, ("'chiller'",)), PainScore("unplanned-downtime", 3.9, ("'fails'",))
    tie = Recognition("t", (first, second))
    assert tie.pains == ()
    assert tie.explain() == ("closest energy-cost 0.62 from 'chiller', too close to call against the runner-up; "
                             "runner-up unplanned-downtime 0.62")
    # the problem clause decides a near tie
    context = PainScore("energy-cost", 4.0, ("'chiller'",), problem=False)
    assert Recognition("t", (context, second)).pains == ("unplanned-downtime", "energy-cost")
    # and a clear lead is no tie: both are named, the stronger first
    clear = PainScore("unplanned-downtime", 3.4, ("'fails'",))
    assert Recognition("t", (first, clear)).pains == ("energy-cost", "unplanned-downtime")


def test_precision_counts_only_priorities_given_a_pain_and_also_pains_are_right(library):
    from match_eval import score

    labelled = [
        {"text": "Our machines break down too often", "pain": "unplanned-downtime"},  # right
        {"text": "Everything is still on paper", "pain": "compliance-audits", "also": ["data-silos"]},  # right
        {"text": "Our energy bill went up 30 percent this year.", "pain": "maintenance-cost"},  # wrong
        {"text": "Grow revenue in Asia by 15 percent", "pain": "aging-assets"},  # a gap: no precision cost
        {"text": "Open a new distribution centre in Phoenix next year", "pain": "none"},  # kept as a gap
    ]
    figures = score(labelled, library.matcher)
    assert (figures.answered, figures.answered_right) == (3, 2) and figures.precision == pytest.approx(2 / 3)
    assert (figures.fitting, figures.fitting_right, figures.recall) == (4, 2, 0.5)
    assert (figures.unfitting, figures.kept, figures.specificity) == (1, 1, 1.0)
    assert len(figures.misses) == 2 and figures.misses[0].startswith("expected maintenance-cost: ")


def test_a_clause_pointing_back_makes_the_clause_before_it_the_problem():
    # "it is up 22%" is the cue, about the energy bill; "across our four hospitals" is only where
    recognition = load_library(REPO / "templates").matcher.recognise(
        "Bring the energy bill down; it is up 22% in two years across our four hospitals.")
    assert recognition.pains[:1] == ("energy-cost",), recognition.explain()


@pytest.mark.parametrize("text, pain", [
    ("Biggest issue this yr is price pressure on the finished product, margins down 8%.", None),
    ("Techs spend the first hour of every shift hunting down parts for their PMs.", "spare-parts-inventory"),
    ("Line 4 filler went down 6x last quarter, 4-8 hrs each time.", "unplanned-downtime"),
    ("Keep the packaging line from going down during the holiday peak.", "unplanned-downtime"),
])
def test_down_that_means_less_or_found_is_no_stop(library, text, pain):
    recognition = library.matcher.recognise(text)
    assert recognition.pains[:1] == ((pain,) if pain else ()), recognition.explain()


def test_a_word_the_stemmer_joins_to_a_library_word_but_is_another_word_counts_less(library):
    # the stemmer makes "mechanical" one with "mechanic" and "integrity" one with "integrate"
    def technicians(text):
        return library.matcher.recognise(text).score_of("technician-shortage").score

    assert technicians("inspections of the mechanical rooms") < 0.7 * technicians("inspections of the mechanics")
    recognition = library.matcher.recognise("Boiler certificates keep lapsing in the mechanical rooms and the "
                                            "state fined us twice.")
    assert recognition.pains[:1] == ("compliance-audits",), recognition.explain()
