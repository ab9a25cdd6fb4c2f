"""One CRM row drafted as an account: the fields it fills, and the account file's text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from aspo.authoring.import_table import Record, Table, header_of, headers_of, line_note
from aspo.core.errors import Problem, did_you_mean, quoted, unknown_id
from aspo.core.rulebook import SCHEMA
from aspo.core.yamlfile import (
    MAX_VALUE_CHARS,
    scalar_text,
    unprintable,
)
from aspo.library.account_paths import RESERVED, SLUG, name_key, visible_text
from aspo.library.content import Library
from aspo.library.history import OUTCOMES
from aspo.library.import_settings import RANK_WORDS, ImportSettings, normalised, stems, words_of
from aspo.library.schema import COMPANY_SIZES, EMAIL_PATTERN
from aspo.library.validation import todo

# --- one row, as an account ---------------------------------------------------------------------------------------


#: Fields whose columns, when several, are joined with a space (First Name + Last Name); other text with ", ".
_SPACED = frozenset({"contact_name", "rep_name"})


class Row:
    """Reads one record's cells by field, naming the row and column in every problem."""

    def __init__(self, table: Table, record: Record, index: dict[str, tuple[int, ...]], settings: ImportSettings):
        self.table, self.record, self.index, self.settings = table, record, index, settings
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def cells(self, name: str) -> list[str]:
        """The field's cells, one per column it is read from (blank ones left out)."""
        cells = self.record.cells
        return [cells[at] for at in self.index.get(name, ()) if at < len(cells) and cells[at]]

    def __getitem__(self, name: str) -> str:
        return (" " if name in _SPACED else ", ").join(self.cells(name))

    def items(self, name: str) -> list[str]:
        """A list field's items: each cell cut only at its split: separator, each item stripped."""
        separator = self.settings.split.get(name, "line").replace("line", "\n")
        return [item.strip() for cell in self.cells(name) for item in cell.split(separator) if item.strip()]

    def column(self, name: str) -> str:
        """The header of a field's column, or its columns joined by ' + ' (a field the export has: a problem is
        only ever about a cell it read)."""
        return headers_of(self.table.header, self.index[name])

    def refuse_cells(self) -> None:
        """A problem for each cell a field reads that an account or history file cannot hold: a control character,
        or more text than a value may have. A column no field reads is the export's own business, whatever it
        holds."""
        read = {at for columns in self.index.values() for at in columns}
        for number, cell in enumerate(self.record.cells):
            if number not in read:
                continue
            refused = unprintable(cell, "the cell")
            if not refused and len(cell) > MAX_VALUE_CHARS:  # as an account file holds at most
                refused = f"text of {len(cell):,} characters; a value holds at most {MAX_VALUE_CHARS:,}"
            if refused:
                self.problems.append(self.problem(header_of(self.table.header, number), refused))

    def fail(self, name: str, message: str) -> None:
        self.problems.append(self.problem(self.column(name), message))

    def warn(self, name: str, message: str) -> None:
        self.warnings.append(self.problem(self.column(name), message))

    def problem(self, column: str | None, message: str, rule: str = SCHEMA) -> Problem:
        """A problem of this row, in a column (its header) or the row as a whole, saying where the row starts."""
        record = self.record
        return Problem(self.table.path, record.row, column, message + line_note(record.row, record.line), rule)


@dataclass
class Draft:
    """What one row says about its account: the whole file to write, and what the CRM owns in it."""

    row: Row  # the row it was read from, which names its problems
    data: dict[str, Any] = field(default_factory=dict)  # the account, in the file's order; gaps are placeholders
    crm: dict[str, Any] = field(default_factory=dict)  # the values the CRM owns and gave (no blank): --update sets them
    rep: dict[str, Any] = field(default_factory=dict)  # the values the rep owns that the CRM gave: --update fills
    # them in only where the file has a placeholder, else reports them (REP_OWNED)
    contacts: list[dict[str, str]] = field(default_factory=list)  # the CRM's contacts as attendees
    priorities: list[str] = field(default_factory=list)  # the row's
    rows: tuple[int, ...] = ()  # later rows of the same account that added a contact
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    persona_note: str = ""  # why the contact's persona is left for the rep
    stage: str | None = None  # the buying stage the CRM's stage maps to
    outcome: str | None = None  # or the outcome, when the CRM's stage closed the deal
    stage_date: dt.date | None = None  # when the opportunity entered that stage, if the export says
    opportunity: str | None = None  # the CRM's opportunity id


#: What the rep owns, by the name `--take` gives it, and its fields: --update writes the CRM's value only where
#: the file holds a placeholder (or nothing); a different value is reported and kept, unless --take names it.
#: The rest is the CRM's: name, size, stage, opportunity, meeting.date, owns, rep, and each contact's title and
#: e-mail (a contact's persona is the rep's too, filled in only while a placeholder).
REP_OWNED: dict[str, tuple[tuple[str, ...], ...]] = {
    "industry": (("industry",),),
    "region": (("region",),),
    "meeting.goal": (("meeting", "goal"),),
    "priorities": (("priorities",),),
    "competitors": (("competitors",),),
    "next_step": (("next_step", "action"), ("next_step", "by")),
}


def stage_after(outcome: str, library: Library) -> str:
    """The stage a new account starts at when the CRM says its deal closed."""
    # Won, it is a customer: the next meeting sells it more, to people who know us, so it is about scope, terms
    # and rollout: the last stage's content. Lost, undecided or disqualified, it starts over.
    stages = list(library.stages)
    return stages[-1] if outcome == "won" else stages[0]


def draft_account(table: Table, record: Record, index: dict[str, int], settings: ImportSettings,
                  library: Library, today: dt.date) -> Draft:
    """The account one row describes; a cell the row leaves blank, or a column the export lacks, becomes a "TODO:"
    placeholder the rep fills in (the build names each one until then). A CRM stage that closed the deal is its
    outcome: a new account starts at the stage `stage_after` chooses, an existing one keeps its own."""
    row = Row(table, record, index, settings)
    draft = Draft(row)
    row.refuse_cells()
    if any(record.cells[len(table.header):]):
        row.problems.append(row.problem(None, f"has {len(record.cells)} cells, the header {len(table.header)}: a "
                                        "value holding the separator must be in quotes"))
    name = row["name"]
    if not name:
        row.fail("name", "empty; every account needs a name (it names the account file)")
    industry = _industry(row, library)
    size = _size(row)
    stage, outcome = stage_of(row, library)
    stage_date = date_of(row, "stage_date")
    if stage_date and stage_date > today:
        row.fail("stage_date", f"{quoted(row['stage_date'])} is after today; a stage is recorded once it is entered: "
                 "correct it in the CRM and export again")
    meeting_date = date_of(row, "meeting_date")
    by = date_of(row, "next_step_date")
    opportunity = row["opportunity"]
    owns = _products(row, library)
    competitors = _unique(row.items("competitors"))
    priorities = [re.sub(r"^[-*\u2022\u00b7]\s*", "", item) for item in row.items("priorities")]
    priorities = _unique(item for item in priorities if item)
    rep_email, contact_email = row["rep_email"], row["contact_email"]
    for column, email in (("rep_email", rep_email), ("contact_email", contact_email)):
        if email and not EMAIL.fullmatch(email):
            row.fail(column, f"{quoted(email)} is not an e-mail address")

    contact_name, contact_title = row["contact_name"], row["contact_title"]
    persona = None
    if contact_title:
        persona, candidates = infer_persona(contact_title, settings)
        if persona is None:
            draft.persona_note = (f"{quoted(contact_title, 60)} "
                                  + (f"could be {' or '.join(candidates)}" if candidates
                                     else "names no persona the library knows"))
    if contact_name:
        draft.contacts = [{"name": contact_name, "title": contact_title, "persona": persona or "",
                           **({"email": contact_email} if contact_email else {})}]
    next_step: dict[str, Any] = {"action": row["next_step"] or todo("the next step you will propose")}
    if by:
        next_step["by"] = by
    draft.data = {
        "name": name,
        "industry": industry or todo(f"industry id, one of: {', '.join(library.industries)}"),
        "size": size or todo("smb, mid-market or enterprise"),
        "region": row["region"] or todo("the sales region, e.g. EMEA"),
        "stage": stage or (stage_after(outcome, library) if outcome else None)
        or todo(f"buying stage, one of: {', '.join(library.stages)}"),
        **({"opportunity": opportunity} if opportunity else {}),
        "meeting": {
            "date": meeting_date or todo("the meeting date, YYYY-MM-DD"),
            "goal": row["meeting_goal"] or todo("what you want from this meeting, in one sentence"),
            "attendees": [{
                "name": contact_name or todo("the attendee's name"),
                "title": contact_title or todo("their job title"),
                "persona": persona or settings.persona_todo,
                **({"email": contact_email} if contact_email and contact_name else {}),
            }],
        },
        "priorities": [{"text": item} for item in priorities] or [
            {"text": todo("the account's priorities in their words, one item each")}],
        "owns": owns,
        "competitors": competitors,
        "next_step": next_step,
        "rep": {"name": row["rep_name"] or todo("your name"), "email": rep_email or todo("your e-mail address")},
    }
    # What --update refreshes: every value the row gives (a blank cell clears nothing), the rep's apart.
    given = {
        ("name",): name, ("industry",): industry, ("size",): size, ("region",): row["region"], ("stage",): stage,
        ("opportunity",): opportunity,
        ("meeting", "date"): meeting_date, ("meeting", "goal"): row["meeting_goal"], ("owns",): owns,
        ("competitors",): competitors, ("next_step", "action"): row["next_step"], ("next_step", "by"): by,
        ("rep", "name"): row["rep_name"], ("rep", "email"): rep_email,
    }
    rep_owned = {path for paths in REP_OWNED.values() for path in paths}
    for path, value in given.items():
        if value:
            put(draft.rep if path in rep_owned else draft.crm, path, value)
    if priorities:
        draft.priorities = priorities
    draft.stage, draft.outcome, draft.stage_date, draft.opportunity = stage, outcome, stage_date, opportunity or None
    draft.problems, draft.warnings = row.problems, row.warnings
    return draft


def put(tree: dict, path: tuple, value) -> None:
    """Sets a value in nested mappings by its path, making the mappings on the way."""
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _unique(items) -> list[str]:
    seen, kept = set(), []
    for item in items:
        if name_key(item) not in seen:
            seen.add(name_key(item))
            kept.append(item)
    return kept


def _industry(row: Row, library: Library) -> str | None:
    value = row["industry"]
    if not value:
        return None
    found = row.settings.industries.get(normalised(value))
    if found is None:
        if did_you_mean(value, library.industries):  # as the build does: a near miss is a typo, not a new industry
            row.fail("industry", unknown_id("industry", value, library.industries))
            return None
        row.warn("industry", f"{quoted(value)} is no industry the library lists ({', '.join(library.industries)}): "
                 "kept as written, and built with industry-neutral content; if it is one of them, map it under "
                 f"industries: in {row.settings.own_file()}")
        found = value
    return found


EMAIL = re.compile(EMAIL_PATTERN)
_NUMBER = re.compile(r"(\d{1,3}(?:([,.' \u00a0\u202f])\d{3})?(?:\2\d{3})*|\d+)(?:\.0+)?\+?")


def _size(row: Row) -> str | None:
    value = row["employees"]
    if not value:
        return None
    if value.casefold() in COMPANY_SIZES:
        size = value.casefold()
    else:
        match = _NUMBER.fullmatch(value)
        if not match:
            row.fail("employees", f"{quoted(value)} is not a number")
            return None
        employees = int(re.sub(r"\D", "", match.group(1)))
        settings = row.settings
        size = ("smb" if employees < settings.smb_below else "mid-market" if employees < settings.mid_market_below
                else "enterprise")
    return size


def stage_of(row: Row, library: Library) -> tuple[str | None, str | None]:
    """The buying stage a CRM stage maps to, or the outcome of a deal it says closed: (stage, None) or
    (None, outcome); (None, None) for a blank cell or one that maps to neither (a problem of the row)."""
    value = row["stage"]
    if not value:
        return None, None
    key = normalised(value)
    stage = row.settings.stages.get(key)
    if stage is not None:
        return stage, None
    outcome = row.settings.outcomes.get(key)
    if outcome is not None:
        return None, outcome
    meant = row.settings.unlisted_stages.get(key)
    if meant:
        row.fail("stage", f"{quoted(value)} is taken as stage '{meant}', which templates/stages.yaml does not list; "
                 f"map it to one of {', '.join(library.stages)} under stages: in {row.settings.own_file()}")
    else:
        row.fail("stage", f"unknown stage {quoted(value)}: map it to a buying stage ({', '.join(library.stages)}) "
                 f"under stages:, or a closed deal's outcome ({', '.join(OUTCOMES)}) under outcomes: in "
                 f"{row.settings.own_file()}")
    return None, None


_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,? .*)?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:,? .*)?")  # Salesforce adds ", 10:00 AM" to a time


DATE_FIELDS = ("stage_date", "meeting_date", "next_step_date")


def date_order_of(table: Table, index: dict[str, tuple[int, ...]]) -> tuple[str | None, str]:
    """How the export writes dates with '/', as its own dates tell, and a date that tells: a first number over 12
    is a day (day-first), a second over 12 is a day (month-first); (None, "") when none tells, or they disagree."""
    told: dict[str, str] = {}
    for record in table.records:
        for name in DATE_FIELDS:
            for at in index.get(name, ()):
                match = _SLASHED.fullmatch(record.cells[at]) if at < len(record.cells) else None
                if match and int(match[1]) > 12:
                    told.setdefault("day-first", match[0])
                elif match and int(match[2]) > 12:
                    told.setdefault("month-first", match[0])
    return next(iter(told.items())) if len(told) == 1 else (None, "")


def date_of(row: Row, name: str) -> dt.date | None:
    value = row[name]
    if not value:
        return None
    parts = None
    if match := _ISO.fullmatch(value):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _DOTTED.fullmatch(value):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    elif match := _SLASHED.fullmatch(value):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        order = row.settings.date_order or ("day-first" if first > 12 else "month-first" if second > 12
                                            or first == second else None)
        if order is None:
            row.fail(name, f"{quoted(value)} could be {_month_day(year, second, first)} or "
                     f"{_month_day(year, first, second)}; write it as YYYY-MM-DD, or set date_order: day-first or "
                     f"month-first in {row.settings.own_file()}")
            return None
        parts = (year, second, first) if order == "day-first" else (year, first, second)
    try:
        date = dt.date(*parts) if parts else None
    except ValueError:
        date = None
    if date is None:
        row.fail(name, f"{quoted(value)} is not a date; write it as YYYY-MM-DD")
        return None
    return date


def _month_day(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).strftime("%d %B").lstrip("0")
    except ValueError:
        return f"{day}/{month}"


def _products(row: Row, library: Library) -> list[str]:
    found: list[str] = []
    for item in row.items("owns"):
        product = row.settings.products.get(normalised(item))
        if product is None:
            row.fail("owns", unknown_id("product", item, library.products, listed=False)
                     + f" (valid: {', '.join(sorted(library.products))}, or their names)")
        elif product not in found:
            found.append(product)
    return found


def infer_persona(title: str, settings: ImportSettings) -> tuple[str | None, tuple[str, ...]]:
    """The persona a job title points to, or None and the personas it could equally be.

    import.yaml's `personas:` words and phrases come first, the longest that the title holds winning; then the
    words of each persona's id (which count double) and name, less words of rank (manager, director, vp), which say
    nothing of the job.
    """
    words = words_of(title)
    found: dict[str, int] = {}
    for phrase, persona in settings.personas:
        if found and len(phrase) < max(found.values()):
            break
        if any(words[at:at + len(phrase)] == phrase for at in range(len(words) - len(phrase) + 1)):
            found[persona] = len(phrase)
    if not found:
        own = stems(set(words) - RANK_WORDS)
        for persona, ids, names in settings.persona_words:
            score = 2 * len(own & ids) + len(own & names - ids)  # its id says what it is; its name, more loosely
            if score:
                found[persona] = score
    if not found:
        return None, ()
    best = max(found.values())
    top = tuple(persona for persona, score in found.items() if score == best)
    return (top[0], ()) if len(top) == 1 else (None, top)


# --- the account file: its name and its text -----------------------------------------------------------------------

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "đ": "d",
                       "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "'": "", "\u2019": ""})


def slug_of(name: str) -> str:
    """The file name an account name gives, without .yaml: lowercase ASCII words joined by '-' ("Nestlé Waters
    GmbH" -> "nestle-waters-gmbh"), at most 64 characters; "" when the name holds no letter or digit it can use."""
    visible = visible_text(name)  # as names are compared: a zero-width space or an accent typed apart is no change
    folded = unicodedata.normalize("NFKD", visible.translate(_FOLD)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > 64:
        slug = slug[:65].rsplit("-", 1)[0] if "-" in slug[:65] else slug[:64]
    if slug in RESERVED:  # a device name on Windows
        slug += "-account"
    return slug if SLUG.match(slug) else ""


#: Blank lines in a new file go before these fields, as in the sample accounts.
_PARAGRAPHS = frozenset({"meeting", "priorities", "owns", "next_step", "rep"})


def account_text(data: dict[str, Any], source: str, row: int, modeline: str | None) -> str:
    """A new account file: the schema line editors read, where it came from, then the fields in block style."""
    if not source.isprintable():
        source = quoted(source, 80)
    lines = [*([modeline] if modeline else []),
             f"# Imported by aspo import from {source}, row {row}. `aspo import --update` refreshes only the values "
             "the CRM",
             "# holds; everything else you write here stays as you wrote it, comments included."]
    for key, value in data.items():
        if key in _PARAGRAPHS:
            lines.append("")
        lines.extend(field_lines(key, value, 0))
    return "\n".join(lines) + "\n"


def scalar(value, *, flow: bool) -> str:
    return value.isoformat() if isinstance(value, dt.date) else scalar_text(value, flow=flow)


def field_lines(key: str, value, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [line for k, v in value.items() for line in field_lines(k, v, indent + 2)]
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        return [f"{pad}{key}:"] + [line for item in value for line in item_lines(item, indent + 2)]
    return [f"{pad}{key}: {scalar(value, flow=False)}"]


def item_lines(item, indent: int) -> list[str]:
    """A sequence item, its '- ' at `indent`."""
    if not isinstance(item, dict):
        return [f"{' ' * indent}- {scalar(item, flow=False)}"]
    lines = [line for k, v in item.items() for line in field_lines(k, v, indent + 2)]
    lines[0] = f"{' ' * indent}- {lines[0][indent + 2:]}"
    return lines


def flow_text(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(item) for item in value) + "]"
    return scalar(value, flow=True)
