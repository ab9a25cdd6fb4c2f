"""Small hand-made document models for the renderer tests, on the real sample templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aspo.compose.document import BulletList, Document, Paragraph, Properties, Section

ROOT = Path(__file__).resolve().parent.parent
DECK = ROOT / "templates" / "layouts" / "deck.pptx"
OFFERING = ROOT / "templates" / "layouts" / "offering.docx"
CREATED = dt.datetime(2024, 5, 6, 7, 8, 10, tzinfo=dt.timezone.utc)


def bullets(*items: str) -> BulletList:
    return BulletList(tuple(Paragraph(item) for item in items))


def title_section(**changes) -> Section:
    values = dict(key="title", kind="title", title="Uptime for Acme Foods",
                  subtitle="A point offering from Meridian Ops", layout="Title Slide")
    values.update(changes)
    return Section(**values)


def make_doc(*sections: Section, deck: Path = DECK, document: Path = OFFERING, styles: dict | None = None,
             created: dt.datetime = CREATED) -> Document:
    props = Properties(
        title="Acme Foods: fewer unplanned stops",
        subject="Point offering for Acme Foods",
        author="Dana Rep",
        company="Meridian Ops",
        keywords="uptime; OEE",
        category="Point offering",
        created=created,
    )
    return Document(
        slug="acme-foods",
        account_name="Acme Foods",
        account_file="accounts/acme-foods.yaml",
        properties=props,
        sections=sections or (title_section(),),
        gaps=(),
        deck_template=deck,
        document_template=document,
        styles=dict(styles or {}),
    )
