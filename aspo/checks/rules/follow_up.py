"""C901–C904: the follow-up e-mail: its length, its first sentence, who it can go to, and a stage without one."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem

TOO_LONG = "C901"
FIRST_SENTENCE = "C902"
NO_ADDRESS = "C903"
NO_FOLLOW_UP = "C904"


@check_rule(TOO_LONG, "follow-up-length", "warning",
            "An account's follow-up e-mail has more words than outline.yaml's email.max_words, even with the "
            "quoted priorities shortened.", scope="accounts", worst=lambda over: f"{round(over)} words over")
def too_long(context: Context) -> Iterator[Problem]:
    """At the account file's priorities, which are what make one e-mail longer than another."""
    plans = {plan.account.slug: plan for plan in context.planned}
    for document in context.documents:
        mail, plan = document.follow_up, plans.get(document.slug)
        if mail is None or plan is None or mail.word_count <= mail.max_words:
            continue
        block = next((context.library.blocks[s.id] for s in mail.sources
                      if s.kind == "block" and s.id in context.library.blocks), None)
        what = f"the opening or closing of {block.path.name}" if block else "the next step's action"
        yield plan.account.doc.problem(
            ("priorities",), f"the follow-up e-mail to {document.account_name} has {mail.word_count} words with its "
            f"quotes shortened, {mail.word_count - mail.max_words} over outline.yaml's email.max_words of "
            f"{mail.max_words}; shorten {what}, or raise the limit", TOO_LONG,
        )._replace(measure=mail.word_count - mail.max_words)


@check_rule(FIRST_SENTENCE, "follow-up-first-sentence", "warning",
            "The first sentence of an account's follow-up e-mail does not carry the next step and its date.",
            scope="accounts")
def first_sentence_carries_next_step(context: Context) -> Iterator[Problem]:
    """At the follow-up block's body, whose opening it is (or at the account's next step, where there is no
    block)."""
    from aspo.compose.follow_up import account_phrases, carries_next_step, first_sentence

    plans = {plan.account.slug: plan for plan in context.planned}
    library = context.library
    for document in context.documents:
        mail, plan = document.follow_up, plans.get(document.slug)
        if mail is None or plan is None:
            continue
        step = plan.account.data.next_step
        by = _date_as_written(plan, document.locale)
        sentence = first_sentence(mail.opening.text, account_phrases(plan.account, document.locale))
        missing = carries_next_step(sentence, step.action, by)
        if not missing:
            continue
        source = mail.opening.source
        block = library.blocks.get(source.id) if source is not None and source.kind == "block" else None
        message = (f"the first sentence of the follow-up e-mail to {document.account_name} leaves out "
                   f"{' and '.join(missing)}: \u201c{sentence}\u201d; open with {{{{ next_step.action }}}}"
                   f"{' and {{ next_step.by }}' if by else ''}")
        if block is not None:
            yield Problem(block.path, block.body_line, "body", message, FIRST_SENTENCE)
        else:
            yield plan.account.doc.problem(("next_step",), message, FIRST_SENTENCE)


@check_rule(NO_ADDRESS, "attendee-without-email", "warning",
            "An attendee has no e-mail address: the follow-up e-mail's To leaves them for the rep to add.",
            scope="accounts")
def attendee_without_email(context: Context) -> Iterator[Problem]:
    for plan in context.planned:
        for index, attendee in enumerate(plan.account.data.meeting.attendees):
            if not attendee.email:
                yield plan.account.doc.problem(
                    ("meeting", "attendees", index, "name"), f"{attendee.name} has no email: the follow-up e-mail's "
                    "To leaves them out, for you to add (or give their email: here)", NO_ADDRESS)


@check_rule(NO_FOLLOW_UP, "no-follow-up-block", "warning",
            "A buying stage no follow-up block applies to: its accounts' e-mails open with the deck's own "
            "\u201cNext step: \u2026\u201d line and have no closing.")
def stage_without_follow_up(context: Context) -> Iterator[Problem]:
    library = context.library
    follow_ups = [block for block in library.blocks.values() if block.meta.section == "follow-up"]
    for stage_id in library.stages:
        if not any(not b.meta.applies_to.stages or stage_id in b.meta.applies_to.stages for b in follow_ups):
            yield library.outline_doc.problem(
                ("email",) if library.outline_doc.line_of(("email",)) else (), f"no follow-up block applies to stage "
                f"{stage_id}: its e-mails open with the deck's \u201cNext step: \u2026\u201d line and have no "
                "closing; add a block with section: follow-up (templates/blocks/follow-up-*.md in the sample)",
                NO_FOLLOW_UP)


def _date_as_written(plan, locale: str) -> str:
    from aspo.core.formatting import format_date

    by = plan.account.data.next_step.by
    return format_date(by, locale) if by else ""
