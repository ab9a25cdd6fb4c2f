"""The files a build writes for each account, one registry: their names, renderers, text views and review kinds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Protocol

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
    file_name: str  # "{slug}-deck.pptx": its suffix tells a file of this format from the others
    #: (document, templates) -> the file's bytes
    render: Callable[[Document, Templates], bytes]
    #: (path, data) -> the file as units of stable text, for `aspo diff` and `aspo textconv`
    text_view: Callable[[Path, bytes], list[Unit]]
    review: ReviewKind
    pdf: bool = False  # --pdf converts it too, named as it is with .pdf (as LibreOffice names a PDF)
    marks_sources: bool = False  # its text names the blocks and scenarios behind it as `[block:id]` markers

    @property
    def suffix(self) -> str:
        return Path(self.file_name).suffix

    def name(self, slug: str) -> str:
        """This format's file name for the account `slug`."""
        return self.file_name.format(slug=slug)

    def pdf_name(self, slug: str) -> str | None:
        """The name of its PDF copy for the account `slug`; None when it has none."""
        return f"{Path(self.name(slug)).stem}.pdf" if self.pdf else None


# Each renderer imports its module only when called: a build that renders nothing loads none of them.
# The registry adapts the renderers' signatures, so each renderer keeps its own.

def _render_deck(document: Document, templates: Templates) -> bytes:
    from aspo.render.powerpoint import render_pptx

    return render_pptx(document, templates.deck)


def _render_document(document: Document, templates: Templates) -> bytes:
    from aspo.render.word import render_docx

    return render_docx(document, templates.document)


def _render_draft(document: Document, templates: Templates) -> bytes:
    from aspo.render.markdown import render_markdown

    return render_markdown(document).encode("utf-8")


#: Every output format, in the order a build renders them and messages list them.
FORMATS = (
    OutputFormat(key="deck", file_name="{slug}-deck.pptx", render=_render_deck, text_view=textview.deck_units,
                 review="slides", pdf=True),
    OutputFormat(key="document", file_name="{slug}-offering.docx", render=_render_document,
                 text_view=textview.document_units, review="pages", pdf=True),
    OutputFormat(key="draft", file_name="{slug}-draft.md", render=_render_draft, text_view=textview.draft_units,
                 review="text", marks_sources=True),
)
_BY_KEY = {fmt.key: fmt for fmt in FORMATS}
_BY_SUFFIX = {fmt.suffix: fmt for fmt in FORMATS}
SUFFIXES = tuple(_BY_SUFFIX)
#: The suffixes as messages list them: ".pptx, .docx or .md".
SUFFIXES_IN_WORDS = ", ".join(SUFFIXES[:-1]) + " or " + SUFFIXES[-1]


def by_key(key: str) -> OutputFormat:
    """The format called `key` (KeyError when there is none)."""
    return _BY_KEY[key]


def by_suffix(suffix: str) -> OutputFormat | None:
    """The format whose files end in `suffix` (any case), or None."""
    return _BY_SUFFIX.get(suffix.lower())


def read_units(path: Path, data: bytes | None = None) -> list[Unit]:
    """The file's text unit by unit, as its format's text view reads it. With `data`, that is the content and `path`
    only names it (its suffix says which format it is); otherwise the file is read from disk."""
    path = Path(path)
    fmt = by_suffix(path.suffix)
    if fmt is None:
        raise AspoError.at(path, None, None, f"cannot show this file as text; expected a {SUFFIXES_IN_WORDS}")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise AspoError.at(path, None, None, f"cannot read this file: {exc.strerror or exc}") from None
    return fmt.text_view(path, data)
