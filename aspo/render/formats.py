"""The files a build writes for each account, one registry: their names, renderers, text views and review kinds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Protocol

from aspo.core.bounded import MAX_UNPACKED_BYTES, read_regular
from aspo.core.errors import AspoError
from aspo.render import textview  # light: each reader loads python-pptx or python-docx when it is called

if TYPE_CHECKING:  # annotations only: each renderer and text view loads when a file of its format is made or read
    from aspo.compose.document import Document
    from aspo.render.powerpoint import PreparedDeck
    from aspo.render.textview import Unit
    from aspo.render.word import PreparedDocument

class Templates(Protocol):
    """The templates a renderer draws on, prepared once per process: the build's OfficeTemplates."""

    @property
    def deck(self) -> PreparedDeck: ...

    @property
    def document(self) -> PreparedDocument: ...


#: How `aspo diff --html` shows a change to a file: drawn slide by slide, drawn page by page (both through a PDF
#: LibreOffice makes), or as a text diff. The review page draws one format as slides and one as pages.
ReviewKind = Literal["slides", "pages", "text"]


@dataclass(frozen=True)
class OutputFormat:
    """One file a build writes for every account: its name, how it is made and read back, how a review shows it."""

    key: str  # what the code calls it
    label: str  # what people call it: "review draft"
    file_name: str  # "{slug}-deck.pptx": its suffix tells a file of this format from the others
    #: (document, templates) -> the file's bytes
    render: Callable[[Document, Templates], bytes]
    #: (path, data) -> the file as units of stable text, for `aspo diff` and `aspo textconv`
    text_view: Callable[[Path, bytes], list[Unit]]
    review: ReviewKind
    pdf: bool = False  # --pdf converts it too, named as it is with .pdf (as LibreOffice names a PDF)
    marks_sources: bool = False  # its text names the blocks and scenarios behind it as `[block:id]` markers
    #: The key of the format whose file holds all of this one's text and more (the presenter deck: the customer
    #: deck's slides with their speaker notes). A diff of two builds that both have that file, and the review page,
    #: show that one instead of this, so each change shows once.
    shown_by: str | None = None
    #: A file the rep may send the customer (it holds nothing only the rep reads), as may its PDF copy.
    customer: bool = False
    #: (document, the customer's PDFs by name) -> the file made again with them attached, when a --pdf build has
    #: made them (the follow-up e-mail); None: the PDFs change nothing in it.
    attach: Callable[[Document, dict[str, bytes]], bytes] | None = None

    @property
    def suffix(self) -> str:
        return Path(self.file_name).suffix

    @property
    def ending(self) -> str:
        """What every file of this format ends with after the account's slug: "-deck.pptx"."""
        return self.file_name.replace("{slug}", "", 1)

    def name(self, slug: str) -> str:
        """This format's file name for the account `slug`."""
        return self.file_name.format(slug=slug)

    def pdf_name(self, slug: str) -> str | None:
        """The name of its PDF copy for the account `slug`; None when it has none."""
        return f"{Path(self.name(slug)).stem}.pdf" if self.pdf else None


# Each renderer imports its module only when called: a build that renders nothing loads none of them.
# The registry adapts the renderers' signatures, so each renderer keeps its own.

def _render_deck(document: Document, templates: Templates) -> bytes:
    """The customer's copy, which a rep may send: no speaker notes."""
    from aspo.render.powerpoint import render_pptx

    return render_pptx(document, templates.deck, speaker_notes=False)


def _render_presenter_deck(document: Document, templates: Templates) -> bytes:
    from aspo.render.powerpoint import render_pptx

    return render_pptx(document, templates.deck, speaker_notes=True)


def _render_both_decks(document: Document, templates: Templates) -> dict[str, bytes]:
    """The customer's and the presenter's copies by format key, from one rendering (as each alone, byte for byte)."""
    from aspo.render.powerpoint import render_pptx_copies

    return dict(zip(("deck", "presenter"), render_pptx_copies(document, templates.deck)))


def _render_document(document: Document, templates: Templates) -> bytes:
    from aspo.render.word import render_docx

    return render_docx(document, templates.document)


def _render_draft(document: Document, templates: Templates) -> bytes:
    from aspo.render.markdown import render_markdown

    return render_markdown(document).encode("utf-8")


def _render_follow_up(document: Document, templates: Templates) -> bytes:
    from aspo.render.mail import render_mail

    return render_mail(document)


def _follow_up_with_pdfs(document: Document, pdfs: dict[str, bytes]) -> bytes:
    from aspo.render.mail import render_mail

    return render_mail(document, pdfs)


#: Every output format, in the order a build renders them and messages list them. The deck is the customer's copy,
#: which a rep may send (without speaker notes); the presenter's copy is the same deck with them.
FORMATS = (
    OutputFormat(key="deck", label="deck", file_name="{slug}-deck.pptx", render=_render_deck,
                 text_view=textview.deck_units, review="slides", pdf=True, shown_by="presenter", customer=True),
    OutputFormat(key="presenter", label="presenter deck", file_name="{slug}-deck-presenter.pptx",
                 render=_render_presenter_deck, text_view=textview.deck_units, review="slides"),
    OutputFormat(key="document", label="document", file_name="{slug}-offering.docx", render=_render_document,
                 text_view=textview.document_units, review="pages", pdf=True, customer=True),
    OutputFormat(key="draft", label="review draft", file_name="{slug}-draft.md", render=_render_draft,
                 text_view=textview.draft_units, review="text", marks_sources=True),
    OutputFormat(key="follow-up", label="follow-up e-mail", file_name="{slug}-follow-up.eml",
                 render=_render_follow_up, text_view=textview.mail_units, review="text", customer=True,
                 attach=_follow_up_with_pdfs),
)
_BY_KEY = {fmt.key: fmt for fmt in FORMATS}
#: The first format of each suffix: the two decks share theirs, and their text view
_BY_SUFFIX: dict[str, OutputFormat] = {}
for _fmt in FORMATS:
    _BY_SUFFIX.setdefault(_fmt.suffix, _fmt)
#: Each format's file-name ending, lower case, longest first: "-deck-presenter.pptx" is tried before "-deck.pptx"
_BY_ENDING = sorted(((fmt.ending.lower(), fmt) for fmt in FORMATS), key=lambda pair: -len(pair[0]))
#: The endings of the files a rep may send, lower case: each customer format's, and its PDF copy's ("-deck.pdf")
_CUSTOMER_ENDINGS = tuple(ending.lower() for fmt in FORMATS if fmt.customer
                          for ending in (fmt.ending, Path(fmt.ending).with_suffix(".pdf").name)[:1 + fmt.pdf])
#: The suffixes of the formats drawn as slides or pages (Office packages, which are zips), and of those that carry
#: the PDFs: read within what a zip may unpack to, not the bound of a text file.
_LARGE = tuple(fmt.suffix for fmt in FORMATS if fmt.review != "text" or fmt.attach is not None)
#: The most aspo reads of a build's text file it is handed (a review draft, a manifest): a real one is tens of KB.
MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024
SUFFIXES = tuple(_BY_SUFFIX)
#: The suffixes as messages list them: ".pptx, .docx or .md".
SUFFIXES_IN_WORDS = ", ".join(SUFFIXES[:-1]) + " or " + SUFFIXES[-1]


def render_files(document: Document, templates: Templates) -> dict[OutputFormat, bytes]:
    """Every format's file for `document`, in FORMATS order: the two decks from one rendering, the rest each by
    its own renderer."""
    made = _render_both_decks(document, templates)
    return {fmt: made[fmt.key] if fmt.key in made else fmt.render(document, templates) for fmt in FORMATS}


def by_key(key: str) -> OutputFormat:
    """The format called `key` (KeyError when there is none)."""
    return _BY_KEY[key]


def by_suffix(suffix: str) -> OutputFormat | None:
    """The first format whose files end in `suffix` (any case), or None. Formats that share a suffix share a text
    view: it is what reads a file of that suffix, whatever its name."""
    return _BY_SUFFIX.get(suffix.lower())


def by_name(name: str) -> OutputFormat | None:
    """The format a file of that name is (any case), by its ending ("acme-deck-presenter.pptx" is the presenter
    deck, not the deck); else the first of its suffix (a file a user named), or None."""
    lowered = Path(name).name.lower()
    return next((fmt for ending, fmt in _BY_ENDING if lowered.endswith(ending)), None) or by_suffix(Path(name).suffix)


def is_customer_file(name: str) -> bool:
    """Whether an account's output of this name is one the rep may send the customer: the deck or the document
    ("acme-deck.pptx", not "acme-deck-presenter.pptx"), the PDF of either, or the follow-up e-mail; not the draft
    or the manifest."""
    return Path(name).name.lower().endswith(_CUSTOMER_ENDINGS)


def file_of(files: Iterable[str], fmt: OutputFormat) -> str | None:
    """The name among `files` of the file of format `fmt` (the first by name); else, for a build made before `fmt`
    existed, that of a format it shows (the customer deck for the presenter deck); else None."""
    names = sorted(files)
    for wanted in (fmt, *(other for other in FORMATS if other.shown_by == fmt.key)):
        found = next((name for name in names if by_name(name) is wanted), None)
        if found is not None:
            return found
    return None


def read_units(path: Path, data: bytes | None = None) -> list[Unit]:
    """The file's text unit by unit, as its format's text view reads it. With `data`, that is the content and `path`
    only names it (its name says which format it is); otherwise the file is read from disk."""
    path = Path(path)
    fmt = by_name(path.name)
    if fmt is None:
        raise AspoError.at(path, None, None, f"cannot show this file as text; expected a {SUFFIXES_IN_WORDS}")
    return fmt.text_view(path, read_output(path) if data is None else data)


def textconv_text(path: Path, show: Callable[[AspoError], None]) -> str:
    """What `aspo textconv` prints for a file: its text; or, for a file of a kind it reads that it cannot show
    (damaged, too large, unpacking too far), a one-line placeholder, the error saying why handed to `show`. git shows
    what the driver prints as the file's text, and a driver that fails stops `git log -p` at that commit. A file that
    is not there, is not a regular file or is of another kind raises the error: git hands over none of those."""
    path = Path(path)
    try:
        return textview.as_text(read_units(path))
    except AspoError as exc:
        if not path.is_file() or by_name(path.name) is None:
            raise
        show(exc)
        return textview.not_shown(exc.problems[0])


def read_output(path: Path) -> bytes:
    """A build's file (an output or a manifest) that aspo is handed to show or compare: a regular file, its size
    checked before it is read (an Office package at most what a zip may unpack to, anything else far less), so that
    a named pipe cannot hang aspo and a huge file costs no memory."""
    path = Path(path)
    return read_regular(path, MAX_UNPACKED_BYTES if path.suffix.lower() in _LARGE else MAX_TEXT_FILE_BYTES)
