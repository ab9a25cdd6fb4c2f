"""The one intermediate document model every renderer reads: sections of text with their sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping, Union

from aspo.core.scripts import CJK
from aspo.library.logo import Logo

SourceKind = Literal["block", "scenario", "catalog", "account", "outline"]


@dataclass(frozen=True)
class Source:
    """Where a piece of text came from, and why it was chosen."""

    kind: SourceKind
    id: str
    reason: str = ""

    @property
    def marker(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or one bullet item, or one speaker-note line) of plain text."""

    text: str
    source: Source | None = None
    rep_authored: bool = False
    in_deck: bool = True  # False: detail for the document only; a slide has no room for it
    in_document: bool = True  # False: on the slide only (the document says it another way)


@dataclass(frozen=True)
class BulletList:
    """A flat list of bullet items."""

    items: tuple[Paragraph, ...]
    source: Source | None = None
    in_deck: bool = True
    in_document: bool = True


@dataclass(frozen=True)
class Table:
    """A table with a header row; every cell is plain text."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: Source | None = None
    in_deck: bool = True
    in_document: bool = True
    #: Rows whose first cell repeats the row above's form one group: the first cell is shown once for the group
    #: (merged down in Office files), as an offering table lists each product once above its capabilities.
    group_first_column: bool = False
    #: One piece of a table split across slides: the text size (points) and column widths (EMU) every piece is
    #: drawn at, so that the pieces read as one table; None: the deck fits the table to its box itself.
    slide_fit: tuple[float, tuple[int, ...]] | None = None
    #: False: the slide's columns are too narrow for the names, dates and amounts of the cells kept whole
    #: (aspo.compose.nobreak), so on the slide they break at their spaces rather than the table leave the slide.
    names_whole: bool = True


@dataclass(frozen=True)
class Callout:
    """One result as a large figure with what it measures: '-57%' over 'Time to competence'."""

    figure: str
    label: str


@dataclass(frozen=True)
class Callouts:
    """Results shown as large figures, in the template's accent colour."""

    items: tuple[Callout, ...]
    source: Source | None = None
    in_deck: bool = True
    in_document: bool = False  # the document has the results table


@dataclass(frozen=True)
class Chart:
    """A before/after column chart of measured results that share a unit: a native, editable chart."""

    title: str
    categories: tuple[str, ...]  # "Before", "After"
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (metric, one value per category)
    number_format: str  # Excel number format for the value labels, e.g. '0 "weeks"'
    source: Source | None = None
    in_deck: bool = True
    in_document: bool = False


Element = Union[Paragraph, BulletList, Table, Callouts, Chart]


@dataclass(frozen=True)
class Section:
    """One slide and/or one document section, in reading order."""

    key: str  # stable and unique: "title", "priority-1", "scenario-line-uptime"
    kind: str  # the outline section kind it came from
    title: str
    subtitle: str = ""
    group: str | None = None  # the outline heading when one outline section yields several
    body: tuple[Element, ...] = ()
    notes: tuple[Paragraph, ...] = ()
    sources: tuple[Source, ...] = ()
    layout: str | None = None  # slide layout name; None keeps it out of the deck
    in_document: bool = True

    @property
    def deck_body(self) -> tuple[Element, ...]:
        """The body as the slide shows it: without document-only detail."""
        return tuple(element for element in self.body if element.in_deck)

    @property
    def document_body(self) -> tuple[Element, ...]:
        """The body as the document shows it: without what only the slide shows."""
        return tuple(element for element in self.body if element.in_document)


@dataclass(frozen=True)
class Gap:
    """An account priority that no approved block answers: reported, never papered over."""

    priority: str
    pains: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Mailbox:
    """Who an e-mail is from or to: a name and an address."""

    name: str
    address: str


@dataclass(frozen=True)
class Answer:
    """One of the account's priorities, in their words, with the one-line answer of the block that answered it."""

    index: int  # 1-based, as the account file lists it
    priority: str  # its first sentence, as the rep wrote it
    answer: str  # the block's title, rendered for the account
    source: Source
    marks: tuple[str, str] = ("\u201c", "\u201d")  # the customer's language's quotation marks: „…“, «…», 「…」

    @property
    def line(self) -> str:
        return f"{self.marks[0]}{self.priority}{self.marks[1]}: {self.answer}"


@dataclass(frozen=True)
class FollowUp:
    """The follow-up e-mail the rep sends after the meeting: the next step and its date in its first sentence, the
    priorities answered, one result of a customer like them, and the rep's signature."""

    subject: str
    sender: Mailbox  # the rep
    recipients: tuple[Mailbox, ...]  # the attendees with an e-mail address; the rep adds the others
    opening: Paragraph  # its first sentence carries the next step and its date
    answers: tuple[Answer, ...]
    result: Paragraph | None  # "someone like you": one result with its figure; None at a stage that sells nothing
    closing: Paragraph | None
    signature: tuple[str, ...]
    sources: tuple[Source, ...]  # the follow-up block (or the account's next step, where the library has none)
    max_words: int  # what the outline allows its body, signature included
    notes: tuple[Paragraph, ...] = ()  # the block's notes: the rep's, in the draft only

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body as the customer reads it, paragraph by paragraph (each answer one): what its words count."""
        return (self.opening.text, *(answer.line for answer in self.answers),
                *(p.text for p in (self.result, self.closing) if p is not None), "\n".join(self.signature))

    @property
    def word_count(self) -> int:
        """Its words, as a reader counts them: not the list's dashes or the signature's dot. Chinese and Japanese
        are written without spaces: two of their characters count as a word, as readers of both reckon length."""
        count = 0
        for text in self.paragraphs:
            for word in text.split():
                wide = len(CJK.findall(word))
                rest = CJK.sub(" ", word)
                count += -(-wide // 2) + sum(1 for part in rest.split() if any(c.isalnum() for c in part))
        return count

    @property
    def every_source(self) -> tuple[Source, ...]:
        """Every block, scenario and account field behind it, once each, in the order the e-mail reads."""
        found = (*self.sources, *(answer.source for answer in self.answers),
                 *(p.source for p in (self.result,) if p is not None and p.source is not None))
        first: dict[tuple[str, str], Source] = {}
        for source in found:
            first.setdefault((source.kind, source.id), source)
        return tuple(first.values())


@dataclass(frozen=True)
class Properties:
    """Document properties written into the Office files."""

    title: str
    subject: str
    author: str  # the rep
    company: str  # the vendor
    keywords: str
    category: str
    created: dt.datetime  # timezone-aware UTC


@dataclass(frozen=True)
class Fallback:
    """A text shown in the source's language though the account reads another: the draft lists it."""

    marker: str  # "block:id", "scenario:id", or an l10n file ("l10n/de/catalog.yaml")
    language: str  # the language shown, by name in the rep's language ("English")
    wanted: str  # the one the account reads ("German")
    state: str  # why: "missing", or the translation's state


@dataclass(frozen=True)
class Fonts:
    """Typefaces for scripts a template's theme leaves empty (outline.yaml `fonts:`): None keeps the theme's."""

    east_asian: str | None = None  # Chinese, Japanese, Korean
    complex: str | None = None  # Arabic, Hebrew, Thai, Indic scripts


@dataclass(frozen=True)
class Document:
    """Everything the renderers need for one account, and nothing they must look up."""

    slug: str
    account_name: str
    account_file: str
    properties: Properties
    sections: tuple[Section, ...]
    gaps: tuple[Gap, ...]
    deck_template: Path
    document_template: Path
    styles: dict[str, str | None] = field(default_factory=dict)  # role -> Word style name (table: None for none)
    logo: Logo | None = None  # the account's logo, on the title slide and the document's first page
    min_font_size: float = 10  # points: the smallest a table or callout is drawn
    locale: str = "en-US"  # the reader's: dates, numbers, and the paper size where the template sets none
    deck_master: int = 1  # the slide master whose layouts the section layouts name first
    #: Phrases a line must not break inside, besides the dates, phone numbers and amounts the renderers find
    #: themselves: product and capability names ("Meridian Predict"), the rep's phone number.
    unbreakable: tuple[str, ...] = ()
    follow_up: FollowUp | None = None  # None: a model made for the deck and document only (tests)
    #: The language tag of the customer's text (every run of the deck's slides, the document, the e-mail) and of
    #: the rep's (speaker notes): "de-DE", "ja-JP", "en-US".
    language: str = "en-US"
    notes_language: str = "en-US"
    fonts: Fonts = field(default_factory=Fonts)
    right_to_left: bool = False  # the customer's language is written right to left (Arabic, Hebrew, Persian, Urdu)
    labels: Mapping[str, str] = field(default_factory=dict)  # aspo's words in the rep's language, for the draft
    fallbacks: tuple[Fallback, ...] = ()

    @property
    def deck_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.layout is not None)

    @property
    def document_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.in_document)
