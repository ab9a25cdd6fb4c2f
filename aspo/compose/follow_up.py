"""The follow-up e-mail's content, composed from the account, its selection and the follow-up block."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from aspo.compose.document import Answer, BulletList, Element, FollowUp, Mailbox, Paragraph, Source
from aspo.compose.figures import has_numbers
from aspo.core.errors import AspoError
from aspo.core.formatting import format_date
from aspo.core.rulebook import SCHEMA
from aspo.core.scripts import CJK
from aspo.library.account import Account
from aspo.library.content import Block, Library
from aspo.library.labels import Labels
from aspo.plan.selection import FOLLOW_UP, Selection

if TYPE_CHECKING:
    from aspo.library.schema import Result


class Composer(Protocol):
    """What the e-mail takes of aspo.compose.composer.Composer: one account's rendering of blocks and results."""

    account: Account
    library: Library
    selection: Selection
    locale: str  # the account's
    context: dict[str, Any]
    say: Labels  # aspo's words in the customer's language

    def block_text(self, block: Block, priority_text: str | None = None
                   ) -> tuple[str, tuple[Element, ...], tuple[Paragraph, ...]]: ...

    def result_value(self, result: Result) -> str: ...


#: A full stop, question or exclamation mark at the end or before a space, then what follows it.
_STOP = re.compile(r"[.!?](?=\s|$)\s*[\"'\u201c\u2018(\[]?(.?)")
#: The full stop, question and exclamation marks of Chinese and Japanese.
_WIDE_STOP = re.compile("[\u3002\uff01\uff1f]")
#: Abbreviations whose full stop ends no sentence, whatever follows: "approx. EUR 400k", "Dr. Romero".
_ABBREVIATIONS = re.compile(r"(?<!\w)(?:approx|ca|e\.g|i\.e|vs|incl|esp|Dr|Mr|Mrs|Ms|Prof|St|Mt|No|Jr|Sr)$",
                            re.IGNORECASE)


def first_sentence(text: str, whole: tuple[str, ...] = ()) -> str:
    """The first sentence of `text`; a full stop inside one of the `whole` phrases ("Dr. Alicia Romero", an action
    that says "e.g.") ends none."""
    text = " ".join(text.split())
    stops_hidden = text  # the same length: each full stop inside a whole phrase is a "_"
    for phrase in sorted({" ".join(p.split()) for p in whole if p.strip()}, key=len, reverse=True):
        stops_hidden = re.sub(re.escape(phrase), lambda found: re.sub(r"[.!?]", "_", found.group()), stops_hidden,
                              flags=re.IGNORECASE)
    # a sentence ends before a capital, or at the end: "approx. 40k" and "e.g. two" go on
    end = next((stop for stop in _STOP.finditer(stops_hidden)
                if (not stop.group(1) or stop.group(1).isupper()) and not _ABBREVIATIONS.search(text[:stop.start()])),
               None)
    wide = _WIDE_STOP.search(stops_hidden)  # "。" ends a sentence whatever follows: Japanese has no capitals
    if wide and (end is None or wide.start() < end.start()):
        return text[: wide.start() + 1]
    return text[: end.start() + 1] if end else text


def account_phrases(account: Account, locale: str) -> tuple[str, ...]:
    """What of the account an e-mail may say whose full stops end no sentence: the next step, its owner and date,
    the meeting's date ("14. Januar 2027"), the account's, attendees' and rep's names ("Dr. Alicia Romero")."""
    data = account.data
    step = data.next_step
    dates = [format_date(day, locale) for day in (step.by, data.meeting.date) if day]
    return (step.action, step.owner or "", *dates, data.name, data.rep.name,
            *(attendee.name for attendee in data.meeting.attendees))


def carries_next_step(sentence: str, action: str, date: str) -> list[str]:
    """What of the next step `sentence` leaves out: 'the next step' (its action, word for word, any case) and 'its
    date' (as the account's locale writes it); [] when it carries both (or the step has no date)."""
    folded = " ".join(sentence.split()).casefold()
    missing = []
    if " ".join(action.split()).casefold().rstrip(".") not in folded:
        missing.append("the next step")
    if date and " ".join(date.split()).casefold() not in folded:
        missing.append("its date")
    return missing


def compose_follow_up(composer: Composer, call_to_action: str) -> FollowUp:
    """The e-mail for the composer's account. Its opening and closing are the follow-up block's, rendered as the
    customer reads them; where the library has no follow-up block for the account, the opening is the deck's own
    call to action, `call_to_action`, and there is no closing."""
    account, library, selection = composer.account, composer.library, composer.selection
    data = account.data
    rep = data.rep
    step_source = Source("account", account.slug, "the rep's proposed next step")
    chosen = selection.section_blocks.get(FOLLOW_UP, ())
    notes: tuple[Paragraph, ...] = ()
    if chosen:
        block = library.blocks[chosen[0]]
        subject, body, notes = composer.block_text(block)
        source = Source("block", block.id, selection.reason_for("block", block.id))
        paragraphs = _paragraphs_of(block, body)
        opening = Paragraph(paragraphs[0], source)
        closing = Paragraph(paragraphs[1], source) if len(paragraphs) > 1 else None
        sources = (source,)
    else:
        by = composer.context["next_step"]["by"]
        subject = f"{data.name}: {composer.context['next_step']['action']}"
        subject = composer.say("subject_by_date", subject=subject, date=by) if by else subject
        opening, closing, sources = Paragraph(call_to_action, step_source, rep_authored=True), None, (step_source,)
    mail = FollowUp(
        subject=" ".join(subject.split()),
        sender=_mailbox(rep.name, rep.email),
        recipients=tuple(_mailbox(a.name, a.email) for a in data.meeting.attendees if a.email),
        opening=opening,
        answers=_answers(composer),
        result=_result(composer),
        closing=closing,
        signature=_signature(composer),
        sources=sources,
        max_words=library.outline.email.max_words,
        notes=notes,
    )
    return fitted(mail)


#: The fewest words a shortened quote keeps: enough to recognise the priority by.
MIN_QUOTE_WORDS = 5


def fitted(mail: FollowUp) -> FollowUp:
    """The e-mail within its word limit, where shortening the quoted priorities can do it: the longest quote loses a
    word at a time (a character at a time in Chinese or Japanese, two to a word), ending in an ellipsis, down to
    MIN_QUOTE_WORDS. What is still over is `aspo check`'s C901."""
    over = mail.word_count - mail.max_words
    if over <= 0:
        return mail
    units = {answer.index: _units(answer.priority) for answer in mail.answers}

    def weight(index: int) -> float:
        return sum(map(_weight, units[index]))

    while over > 0:
        longest = max(units, key=lambda index: (weight(index), -index), default=None)  # the first on a tie
        if longest is None or weight(longest) <= MIN_QUOTE_WORDS:
            break
        over -= _weight(units[longest].pop())
    answers = tuple(replace(answer, priority=_shortened(answer.priority, units[answer.index]))
                    for answer in mail.answers)
    return replace(mail, answers=answers)


def _units(quote: str) -> list[str]:
    """What a quote is shortened by: its words, or its characters where it is written without spaces."""
    return list(quote) if CJK.search(quote) else quote.split()


def _weight(unit: str) -> float:
    """As FollowUp.word_count counts: "+" or "-" is no word; a Chinese or Japanese character half of one."""
    if CJK.fullmatch(unit):
        return 0.5
    return 1.0 if any(c.isalnum() for c in unit) else 0.0


def _shortened(quote: str, kept: list[str]) -> str:
    if kept == _units(quote):
        return quote
    joined = "".join(kept) if CJK.search(quote) else " ".join(kept)
    return joined.rstrip(",;:.!?\u2014-\u3001\u3002\uff0c\uff1a ") + "\u2026"


def _paragraphs_of(block: Block, body: tuple[Element, ...]) -> tuple[str, ...]:
    """The follow-up block's body as its opening and (optional) closing paragraph; a list, or more paragraphs, is
    one line at the block's body, since an e-mail has only those two of marketing's own."""
    if any(isinstance(element, BulletList) for element in body) or not 1 <= len(body) <= 2:
        shape = "a list" if any(isinstance(e, BulletList) for e in body) else f"{len(body)} paragraphs"
        raise AspoError.at(block.text_path or block.path, block.body_line, "body", "a follow-up block's body is the "
                           "e-mail's opening paragraph, then its closing paragraph (optional); it renders as "
                           f"{shape} (a line holding "
                           "only a {% ... %} tag renders as an empty line, which ends a paragraph: write {%- ... %})",
                           SCHEMA)
    return tuple(element.text for element in body)


def _mailbox(name: str, address: str) -> Mailbox:
    # a header holds one line: a name typed over two lines (or with control characters) is put on one
    return Mailbox(" ".join("".join(c if c.isprintable() else " " for c in name).split()), address)


def _answers(composer: Composer) -> tuple[Answer, ...]:
    """Each priority a block answered, in the account's order: its first sentence, then the block's title."""
    library, selection = composer.library, composer.selection
    names = account_phrases(composer.account, composer.locale)
    opening, closing = composer.say.quote("\0").split("\0")
    marks = (opening, closing)
    answers = []
    for match in selection.priorities:
        if match.block is None:
            continue  # a gap, or answered by a scenario alone: the result line speaks for scenarios
        block = library.blocks[match.block]
        title, _, _ = composer.block_text(block, match.text if block.meta.section == "priorities" else None)
        answers.append(Answer(match.index, first_sentence(match.text, names), " ".join(title.split()),
                              Source("block", block.id, match.reason), marks))
    return tuple(answers)


def _result(composer: Composer) -> Paragraph | None:
    """One result of the first scenario the account's story tells (a story, else a reference), with its figure:
    'A four-plant plastics manufacturer: Unplanned downtime at the worst plant, -24% in the first 9 months.'"""
    library, selection = composer.library, composer.selection
    for scenario_id in selection.used_scenarios:
        meta = library.scenarios[scenario_id].meta
        measured = [r for r in meta.results if has_numbers(r) or re.search(r"\d", r.value or "")]
        if not measured:
            continue
        result = measured[0]
        who = meta.customer.name if meta.customer.may_name else meta.customer.described_as
        if meta.industry != composer.account.data.industry:  # never passed off as the account's own industry
            who = f"{who} ({library.industry_name(meta.industry).lower()})"
        change = composer.result_value(result) + (f" {result.period}" if result.period else "")
        source = Source("scenario", scenario_id, selection.reason_for("scenario", scenario_id))
        return Paragraph(f"{who}: {result.metric}, {change}.", source)
    return None


def _signature(composer: Composer) -> tuple[str, ...]:
    rep, vendor = composer.account.data.rep, composer.library.catalog.vendor.name
    contact = " \u00b7 ".join(part for part in (rep.email, rep.phone) if part)
    return (rep.name, f"{rep.title}, {vendor}" if rep.title else vendor, contact)
