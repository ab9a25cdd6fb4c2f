"""The follow-up e-mail: a draft mail programs open, short, the next step first, from the rep to the attendees, with
nothing only the rep reads; the same bytes from the same inputs; shown by textconv, diff and the review page."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ALL_SAMPLES, REPO, edit, line_of
from rep_only import fold, leaks, rep_only_texts

from aspo.core.formatting import format_date

MAX_WORDS = yaml.safe_load((REPO / "templates/outline.yaml").read_text(encoding="utf-8"))["email"]["max_words"]


def _message(path: Path) -> email.message.EmailMessage:
    # strict: a defect a lenient reader would pass over (a bad header, a missing boundary) raises; read as UTF-8 text,
    # as RFC 6532 headers are (Python reads bytes' headers as ASCII)
    return email.message_from_string(path.read_bytes().decode("utf-8"), policy=email.policy.strict)


def _account(slug: str) -> dict:
    return yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text(encoding="utf-8"))


def _languages(account: dict) -> tuple[dict, dict, str]:
    """aspo's labels as the customer and as the rep read them, and the customer's locale."""
    from aspo.library.labels import built_in

    language = account.get("language") or "en"
    return (built_in(language), built_in(account["rep"].get("language") or "en"),
            account.get("locale") or account.get("language") or "en-US")


def _body(message) -> str:
    # the message's lines end in CRLF, as RFC 5322 writes them, and so does the content Python decodes
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_each_samples_email_is_a_draft_from_the_rep_to_the_attendees_with_a_text_and_an_html_body(samples_built, slug):
    message = _message(samples_built / "output" / slug / f"{slug}-follow-up.eml")
    account = _account(slug)
    assert message["X-Unsent"] == "1" and message.get_content_type() == "multipart/alternative"
    assert message["From"].addresses[0].addr_spec == account["rep"]["email"]
    assert message["From"].addresses[0].display_name == account["rep"]["name"]
    assert [a.addr_spec for a in message["To"].addresses] == [a["email"] for a in account["meeting"]["attendees"]]
    step = account["next_step"]
    locale = _languages(account)[2]
    assert message["Subject"].startswith(account["name"]) and step["action"] in message["Subject"]
    assert format_date(step["by"], locale) in message["Subject"]
    text, page = _body(message), message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    # the HTML says what the text says, paragraph by paragraph
    shown = re.sub(r"<[^>]+>", " ", page.split("<body>")[1]).replace("&#x27;", "'")
    assert fold(shown) == fold(text.replace("\n- ", "\n"))
    assert message["Date"] and message["Message-ID"].endswith("@meridianops.example>")
    assert list(message.iter_attachments()) == []  # no PDFs without --pdf


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_the_first_sentence_carries_the_next_step_and_its_date_and_the_body_keeps_to_its_word_limit(samples_built,
                                                                                                     slug):
    text = _body(_message(samples_built / "output" / slug / f"{slug}-follow-up.eml"))
    account = _account(slug)
    say, tell, locale = _languages(account)
    step = account["next_step"]
    ends = [text.index(step["action"]) + len(step["action"]), text.index(format_date(step["by"], locale))]
    dates = (format_date(account["meeting"]["date"], locale), format_date(step["by"], locale))
    opening = re.sub("|".join(map(re.escape, dates)), "DATE", text[:max(ends)])  # "10. Februar" ends no sentence
    assert not re.search(r"[.!?]\s|\u3002", opening), "a sentence ends before the next step and its date"
    assert len([word for word in text.split() if any(c.isalnum() for c in word)]) <= MAX_WORDS
    # one line per priority the deck answered, in their words (in their language's quotation marks), with its answer
    draft = (samples_built / "output" / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
    opening = say["quoted"].split("{text}")[0]
    answered = [line for line in text.splitlines() if line.startswith("- " + opening)]
    section = draft.split("## " + tell["draft_mail"])[1].split("\n## ")[0]
    assert answered and len(answered) == section.count("- [rep] " + opening)


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_nothing_only_the_rep_reads_is_anywhere_in_the_email(samples_built, slug):
    folder = samples_built / "output" / slug
    draft = (folder / f"{slug}-draft.md").read_text(encoding="utf-8")
    rep_only = rep_only_texts(REPO / "accounts" / f"{slug}.yaml", draft)
    tell = _languages(_account(slug))[1]
    mail_notes = [fold(line[2:]) for line in draft.split(tell["draft_mail_notes"])[1].splitlines()
                  if line.startswith("> ")]
    assert mail_notes
    rep_only["the e-mail's notes"] = mail_notes
    message = _message(folder / f"{slug}-follow-up.eml")
    parts = {"raw": fold((folder / f"{slug}-follow-up.eml").read_bytes().decode("ascii")),
             "headers": fold(" ".join(f"{k}: {v}" for k, v in message.items())),
             "text": fold(_body(message)), "html": fold(message.get_body(("html",)).get_content())}
    assert leaks(parts, rep_only) == []


def test_the_consideration_email_quotes_the_story_and_one_result_with_its_figure(samples_built):
    text = _body(_message(samples_built / "output/acme/acme-follow-up.eml"))
    assert "- \u201cStop the breakdowns on the corrugator lines.\u201d: Hear about a failing asset" in text
    assert "A four-plant plastics and film manufacturer in the Southeast: " in text and "2 days" in text
    assert text.rstrip().endswith("Jordan Ellis\nAccount Executive, Meridian Ops\n"
                                  "jordan.ellis@meridianops.example \u00b7 +1 614 555 0142")


def test_awareness_which_sells_nothing_gives_no_customer_result(samples_built):
    text = _body(_message(samples_built / "output/northwind-health/northwind-health-follow-up.eml"))
    assert "Meridian" not in text.split("Sam Patel")[0]  # no product, no customer story before the signature


@pytest.mark.parametrize("slug", ALL_SAMPLES)
def test_the_committed_sample_email_is_what_a_build_makes(samples_built, slug):
    name = f"{slug}/{slug}-follow-up.eml"
    assert (samples_built / "output" / name).read_bytes() == (REPO / "output" / name).read_bytes(), (
        f"output/{name} differs from a build of the samples; run `aspo build accounts/` and review the change")


def test_the_same_inputs_give_the_same_bytes_and_source_date_epoch_dates_it(workspace, aspo, monkeypatch):
    eml = workspace / "output/acme/acme-follow-up.eml"
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    first = eml.read_bytes()
    assert aspo("build", "-q", "--force", "accounts/acme.yaml").status == 0
    assert eml.read_bytes() == first
    assert b"\r\nDate: Thu, 14 Jan 2027 00:00:00 +0000\r\n" in first  # the meeting's day
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert aspo("build", "-q", "--force", "accounts/acme.yaml").status == 0
    assert b"\r\nDate: Fri, 15 Jan 2027 08:00:00 +0000\r\n" in eml.read_bytes()


def test_an_attendee_without_an_address_is_left_for_the_rep_and_check_says_so(workspace, aspo):
    account = workspace / "accounts/acme.yaml"
    edit(account, "      email: luis.ferreira@acmepackaging.example\n", "")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    message = _message(workspace / "output/acme/acme-follow-up.eml")
    assert [a.display_name for a in message["To"].addresses] == ["Rachel Okafor", "Tom Brandt"]
    run = aspo("check", "--select", "C9", "accounts/acme.yaml")
    assert run.out.splitlines()[0] == (
        f"accounts/acme.yaml:{line_of(account, 'name: Luis Ferreira')}:7: C903 meeting.attendees[2].name: Luis "
        "Ferreira has no email: the follow-up e-mail's To leaves them out, for you to add (or give their email: here)")


def test_check_warns_of_an_email_over_its_limit_and_a_first_sentence_without_the_next_step(workspace, aspo):
    outline = workspace / "templates/outline.yaml"
    edit(outline, "max_words: 150", "max_words: 60")
    block = workspace / "templates/blocks/follow-up-consideration.md"
    edit(block, "our next step{% if next_step.by %} by {{ next_step.by }}{% endif %}: {{ next_step.action }}.",
         "we met.")
    run = aspo("check", "--select", "C9", "accounts/acme.yaml")
    account = workspace / "accounts/acme.yaml"
    assert run.status == 0 and run.out.splitlines()[:2] == [
        f"accounts/acme.yaml:{line_of(account, 'priorities:')}:1: C901 priorities: the follow-up e-mail to Acme "
        "Packaging has 103 words with its quotes shortened, 43 over outline.yaml's email.max_words of 60; shorten "
        "the opening or closing of follow-up-consideration.md, or raise the limit",
        f"templates/blocks/follow-up-consideration.md:{line_of(block, 'As agreed')}:1: C902 body: the first sentence "
        "of the follow-up e-mail to Acme Packaging leaves out the next step and its date: \u201cAs agreed on January "
        "14, 2027, we met.\u201d; open with {{ next_step.action }} and {{ next_step.by }}"]


def test_a_follow_up_block_with_a_list_is_one_line_at_the_list(workspace, aspo):
    block = workspace / "templates/blocks/follow-up-decision.md"
    edit(block, "\nIf anything in the terms", "\n- a list item\n\nIf anything in the terms")
    run = aspo("build", "accounts/globex.yaml")
    assert run.status == 2
    assert run.err.splitlines()[0] == (
        f"aspo: error: templates/blocks/follow-up-decision.md:{line_of(block, '- a list item')}: body: a follow-up "
        "block's body is the e-mail's opening paragraph, then its closing paragraph, without lists: the e-mail lists "
        "the priorities it answers itself, between the two")


def test_a_library_without_follow_up_blocks_opens_with_the_decks_next_step_line(workspace, aspo):
    for stage in ("awareness", "consideration", "decision"):
        (workspace / f"templates/blocks/follow-up-{stage}.md").unlink()
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    text = _body(_message(workspace / "output/acme/acme-follow-up.eml"))
    assert text.startswith("Next step: Scope a 90-day Meridian Monitor pilot on corrugator line 2 at Dayton, "
                           "covering its 30 most critical assets (Tom Brandt, by January 29, 2027)\n")
    run = aspo("check", "--select", "C904")
    assert run.out.count("C904") == 4  # three stages, and the count by rule
    assert "no follow-up block applies to stage awareness" in run.out


def test_textconv_and_diff_show_the_email_and_a_changed_block_shows_on_the_review_of_a_revision(workspace, aspo):
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    shown = aspo("textconv", "output/acme/acme-follow-up.eml").out
    assert shown.startswith("## Message\nFrom: Jordan Ellis <jordan.ellis@meridianops.example>\nTo: Rachel Okafor")
    assert "\n## Text\nAs agreed on January 14, 2027, our next step by January 29, 2027: Scope a 90-day" in shown
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=workspace, check=True)
    subprocess.run([*git, "add", "templates", "accounts"], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-qm", "library"], cwd=workspace, check=True)
    edit(workspace / "templates/blocks/follow-up-consideration.md", "Reply with what you would change",
         "Reply with the assets you would start with")
    run = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert run.status == 1
    assert "-Reply with what you would change, and I will send a plan to review before then." in run.out
    assert "+Reply with the assets you would start with, and I will send a plan to review before then." in run.out
    assert "acme-follow-up.eml" in run.out and "follow-up-consideration" in run.out
    # the review page: no slide or page changed, so nothing is drawn, but the tools are looked for first
    from test_review_page import need_tools

    need_tools()
    assert aspo("diff", "--rev", "HEAD", "--html", "review", "accounts/acme.yaml").status == 1
    page = (workspace / "review/index.html").read_text(encoding="utf-8")
    assert "<li>block changed: follow-up-consideration</li>" in page
    email_diff = page.split("<details open>\n    <summary>Follow-up e-mail: text diff</summary>")[1].split("</pre>")[0]
    assert "\n+Reply with the assets you would start with, and I will send a plan" in email_diff


def test_a_full_stop_inside_a_name_or_the_next_step_ends_no_sentence():
    from aspo.compose.follow_up import carries_next_step, first_sentence

    opening = "Dr. Alicia Romero agreed: run a survey, e.g. on two wards, by February 11, 2027. Thanks again."
    sentence = first_sentence(opening, ("Dr. Alicia Romero", "run a survey, e.g. on two wards"))
    assert sentence == "Dr. Alicia Romero agreed: run a survey, e.g. on two wards, by February 11, 2027."
    assert carries_next_step(sentence, "Run a survey, e.g. on two wards.", "February 11, 2027") == []
    assert first_sentence("Ms. Romero said: last year cost us approx. EUR 400k. Then more.") == (
        "Ms. Romero said: last year cost us approx. EUR 400k.")  # common abbreviations end none
    # a sentence ends before a capital: an abbreviation before a number or a small letter ends none
    assert first_sentence("The outage cost us approx. 40k, e.g. in fines. Then more.") == (
        "The outage cost us approx. 40k, e.g. in fines.")
    assert carries_next_step("Thanks again.", "Run a survey", "February 11, 2027") == ["the next step", "its date"]


def test_quotes_are_shortened_word_by_word_longest_first_until_the_email_fits():
    from aspo.compose.document import Answer, FollowUp, Mailbox, Paragraph, Source
    from aspo.compose.follow_up import MIN_QUOTE_WORDS, fitted

    source = Source("block", "b")
    quote = "Spend on carriers + RTGs up ~22% YoY - mostly OEM callouts + outside contractors on weekends"
    mail = FollowUp(subject="s", sender=Mailbox("R", "r@x.example"), recipients=(),
                    opening=Paragraph("Our next step by May 3: one thing."),
                    answers=(Answer(1, quote, "An answer", source), Answer(2, "Short and whole.", "Another", source)),
                    result=None, closing=None, signature=("R",), sources=(), max_words=20)
    assert mail.word_count == 29  # the "+", "-" and list dashes are no words
    shortened = fitted(mail)
    assert shortened.word_count == 20
    assert shortened.answers[0].priority == "Spend on carriers + RTGs up\u2026"  # six words of which five count
    assert shortened.answers[1].priority == "Short and whole."  # the longest loses words first
    assert fitted(FollowUp(**{**mail.__dict__, "max_words": 5})).answers[0].priority.count(" ") + 1 \
        >= MIN_QUOTE_WORDS  # never below MIN_QUOTE_WORDS: the rest is C901's


@pytest.mark.parametrize("folder", ["accounts-f", "accounts-g"])
def test_blind_accounts_get_a_short_email_whose_first_sentence_carries_the_next_step(folder):
    """Accounts no one here tuned to (tests/matching/accounts-g/README.md): every e-mail keeps to the sample's
    limit, and its first sentence carries the step and its date."""
    from aspo.compose.composer import compose
    from aspo.compose.follow_up import carries_next_step, first_sentence
    from aspo.library.content import load_library
    from aspo.plan.plan import plan_account

    library = load_library(REPO / "templates", layouts=False)
    accounts = sorted(path for path in (REPO / "tests/matching" / folder).glob("*.yaml") if path.name != "labels.yaml")
    assert len(accounts) >= 4
    for path in accounts:
        plan = plan_account(path, library)
        mail, step = compose(plan).follow_up, plan.account.data.next_step
        by = format_date(step.by, plan.account.locale(library)) if step.by else ""
        assert mail.word_count <= MAX_WORDS, path.name
        assert carries_next_step(first_sentence(mail.opening.text, (step.action, by)), step.action, by) == [], path


def test_dates_are_written_as_the_accounts_locale_writes_them(workspace, aspo):
    edit(workspace / "accounts/acme.yaml", "stage: consideration\n", "stage: consideration\nlocale: en-GB\n")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    message = _message(workspace / "output/acme/acme-follow-up.eml")
    assert _body(message).startswith("As agreed on 14 January 2027, our next step by 29 January 2027: Scope a ")
    assert message["Subject"].endswith("\u2014 by 29 January 2027") and message["Content-Language"] == "en-GB"
    assert aspo("check", "--select", "C902", "accounts/acme.yaml").out == "0 errors, 0 warnings\n"


def test_addresses_and_a_subject_beyond_ascii_are_written_as_mail_programs_read_them(workspace, aspo):
    account = workspace / "accounts/acme.yaml"
    edit(account, "name: Acme Packaging", "name: Acme Verpackungen München GmbH")
    edit(account, "jordan.ellis@meridianops.example", "jordan.ellis@meridian-ö.example")
    edit(account, "tom.brandt@acmepackaging.example", "jürgen.müller@acme-müller.example")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    raw = (workspace / "output/acme/acme-follow-up.eml").read_bytes()
    message = _message(workspace / "output/acme/acme-follow-up.eml")
    assert message["From"].addresses[0].domain == "xn--meridian--87a.example"  # IDNA: what DNS resolves
    # a local part beyond ASCII cannot be an encoded word: the headers are UTF-8 (RFC 6532)
    assert message["To"].addresses[1].addr_spec == "jürgen.müller@xn--acme-mller-feb.example"
    assert message["Subject"].startswith("Acme Verpackungen München GmbH: Scope a 90-day")
    assert "  " not in message["Subject"]
    assert "To: Rachel Okafor <rachel.okafor@acmepackaging.example>, Tom Brandt <jürgen.müller@" in aspo(
        "textconv", "output/acme/acme-follow-up.eml").out
    header = raw.split(b"\r\n\r\n")[0].decode("utf-8")
    assert all(len(word) <= 75 for word in re.findall(r"=\?[^?]+\?[qQbB]\?[^?]*\?=", header))  # RFC 2047's limit


def test_a_german_account_s_dates_and_a_named_person_end_no_first_sentence(workspace, aspo):
    account = workspace / "accounts/acme.yaml"
    edit(account, "stage: consideration\n", "stage: consideration\nlocale: de-DE\nlanguage: en\n")
    edit(account, "owner: Tom Brandt", "owner: Dr. Tom Brandt")
    edit(account, "- text: Stop the breakdowns on the corrugator lines.",
         "- text: Stop the breakdowns at our St. Louis plant, e.g. the BHS line.")
    edit(account, "covering its 30 most critical assets\n", "covering its 30 most critical assets.\n")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    text = _body(_message(workspace / "output/acme/acme-follow-up.eml"))
    assert text.startswith("As agreed on 14. Januar 2027, our next step by 29. Januar 2027: Scope a 90-day")
    assert "critical assets.\n" in text and ".." not in text  # the action's own full stop is not doubled
    assert "- \u201cStop the breakdowns at our St. Louis plant, e.g. the BHS line.\u201d: " in text
    assert aspo("check", "--select", "C902", "accounts/acme.yaml").out == "0 errors, 0 warnings\n"


def test_a_tag_alone_on_a_line_ends_a_paragraph_unless_it_strips_its_line_end(workspace, aspo):
    block = workspace / "templates/blocks/follow-up-consideration.md"
    edit(block, "{{ next_step.action }}.\n", "{{ next_step.action }}.\n{% if next_step.owner %}\n"
         "{{ next_step.owner }} leads it on your side.\n{% endif %}\n")
    run = aspo("build", "-q", "accounts/acme.yaml")
    assert run.status == 2 and "this is a third of 3" in run.err and "write {%- ... %}" in run.err
    edit(block, "{% if next_step.owner %}\n", "{%- if next_step.owner %}\n")
    edit(block, "{% endif %}\n", "{%- endif %}\n")
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    text = _body(_message(workspace / "output/acme/acme-follow-up.eml"))
    assert "30 most critical assets. Tom Brandt leads it on your side.\n\n- " in text


def test_a_body_that_renders_more_paragraphs_than_it_shows_is_one_line_at_the_body(workspace, aspo):
    block = workspace / "templates/blocks/follow-up-consideration.md"
    edit(block, "{{ next_step.action }}.\n", "{{ next_step.action }}.{{ '\\n\\nA paragraph from a string.' }}\n")
    run = aspo("build", "-q", "accounts/acme.yaml")
    assert run.status == 2
    assert run.err.splitlines()[0] == (
        f"aspo: error: templates/blocks/follow-up-consideration.md:{line_of(block, 'As agreed on')}: body: a "
        "follow-up block's body is the e-mail's opening paragraph, then its closing paragraph (optional); it renders "
        "as 3 paragraphs (a line holding only a {% ... %} tag renders as an empty line, which ends a paragraph: "
        "write {%- ... %})")
