"""The fields of a translation: a block's or scenario's variant, and the per-language files under templates/l10n/."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aspo.library.schema import Strict, Word, WordName


class Translation(Strict):
    """What every translated file records: its source's text and claims when it was translated, and its review."""

    source: str | None = Field(None, pattern=r"^[0-9a-f]{12}$", description=(
        "The hash of the source's wording this translates (`aspo l10n stamp` writes it): a source changed since "
        "makes the translation stale."))
    claims: str | None = Field(None, pattern=r"^[0-9a-f]{12}$", description=(
        "The hash of the source's claims (capability and product calls, maturities, figures) this translates: "
        "changed claims make the translation unusable until it is reviewed and stamped again."))
    reviewed: str | None = Field(None, pattern=r"^[0-9a-f]{12}$", description=(
        "The hash of this translation's own text when it was stamped: edited since, it is not the text approved, "
        "and no build uses it until it is stamped again."))
    status: Literal["draft", "machine", "approved"] = Field("draft", description=(
        "draft or machine: never in a build; approved: reviewed by someone who reads both languages."))
    translated_by: str | None = Field(None, min_length=1)
    approved_by: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _approved_by_someone(self):
        if self.status == "approved" and not self.approved_by:
            raise ValueError("an approved translation names who approved it: approved_by")
        return self


#: What a variant may not set: selection and ownership come from the source alone.
BLOCK_SOURCE_ONLY = ("id", "section", "applies_to", "promotes", "capabilities", "owner", "review_by", "sources")
SCENARIO_SOURCE_ONLY = ("id", "industry", "company_size", "persona", "capabilities", "pains", "owner", "review_by")
CUSTOMER_SOURCE_ONLY = ("name", "may_name", "reference")
RESULT_SOURCE_ONLY = ("before", "after")


class BlockVariantFront(Translation):
    """The front matter of templates/blocks/<id>.<lang>.md: the translated title; the body and notes follow."""

    title: str = Field(min_length=1)


class CustomerVariant(Strict):
    described_as: str | None = Field(None, min_length=1)


class ResultVariant(Strict):
    metric: str = Field(min_length=1)
    value: str | None = Field(None, min_length=1)
    unit: str | None = Field(None, min_length=1, max_length=40, description="The unit of before and after, in words.")
    period: str | None = None


class ScenarioVariantFile(Translation):
    """templates/scenarios/<id>.<lang>.yaml: the customer-facing text of a scenario, in one language."""

    title: str = Field(min_length=1)
    customer: CustomerVariant = Field(default_factory=CustomerVariant)
    situation: str = Field(min_length=1)
    challenge: str = Field(min_length=1)
    approach: str = Field(min_length=1)
    results: list[ResultVariant] = Field(default_factory=list, description="One per result of the source, in order.")


class ProductWords(Strict):
    name: str | None = Field(None, min_length=1)
    summary: str | None = Field(None, min_length=1)


class CapabilityWords(Strict):
    name: str | None = Field(None, min_length=1)
    summary: str | None = Field(None, min_length=1)
    depends_on: str | None = Field(None, min_length=1)
    planned: str | None = Field(None, min_length=1)


class VendorWords(Strict):
    tagline: str | None = Field(None, min_length=1)


class WordingWords(Strict):
    ga: str | None = Field(None, min_length=1)
    limited: str | None = Field(None, min_length=1)
    roadmap_note: str | None = Field(None, min_length=1)


class CatalogWords(Translation):
    """templates/l10n/<lang>/catalog.yaml: product and capability names, summaries and maturity wording."""

    vendor: VendorWords = Field(default_factory=VendorWords)
    wording: WordingWords = Field(default_factory=WordingWords)
    products: dict[str, ProductWords] = Field(default_factory=dict)
    capabilities: dict[str, CapabilityWords] = Field(default_factory=dict)


class SectionWords(Strict):
    title: str | None = Field(None, min_length=1)
    subtitle: str | None = Field(None, min_length=1)


class OutlineWords(Translation):
    """templates/l10n/<lang>/outline.yaml: the sections' titles, by kind."""

    sections: dict[str, SectionWords] = Field(default_factory=dict)


class IndustryWords(Strict):
    name: str | None = Field(None, min_length=1)
    words: dict[WordName, Word] = Field(default_factory=dict)


class IndustriesWords(Translation):
    """templates/l10n/<lang>/industries.yaml: industry names and the words blocks use for their world."""

    neutral: dict[WordName, Word] = Field(default_factory=dict)
    industries: dict[str, IndustryWords] = Field(default_factory=dict)


class StageWords(Strict):
    name: str | None = Field(None, min_length=1)
    material: str | None = Field(None, min_length=1)


class StagesWords(Translation):
    """templates/l10n/<lang>/stages.yaml: stage names and what the customer's files are called."""

    stages: dict[str, StageWords] = Field(default_factory=dict)


class PainWords(Strict):
    name: str | None = Field(None, min_length=1)
    keywords: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)


class PainsWords(Translation):
    """templates/l10n/<lang>/pains.yaml: how customers name each pain in this language, to recognise it."""

    pains: dict[str, PainWords] = Field(default_factory=dict)
    outside: list[str] = Field(default_factory=list)


class PersonaWords(Strict):
    name: str | None = Field(None, min_length=1)
    cares_about: list[str] = Field(default_factory=list)


class PersonasWords(Translation):
    """templates/l10n/<lang>/personas.yaml: what each persona listens for, for speaker notes in this language."""

    personas: dict[str, PersonaWords] = Field(default_factory=dict)


class LabelsFile(Strict):
    """templates/l10n/<lang>/labels.yaml: the library's own wording of aspo's labels in this language."""

    labels: dict[str, str] = Field(default_factory=dict)


#: The per-language files, by name, and what each translates.
L10N_FILES = {"catalog.yaml": CatalogWords, "outline.yaml": OutlineWords, "industries.yaml": IndustriesWords,
              "stages.yaml": StagesWords, "pains.yaml": PainsWords, "personas.yaml": PersonasWords}
