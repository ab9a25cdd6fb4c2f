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

REP_MARK = "[rep] "
LEGEND = (
    "Markers: `[block:id]` message block, `[scenario:id]` case scenario, `[catalog:…]` product catalog, "
    "`[account:slug]` the account file, `[outline:…]` the outline; `[rep]` marks the rep's own words."
)


def render_markdown(doc: Document) -> str:
    """The review draft as text; one line per paragraph, so diffs show whole sentences."""
    deck_numbers = {s.key: n for n, s in enumerate(doc.deck_sections, start=1)}
    lines = [
        f"# Review draft: {doc.account_name}",
        "",
        f"Account file: {doc.account_file} · {len(doc.deck_sections)} slides · "
        f"{len(doc.document_sections)} document sections",
        "",
        LEGEND,
    ]
    for number, section in enumerate(doc.sections, start=1):
        lines += ["", *_section(number, section, deck_numbers.get(section.key))]
    if doc.follow_up is not None:
        lines += ["", *_follow_up(doc.follow_up, doc.slug)]
    lines += ["", "## Content gaps (for marketing)", ""]
    if doc.gaps:
        for gap in doc.gaps:
            pains = f" [{', '.join(gap.pains)}]" if gap.pains else ""
            lines.append(f"- {REP_MARK}\u201c{_inline(gap.priority)}\u201d{pains}: {gap.reason}")
    else:
        lines.append("None: approved content answers every priority.")
    return "\n".join(lines) + "\n"


def _section(number: int, section: Section, slide: int | None) -> list[str]:
    where = [f"slide {slide} ({section.layout})"] if slide else []
    if section.in_document:
        where.append("document")
    title = f"{section.group}: {section.title}" if section.group else section.title
    lines = [f"## {number}. {_inline(title)}", "", f"_{', '.join(where) or 'not shown'}_ · key `{section.key}`"]
    if section.subtitle:
        lines += ["", f"**{_inline(section.subtitle)}**"]
    if section.sources:
        lines += ["", "Sources:"]
        lines += [f"- {_marker(s)}{': ' + s.reason if s.reason else ''}" for s in section.sources]
    current: Source | None = None
    for element in section.body:
        source = element.source
        lines.append("")
        if source is not None and source != current:
            lines += [_marker(source), ""]
            current = source
        if not element.in_deck and section.layout:
            lines += ["_(document only, not on the slide)_", ""]
        elif not element.in_document and section.in_document:
            lines += ["_(slide only, not in the document)_", ""]
        lines += _element(element)
    if section.notes:
        lines += ["", "Speaker notes:", ""]
        lines += [f"> {_rep(p)}{_inline(p.text)}" for p in section.notes]
    return lines


#: What introduces the rep's own notes on the follow-up e-mail (its block's `## Notes`), which it never carries.
MAIL_NOTES = "Notes for the rep (not in the e-mail):"


def _follow_up(mail: FollowUp, slug: str) -> list[str]:
    """The follow-up e-mail as the customer reads it, part by part with its source, after the sections."""
    recipients = ", ".join(f"{box.name} <{box.address}>" for box in mail.recipients)
    lines = ["## Follow-up e-mail", "", f"_`{slug}-follow-up.eml`, a draft for the rep to send after the meeting_", "",
             f"**Subject:** {_inline(mail.subject)}", "", f"**To:** {recipients or '(for the rep to fill in)'}"]
    lines += ["", "Sources:"]
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
        part(answer.source, [f"- {REP_MARK}\u201c{_inline(answer.priority)}\u201d: {_inline(answer.answer)}"])
    for paragraph in (mail.result, mail.closing):
        if paragraph is not None:
            part(paragraph.source, [_rep(paragraph) + _inline(paragraph.text)])
    part(None, [line + "\\" for line in mail.signature[:-1]] + list(mail.signature[-1:]))  # CommonMark line breaks
    lines += ["", f"_{mail.word_count} words; at most {mail.max_words}_"]
    if mail.notes:
        lines += ["", MAIL_NOTES, ""]
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
