"""The shape of every input file: pydantic models that validate at the edge, nothing more."""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)


def _skip_plugin_search() -> None:
    """aspo needs none of pydantic's plugins, and pydantic looks for them when the first model validates, in
    every installed package's entry points (about 2 ms in a small venv, 3 to 30 ms among a system Python's 100
    packages). Its cache of them starts empty instead: what that search finds where there are none.

    Only in this process: PYDANTIC_DISABLE_PLUGINS would say the same, but set here it would pass on to every
    process aspo starts (LibreOffice, git, a user's hooks). One the user set is left for pydantic to read."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ:
        return
    try:
        from pydantic.plugin import _loader
    except ImportError:  # a pydantic that keeps its plugins elsewhere: it searches, as it would anyway
        return
    if getattr(_loader, "_plugins", ()) is None:  # pydantic 2: None until it has looked
        _loader._plugins = {}


_skip_plugin_search()

#: An e-mail address, as far as aspo checks one: something, an @, something; no spaces or control characters.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$"
Id = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="A short lowercase id, words joined by '-'.")
CompanySize = Literal["smb", "mid-market", "enterprise"]
#: The company sizes an account may give, smallest first.
COMPANY_SIZES: tuple[str, ...] = get_args(CompanySize)
Maturity = Literal["ga", "limited", "roadmap"]
SectionKind = Literal["title", "agenda", "situation", "insight", "priorities", "scenarios", "offering", "rollout",
                      "terms", "references", "next-steps"]
#: The outline sections a message block can fill, and the follow-up e-mail's opening and closing ("follow-up").
BlockSection = Literal["situation", "insight", "priorities", "offering", "rollout", "terms", "references",
                       "next-steps", "follow-up"]


class Strict(BaseModel):
    """Base for every input model: unknown fields are errors, and values are immutable."""

    # defer_build: a model's validator is built when first used, so a command pays only for the files it reads
    # (and a nested model is built once, inside the file model that holds it).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


# --- account files (accounts/*.yaml), written by reps -------------------------------------


class Attendee(Strict):
    """Someone from the account who will be in the meeting."""

    name: str = Field(min_length=1, description="Full name as the rep would address them.")
    title: str = Field(min_length=1, description="Job title, in the account's words.")
    persona: str = Field(description="Persona id from templates/personas.yaml.")
    email: str | None = Field(None, pattern=EMAIL_PATTERN, description=(
        "Their e-mail, as the CRM has it: how `aspo import --update` knows them."))


class Meeting(Strict):
    """The meeting this deck is for."""

    date: dt.date = Field(description="Meeting date, YYYY-MM-DD.")
    goal: str = Field(min_length=1, description="What the rep wants from this meeting, in one sentence.")
    attendees: list[Attendee] = Field(min_length=1, description="Who from the account attends.")


class Priority(Strict):
    """One of the account's priorities, in the rep's (ideally the customer's) own words."""

    text: str = Field(min_length=1, description="The priority as the account says it.")
    pain: str | None = Field(None, description="Optional pain id from templates/pains.yaml.")
    capability: str | None = Field(None, description="Optional capability id from templates/catalog.yaml.")


class NextStep(Strict):
    """The call to action the deck and document end with."""

    action: str = Field(min_length=1, description="The concrete next step proposed to the account.")
    owner: str | None = Field(None, description="Who drives it (a name).")
    by: dt.date | None = Field(None, description="Proposed date, YYYY-MM-DD.")


class Rep(Strict):
    """The sales rep who owns the account."""

    name: str = Field(min_length=1)
    title: str | None = Field(None, description="Job title, shown with the contact details, e.g. 'Account Executive'.")
    email: str = Field(pattern=EMAIL_PATTERN)
    phone: str | None = Field(None, min_length=1, description="Phone number as the customer should dial it.")
    language: str | None = Field(None, description=(
        "The language of the rep's speaker notes and review draft, e.g. en, de; default: the catalog's source "
        "language."))


class Choice(Strict):
    """Block and scenario ids the rep pins or excludes."""

    blocks: list[str] = Field(default_factory=list)
    scenarios: list[str] = Field(default_factory=list)


class AccountFile(Strict):
    """What a rep knows about one account: accounts/<slug>.yaml."""

    name: str = Field(min_length=1, description="The account's company name.")
    industry: str = Field(description="Industry id from templates/industries.yaml.")
    size: CompanySize = Field(description="Company size: smb, mid-market or enterprise.")
    region: str = Field(min_length=1, description="Sales region, e.g. EMEA.")
    stage: str = Field(description="Buying stage id from templates/stages.yaml.")
    meeting: Meeting
    priorities: list[Priority] = Field(min_length=1, description="The account's priorities, most important first.")
    owns: list[str] = Field(default_factory=list, description="Product ids the account already owns.")
    competitors: list[str] = Field(default_factory=list, description="Competitors in play, by name.")
    next_step: NextStep
    rep: Rep
    pin: Choice = Field(default_factory=Choice, description="Blocks and scenarios that must be used.")
    exclude: Choice = Field(default_factory=Choice, description="Blocks and scenarios that must not be used.")
    notes: str | None = Field(None, description="Rep-authored notes; always marked as the rep's words.")
    locale: str | None = Field(None, description=(
        "How the customer writes dates and numbers, e.g. en-US, en-GB, de-DE; default: the account's language "
        "where it names one, else the catalog's locale."))
    language: str | None = Field(None, description=(
        "The language the customer reads, e.g. de, fr-CA, ja: one the library maintains (catalog.yaml "
        "languages:); default: the language of locale where the library maintains it, else the catalog's source "
        "language."))
    logo: str | None = Field(None, min_length=1, description=(
        "The account's logo: a PNG or JPEG file, relative to this account file; shown on the title slide "
        "and the document's first page."))
    opportunity: str | None = Field(None, min_length=1, description=(
        "The CRM's id of the opportunity the deck is for: history/<slug>.yaml files its events under it, so one "
        "account can have several opportunities over time."))


# --- the content library (templates/), owned by marketing ---------------------------------


class AppliesTo(Strict):
    """When a block fits an account; an empty list means 'any'."""

    industries: list[str] = Field(default_factory=list)
    personas: list[str] = Field(default_factory=list, description="Fits when any attendee has one of these.")
    stages: list[str] = Field(default_factory=list)
    pains: list[str] = Field(default_factory=list, description="Pains this block answers.")
    competitors: list[str] = Field(default_factory=list, description="Fits only when one of these is in play.")
    owned_products: list[str] = Field(default_factory=list, description="Fits only accounts owning all of these.")


class BlockFrontMatter(Strict):
    """The YAML front matter of a message block (templates/blocks/*.md)."""

    id: str = Id
    title: str = Field(min_length=1, description="Slide and section title; may use Jinja placeholders.")
    section: BlockSection = Field(description="Which outline section this block can fill.")
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    promotes: list[str] = Field(default_factory=list, description="Product ids it pitches; skipped for owners.")
    capabilities: list[str] = Field(default_factory=list, description="Capability ids the block talks about.")
    owner: str | None = Field(None, description="Who in marketing answers for this block.")
    review_by: dt.date | None = Field(None, description="After this date the block is not used.")
    sources: list[str] = Field(default_factory=list,
                               description="Where its figures come from: scenario ids or documents.")


class Customer(Strict):
    """The customer behind a scenario, and whether we may name them."""

    name: str = Field(min_length=1)
    may_name: bool = Field(description="True only with the customer's written permission.")
    described_as: str = Field(min_length=1, description="How to refer to them when they may not be named.")
    reference: bool = Field(False, description=(
        "True only when the customer has agreed to take reference calls (and may be named): offered at decision."))

    @model_validator(mode="after")
    def _named_reference(self):
        if self.reference and not self.may_name:
            raise ValueError("a reference customer is named on the call: reference needs may_name: true")
        return self


#: How large a measured figure may be, either way: past any real measure in any unit (a 10^25 is a typo or a unit
#: slip), and well inside what number formatting and the chart's spreadsheet hold exactly.
MAX_FIGURE = 1e15


def _figure(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_FIGURE:
        raise ValueError(f"expected a measured figure from -10^15 to 10^15, got {value:g}")
    return value


#: A measured figure, before or after: a finite number within MAX_FIGURE.
Measured = Annotated[float, AfterValidator(_figure),
                     WithJsonSchema({"type": "number", "minimum": -MAX_FIGURE, "maximum": MAX_FIGURE})]


class Result(Strict):
    """One measurable result of a scenario: in words, and as numbers where it was measured."""

    metric: str = Field(min_length=1)
    value: str | None = Field(None, min_length=1, description=(
        "The measured change in words, e.g. '-31%'; may be left out when before and after are given."))
    before: Measured | None = Field(None, description="The measure before, as a number; charted with after.")
    after: Measured | None = Field(None, description="The measure after, as a number, in the same unit as before.")
    unit: str | None = Field(None, min_length=1, max_length=40, description=(
        "The unit of before and after, e.g. 'weeks', '%'; shown after each figure and on the chart's labels."))
    period: str | None = Field(None, description="Over what time, e.g. 'in 9 months'.")

    @model_validator(mode="after")
    def _numbers(self):
        if (self.before is None) != (self.after is None):
            raise ValueError("before and after go together: give both or neither")
        if self.before is None and self.unit:
            raise ValueError("unit is for before and after")
        if self.value is None and self.before is None:
            raise ValueError("a result needs value, or before and after")
        return self


class ScenarioFile(Strict):
    """A 'someone like you' case scenario (templates/scenarios/*.yaml)."""

    id: str = Id
    title: str = Field(min_length=1)
    industry: str
    company_size: CompanySize
    persona: str = Field(description="Persona id of the champion in the story.")
    customer: Customer
    situation: str = Field(min_length=1)
    challenge: str = Field(min_length=1)
    approach: str = Field(min_length=1)
    results: list[Result] = Field(min_length=1)
    capabilities: list[str] = Field(default_factory=list)
    pains: list[str] = Field(default_factory=list)
    owner: str | None = None
    review_by: dt.date | None = None


class Capability(Strict):
    """One capability of a product, with how mature it is."""

    id: str = Id
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="What it does for the customer, one sentence.")
    maturity: Maturity = Field(description="ga: generally available; limited: live at some customers; roadmap.")
    live_at: int | None = Field(None, ge=1, description="limited only: at how many customers it runs today.")
    depends_on: str | None = Field(None, description="limited only: what it needs to work.")
    planned: str | None = Field(None, description="roadmap only: the planned window, e.g. 'H2 2027'.")
    answers: list[str] = Field(default_factory=list, description="Pain ids it answers.")

    @model_validator(mode="after")
    def _maturity_fields(self):
        if self.maturity == "limited" and (self.live_at is None or not self.depends_on):
            raise ValueError("a limited capability needs live_at and depends_on")
        if self.maturity != "limited" and (self.live_at is not None or self.depends_on):
            raise ValueError("live_at and depends_on are for limited capabilities only")
        if self.maturity != "roadmap" and self.planned:
            raise ValueError("planned is for roadmap capabilities only")
        return self


class Product(Strict):
    """A product and its capabilities."""

    id: str = Id
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    adjacent: list[str] = Field(default_factory=list, description="Products that extend this one, for owners.")
    capabilities: list[Capability] = Field(min_length=1)


class Vendor(Strict):
    """Who is selling."""

    name: str = Field(min_length=1)
    tagline: str = Field(min_length=1)
    website: str = Field(min_length=1)


class Wording(Strict):
    """How each maturity is phrased; Jinja templates with `capability`, `product` and `account`."""

    ga: str
    limited: str
    roadmap_note: str = Field(description="Speaker-note text only: roadmap is never shown as available.")


class Languages(Strict):
    """The languages the library is written and translated in (catalog.yaml `languages:`)."""

    source: str = Field("en", description="The language templates/ is written in.")
    maintained: list[str] = Field(default_factory=list, description=(
        "The languages marketing keeps translations for (blocks/<id>.<lang>.md, scenarios/<id>.<lang>.yaml, "
        "l10n/<lang>/); an account may read one of these or the source language."))
    fallback: bool = Field(True, description=(
        "A block or scenario with no approved translation shows in the source language, marked in the review "
        "draft and reported by `aspo check`; false: the build stops instead."))


class CatalogFile(Strict):
    """templates/catalog.yaml: the vendor, its products, and maturity wording."""

    vendor: Vendor
    locale: str = Field("en-US", description="How dates and numbers are written when an account names no locale.")
    languages: Languages = Field(default_factory=Languages)
    wording: Wording
    products: list[Product] = Field(min_length=1)


class PersonaEntry(Strict):
    """A buyer persona."""

    id: str = Id
    name: str = Field(min_length=1)
    cares_about: list[str] = Field(min_length=1, description="What this persona listens for.")


class StageEntry(Strict):
    """A buying stage."""

    id: str = Id
    name: str = Field(min_length=1)
    purpose: str = Field(min_length=1, description="What material at this stage must do.")
    material: str = Field("Point offering", min_length=1, description=(
        "What the customer's deck and document are called at this stage ({{ material }} in outline titles, the "
        "files' subject and category): 'Point offering' where it proposes one, 'Discussion paper' where it sells "
        "nothing yet."))
    sells: bool = Field(True, description=(
        "False: material at this stage sells nothing: no offering section, no block that promotes products or "
        "asks for a pilot or an order (`aspo check` C602 warns)."))


class PainEntry(Strict):
    """A known pain a priority can be tagged with."""

    id: str = Id
    name: str = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list, description="Words or phrases that alone reveal this pain.")
    related: list[str] = Field(default_factory=list,
                               description="Words that support this pain but say too little alone ('budget').")
    examples: list[str] = Field(default_factory=list, description="Sentences customers say about this pain.")


#: A word's name, as a block says it: `{{ industry.site }}`.
WordName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class IndustryEntry(Strict):
    """An industry accounts and scenarios belong to."""

    id: str = Id
    name: str = Field(min_length=1)
    words: dict[WordName, Word] = Field(default_factory=dict, description=(
        "How this industry names its world, by the names neutral: gives ({site: plant}); a word left out is the "
        "neutral one."))


class PersonasFile(Strict):
    personas: list[PersonaEntry] = Field(min_length=1)


class StagesFile(Strict):
    stages: list[StageEntry] = Field(min_length=1)


class PainsFile(Strict):
    pains: list[PainEntry] = Field(min_length=1)
    outside: list[str] = Field(default_factory=list, description=(
        "Words that put a priority outside what the library answers ('website', 'payroll'): "
        "such a priority stays a content gap unless a pain's own words point to it overwhelmingly."))


class IndustriesFile(Strict):
    neutral: dict[WordName, Word] = Field(default_factory=dict, description=(
        "The words blocks may use, {{ industry.<name> }}, as an account in an industry the library lacks reads "
        "them ({site: site, team: maintenance team}); also every word an industry leaves out."))
    industries: list[IndustryEntry] = Field(min_length=1)


class DeckPlacement(Strict):
    """Where a section goes in the deck."""

    layout: str = Field(min_length=1, description="Slide layout name in the deck template.")


class OutlineSection(Strict):
    """One section of the story, in reading order."""

    kind: SectionKind
    title: str = Field(min_length=1, description="Heading; may use Jinja placeholders.")
    subtitle: str | None = Field(None, description="title only: the line under the title; may use Jinja placeholders.")
    deck: DeckPlacement | None = Field(None, description="Omit to leave the section out of the deck.")
    document: bool = Field(True, description="Whether the section appears in the Word document.")
    count: int = Field(1, ge=1, le=5, description="scenarios and references only: how many to show.")
    stages: list[str] = Field(default_factory=list, description=(
        "The buying stages (ids from stages.yaml) this section appears at; left out or empty: every stage."))


class DocumentStyles(Strict):
    """Paragraph and table style names in the Word template, by role."""

    title: str = "Title"
    subtitle: str = "Subtitle"
    heading: str = "Heading 1"
    subheading: str = "Heading 2"
    body: str = "Normal"
    bullet: str = "List Bullet"
    table: str | None = Field("Table Grid", description=(
        "The table style; null: none, and aspo draws thin single borders so a table still reads as one."))
    note: str = "Quote"


class DeckFiles(Strict):
    template: str = Field(description="Path of the .pptx template, relative to templates/.")
    master: int = Field(1, ge=1, le=200, description=(
        "The slide master (counted from 1) whose layouts the section layouts name, where names repeat across "
        "masters; `aspo layouts use` sets it to the one the template's own slides use."))
    min_font_size: float = Field(10, ge=6, le=24, description=(
        "The smallest text size (points) a table or callout may shrink to; a table that does not fit at it "
        "is split across slides."))


class DocumentFiles(Strict):
    template: str = Field(description="Path of the .docx template, relative to templates/.")
    styles: DocumentStyles = Field(default_factory=DocumentStyles)


class EmailSettings(Strict):
    """The follow-up e-mail every build writes beside the deck and the document."""

    max_words: int = Field(150, ge=30, le=1000, description=(
        "The most words its body may have, signature included; `aspo check` warns about an account's e-mail "
        "that has more (C901)."))


class FontSettings(Strict):
    """Typefaces for scripts the layouts' themes leave without one."""

    east_asian: str | None = Field(None, min_length=1, description=(
        "For Chinese, Japanese and Korean text, e.g. 'Noto Sans CJK JP'; default: the theme's East Asian font."))
    complex: str | None = Field(None, min_length=1, description=(
        "For Arabic, Hebrew, Thai and Indic text; default: the theme's complex-script font."))


class OutlineFile(Strict):
    """templates/outline.yaml: which sections appear in what order, and their layouts."""

    deck: DeckFiles
    document: DocumentFiles
    email: EmailSettings = Field(default_factory=EmailSettings)
    fonts: FontSettings = Field(default_factory=FontSettings)
    sections: list[OutlineSection] = Field(min_length=1)


# --- templates/import.yaml: how `aspo import` reads a CRM export -------------------------------


def _headers(value):
    """One header, or a list of them whose cells are joined: each non-empty text."""
    headers = [value] if isinstance(value, str) else value
    if not isinstance(headers, list) or not headers or not all(isinstance(h, str) and h.strip() for h in headers):
        raise ValueError("expected a column's header, or a list of headers whose cells are joined")
    headers = [header.strip() for header in headers]
    return headers[0] if len(headers) == 1 else headers


#: Headers: one column's, or several whose cells are joined (First Name + Last Name).
Headers = Annotated[str | list[str], PlainValidator(_headers), WithJsonSchema({
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]})]


class ImportColumns(Strict):
    """Which CSV column (by its header) holds each account field, or a list of columns whose cells are joined
    (names with a space, other text with ', ', list items one after the other); null: the export has no such
    column, and the field is left for the rep. A column named here is required in the header; the defaults are
    looked for."""

    name: Headers = Field("Account Name", description="The account's company name; names its file.")
    industry: Headers | None = Field("Industry", description="Industry id or name (or an industries: alias).")
    employees: Headers | None = Field("Employees", description="Number of employees, for size.")
    region: Headers | None = Field("Region")
    stage: Headers | None = Field("Stage", description=(
        "The CRM's opportunity stage (see stages:), or its outcome when closed (see outcomes:)."))
    opportunity: Headers | None = Field("Opportunity ID", description=(
        "The CRM's opportunity id: the account's opportunity:, and its history events'."))
    stage_date: Headers | None = Field("Stage Date", description=(
        "The day the opportunity entered its stage (or closed), which dates the history event."))
    meeting_date: Headers | None = Field("Meeting Date")
    meeting_goal: Headers | None = Field("Meeting Goal")
    contact_name: Headers | None = Field("Contact Name", description="The CRM contact, an attendee.")
    contact_title: Headers | None = Field("Contact Title", description="Their job title, for the persona.")
    contact_email: Headers | None = Field("Contact Email", description="Their e-mail: how --update knows them.")
    priorities: Headers | None = Field("Priorities", description="Split as split: says (a line each).")
    owns: Headers | None = Field("Products Owned", description="Product ids or names, split as split: says (';').")
    competitors: Headers | None = Field("Competitors", description="Split as split: says (';').")
    next_step: Headers | None = Field("Next Step")
    next_step_date: Headers | None = Field("Next Step Date")
    rep_name: Headers | None = Field("Owner Name", description="The account owner: the rep.")
    rep_email: Headers | None = Field("Owner Email")


#: How a list cell is cut into items: `line`, a line each, or at a separator.
Separator = Literal["line", ";", "|", ","]


class ImportSplit(Strict):
    """How each list column's cell is cut into items: only at the separator named here."""

    priorities: Separator = Field("line", description=(
        "A line per item: a free-text sentence keeps its semicolons."))
    owns: Separator = Field(";", description="';', as CRMs export a multi-select picklist.")
    competitors: Separator = Field(";", description="';', as CRMs export a multi-select picklist.")


class ImportSizes(Strict):
    """Company size from the number of employees."""

    smb_below: int = Field(200, ge=1, description="Fewer employees than this: smb.")
    mid_market_below: int = Field(2000, ge=2, description="Fewer than this (and not smb): mid-market; else enterprise.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.smb_below >= self.mid_market_below:
            raise ValueError("smb_below must be less than mid_market_below")
        return self


#: The CRMs whose standard exports `aspo import --preset` knows.
CrmPreset = Literal["salesforce", "hubspot"]


class ImportFile(Strict):
    """templates/import.yaml: how `aspo import` reads a CRM export (every part optional)."""

    preset: CrmPreset | None = Field(None, description=(
        "The CRM whose standard export headers, stages and closed stages are the columns' defaults."))
    columns: ImportColumns = Field(default_factory=ImportColumns)
    split: ImportSplit = Field(default_factory=ImportSplit)
    size: ImportSizes = Field(default_factory=ImportSizes)
    stages: dict[str, str] = Field(default_factory=dict, description=(
        "CRM stage name -> buying stage id, case-insensitive; merged over the built-in Salesforce and HubSpot "
        "stages."))
    outcomes: dict[str, str] = Field(default_factory=dict, description=(
        "CRM stage name of a closed deal -> outcome (won, lost, no-decision, disqualified), case-insensitive; "
        "merged over the built-in Salesforce and HubSpot closed stages."))
    industries: dict[str, str] = Field(default_factory=dict, description=(
        "CRM industry name -> industry id, case-insensitive; ids and names of the library's industries match "
        "without one."))
    personas: dict[str, str] = Field(default_factory=dict, description=(
        "A word or phrase in a contact's title -> persona id; the longest that matches wins."))
    date_order: Literal["day-first", "month-first"] | None = Field(None, description=(
        "How to read dates written with '/' (03/04/2027) when the day cannot tell; YYYY-MM-DD always works."))


class ImportMap(Strict):
    """A rep's own mapping for the exports they have (`aspo import --map FILE`): a preset, and only what differs
    from it. Each part is merged over templates/import.yaml, which stays marketing's default; company sizes stay
    marketing's."""

    preset: CrmPreset | None = Field(None, description="As --preset: the CRM whose export this is.")
    columns: ImportColumns = Field(default_factory=ImportColumns, description=(
        "Only the fields named here change; each column named is required in the export."))
    split: ImportSplit = Field(default_factory=ImportSplit, description="Only the fields named here change.")
    stages: dict[str, str] = Field(default_factory=dict, description="CRM stage name -> buying stage id.")
    outcomes: dict[str, str] = Field(default_factory=dict, description="CRM closed stage -> outcome.")
    industries: dict[str, str] = Field(default_factory=dict, description="CRM industry name -> industry id.")
    personas: dict[str, str] = Field(default_factory=dict, description="A word or phrase in a title -> persona id.")
    date_order: Literal["day-first", "month-first"] | None = Field(None, description=(
        "How to read dates written with '/' when neither the day nor the export's other dates tell."))
