"""Composing the one document model for an account from its selection and the library."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aspo.compose.document import (
    BulletList,
    Callout,
    Callouts,
    Chart,
    Document,
    Element,
    Fallback,
    Fonts,
    Gap,
    Paragraph,
    Properties,
    Section,
    Source,
    Table,
)
from aspo.compose.figures import figures_in, has_numbers
from aspo.compose.follow_up import compose_follow_up
from aspo.compose.nobreak import keeping_together
from aspo.compose.slide_fit import fit_deck
from aspo.compose.templating import INTERNAL_FIELDS, INTERNAL_ITEM_FIELDS, Renderer, TemplateRefusal
from aspo.core.clock import build_timestamp
from aspo.core.formatting import excel_literal, format_date, format_number, format_percent
from aspo.core.scripts import base_language, right_to_left
from aspo.library.account import Account
from aspo.library.content import Block, Library
from aspo.library.labels import Labels, english
from aspo.library.languages import language_name
from aspo.plan.plan import Plan
from aspo.plan.selection import Selection, insight_for

if TYPE_CHECKING:
    from aspo.library.schema import OutlineSection, Result


class Composer:
    """Turns one account's selection into sections; holds the template context for it."""

    def __init__(self, account: Account, library: Library, selection: Selection, renderer: Renderer | None = None):
        self.account, self.library, self.selection = account, library, selection
        self.renderer = renderer or Renderer()
        self.locale = account.locale(library)
        self.say = library.labels()  # aspo's own words, in the customer's language
        self.tell = library.labels(library.rep_language)  # ... and in the rep's, for speaker notes
        # This account's helpers travel in its context: the shared environment's globals stay as loaded.
        helpers = {"capability": self._capability_phrase, "product": self._product_name}
        # What the customer reads is rendered without the rep's internal fields; speaker notes get them, and the
        # catalog's words in the rep's language
        values = _context(account, library, self.locale)
        self.context = customer_context({**values, **helpers})
        self.notes_context = {**values,
                              "capability": lambda capability_id: self._capability_phrase(capability_id, rep=True),
                              "product": lambda product_id: self._product_name(product_id, rep=True)}

    # --- template helpers -------------------------------------------------------------

    def _capability_phrase(self, capability_id: str, rep: bool = False) -> str:
        if capability_id not in self.library.capabilities:
            raise TemplateRefusal(f"capability('{capability_id}'): no such capability in catalog.yaml")
        capability, product = self.library.capabilities[capability_id]
        if capability.maturity == "roadmap":
            raise TemplateRefusal(
                f"capability('{capability_id}') is roadmap ({capability.planned or 'no date'}); "
                "it may only appear in speaker notes, never as available"
            )
        return self._wording(capability_id, rep)

    def _product_name(self, product_id: str, rep: bool = False) -> str:
        if product_id not in self.library.products:
            raise TemplateRefusal(f"product('{product_id}'): no such product in catalog.yaml")
        return (self.library.for_rep if rep else self.library).products[product_id].name

    def _wording(self, capability_id: str, rep: bool = False) -> str:
        """How the catalog words a capability, in the customer's language; `rep`: in the rep's (speaker notes)."""
        library = self.library.for_rep if rep else self.library
        capability, product = library.capabilities[capability_id]
        field = "roadmap_note" if capability.maturity == "roadmap" else capability.maturity
        source = getattr(library.catalog.wording, field)
        context = dict(self.context, capability=capability.model_dump(), product=product.model_dump())
        doc = self.library.catalog_doc
        return self.renderer.render(source, context, doc.path, doc.line_of(("wording", field)) or 1, f"wording.{field}")

    # --- rendering pieces -------------------------------------------------------------

    def _outline_text(self, index: int, field: str, extra: dict[str, Any] | None = None) -> str:
        section = self.library.outline.sections[index]
        doc = self.library.outline_doc
        context = dict(self.context, **(extra or {}))
        return self.renderer.render(getattr(section, field), context, doc.path,
                                    doc.line_of(("sections", index, field)) or 1, f"sections[{index}].{field}")

    def _block(self, block: Block,
               extra: dict[str, Any] | None = None) -> tuple[str, tuple[Element, ...], tuple[Paragraph, ...]]:
        context = dict(self.context, **(extra or {}))
        source = Source("block", block.id, self.selection.reason_for("block", block.id))
        text_path = block.text_path or block.path
        title = self.renderer.render(block.meta.title, context, text_path, block.title_line, "title")
        body = self.renderer.render(block.body, context, text_path, block.body_line, "body")
        notes_context = dict(self.notes_context, **(extra or {}))
        notes = (self.renderer.render(block.notes, notes_context, block.notes_path or block.path, block.notes_line,
                                      "notes") if block.notes else "")
        return title, parse_body(body, source), tuple(
            p for element in parse_body(notes, source) for p in _paragraphs(element)
        ) + self._fallback_notes(("block", block.id))

    def _fallback_notes(self, key: tuple[str, str]) -> tuple[Paragraph, ...]:
        """A line telling the rep that this text is in the source's language, not the customer's: never silent."""
        shown = self.library.shown.get(key)
        if shown is None or not shown.fallback:
            return ()
        return (Paragraph(self.tell("shown_in_source", language=language_name(shown.language, self.tell.language),
                                    wanted=language_name(shown.wanted, self.tell.language))),)

    def block_text(self, block: Block, priority_text: str | None = None, pains: tuple[str, ...] | None = None):
        """A block's title, body and notes rendered for this account. Priority blocks get `priority`: its text
        ("" as for a pinned block) and `pains` (by default the block's own)."""
        if priority_text is None:
            return self._block(block)
        pains = block.meta.applies_to.pains if pains is None else pains
        return self._block(block, {"priority": {"text": priority_text, "pains": list(pains)}})

    # --- sections ---------------------------------------------------------------------

    def compose(self) -> tuple[Section, ...]:
        sections: list[Section] = []
        for index, outline in self.library.outline_at(self.account.data.stage):
            make = getattr(self, "_" + outline.kind.replace("-", "_"))
            sections.extend(make(index, outline))
        return _with_agenda(sections)

    def _placed(self, outline: OutlineSection, **fields) -> Section:
        return Section(layout=outline.deck.layout if outline.deck else None, in_document=outline.document, **fields)

    def _title(self, index, outline):
        data, lib = self.account.data, self.library
        subtitle = self._outline_text(index, "subtitle") if outline.subtitle else ""
        source = Source("outline", "title", "every deck opens with the account's name")
        tell, named = self.tell, lib.for_rep  # the rep reads the industry's and the stage's names in their language
        segment = tell("segment", industry=named.industry_name(data.industry),
                       size=tell("size_" + data.size.replace("-", "_")), region=data.region,
                       stage=named.stages[data.stage].name)
        notes = (Paragraph(tell("meeting_goal", goal=data.meeting.goal), rep_authored=True), Paragraph(segment))
        return [self._placed(outline, key="title", kind="title", title=self._outline_text(index, "title"),
                             subtitle=subtitle, sources=(source,), notes=notes)]

    def _agenda(self, index, outline):
        # Filled in by _with_agenda once every other section exists.
        return [self._placed(outline, key="agenda", kind="agenda", title=self._outline_text(index, "title"),
                             sources=(Source("outline", "agenda", "lists the sections that follow"),))]

    def _situation(self, index, outline):
        data, lib = self.account.data, self.library
        account_source = Source("account", self.account.slug, "the account's priorities in the rep's words")
        body: list[Element] = [
            BulletList(tuple(Paragraph(p.text, account_source, rep_authored=True) for p in data.priorities),
                       account_source),
        ]
        notes: list[Paragraph] = []
        for attendee in data.meeting.attendees:
            persona = lib.personas[attendee.persona]
            notes.append(Paragraph(self.tell("listens_for", name=attendee.name, title=attendee.title,
                                             cares="; ".join(persona.cares_about))))
        if data.competitors:
            notes.append(Paragraph(self.tell("competitors", names=", ".join(data.competitors)), rep_authored=True))
        gaps = [m for m in self.selection.priorities if not m.answered]
        if gaps:
            notes.append(Paragraph(self.tell("no_content_yet",
                                             priorities="; ".join(self.tell.quote(m.text) for m in gaps))))
        if data.notes:
            notes.append(Paragraph(self.tell("rep_note", text=data.notes), rep_authored=True))
        sections = [self._placed(outline, key="situation", kind="situation", title=self._outline_text(index, "title"),
                                 body=tuple(body), notes=tuple(notes), sources=(account_source,))]
        # Industry context gets its own slide: the account's words stay uncluttered.
        for block_id in self.selection.section_blocks.get("situation", ()):
            title, block_body, block_notes = self._block(lib.blocks[block_id])
            sections.append(self._placed(outline, key=f"context-{block_id}", kind="situation", title=title,
                                         body=block_body, notes=block_notes,
                                         sources=(Source("block", block_id,
                                                         self.selection.reason_for("block", block_id)),)))
        return sections

    def _insight(self, index, outline):
        """What staying as they are costs: each pain's approved insight, beside the figures the account gave."""
        group = self._outline_text(index, "title")
        insight = self.selection.section_blocks.get("insight", ())
        telling = {m.index: insight_for(m, insight, self.library) for m in self.selection.priorities}
        sections = []
        for block_id in insight:
            matches = [m for m in self.selection.priorities if telling[m.index] == block_id]
            title, body, notes = self._block(self.library.blocks[block_id])
            quotes, callouts = self._own_figures(matches)
            source = Source("block", block_id, self.selection.reason_for("block", block_id))
            sections.append(self._placed(outline, key=f"cost-{block_id}", kind="insight", title=title, group=group,
                                         body=quotes + body + callouts, notes=notes,
                                         sources=(source,) + tuple(e.source for e in quotes)))
        rest = [m for m in self.selection.priorities if telling[m.index] is None]
        quotes, callouts = self._own_figures(rest)
        if quotes:  # figures of priorities no insight block tells: still the account's own cost, in its words
            sections.append(self._placed(outline, key="insight-figures", kind="insight", title=group, group=group,
                                         body=quotes + callouts, sources=tuple(e.source for e in quotes)))
        return sections

    def _own_figures(self, matches) -> tuple[tuple[Element, ...], tuple[Element, ...]]:
        """The priorities among `matches` that give a figure, quoted as the account's; and the figures large."""
        quotes: list[Element] = []
        callouts: list[Callout] = []
        for match in matches:
            found = figures_in(match.text)
            if not found:
                continue
            source = Source("account", self.account.slug, f"priority {match.index}: the account's own figures")
            # the slide quotes the figure's clause large, beside the insight; the document quotes the whole priority
            name = self.account.data.name
            quotes.append(Paragraph(self.say("told_us", account=name, quote=self.say.quote(match.text)), source,
                                    rep_authored=True, in_deck=False))
            callouts.extend(Callout(f.figure, self.say("callout_said_by", quote=self.say.quote(f.clause), account=name))
                            for f in found)
        if not callouts:
            return (), ()
        return tuple(quotes), (Callouts(tuple(callouts), quotes[0].source),)

    def _from_blocks(self, index, outline):
        """A section told by its approved blocks alone (rollout, terms); none chosen: no section, never invented."""
        body, notes, sources = self._section_blocks(outline.kind)
        if not sources:
            return []
        return [self._placed(outline, key=outline.kind, kind=outline.kind, title=self._outline_text(index, "title"),
                             body=tuple(body), notes=tuple(notes), sources=tuple(sources))]

    _rollout = _terms = _from_blocks

    def _section_blocks(self, kind: str) -> tuple[list[Element], list[Paragraph], list[Source]]:
        """The body, notes and sources of the blocks chosen for a section, one after another."""
        body: list[Element] = []
        notes: list[Paragraph] = []
        sources: list[Source] = []
        for block_id in self.selection.section_blocks.get(kind, ()):
            _, block_body, block_notes = self._block(self.library.blocks[block_id])
            body.extend(block_body)
            notes.extend(block_notes)
            sources.append(Source("block", block_id, self.selection.reason_for("block", block_id)))
        return body, notes, sources

    def _references(self, index, outline):
        """Customers like them who agreed to take a call, with the approved words that offer it."""
        lib = self.library
        body, notes, sources = self._section_blocks("references")
        items = []
        for scenario_id in self.selection.references[: outline.count]:
            meta = lib.scenarios[scenario_id].meta
            source = Source("scenario", scenario_id, self.selection.reason_for("scenario", scenario_id))
            result = meta.results[0]
            items.append(Paragraph(f"{meta.customer.name} ({lib.industry_name(meta.industry).lower()}): {meta.title}; "
                                   f"{result.metric.lower()} {self.result_value(result)}", source))
            notes.append(Paragraph(self.tell("why_reference", customer=meta.customer.name, reason=source.reason)))
            sources.append(source)
        if not items:  # no customer has agreed to a call that fits: the section is left out, not invented
            return []
        body.append(BulletList(tuple(items), items[0].source))
        return [self._placed(outline, key="references", kind="references", title=self._outline_text(index, "title"),
                             body=tuple(body), notes=tuple(notes), sources=tuple(sources))]

    def _priorities(self, index, outline):
        group = self._outline_text(index, "title")
        sections = []
        sharing: dict[int, list] = {}  # a priority -> the later ones its slide answers too
        for match in self.selection.priorities:
            if match.shares_with:
                sharing.setdefault(match.shares_with, []).append(match)
        for match in self.selection.priorities:
            if match.block is None or match.shares_with:
                continue
            block = self.library.blocks[match.block]
            together = [match, *sharing.get(match.index, ())]
            pains = list(dict.fromkeys(p for m in together for p in m.pains))
            title, body, notes = self._block(block, {"priority": {"text": match.text, "pains": pains}})
            quotes = tuple(Paragraph(self.say.quote(m.text),
                                     Source("account", self.account.slug, f"priority {m.index}"), rep_authored=True)
                           for m in together)
            also = tuple(Paragraph(self.tell("also_answers", index=str(m.index), quote=self.tell.quote(m.text)),
                                   rep_authored=True) for m in together[1:])
            sources = tuple(Source("block", block.id, m.reason) for m in together)
            sections.append(self._placed(outline, key=f"priority-{match.index}", kind="priorities", title=title,
                                         group=group, body=quotes + body, notes=notes + also, sources=sources))
        for block_id in self.selection.section_blocks.get("priorities", ()):
            # pinned, but answering none of their priorities: `priority.text` is empty, so a block can leave it out
            block = self.library.blocks[block_id]
            title, body, notes = self._block(block,
                                             {"priority": {"text": "", "pains": list(block.meta.applies_to.pains)}})
            sections.append(self._placed(outline, key=f"pinned-{block_id}", kind="priorities", title=title, group=group,
                                         body=body, notes=notes,
                                         sources=(Source("block", block_id, "pinned by the account file"),)))
        return sections

    def _scenarios(self, index, outline):
        group = self._outline_text(index, "title")
        sections = []
        for scenario_id in self.selection.scenarios[: outline.count]:
            meta = self.library.scenarios[scenario_id].meta
            source = Source("scenario", scenario_id, self.selection.reason_for("scenario", scenario_id))
            who = meta.customer.name if meta.customer.may_name else meta.customer.described_as
            if meta.industry != self.account.data.industry:  # never passed off as the account's own industry
                who = f"{self.library.industry_name(meta.industry)} \u00b7 {who}"
            body: list[Element] = [
                Paragraph(who, source),
                BulletList((Paragraph(self.say("situation", text=meta.situation), source),), source, in_deck=False),
                BulletList((Paragraph(self.say("challenge", text=meta.challenge), source),), source),
                BulletList((Paragraph(self.say("approach", text=meta.approach), source),), source),
                Callouts(tuple(self._callout(r) for r in meta.results), source),
                Table((self.say("result"), self.say("change"), self.say("period")),
                      tuple((r.metric, self.result_value(r), r.period or "") for r in meta.results), source,
                      in_deck=False),
            ]
            chart = self._chart(meta.results, source)
            if chart is not None:
                body.append(chart)
            notes = [Paragraph(self.tell("why_story", reason=source.reason))]
            notes += [Paragraph(self.tell("answers_priority", index=str(m.index), quote=self.tell.quote(m.text)),
                                rep_authored=True)
                      for m in self.selection.priorities if m.scenario == scenario_id]
            if not meta.customer.may_name:
                notes.append(Paragraph(self.tell("do_not_name", quote=self.tell.quote(meta.customer.described_as))))
            notes += self._fallback_notes(("scenario", scenario_id))
            sections.append(self._placed(outline, key=f"scenario-{scenario_id}", kind="scenarios", title=meta.title,
                                         group=group, body=tuple(body), notes=tuple(notes), sources=(source,)))
        return sections

    # --- results, in the reader's locale ---------------------------------------------------

    def _amount(self, value: float, unit: str | None, signed: bool = False) -> str:
        if unit == "%":
            return format_percent(value / 100, self.locale, signed=signed)
        number = format_number(value, self.locale, signed=signed)
        return f"{number} {unit}" if unit else number

    def result_value(self, result: Result) -> str:
        """The change in words: marketing's own, else 'from 14 to 6 weeks' from the numbers."""
        if result.value:
            return result.value
        return self.say("from_to", before=self._amount(result.before, result.unit),
                        after=self._amount(result.after, result.unit))

    def _callout(self, result: Result) -> Callout:
        label = result.metric + (f", {result.period}" if result.period else "")
        if not has_numbers(result):
            return Callout(result.value, label)
        if result.unit == "%":
            figure = self._amount(result.after, result.unit)
        elif (share := relative_change(result.before, result.after)) is not None:
            figure = format_percent(share, self.locale)
        else:  # '+10 weeks': a share of a start at or below zero says nothing
            figure = self._amount(result.after - result.before, result.unit, signed=True)
        return Callout(figure, f"{label}: {self.result_value(result)}")

    def _chart(self, results, source: Source) -> Chart | None:
        """Before and after of the measured results that share the first one's unit."""
        numeric = [r for r in results if has_numbers(r)]
        if not numeric:
            return None
        unit = numeric[0].unit
        shown = [r for r in numeric if r.unit == unit]
        title = (shown[0].metric if len(shown) == 1 else self.say("before_and_after_unit", unit=unit) if unit
                 else self.say("before_and_after"))
        whole = all(float(v).is_integer() for r in shown for v in (r.before, r.after))
        number = "#,##0" if whole else "#,##0.0"
        number_format = number + excel_literal("%" if unit == "%" else f" {unit}") if unit else number
        return Chart(title, (self.say("before"), self.say("after")),
                     tuple((r.metric, (r.before, r.after)) for r in shown), number_format, source)

    def _offering(self, index, outline):
        lib, data = self.library, self.account.data
        body: list[Element] = []
        notes: list[Paragraph] = []
        sources: list[Source] = []
        if data.owns:
            owned = self.say.join(lib.products[p].name for p in data.owns)
            body.append(Paragraph(self.say("builds_on", account=data.name, products=owned),
                                  Source("account", self.account.slug, "products the account owns")))
        for block_id in self.selection.section_blocks.get("offering", ()):
            _, block_body, block_notes = self._block(lib.blocks[block_id])
            # Beside the capability table a slide has room for the block's bullets only.
            body.extend(replace(e, in_deck=False) if isinstance(e, Paragraph) else e for e in block_body)
            notes.extend(block_notes)
            sources.append(Source("block", block_id, self.selection.reason_for("block", block_id)))
        if self.selection.capabilities:
            catalog = Source("catalog", "capabilities", "capabilities that answer the account's pains")
            rows = [(lib.capabilities[c][1].name, self._wording(c)) for c in self.selection.capabilities]
            # each product once, over its capabilities in the order chosen: products in the order first chosen
            first = {product: at for at, (product, _) in reversed(list(enumerate(rows)))}
            rows.sort(key=lambda row: first[row[0]])
            header = (self.say("product"), self.say("what_it_means", account=data.name))
            body.append(Table(header, tuple(rows), catalog, group_first_column=True))
            sources.append(catalog)
        for cap_id in self.selection.roadmap:
            notes.append(Paragraph(self._wording(cap_id, rep=True), Source("catalog", cap_id, "roadmap: notes only")))
        return [self._placed(outline, key="offering", kind="offering", title=self._outline_text(index, "title"),
                             body=tuple(body), notes=tuple(notes), sources=tuple(sources))]

    def _next_steps(self, index, outline):
        body, notes, sources = self._section_blocks("next-steps")
        # the step's owner and date once: a block of the section may already say them ("Who drives it: ..."); the
        # contact line names the rep as whom to call, not as the step's owner
        said = " ".join(p.text for element in body for p in _paragraphs(element))
        # who to call, then the step itself: every deck and document ends with the next step
        contact_source = Source("account", self.account.slug, "the rep's contact details")
        body.append(Paragraph(contact_line(self.account, self.say), contact_source))
        sources.append(contact_source)
        cta_source = Source("account", self.account.slug, "the rep's proposed next step")
        body.append(Paragraph(call_to_action(self.account, self.locale, said, self.say), cta_source,
                              rep_authored=True))
        sources.append(cta_source)
        notes.append(Paragraph(self.tell("close")))
        return [self._placed(outline, key="next-steps", kind="next-steps", title=self._outline_text(index, "title"),
                             body=tuple(body), notes=tuple(notes), sources=tuple(sources))]


def relative_change(before: float, after: float) -> float | None:
    """The change from `before` to `after` as a share of `before` (14 to 6 weeks: -0.57), or None where a share
    means nothing: from zero or below, or to the other side of zero (-5 to 5 weeks is no -200%)."""
    if before <= 0 or after < 0:
        return None
    return (after - before) / before


def call_to_action(account: Account, locale: str, said: str = "", say: Labels | None = None) -> str:
    """'Next step: what (who, by when)', without the who or the when that `said` (the closing section's other
    lines) already tells the reader."""
    step = account.data.next_step
    said = " ".join(said.split())

    def told(phrase: str) -> bool:  # as whole words: 'Tom' is not told by 'Tomorrow'
        return re.search(rf"(?<!\w){re.escape(' '.join(phrase.split()))}(?!\w)", said) is not None

    say = say or english()
    owner = step.owner if step.owner and not told(step.owner) else ""
    date = format_date(step.by, locale) if step.by else ""
    details = [d for d in (owner, date and not told(date) and say("by_date", date=date)) if d]
    return say("next_step", action=step_action(account)) + (
        say("next_step_details", details=say.join(details)) if details else "")


def step_action(account: Account) -> str:
    """The next step's action as marketing's text and aspo's lines go on from it: without a closing full stop of its
    own ("…assets." would read "…assets.." in "{{ next_step.action }}.")."""
    action = account.data.next_step.action
    return action[:-1] if action.endswith(".") and not action.endswith("..") else action


def contact_line(account: Account, say: Labels | None = None) -> str:
    """Who to answer: the rep's name, title and contact details, as the closing slide and page show them."""
    rep = account.data.rep
    who = f"{rep.name}, {rep.title}" if rep.title else rep.name
    contact = (say or english())("contact", who=who)
    return " \u00b7 ".join(part for part in (contact, rep.email, rep.phone) if part)



def _with_agenda(sections: list[Section]) -> tuple[Section, ...]:
    """Fills the agenda with the headings that follow it, in order, once each."""
    headings: list[str] = []
    for section in sections:
        if section.kind in ("title", "agenda"):
            continue
        heading = section.group or section.title
        if heading not in headings:
            headings.append(heading)
    result = []
    for section in sections:
        if section.kind == "agenda":
            items = BulletList(tuple(Paragraph(h) for h in headings))
            section = replace(section, body=(items,))
        result.append(section)
    return tuple(result)


def parse_body(text: str, source: Source) -> tuple[Element, ...]:
    """Reads the small Markdown subset of blocks: paragraphs, and '- ' bullet lists."""
    elements: list[Element] = []
    bullets: list[Paragraph] = []
    paragraph: list[str] = []

    def flush_paragraph():
        if paragraph:
            elements.append(Paragraph(" ".join(paragraph), source))
            paragraph.clear()

    def flush_bullets():
        if bullets:
            elements.append(BulletList(tuple(bullets), source))
            bullets.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith(("- ", "* ")):
            flush_paragraph()
            bullets.append(Paragraph(line[2:].strip(), source))
        elif not line:
            flush_paragraph()
            flush_bullets()
        elif bullets and raw[:1].isspace():  # a wrapped bullet continues
            bullets[-1] = Paragraph(bullets[-1].text + " " + line, source)
        else:
            flush_bullets()
            paragraph.append(line)
    flush_paragraph()
    flush_bullets()
    return tuple(elements)


def _paragraphs(element: Element) -> tuple[Paragraph, ...]:
    if isinstance(element, Paragraph):
        return (element,)
    if isinstance(element, BulletList):
        return element.items
    return tuple(Paragraph(" | ".join(row)) for row in element.rows)


def customer_context(context: dict[str, Any]) -> dict[str, Any]:
    """The template context without the internal fields, for everything the customer reads."""
    trimmed = dict(context)
    for group, fields in INTERNAL_FIELDS.items():
        trimmed[group] = {k: v for k, v in context[group].items() if k not in fields}
    for (group, key), fields in INTERNAL_ITEM_FIELDS.items():
        trimmed[group] = dict(trimmed[group], **{key: [{k: v for k, v in item.items() if k not in fields}
                                                        for item in context[group][key]]})
    return trimmed


def _context(account: Account, library: Library, locale: str) -> dict[str, Any]:
    data = account.data
    vendor = library.catalog.vendor
    return {
        "account": {
            "name": data.name,
            "industry": library.industry_name(data.industry),
            "size": data.size,
            "region": data.region,
            "stage": library.stages[data.stage].name,
            "owns": [library.products[p].name for p in data.owns],
            "competitors": list(data.competitors),
        },
        "meeting": {
            "date": format_date(data.meeting.date, locale),
            "goal": data.meeting.goal,
            "attendees": [a.model_dump() for a in data.meeting.attendees],
        },
        "industry": library.industry_words(data.industry),  # {{ industry.site }}: the account's word for its world
        "material": library.stages[data.stage].material,  # what the customer's files are called at this stage
        "vendor": vendor.model_dump(),
        "rep": data.rep.model_dump(),
        "next_step": {
            "action": step_action(account),
            "owner": data.next_step.owner or "",
            "by": format_date(data.next_step.by, locale) if data.next_step.by else "",
        },
    }


def compose(plan: Plan, renderer: Renderer | None = None) -> Document:
    """The whole document for one account, ready for every renderer."""
    account, library, selection = plan.account, plan.library, plan.selection
    composer = Composer(account, library, selection, renderer)
    locale = account.locale(library)
    with composer.renderer.batch():  # the sandbox's limits set up once for all of the account's renders
        sections = composer.compose()
        follow_up = compose_follow_up(composer, call_to_action(account, locale, say=composer.say))
    data = account.data
    # what no line may break inside, besides the dates, phone numbers and amounts aspo.compose.nobreak finds:
    # names of more than one word
    names = {product.name for product in library.products.values()}
    names |= {capability.name for capability, _ in library.capabilities.values()}
    unbreakable = tuple(sorted(name for name in names | {data.rep.phone or ""} if len(name.split()) > 1))
    with keeping_together(locale, unbreakable):  # a slide table's columns are sized for those whole
        sections = fit_deck(sections, library.deck, library.outline.deck.min_font_size, composer.say, composer.tell)
    meeting_midnight = dt.datetime.combine(data.meeting.date, dt.time(), tzinfo=dt.timezone.utc)
    vendor = library.catalog.vendor.name
    material = library.stages[data.stage].material
    say = composer.say
    properties = Properties(
        title=say("file_title", account=data.name, material=material.lower(), vendor=vendor),
        subject=say("file_subject", material=material, account=data.name),
        author=data.rep.name,
        company=vendor,
        keywords=library.industry_name(data.industry),
        category=material,
        created=build_timestamp(meeting_midnight, plan.epoch),
    )
    gaps = [Gap(m.text, m.pains, m.reason) for m in selection.priorities if not m.answered]
    industry_gap = account.industry_gap(library)
    if industry_gap:
        gaps.append(Gap(f"Industry: {data.industry}", (), industry_gap))
    return Document(
        slug=account.slug,
        account_name=data.name,
        account_file=account.path.name,
        properties=properties,
        sections=sections,
        gaps=tuple(gaps),
        deck_template=library.deck_template,
        document_template=library.document_template,
        styles=library.outline.document.styles.model_dump(),
        logo=account.logo,
        min_font_size=library.outline.deck.min_font_size,
        locale=locale,
        deck_master=library.outline.deck.master,
        unbreakable=unbreakable,
        follow_up=follow_up,
        language=language_tag(library.language, locale),
        notes_language=language_tag(library.rep_language, locale),
        fonts=Fonts(library.outline.fonts.east_asian, library.outline.fonts.complex),
        right_to_left=right_to_left(library.language),
        labels=dict(composer.tell.texts),
        fallbacks=_fallbacks(library, selection, composer.tell.language),
    )


def language_tag(language: str, locale: str) -> str:
    """The tag a run of text carries: the language with the reader's region where the locale speaks it ("de" read
    in de-AT: "de-AT"), else the language's own ("ja" with an en-US locale: "ja")."""
    if "-" in language or base_language(locale) != base_language(language):
        return language
    return locale.replace("_", "-")


def _fallbacks(library: Library, selection: Selection, rep_language: str) -> tuple[Fallback, ...]:
    """The blocks and scenarios this account shows in the source's language, and the l10n files it lacks."""
    keys = [("block", b) for b in selection.used_blocks] + [("scenario", s) for s in selection.used_scenarios]
    keys += [("notes", b) for b in selection.used_blocks]
    keys += sorted(key for key in library.shown if key[0] == "l10n")
    found = []
    for kind, key_id in keys:
        shown = library.shown.get((kind, key_id))
        if shown is not None and shown.fallback:
            marker = f"l10n/{shown.wanted}/{key_id}" if kind == "l10n" else f"{kind}:{key_id}"
            if kind == "notes":  # the rep's speaker notes of a block, in the source's language
                marker = f"block:{key_id}"
                shown = replace(shown, state=f"speaker notes: {shown.state}")
            found.append(Fallback(marker, language_name(shown.language, rep_language),
                                  language_name(shown.wanted, rep_language), shown.state))
    return tuple(found)
