"""Template probes: every template rendered for probe accounts of every shape, and each account's document composed."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from aspo.compose.document import Document
from aspo.core.errors import AspoError, Problem
from aspo.core.rulebook import TEMPLATE_ERROR, TEMPLATE_SYNTAX
from aspo.library.account import Account
from aspo.library.content import Block, Library
from aspo.library.schema import COMPANY_SIZES, AccountFile
from aspo.plan.plan import Plan
from aspo.plan.selection import select

#: What the probes can find: templates only fail to render (composing raises nothing else).
PROBED_RULES = frozenset({TEMPLATE_SYNTAX, TEMPLATE_ERROR})


class Probed(NamedTuple):
    """What the probes found: the templates' problems, and the document of each account that composed."""

    problems: list[Problem]
    documents: list[Document]


#: Values a template may branch on beyond a field being there or not: a template that reads one of them meets
#: every stage, size, industry and attendee's persona the library knows, through the probes' variants.
_VALUES = frozenset({"account", "account.industry", "account.size", "account.stage", "meeting", "meeting.attendees"})


def probe_account(library: Library, variant: int = 0, *, full: bool = True) -> Account:
    """A synthetic account for templates to meet: `full`, with every optional field filled and every list holding
    something (an attendee for every persona, a priority for every pain); else with every optional field left out
    and every list as short as the schema allows. `variant` picks the variant-th stage, size, industry and (for
    the short one) attendee's persona, wrapping around."""

    def nth(values) -> str:
        values = list(values)
        return values[variant % len(values)]

    facts = {"name": "Probe Account", "industry": nth(library.industries), "size": nth(COMPANY_SIZES),
             "region": "Probe region", "stage": nth(library.stages)}
    if full:
        data = {**facts,
                "meeting": {"date": "2030-01-01", "goal": "Probe goal",
                            "attendees": [{"name": f"Probe {p}", "title": "Probe title", "persona": p}
                                          for p in library.personas]},
                "priorities": [{"text": f"Probe priority about {pain}", "pain": pain} for pain in library.pains],
                "owns": [next(iter(library.products))], "competitors": ["Probe competitor"],
                "next_step": {"action": "Probe action", "owner": "Probe owner", "by": "2030-01-15"},
                "rep": {"name": "Probe Rep", "title": "Probe rep title", "email": "probe@example.com",
                        "phone": "+1 555 0100"},
                "notes": "Probe notes"}
    else:
        data = {**facts,
                "meeting": {"date": "2030-01-01", "goal": "Probe goal",
                            "attendees": [{"name": "Probe attendee", "title": "Probe title",
                                           "persona": nth(library.personas)}]},
                "priorities": [{"text": "Probe priority"}],
                "next_step": {"action": "Probe action"},
                "rep": {"name": "Probe Rep", "email": "probe@example.com"}}
    return Account(data=AccountFile.model_validate(data), doc=None, path=Path("probe.yaml"), slug="probe")


def probe_templates(library: Library, planned: list[Plan]) -> Probed:
    """Template errors, in time linear in blocks plus accounts; and the sample accounts' documents.

    Every block meets both probe accounts: the full one (a priority block answering a priority) and the short one
    (a priority block pinned: `priority.text` empty), so every field filled and left out, every list full and
    empty (`account.competitors[0]` fails for the short one); a block that reads the stage, size, industry or
    attendees also meets the probes' variants, which hold every value of those. A pin can put any block in front
    of any account, so each block meets every probe whatever its applies_to. The outline and the catalog's
    wording meet the probes through a composed document, as they meet every account.

    Each account's document is composed once: with the account's own values it renders what the account gets
    (its blocks, the outline, its capabilities' wording), and C501 measures it. Blocks the account does not get
    are not rendered for it: the probes meet every shape its values can take, the rest depends on comparing its
    free text (`{% if account.name == ... %}`), and no build of the account renders them."""
    from aspo.compose.composer import Composer, compose  # Jinja loads only here
    from aspo.compose.templating import Renderer

    renderer = Renderer()
    problems: list[Problem] = []
    documents: list[Document] = []

    def attempt(render, *args):
        try:
            return render(*args)
        except AspoError as exc:
            problems.extend(exc.problems)
            return None

    blocks = list(library.blocks.values())
    with renderer.batch():  # the sandbox's limits set up once; each render keeps its own budget
        composers = {}
        for full in (True, False):
            probe = probe_account(library, full=full)
            plan = Plan(probe, select(probe, library), library)
            attempt(compose, plan, renderer)
            composers[full] = Composer(probe, library, plan.selection, renderer)
            for block in blocks:
                attempt(composers[full].block_text, block, _probe_priority(block, full))
        wording = library.catalog.wording
        wording_branches = _branches(renderer, (wording.ga, wording.limited, wording.roadmap_note))
        outline_branches = wording_branches or _branches(
            renderer, [text for section in library.outline.sections for text in (section.title, section.subtitle)])
        branching = [block for block in blocks if _branches(renderer, _sources(block))
                     or (wording_branches and any("capability" in (renderer.reads(s) or ()) for s in _sources(block)))]
        variants = max(len(library.stages), len(COMPANY_SIZES), len(library.industries), len(library.personas))
        for variant in range(1, variants):
            if not (branching or outline_branches):
                break
            for full in (True, False):
                probe = probe_account(library, variant, full=full)
                if outline_branches:
                    attempt(Composer(probe, library, select(probe, library), renderer).compose)
                # a Composer's selection only words the reasons of its sources: the variant-0 probe's will do
                composer = Composer(probe, library, composers[full].selection, renderer)
                for block in branching:
                    attempt(composer.block_text, block, _probe_priority(block, full))
        for plan in planned:
            document = attempt(compose, plan, renderer)
            if document is not None:
                documents.append(document)
                continue
            # composing stops at the first error: each block the account gets renders on its own, so that an
            # error in another of them is reported as well
            composer = Composer(plan.account, library, plan.selection, renderer)
            for block_id, priority_text, pains in _blocks_of(plan):
                attempt(composer.block_text, library.blocks[block_id], priority_text, pains)
    return Probed(problems, documents)


def _probe_priority(block: Block, full: bool) -> str | None:
    """`priority.text` as a probe gives it: a priority's words for the full probe, empty (pinned) for the short."""
    if block.meta.section != "priorities":
        return None
    return "Probe priority" if full else ""


def _sources(block: Block) -> tuple[str, ...]:
    return (block.meta.title, block.body, block.notes)


def _branches(renderer, sources) -> bool:
    """Whether any of these templates reads a value it may branch on (see _VALUES)."""
    return any(not _VALUES.isdisjoint(renderer.reads(source) or ()) for source in sources if source)


def _blocks_of(plan: Plan):
    """(block id, priority text, pains) of every block the account's document renders, as compose renders it."""
    for match in plan.selection.priority_slides:
        yield match.block, match.text, match.pains
    for section, block_ids in plan.selection.section_blocks.items():
        for block_id in block_ids:
            yield block_id, ("" if section == "priorities" else None), None
