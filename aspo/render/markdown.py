"""The Markdown review draft: every slide's and section's text in reading order, with its sources."""

from __future__ import annotations

import re

from aspo.compose.document import (
    BulletList,
    Callouts,
    Chart,
    Document,
    Element,
    FollowUp,
    Paragraph,
    Section,
    Source,
)
from aspo.library.labels import Labels, english

REP_MARK = "[rep] "


def render_markdown(doc: Document) -> str:
    """The review draft as text; one line per paragraph, so diffs show whole sentences. Its own words are in the
    rep's language (the document's labels)."""
    say = Labels(doc.notes_language, doc.labels) if doc.labels else english()  # a model made in a test has none
    deck_numbers = {s.key: n for n, s in enumerate(doc.deck_sections, start=1)}
    lines = [
        "# " + say("draft_title", account=doc.account_name),
        "",
        say("draft_summary", file=doc.account_file, slides=len(doc.deck_sections),
            sections=len(doc.document_sections)),
        "",
        say("draft_legend"),
    ]
    languages = {tag.split("-")[0] for tag in (doc.language, doc.notes_language)}
    if languages != {"en"} or doc.fallbacks:  # a draft in English for English readers says nothing of languages
        from aspo.library.languages import language_name

        def named(tag: str) -> str:  # "Japanese (ja-JP)"
            return f"{language_name(tag.split('-')[0], doc.notes_language)} ({tag})"

        lines += ["", say("draft_languages", customer=named(doc.language), rep=named(doc.notes_language))]
    by_language: dict[tuple[str, str], list[str]] = {}
    for fallback in doc.fallbacks:
        by_language.setdefault((fallback.language, fallback.wanted), []).append(fallback)
    for (language, wanted), fallbacks in by_language.items():
        lines += ["", say("draft_fallbacks", language=language, wanted=wanted), ""]
        lines += [f"- `[{f.marker}]` ({f.state})" for f in fallbacks]
    for number, section in enumerate(doc.sections, start=1):
        lines += ["", *_section(number, section, deck_numbers.get(section.key), say)]
    if doc.follow_up is not None:
        lines += ["", *_follow_up(doc.follow_up, doc.slug, say)]
    lines += ["", "## " + say("draft_gaps"), ""]
    if doc.gaps:
        for gap in doc.gaps:
            pains = f" [{', '.join(gap.pains)}]" if gap.pains else ""
            lines.append(f"- {REP_MARK}\u201c{_inline(gap.priority)}\u201d{pains}: {gap.reason}")
    else:
        lines.append(say("draft_no_gaps"))
    return "\n".join(lines) + "\n"


def _section(number: int, section: Section, slide: int | None, say: Labels) -> list[str]:
    where = [say("draft_slide", number=slide, layout=section.layout)] if slide else []
    if section.in_document:
        where.append(say("draft_document"))
    title = f"{section.group}: {section.title}" if section.group else section.title
    lines = [f"## {number}. {_inline(title)}", "",
             f"_{', '.join(where) or say('draft_not_shown')}_ · {say('draft_key')} `{section.key}`"]
    if section.subtitle:
        lines += ["", f"**{_inline(section.subtitle)}**"]
    if section.sources:
        lines += ["", say("draft_sources")]
        lines += [f"- {_marker(s)}{': ' + s.reason if s.reason else ''}" for s in section.sources]
    current: Source | None = None
    for element in section.body:
        source = element.source
        lines.append("")
        if source is not None and source != current:
            lines += [_marker(source), ""]
            current = source
        if not element.in_deck and section.layout:
            lines += [f"_{say('draft_document_only')}_", ""]
        elif not element.in_document and section.in_document:
            lines += [f"_{say('draft_slide_only')}_", ""]
        lines += _element(element)
    if section.notes:
        lines += ["", say("draft_speaker_notes"), ""]
        lines += [f"> {_rep(p)}{_inline(p.text)}" for p in section.notes]
    return lines


def _follow_up(mail: FollowUp, slug: str, say: Labels) -> list[str]:
    """The follow-up e-mail as the customer reads it, part by part with its source, after the sections."""
    recipients = ", ".join(f"{box.name} <{box.address}>" for box in mail.recipients)
    lines = ["## " + say("draft_mail"), "", f"_{say('draft_mail_file', file=f'{slug}-follow-up.eml')}_", "",
             f"**{say('draft_subject')}** {_inline(mail.subject)}", "",
             f"**{say('draft_to')}** {recipients or say('draft_to_missing')}"]
    lines += ["", say("draft_sources")]
    lines += [f"- {_marker(s)}{': ' + s.reason if s.reason else ''}" for s in mail.sources]
    current: Source | None = None

    def part(source: Source | None, text: list[str]) -> None:
        nonlocal current
        lines.append("")
        if source is not None and source != current:
            lines.extend([_marker(source), ""])
            current = source
        lines.extend(text)

    part(mail.opening.source, [_rep(mail.opening) + _inline(mail.opening.text)])
    for answer in mail.answers:
        opening, closing = answer.marks
        part(answer.source, [f"- {REP_MARK}{opening}{_inline(answer.priority)}{closing}: {_inline(answer.answer)}"])
    for paragraph in (mail.result, mail.closing):
        if paragraph is not None:
            part(paragraph.source, [_rep(paragraph) + _inline(paragraph.text)])
    part(None, [line + "\\" for line in mail.signature[:-1]] + list(mail.signature[-1:]))  # CommonMark line breaks
    lines += ["", f"_{say('draft_words', count=mail.word_count, most=mail.max_words)}_"]
    if mail.notes:
        lines += ["", say("draft_mail_notes"), ""]
        lines += [f"> {_rep(p)}{_inline(p.text)}" for p in mail.notes]
    return lines


def _element(element: Element) -> list[str]:
    if isinstance(element, Paragraph):
        return [_rep(element) + _inline(element.text)]
    if isinstance(element, BulletList):
        return [f"- {_rep(item)}{_inline(item.text)}" for item in element.items]
    if isinstance(element, Callouts):
        return [f"- **{_inline(item.figure)}** {_inline(item.label)}" for item in element.items]
    if isinstance(element, Chart):
        values = "; ".join(f"{_inline(name)}: " + ", ".join(f"{c} {v:g}" for c, v in zip(element.categories, numbers))
                           for name, numbers in element.series)
        return [f"Chart (columns, {_code(element.number_format)}): {_inline(element.title)}. {values}"]
    # every row whole, also in a table grouped by its first cell (which the deck and the document merge): a line of
    # the draft's diff then says which product it belongs to
    rows = [element.header, tuple("---" for _ in element.header), *element.rows]
    return ["| " + " | ".join(_inline(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]


def _marker(source: Source) -> str:
    return f"`[{source.marker}]`"


def _rep(paragraph: Paragraph) -> str:
    return REP_MARK if paragraph.rep_authored else ""


def _inline(text: str) -> str:
    # One paragraph is one line in the draft, whatever line breaks it held.
    return " ".join(text.split())


def _code(text: str) -> str:
    """`text` as a code span whatever it holds: its fence is longer than any run of backticks in it (CommonMark)."""
    runs = re.findall("`+", text)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
