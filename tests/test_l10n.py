"""In the reader's language: the German sample reads German in every file the customer gets, its priority in German
is recognised, the Japanese sample is set in a CJK font; translations go stale, become unusable and are stamped as
their sources change; `aspo report --l10n` and `aspo l10n diff` show where they stand."""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess

import docx
import pytest
from conftest import REPO, edit
from lxml import etree
from pptx import Presentation

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: English words no German sentence uses: one in a customer's German text is English left in it.
ENGLISH = {"the", "and", "of", "to", "your", "with", "for", "what", "our", "next", "step", "contact", "result",
           "change", "over", "before", "after", "from", "runs", "today", "means", "product", "challenge",
           "situation", "they", "did", "builds", "told", "us", "by", "stops", "per", "quarter", "continued"}
#: What stays as written in any language: the vendor's and products' names, people's names and addresses.
NAMES = re.compile(r"Meridian (Ops|Monitor|Predict|Flow)|\S+@\S+|https?://\S+")


def _english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]+", NAMES.sub(" ", text)) if word.lower() in ENGLISH}


def _deck_runs(path, notes: bool = False) -> list[tuple[str, str | None]]:
    """(text, lang) of every run with text on the slides (or in their notes), tables and charts included."""
    found = []
    for slide in Presentation(path).slides:
        parts = [slide.notes_slide.part] if notes and slide.has_notes_slide else [] if notes else [slide.part]
        if not notes:
            parts += [rel.target_part for rel in slide.part.rels.values() if rel.reltype.endswith("/chart")]
        for part in parts:
            tree = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
            for run in tree.iter(f"{A}r"):
                text = "".join(t.text or "" for t in run.iter(f"{A}t"))
                properties = run.find(f"{A}rPr")
                if text.strip():
                    found.append((text, properties.get("lang") if properties is not None else None))
    return found


def _document_runs(path) -> list[tuple[str, str | None]]:
    body = docx.Document(path).element.body
    found = []
    for run in body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        lang = run.find(f"{W}rPr/{W}lang")
        if text.strip():
            found.append((text, lang.get(f"{W}val") if lang is not None else None))
    return found


def test_the_german_sample_reads_german_in_every_run_of_its_deck_and_document(samples_built):
    out = samples_built / "output" / "bergquell"
    for runs, name in ((_deck_runs(out / "bergquell-deck.pptx"), "deck"),
                       (_document_runs(out / "bergquell-offering.docx"), "document")):
        assert runs, name
        untagged = [text for text, lang in runs if lang != "de-DE"]
        assert untagged == [], f"{name}: runs not tagged de-DE"
        english = {text: words for text, _ in runs if (words := _english_words(text))}
        assert english == {}, f"{name}: English left in the customer's text"
    # the template's own words on every page: its footer names the vendor in no language
    footers = " ".join(p.text for section in docx.Document(out / "bergquell-offering.docx").sections
                       for p in section.footer.paragraphs)
    assert "Meridian Ops" in footers and _english_words(footers) == set()
    # the rep reads German too: the presenter deck's notes are German and tagged so
    notes = _deck_runs(out / "bergquell-deck-presenter.pptx", notes=True)
    assert notes and {lang for _, lang in notes} == {"de-DE"}
    assert any("Zum Abschluss" in text for text, _ in notes)


def test_the_german_samples_email_is_german_and_says_so(samples_built):
    raw = (samples_built / "output" / "bergquell" / "bergquell-follow-up.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    assert message["Content-Language"] == "de-DE"
    text = message.get_body(("plain",)).get_content()
    assert "Wie am 10. Februar 2027 vereinbart" in text
    assert "\u201eDie ungeplanten Stillst\u00e4nde" in text  # German quotation marks around their words
    assert _english_words(text) == set()


def test_a_german_priority_without_a_pain_is_recognised_from_the_german_vocabulary(
        aspo, translated_workspace, workspace):
    run = aspo("explain", "accounts/bergquell.yaml", "--format", "json")
    assert run.status == 0, run.err
    first = json.loads(run.out)["priorities"][0]
    assert first["text"].startswith("Die ungeplanten Stillst\u00e4nde")
    assert first["pains"] == ["unplanned-downtime"] and "stillst\u00e4nde" in first["pain_reasons"][0]


def test_the_draft_names_the_languages_and_marks_english_shown_for_a_missing_translation(
        aspo, translated_workspace, workspace):
    draft = workspace / "output" / "bergquell" / "bergquell-draft.md"
    assert aspo("build", "accounts/bergquell.yaml").status == 0
    assert "Sprachen: Deutsch (de-DE) für den Kunden; Deutsch (de-DE) für die Sprechernotizen" in draft.read_text()
    assert "`[block:next-steps-pilot]`" not in draft.read_text().split("## 1.")[0]
    (workspace / "templates/blocks/next-steps-pilot.de.md").unlink()
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 0, run.err
    head = draft.read_text().split("## 1.")[0]
    assert "- `[block:next-steps-pilot]` (missing)" in head
    assert re.search(r"Englisch.*Deutsch", head)  # shown in English, wanted in German, said in the rep's German
    deck = Presentation(workspace / "output" / "bergquell" / "bergquell-deck-presenter.pptx")
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide)
    assert "Englisch" in notes  # the rep learns it while presenting, too


def test_editing_a_sources_wording_leaves_its_translation_usable_but_stale(
        aspo, translated_workspace, workspace):
    edit(workspace / "templates/blocks/priority-energy-cost.md", "asset by asset", "one asset at a time")
    run = aspo("check", "--today", "2026-12-06", "--select", "C003")
    assert "priority-energy-cost.de.md" in run.out and "C003" in run.out
    assert aspo("build", "accounts/bergquell.yaml").status == 0


def test_a_claim_changed_in_the_source_stops_the_build_until_the_translation_is_corrected_and_stamped(
        aspo, translated_workspace, workspace):
    source = workspace / "templates/blocks/priority-energy-cost.md"
    variant = workspace / "templates/blocks/priority-energy-cost.de.md"
    call = "- {{ capability('energy-metering') }}\n"
    edit(source, call, call + "- {{ capability('condition-alerts') }}\n")
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 2 and "claims changed since it was stamped" in run.err
    stamp = aspo("l10n", "stamp", str(variant.relative_to(workspace)))
    assert stamp.status == 0, stamp.err
    run = aspo("build", "accounts/bergquell.yaml")  # stamped, but still not calling what its source calls
    assert run.status == 2 and "other figures or calls other catalog entries" in run.err
    edit(variant, call, call + "- {{ capability('condition-alerts') }}\n")
    assert "edited since it was stamped" in aspo("build", "accounts/bergquell.yaml").err  # reviewed, then stamped
    assert aspo("l10n", "stamp", str(variant.relative_to(workspace))).status == 0
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 0, run.err
    assert "Zustandsalarme" in (workspace / "output/bergquell/bergquell-draft.md").read_text()


def test_report_l10n_lists_every_block_and_scenario_by_language(
        aspo, translated_workspace, workspace):
    run = aspo("report", "--l10n")
    assert run.status == 0, run.err
    assert "| content | en | de | ja |" in run.out
    assert "| `block:priority-energy-cost` | source | approved (1) | missing |" in run.out
    assert "| `block:insight-unplanned-downtime` | source | missing | approved (1) |" in run.out
    assert "| `scenario:dairy-audit-records` | source | approved (1) | missing |" in run.out
    rows = json.loads(aspo("report", "--l10n", "--format", "json").out)["rows"]
    assert {"content": "l10n:catalog.yaml", "en": "source", "de": "approved", "ja": "approved"} in rows


def test_l10n_diff_shows_what_the_source_changed_since_the_stamp(
        aspo, translated_workspace, workspace):
    def git(*args):
        subprocess.run(["git", *args], cwd=workspace, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "start")
    git("add", "templates")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "library")
    edit(workspace / "templates/blocks/priority-energy-cost.md", "asset by asset", "one asset at a time")
    run = aspo("l10n", "diff", "templates/blocks/priority-energy-cost.de.md")
    assert run.status == 0, run.err
    assert "-title: See where the energy goes, asset by asset" in run.out
    assert "+title: See where the energy goes, one asset at a time" in run.out


def test_the_japanese_sample_is_tagged_japanese_and_set_in_the_outlines_cjk_font(samples_built):
    out = samples_built / "output" / "tanaka-seiki"
    runs = _deck_runs(out / "tanaka-seiki-deck.pptx")
    assert {lang for _, lang in runs} == {"ja-JP"}
    assert any("\u7530\u4e2d\u7cbe\u6a5f" in text for text, _ in runs)  # the company's name, in kanji
    slide = Presentation(out / "tanaka-seiki-deck.pptx").slides[2]._element
    assert {ea.get("typeface") for ea in slide.iter(f"{A}ea")} == {"Noto Sans CJK JP"}
    # the rep reads English: the notes are English, and tagged so
    notes = _deck_runs(out / "tanaka-seiki-deck-presenter.pptx", notes=True)
    assert {lang for _, lang in notes} == {"en-US"} or {lang for _, lang in notes} == {"en"}


@pytest.mark.parametrize("language, expected", [("de", "Ihr Kontakt"), ("fr", "Votre contact"),
                                                 ("es", "Su contacto"), ("ja", "担当")])
def test_aspo_ships_its_labels_in_five_languages(language, expected):
    from aspo.library.labels import built_in

    english = built_in("en")
    labels = built_in(language)
    assert list(labels) == list(english)
    assert expected in labels["contact"]


def test_a_figure_written_another_way_is_the_same_figure():
    from aspo.library.translations import figures

    assert figures("37 % and 1.250 units") == figures("37% and 1,250 units")
    assert figures("-9 %") == figures("-9%") != figures("-19 %")
    assert figures("410 000 EUR") == figures("410,000 EUR")
    assert figures("2,5 Tage") == figures("2.5 days")


def test_the_samples_layouts_check_clean_in_every_language(aspo):
    run = aspo("check", "--today", "2026-12-06", "--select", "C0", "--templates", str(REPO / "templates"),
               "--accounts", str(REPO / "accounts"))
    assert run.status == 0, run.out
    assert "0 errors, 0 warnings" in run.out


def test_a_broken_translation_stops_the_accounts_that_read_it_and_check_but_no_english_build(
        aspo, translated_workspace, workspace):
    variant = workspace / "templates/blocks/next-steps-pilot.de.md"
    edit(variant, "status: approved\n", "status: approved\napplies_to: {stages: [decision]}\n")
    run = aspo("build", "accounts/acme.yaml", "accounts/bergquell.yaml")
    assert run.status == 2
    assert "applies_to is set in the source only (next-steps-pilot.md)" in run.err
    assert "built      output/acme/" in run.out and "1 failed (accounts/bergquell.yaml)" in run.out
    assert "E105 applies_to: applies_to is set in the source only" in aspo("check", "--today", "2026-12-06").out


def test_a_japanese_email_counts_two_characters_a_word_and_shortens_quotes_a_character_at_a_time(samples_built):
    from aspo.compose.follow_up import first_sentence

    draft = (samples_built / "output/tanaka-seiki/tanaka-seiki-draft.md").read_text(encoding="utf-8")
    counted = re.search(r"_(\d+) words; at most (\d+)_", draft)
    assert int(counted.group(1)) <= int(counted.group(2)) == 150
    quotes = re.findall(r"^- \[rep\] \u300c(.+?)\u300d: ", draft, re.M)
    assert quotes and all(quote.endswith("\u2026") for quote in quotes)  # 「マシニングセンタの主軸が前触…」
    assert first_sentence("\u4e3b\u8ef8\u304c\u6b62\u307e\u3063\u305f\u3002\u6b21\u3082\u3002") == (
        "\u4e3b\u8ef8\u304c\u6b62\u307e\u3063\u305f\u3002")


def test_a_roadmap_capability_named_in_a_translation_is_caught_as_in_the_source(aspo, translated_workspace,
                                                                                workspace):
    variant = workspace / "templates/blocks/priority-technician-shortage.de.md"
    edit(variant, "\n## Notes", "\n- Einsatzplanung nach Qualifikation: jeder Auftrag an die passende Fachkraft\n"
         "\n## Notes")
    run = aspo("check", "--today", "2026-12-06", "--select", "C302")
    assert run.status == 1
    assert ("priority-technician-shortage.de.md" in run.out
            and "names roadmap capability 'Einsatzplanung nach Qualifikation' (planned H1 2028)" in run.out)


def test_a_heading_in_a_translated_body_is_refused_so_notes_never_reach_the_slide(aspo, translated_workspace,
                                                                                  workspace):
    edit(workspace / "templates/blocks/priority-energy-cost.de.md", "## Notes", "## Notizen")
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 2
    assert "'## Notizen': a block's speaker notes start at a line '## Notes', in every language" in run.err


def test_a_translation_edited_after_its_stamp_is_not_what_was_approved(aspo, translated_workspace, workspace):
    edit(workspace / "templates/blocks/priority-energy-cost.de.md", "Anlage für Anlage", "Anlage um Anlage")
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 2 and "edited since it was stamped (priority-energy-cost.de.md)" in run.err
    assert "C004 reviewed: edited since it was stamped" in aspo("check", "--today", "2026-12-06").out
    stamp = aspo("l10n", "stamp", "--approved-by", "@dana", "templates/blocks/priority-energy-cost.de.md")
    assert stamp.status == 0 and "stamped (was edited since its stamp)" in stamp.out
    text = (workspace / "templates/blocks/priority-energy-cost.de.md").read_text(encoding="utf-8")
    assert 'approved_by: "@dana"' in text  # quoted: YAML reads it back as written
    assert aspo("build", "accounts/bergquell.yaml").status == 0


def test_stamping_keeps_a_comment_after_a_hash_and_writes_nothing_when_one_file_cannot_be_stamped(
        aspo, translated_workspace, workspace):
    variant = workspace / "templates/blocks/next-steps-pilot.de.md"
    text = variant.read_text(encoding="utf-8")
    claims = re.search(r"^claims: (\w+)$", text, re.M).group(0)
    variant.write_text(text.replace(claims, claims + "  # what the source claimed"), encoding="utf-8")
    before = variant.read_text(encoding="utf-8")
    orphan = workspace / "templates/blocks/no-such-block.de.md"
    orphan.write_text(text, encoding="utf-8")
    run = aspo("l10n", "stamp", "--approved-by", "Kim", str(variant.relative_to(workspace)),
               str(orphan.relative_to(workspace)))
    assert run.status == 2 and "no-such-block" in run.err
    assert variant.read_text(encoding="utf-8") == before  # nothing written
    assert aspo("l10n", "stamp", "--approved-by", "Kim", str(variant.relative_to(workspace))).status == 0
    assert claims + "  # what the source claimed" in variant.read_text(encoding="utf-8")


def test_a_labels_override_that_is_no_label_is_one_line_not_a_crash(aspo, translated_workspace, workspace):
    (workspace / "templates/l10n/de/labels.yaml").write_text(
        'labels:\n  next_step: "N\u00e4chster Schritt: {action"\n  contact: "{who} {}"\n', encoding="utf-8")
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 2 and "Traceback" not in run.err and "internal error" not in run.err
    assert run.err.count("is no label") == 2


def test_a_region_babel_does_not_know_or_an_underscore_locale_is_read_as_meant(aspo, translated_workspace, workspace):
    account = workspace / "accounts/bergquell.yaml"
    edit(account, "language: de  #", "language: de-GER  #")
    run = aspo("build", "accounts/bergquell.yaml")
    assert run.status == 2 and "internal error" not in run.err and "language:" in run.err
    edit(account, "language: de-GER  #", "# language: de  #")
    edit(account, "locale: de-DE", "locale: de_DE")
    assert aspo("build", "accounts/bergquell.yaml").status == 0
    draft = (workspace / "output/bergquell/bergquell-draft.md").read_text(encoding="utf-8")
    assert draft.startswith("# Entwurf zur Pr\u00fcfung: Bergquell")  # German: de_DE is de-DE


def test_the_rep_reads_the_roadmap_note_and_the_segment_in_their_own_language(aspo, translated_workspace, workspace):
    account = workspace / "accounts/acme.yaml"
    edit(account, "stage: consideration\n", "stage: consideration\nlanguage: ja\n")
    assert aspo("build", "accounts/acme.yaml").status == 0
    draft = (workspace / "output/acme/acme-draft.md").read_text(encoding="utf-8")
    assert "ROADMAP, NOT AVAILABLE TODAY" in draft and "Segment: Manufacturing" in draft
    # the blocks no one translated to Japanese are said to be shown in English, before anything else
    assert "Shown in English, with no approved Japanese translation yet:" in draft.split("## 1.")[0]


def test_figures_keep_their_sign_and_a_year_is_no_thousands_group():
    from aspo.library.translations import figures

    assert figures("+9 %") != figures("-9%")
    assert figures("0.125 mm") != figures("125 mm")
    assert figures("In 2026 300 technicians") == figures("2026 gehen 300 Techniker")
    assert figures("410\u2019000 CHF") == figures("410,000 CHF")


def test_a_right_to_left_emails_html_is_set_right_to_left():
    from dataclasses import replace

    from aspo.compose.composer import compose
    from aspo.library.content import load_library
    from aspo.plan.plan import plan_account
    from aspo.render.mail import render_mail

    document = compose(plan_account(REPO / "accounts/acme.yaml", load_library(REPO / "templates")))
    for right_to_left, expected in ((False, '<html lang="en-US">'), (True, '<html lang="en-US" dir="rtl">')):
        message = email.message_from_bytes(render_mail(replace(document, right_to_left=right_to_left), {}),
                                           policy=email.policy.strict)
        assert expected in message.get_body(("html",)).get_content()


def test_match_reads_priorities_in_a_language_the_library_maintains_and_names_the_ones_it_does_not(aspo):
    run = aspo("match", "--templates", str(REPO / "templates"), "--language", "de",
               "Unsere Ersatzteile fehlen immer, wenn wir sie brauchen.")
    assert run.status == 0 and "recognised: spare-parts-inventory" in run.out
    run = aspo("match", "--templates", str(REPO / "templates"), "--language", "it", "Fermi non pianificati")
    assert (run.status, run.out) == (2, "")
    assert run.err == ("aspo: error: --language: 'it' is not a language the library maintains: catalog.yaml "
                       "languages: has en, de, ja\n")
