"""The plain script tools/benchmark.py compares aspo with: an account's deck and document built the obvious way.

It does the kind of work aspo does, written as a person would write it in an afternoon: a click command,
yaml.safe_load, a few pydantic models (extra="forbid"), slide texts rendered by a sandboxed Jinja
environment with StrictUndefined, a 13-slide deck from python-pptx's default template (bullets and notes
on every slide, the logo on the title slide when the account has one) and a Word document from
python-docx's default template (headings, bullets, two tables), and a follow-up e-mail (text and HTML) with the
standard library's email package. No caching, no tricks.

    python tools/plain_build.py [-o OUTPUT] [-j JOBS] ACCOUNTS...

writes OUTPUT/<name>/<name>-deck.pptx, <name>-offering.docx and <name>-follow-up.eml for each account file (or
folder of them).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import multiprocessing
from email.message import EmailMessage
from pathlib import Path
from typing import Optional

import click
import yaml
from docx import Document
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pptx import Presentation
from pptx.util import Cm
from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attendee(Strict):
    name: str
    title: str
    persona: str
    email: Optional[str] = None


class Meeting(Strict):
    date: dt.date
    goal: str
    attendees: list[Attendee]


class Priority(Strict):
    text: str
    pain: Optional[str] = None
    capability: Optional[str] = None


class NextStep(Strict):
    action: str
    owner: str
    by: dt.date


class Rep(Strict):
    name: str
    title: str
    email: str
    phone: Optional[str] = None
    language: Optional[str] = None  # read, not used: the plain script writes English


class Ids(Strict):
    blocks: list[str] = []
    scenarios: list[str] = []


class Account(Strict):
    name: str
    industry: str
    size: str
    region: str
    stage: str
    meeting: Meeting
    priorities: list[Priority]
    owns: list[str] = []
    competitors: list[str] = []
    next_step: NextStep
    rep: Rep
    exclude: Ids = Ids()
    pin: Ids = Ids()
    logo: Optional[str] = None
    language: Optional[str] = None
    locale: Optional[str] = None
    notes: str = ""


# Each slide: a title, its bullets one a line, and its notes. Priority slides repeat for priorities 1 to 4.
PRIORITY_SLIDE = (
    "Priority {{ n }}: {{ p.text | truncate(48) }}",
    "In your words: {{ p.text }}\n"
    "{% if p.pain %}What we hear behind it: {{ p.pain | replace('-', ' ') }}{% else %}Not yet matched to a known pain"
    "{% endif %}\n"
    "What {{ a.industry | replace('-', ' ') }} teams like yours measure first\n"
    "{% if p.capability %}Capability: {{ p.capability | replace('-', ' ') }}{% else %}Start small: one line, 30 assets"
    "{% endif %}",
    "Ask {{ a.meeting.attendees[0].name }} how this shows up week to week. Do not promise dates for the roadmap.",
)
SLIDES = [
    ("Agenda",
     "Where {{ a.name }} is today\nYour priorities, in your words\nWhat Meridian would do\n"
     "Next step: {{ a.next_step.action }}",
     "Open with the goal: {{ a.meeting.goal }}"),
    ("Who is here",
     "{% for p in a.meeting.attendees %}{{ p.name }}, {{ p.title }}\n{% endfor %}"
     "{{ a.rep.name }}, {{ a.rep.title }}, Meridian Ops",
     "{{ a.meeting.attendees | length }} people from {{ a.name }}; confirm who owns the decision."),
    ("Your priorities",
     "{% for p in a.priorities %}{{ loop.index }}. {{ p.text }}\n{% endfor %}",
     "Read them back in their words before saying anything about Meridian."),
    PRIORITY_SLIDE, PRIORITY_SLIDE, PRIORITY_SLIDE, PRIORITY_SLIDE,
    ("How others did it",
     "A {{ a.size }} {{ a.industry | replace('-', ' ') }} company in {{ a.region }}\n"
     "Started with the assets that stop the line\nFirst results in the first quarter\nRolled out site by site",
     "Use a story from their industry; name the customer only when we may."),
    ("Why Meridian",
     "{% for c in a.competitors %}Compared with {{ c }}: read-only, no PLC writes\n"
     "{% else %}Read-only connection to what you already run\n{% endfor %}"
     "{% if a.owns %}Builds on {{ a.owns | join(', ') }}, which you already own{% else %}Starts without a big "
     "project{% endif %}\nPriced per asset, not per user",
     "Stage: {{ a.stage }}. Keep it short unless they ask."),
    ("The plan",
     "Weeks 1-2: connect and baseline\nWeeks 3-8: alerts and work orders on the chosen assets\n"
     "Weeks 9-12: review the results with {{ a.next_step.owner }}",
     "Offer to draft the success criteria with them."),
    ("Next step",
     "{{ a.next_step.action }}\nOwner: {{ a.next_step.owner }}\nBy {{ a.next_step.by.strftime('%d %B %Y') }}",
     "Agree the date in the room."),
    ("Contact",
     "{{ a.rep.name }}, {{ a.rep.title }}\n{{ a.rep.email }}{% if a.rep.phone %}\n{{ a.rep.phone }}{% endif %}",
     "{{ a.notes | truncate(200) }}"),
]
TITLE = ("{{ a.name }} and Meridian Ops", "{{ a.meeting.goal }}\n{{ a.meeting.date.strftime('%d %B %Y') }}")

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
COMPILED = [tuple(ENV.from_string(part) for part in slide) for slide in SLIDES]
COMPILED_TITLE = tuple(ENV.from_string(part) for part in TITLE)


def load(path: Path) -> Account:
    with open(path, encoding="utf-8") as file:
        return Account.model_validate(yaml.safe_load(file))


def texts(account: Account) -> list[tuple[str, list[str], str]]:
    """(title, bullets, notes) of each slide after the title slide."""
    slides = []
    priority = 0
    for source, (title, body, notes) in zip(SLIDES, COMPILED):
        context = {"a": account}
        if source is PRIORITY_SLIDE:  # the next priority, wrapping round
            context.update(n=priority + 1, p=account.priorities[priority % len(account.priorities)])
            priority += 1
        lines = [line for line in body.render(context).splitlines() if line.strip()]
        slides.append((title.render(context), lines, notes.render(context)))
    return slides


def deck(account: Account, slides, logo: Path | None) -> Presentation:
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = COMPILED_TITLE[0].render(a=account)
    first.placeholders[1].text = COMPILED_TITLE[1].render(a=account)
    if logo:
        first.shapes.add_picture(str(logo), Cm(1), Cm(1), height=Cm(2))
    for title, bullets, notes in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for text in bullets[1:]:
            body.add_paragraph().text = text
        slide.notes_slide.notes_text_frame.text = notes
    return prs


def document(account: Account, slides) -> Document:
    doc = Document()
    doc.add_heading(COMPILED_TITLE[0].render(a=account), 0)
    doc.add_paragraph(account.meeting.goal)
    table = doc.add_table(rows=1, cols=3, style="Table Grid")
    for cell, text in zip(table.rows[0].cells, ("Name", "Title", "Role")):
        cell.text = text
    for person in account.meeting.attendees:
        for cell, text in zip(table.add_row().cells, (person.name, person.title, person.persona)):
            cell.text = text
    for title, bullets, notes in slides:
        doc.add_heading(title, 1)
        doc.add_paragraph(notes)
        for text in bullets:
            doc.add_paragraph(text, style="List Bullet")
    doc.add_heading("Next step", 1)
    table = doc.add_table(rows=3, cols=2, style="Table Grid")
    step = account.next_step
    for row, (label, text) in zip(table.rows, (("Action", step.action), ("Owner", step.owner),
                                               ("By", step.by.isoformat()))):
        row.cells[0].text, row.cells[1].text = label, text
    return doc


def follow_up(account: Account) -> EmailMessage:
    """The e-mail after the meeting: the next step, the priorities, the rep's name."""
    message = EmailMessage()
    message["From"] = f"{account.rep.name} <{account.rep.email}>"
    message["To"] = ", ".join(f"{a.name} <{a.email}>" for a in account.meeting.attendees if a.email)
    message["Subject"] = f"{account.name}: {account.next_step.action}"
    paragraphs = [f"Next step: {account.next_step.action}", *(p.text for p in account.priorities), account.rep.name]
    message.set_content("\n\n".join(paragraphs))
    message.add_alternative("<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                            + "</body></html>", subtype="html")
    return message


def build(path: Path, output: Path) -> list[Path]:
    """One account's deck, document and e-mail, written to output/<name>/."""
    path = Path(path)
    account = load(path)
    slides = texts(account)
    folder = Path(output) / path.stem
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{path.stem}-deck.pptx", folder / f"{path.stem}-offering.docx",
               folder / f"{path.stem}-follow-up.eml"]
    deck(account, slides, path.parent / account.logo if account.logo else None).save(written[0])
    document(account, slides).save(written[1])
    written[2].write_bytes(follow_up(account).as_bytes())
    return written


@click.command()
@click.option("-o", "--output", default="output", type=click.Path(file_okay=False, path_type=Path))
@click.option("-j", "--jobs", default=1, type=click.IntRange(min=1))
@click.argument("accounts", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def main(output: Path, jobs: int, accounts: tuple[Path, ...]) -> None:
    """Build each ACCOUNTS file (or folder of them)."""
    paths = [p for a in accounts for p in (sorted(a.glob("*.yaml")) if a.is_dir() else [a])]
    if jobs == 1:
        for path in paths:
            build(path, output)
        return
    pool = multiprocessing.Pool(jobs)
    try:
        pool.map(functools.partial(build, output=output), paths, chunksize=1)
    finally:
        pool.close()
        pool.join()  # reaped, so the workers' CPU time counts for this process


if __name__ == "__main__":
    main()
