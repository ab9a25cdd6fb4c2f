"""The library's deck and document templates, prepared once per process for every file a build renders."""

from __future__ import annotations


class OfficeTemplates:
    """A library's deck and document templates, each prepared (read, opened, and what every file made from it
    shares made once) when first rendered on: made by whoever renders (a build's Builder) and kept for as long as
    the library is, per process. The Office libraries load only when a template is first used.

        templates = OfficeTemplates(library)
        render_pptx(document, templates.deck)
        render_docx(document, templates.document)
    """

    def __init__(self, library):
        self.library = library
        self._deck = self._document = None

    @property
    def deck(self):
        """The deck template, an aspo.render.powerpoint.PreparedDeck: the bytes the library checked when it loaded."""
        if self._deck is None:
            from aspo.render.powerpoint import PreparedDeck  # python-pptx loads only when a deck is rendered

            library = self.library
            self._deck = PreparedDeck.open(library.deck_template, library.outline.deck.master, library.deck)
        return self._deck

    @property
    def document(self):
        """The document template, an aspo.render.word.PreparedDocument."""
        if self._document is None:
            from aspo.render.word import PreparedDocument

            self._document = PreparedDocument.open(self.library.document_template, self.library.word)
        return self._document
