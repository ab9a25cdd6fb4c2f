"""Importing accounts from a CRM export: one account file per CSV row, and --update refreshing what the CRM owns."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aspo.account_paths import RESERVED, SLUG, account_files_in, schema_modeline
from aspo.errors import AspoError, Problem, did_you_mean, display_path, quoted, unknown_id
from aspo.library import Library, read_library
from aspo.output import write_file_atomic
from aspo.rulebook import INVALID_FILE, SCHEMA, UNKNOWN_ID
from aspo.schema import COMPANY_SIZES, AccountFile, ImportColumns, ImportFile
from aspo.validation import PLACEHOLDER, validate, validate_draft
from aspo.yamlfile import (
    MAX_VALUE_CHARS,
    MAX_YAML_BYTES,
    YamlDocument,
    apply_edits,
    child_node,
    decode_text,
    format_loc,
    load_yaml,
    parse_yaml,
    read_bytes,
    scalar_text,
    unprintable,
)

IMPORT_FILE = "import.yaml"
#: CRM exports of a few thousand accounts are a few MB; anything far larger is not one.
MAX_CSV_BYTES = 20_000_000

#: CRM opportunity stages -> the sample library's buying stages (templates/stages.yaml), compared without case,
#: spaces or punctuation, so HubSpot's labels ("Decision Maker Bought-In") match its internal ids too.
DEFAULT_STAGES = {
    # Salesforce's standard opportunity stages
    "Prospecting": "awareness",
    "Qualification": "awareness",
    "Needs Analysis": "awareness",
    "Value Proposition": "consideration",
    "Id. Decision Makers": "consideration",
    "Perception Analysis": "consideration",
    "Proposal/Price Quote": "decision",
    "Negotiation/Review": "decision",
    "Closed Won": "decision",  # an existing customer: the next meeting is an expansion
    "Closed Lost": "awareness",  # starting over
    # HubSpot's default deal stages
    "appointmentscheduled": "awareness",
    "qualifiedtobuy": "consideration",
    "presentationscheduled": "consideration",
    "decisionmakerboughtin": "decision",
    "contractsent": "decision",
    "closedwon": "decision",
    "closedlost": "awareness",
}
#: Words in job titles that say how senior someone is, not what they do: they never point to a persona alone.
_RANK_WORDS = frozenset(
    "a acting an and assistant associate at avp chief deputy director evp executive for general global group head "
    "in interim jr junior lead leader manager of officer on or plant president principal regional senior site sr "
    "svp team the to vice vp".split())

# --- templates/import.yaml ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSettings:
    """How a CRM export is read: its columns, size thresholds and the CRM's words for stages, industries and
    personas, with import.yaml merged over the built-in defaults; and the words a cell is looked up by (the CRM's,
    and the library's ids and names, normalised), made once for the whole export."""

    columns: dict[str, str]  # our field -> the CSV header, for the fields the export has a column for
    required: frozenset[str]  # fields whose column must be in the header
    smb_below: int
    mid_market_below: int
    stages: dict[str, str]  # a stage's id or name, or a CRM stage -> buying stage id
    unlisted_stages: dict[str, str]  # a built-in CRM stage -> the stage it means, which the library does not list
    industries: dict[str, str]  # an industries: alias, or an industry's id or name -> industry id
    products: dict[str, str]  # a product's id or name -> product id
    personas: tuple[tuple[tuple[str, ...], str], ...]  # title words -> persona id, longest first
    persona_words: tuple[tuple[str, set[str], set[str]], ...]  # each persona: id, and the words of its id and name
    persona_todo: str  # the placeholder for a persona the title does not settle
    date_order: str | None
    source: Path | None  # templates/import.yaml, when there is one


_DEFAULT_COLUMNS = ImportColumns().model_dump()


def normalised(text: str) -> str:
    """A name as compared across systems: no case, spaces or punctuation ('Id. Decision Makers', 'iddecisionmakers')."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def read_import_settings(templates: Path, library: Library) -> tuple[ImportSettings | None, list[Problem]]:
    """The import settings and every problem in templates/import.yaml (also for `aspo check`); the built-in
    defaults when the file is not there."""
    path = Path(templates) / IMPORT_FILE
    doc: YamlDocument | None = None
    if path.exists() or path.is_symlink():
        try:
            doc = load_yaml(path)
            data = validate(ImportFile, doc)
        except AspoError as exc:
            return None, list(exc.problems)
    else:
        data = ImportFile()
    problems: list[Problem] = []

    def refuse(loc: tuple, message: str, rule: str = UNKNOWN_ID) -> None:  # only what a file says can be wrong
        problems.append(doc.problem(loc, message, rule))

    def known(loc: tuple, value: str, ids, noun: str) -> bool:
        if value in ids:
            return True
        refuse(loc, unknown_id(noun, value, ids))
        return False

    columns: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, header in data.columns.model_dump().items():
        if header is None:
            continue
        key = normalised(header) or header
        if key in seen:
            refuse(("columns", name), f"{quoted(header)} is also the column of {seen[key]}; each field has its own "
                   "column", SCHEMA)
        seen[key] = name
        columns[name] = header
    # The CRM's words under stages:, industries: and personas:, each a key to match and an id the library has.
    mapped: dict[str, list[tuple]] = {}
    for section, ids, noun, key_of, unmatchable in (
            ("stages", library.stages, "stage", normalised, "holds no letters or digits to match a CRM stage by"),
            ("industries", library.industries, "industry", normalised,
             "holds no letters or digits to match an industry by"),
            ("personas", library.personas, "persona", _words, "holds no word to find in a title")):
        mapped[section] = []
        for crm, target in getattr(data, section).items():
            if not key_of(crm):
                refuse((section, crm), f"{quoted(crm)} {unmatchable}", SCHEMA)
            elif known((section, crm), target, list(ids), noun):
                mapped[section].append((key_of(crm), target))
    stages = {**{normalised(k): v for k, v in DEFAULT_STAGES.items()}, **dict(mapped["stages"])}
    # A library's own ids and names always match: a stage's before the CRM's words, an industry's after its aliases.
    own_stages = {**_by_words(library.stages.values(), "id"), **_by_words(library.stages.values(), "name")}
    settings = ImportSettings(
        columns=columns,
        required=frozenset({"name"} | {name for name, header in columns.items() if header != _DEFAULT_COLUMNS[name]}),
        smb_below=data.size.smb_below,
        mid_market_below=data.size.mid_market_below,
        stages={**{key: stage for key, stage in stages.items() if stage in library.stages}, **own_stages},
        unlisted_stages={key: stage for key, stage in stages.items()
                         if stage not in library.stages and key not in own_stages},
        industries={**_by_words(library.industries.values(), "name"), **_by_words(library.industries.values(), "id"),
                    **dict(mapped["industries"])},
        products={**_by_words(library.products.values(), "id"), **_by_words(library.products.values(), "name")},
        personas=tuple(sorted(mapped["personas"], key=lambda item: -len(item[0]))),
        persona_words=tuple((persona.id, _stems(set(_words(persona.id.replace("-", " "))) - _RANK_WORDS),
                             _stems(set(_words(persona.name)) - _RANK_WORDS)) for persona in library.personas.values()),
        persona_todo=todo(f"persona id, one of: {', '.join(library.personas)}"),
        date_order=data.date_order,
        source=path if doc else None,
    )
    return settings, sorted(problems, key=lambda problem: problem.line or 0)


def _by_words(entries, attribute: str) -> dict[str, str]:
    """Library entries' ids by their id or name, normalised."""
    return {normalised(getattr(entry, attribute)): entry.id for entry in entries}


def load_import_settings(templates: Path, library: Library) -> ImportSettings:
    settings, problems = read_import_settings(templates, library)
    if problems:
        raise AspoError(problems)
    return settings


# --- reading the CSV ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One row of the CSV: its number as a spreadsheet shows it (the header is row 1), the file line it starts on,
    and its cells."""

    row: int
    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    path: Path
    header: tuple[str, ...]
    records: tuple[Record, ...]


def read_csv(path: Path) -> Table:
    """Reads a CRM export: UTF-8 with or without a BOM, or UTF-16 (Excel's "Unicode Text"); cells separated by
    ',', ';' or tabs, as its header line shows; quoted cells may hold new lines."""
    path = Path(path)
    text = _decode(read_bytes(path, MAX_CSV_BYTES), path)
    skipped = 0
    sep = re.match(r"sep=(.)\r?\n", text)  # Excel's hint line, which it does not show as a row
    if sep:
        text, skipped = text[sep.end():], 1
    delimiter = sep.group(1) if sep else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Record] = []
    try:
        while True:
            line = reader.line_num + 1 + skipped
            try:
                cells = next(reader)
            except StopIteration:
                break
            rows.append(Record(len(rows) + 1, line, tuple(_cell(cell) for cell in cells)))
    except csv.Error as exc:
        problem = ("a quoted cell is not closed" if "unexpected end of data" in str(exc)
                   else f"invalid CSV: {exc}; a cell holding quotes is written in quotes, each quote doubled")
        raise AspoError.at(path, len(rows) + 1, None, problem + _line_note(len(rows) + 1, line), INVALID_FILE) \
            from None
    if not rows or not any(rows[0].cells):
        raise AspoError.at(path, None, None, "is empty; expected a header row naming the columns, then one row "
                           "per account", INVALID_FILE)
    _refuse_undecodable(path, rows)
    return Table(path, rows[0].cells, tuple(rows[1:]))


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        encoding, raw = "utf-8", raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] and raw[2]:
        encoding = "utf-16-le"  # UTF-16 without its BOM: every other byte of ASCII text is zero
    elif len(raw) >= 4 and raw[0] == 0 and raw[2] == 0 and raw[1] and raw[3]:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    if encoding != "utf-8":
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise AspoError.at(path, None, None, f"not UTF-16 as its first bytes say: {exc.reason} at byte {exc.start}",
                               INVALID_FILE) from None
    # Bytes that are not UTF-8 stay as stand-ins until the rows are known, so the message can name the row.
    return raw.decode("utf-8", errors="surrogateescape")


def _refuse_undecodable(path: Path, rows: list[Record]) -> None:
    for record in rows:
        for index, cell in enumerate(record.cells):
            bad = re.search("[\udc80-\udcff]", cell)
            if bad:
                where = f"column {index + 1}" if record.row == 1 else _header_of(rows[0].cells, index)
                raise AspoError.at(path, record.row, where, f"not UTF-8: byte 0x{ord(bad.group()) - 0xDC00:02x}; "
                                   "save the export as UTF-8 (in Excel: Save As > CSV UTF-8) and import it again"
                                   + _line_note(record.row, record.line), INVALID_FILE)


def _header_of(header: tuple[str, ...], index: int) -> str:
    name = header[index] if index < len(header) else ""
    return name or f"column {index + 1}"


def _delimiter(text: str) -> str:
    """',', ';' or tab: whichever the header line holds most of, outside quotes (',' when it holds none)."""
    first = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _cell(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _line_note(row: int, line: int) -> str:
    """Where a row starts in a text editor, when that is not its row number (a quoted cell above holds lines)."""
    return f" (the row starts on line {line} of the file)" if line != row else ""


# --- one row, as an account ---------------------------------------------------------------------------------------


class _Row:
    """Reads one record's cells by field, naming the row and column in every problem."""

    def __init__(self, table: Table, record: Record, index: dict[str, int], settings: ImportSettings):
        self.table, self.record, self.index, self.settings = table, record, index, settings
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def __getitem__(self, name: str) -> str:
        at = self.index.get(name)
        return self.record.cells[at] if at is not None and at < len(self.record.cells) else ""

    def column(self, name: str) -> str:
        """The header of a field's column (a field the export has: a problem is only ever about a cell it read)."""
        return self.table.header[self.index[name]]

    def fail(self, name: str, message: str) -> None:
        self.problems.append(self.problem(self.column(name), message))

    def warn(self, name: str, message: str) -> None:
        self.warnings.append(self.problem(self.column(name), message))

    def problem(self, column: str | None, message: str, rule: str = SCHEMA) -> Problem:
        """A problem of this row, in a column (its header) or the row as a whole, saying where the row starts."""
        record = self.record
        return Problem(self.table.path, record.row, column, message + _line_note(record.row, record.line), rule)


@dataclass
class Draft:
    """What one row says about its account: the whole file to write, and what the CRM owns in it."""

    row: _Row  # the row it was read from, which names its problems
    data: dict[str, Any] = field(default_factory=dict)  # the account, in the file's order; gaps are placeholders
    crm: dict[str, Any] = field(default_factory=dict)  # the values the CRM gave (no blank), as --update sets them
    contact: dict[str, str] | None = None  # the CRM's contact as an attendee, when the row names one
    priorities: list[str] = field(default_factory=list)  # the row's, for a file whose priorities are placeholders
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    persona_note: str = ""  # why the contact's persona is left for the rep


def todo(what: str) -> str:
    return f"{PLACEHOLDER} {what}"


def draft_account(table: Table, record: Record, index: dict[str, int], settings: ImportSettings,
                  library: Library) -> Draft:
    """The account one row describes; a cell the row leaves blank, or a column the export lacks, becomes a "TODO:"
    placeholder the rep fills in (the build names each one until then)."""
    row = _Row(table, record, index, settings)
    draft = Draft(row)
    read = set(index.values())
    for number, cell in enumerate(record.cells):
        refused = unprintable(cell, "the cell")
        if not refused and number in read and len(cell) > MAX_VALUE_CHARS:  # as an account file holds at most
            refused = f"text of {len(cell):,} characters; a value holds at most {MAX_VALUE_CHARS:,}"
        if refused:
            row.problems.append(row.problem(_header_of(table.header, number), refused))
    if any(record.cells[len(table.header):]):
        row.problems.append(row.problem(None, f"has {len(record.cells)} cells, the header {len(table.header)}: a "
                                        "value holding the separator must be in quotes"))
    name = row["name"]
    if not name:
        row.fail("name", "empty; every account needs a name (it names the account file)")
    industry = _industry(row, library)
    size = _size(row)
    stage = _stage(row, library)
    meeting_date = _date(row, "meeting_date")
    by = _date(row, "next_step_date")
    owns = _products(row, library)
    competitors = _unique(item.strip() for item in row["competitors"].split(";") if item.strip())
    priorities = [re.sub(r"^[-*\u2022\u00b7]\s*", "", item.strip()) for item in re.split(r"[;\n]", row["priorities"])]
    priorities = [item for item in priorities if item]
    rep_email = row["rep_email"]
    if rep_email and not re.fullmatch(r"[^@\s]+@[^@\s]+", rep_email):
        row.fail("rep_email", f"{quoted(rep_email)} is not an e-mail address")

    contact_name, contact_title = row["contact_name"], row["contact_title"]
    persona = None
    if contact_title:
        persona, candidates = infer_persona(contact_title, settings)
        if persona is None:
            draft.persona_note = (f"{quoted(contact_title, 60)} "
                                  + (f"could be {' or '.join(candidates)}" if candidates
                                     else "names no persona the library knows"))
    if contact_name:
        draft.contact = {"name": contact_name, "title": contact_title, "persona": persona or ""}
    next_step: dict[str, Any] = {"action": row["next_step"] or todo("the next step you will propose")}
    if by:
        next_step["by"] = by
    draft.data = {
        "name": name,
        "industry": industry or todo(f"industry id, one of: {', '.join(library.industries)}"),
        "size": size or todo("smb, mid-market or enterprise"),
        "region": row["region"] or todo("the sales region, e.g. EMEA"),
        "stage": stage or todo(f"buying stage, one of: {', '.join(library.stages)}"),
        "meeting": {
            "date": meeting_date or todo("the meeting date, YYYY-MM-DD"),
            "goal": row["meeting_goal"] or todo("what you want from this meeting, in one sentence"),
            "attendees": [{
                "name": contact_name or todo("the attendee's name"),
                "title": contact_title or todo("their job title"),
                "persona": persona or settings.persona_todo,
            }],
        },
        "priorities": [{"text": item} for item in priorities] or [
            {"text": todo("the account's priorities in their words, one item each")}],
        "owns": owns,
        "competitors": competitors,
        "next_step": next_step,
        "rep": {"name": row["rep_name"] or todo("your name"), "email": rep_email or todo("your e-mail address")},
    }
    # What --update refreshes: every value the row gives (a blank cell clears nothing).
    given = {
        ("name",): name, ("industry",): industry, ("size",): size, ("region",): row["region"], ("stage",): stage,
        ("meeting", "date"): meeting_date, ("meeting", "goal"): row["meeting_goal"], ("owns",): owns,
        ("competitors",): competitors, ("next_step", "action"): row["next_step"], ("next_step", "by"): by,
        ("rep", "name"): row["rep_name"], ("rep", "email"): rep_email,
    }
    for path, value in given.items():
        if value:
            _put(draft.crm, path, value)
    if priorities:
        draft.priorities = priorities
    draft.problems, draft.warnings = row.problems, row.warnings
    return draft


def _put(tree: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _unique(items) -> list[str]:
    seen, kept = set(), []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept


def _industry(row: _Row, library: Library) -> str | None:
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
                 "industries: in templates/import.yaml")
        found = value
    return found


_NUMBER = re.compile(r"(\d{1,3}(?:([,.' \u00a0\u202f])\d{3})?(?:\2\d{3})*|\d+)(?:\.0+)?\+?")


def _size(row: _Row) -> str | None:
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


def _stage(row: _Row, library: Library) -> str | None:
    value = row["stage"]
    if not value:
        return None
    key = normalised(value)
    stage = row.settings.stages.get(key)
    if stage is not None:
        return stage
    meant = row.settings.unlisted_stages.get(key)
    if meant:
        row.fail("stage", f"{quoted(value)} is taken as stage '{meant}', which templates/stages.yaml does not list; "
                 f"map it to one of {', '.join(library.stages)} under stages: in templates/import.yaml")
    else:
        row.fail("stage", f"unknown stage {quoted(value)}: map it to a buying stage ({', '.join(library.stages)}) "
                 "under stages: in templates/import.yaml")
    return None


_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?: .*)?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?")


def _date(row: _Row, name: str) -> dt.date | None:
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
                     "month-first in templates/import.yaml")
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


def _products(row: _Row, library: Library) -> list[str]:
    value = row["owns"]
    if not value:
        return []
    found: list[str] = []
    for item in (item.strip() for item in value.split(";")):
        if not item:
            continue
        product = row.settings.products.get(normalised(item))
        if product is None:
            row.fail("owns", unknown_id("product", item, library.products, listed=False)
                     + f" (valid: {', '.join(sorted(library.products))}, or their names)")
        elif product not in found:
            found.append(product)
    return found


def _stems(words: set[str]) -> set[str]:
    """Words with a plural 's' dropped, so 'operation' meets 'operations'."""
    return {word[:-1] if word.endswith("s") and len(word) > 3 else word for word in words}


def infer_persona(title: str, settings: ImportSettings) -> tuple[str | None, tuple[str, ...]]:
    """The persona a job title points to, or None and the personas it could equally be.

    import.yaml's `personas:` words and phrases come first, the longest that the title holds winning; then the
    words of each persona's id (which count double) and name, less words of rank (manager, director, vp), which say
    nothing of the job.
    """
    words = _words(title)
    found: dict[str, int] = {}
    for phrase, persona in settings.personas:
        if found and len(phrase) < max(found.values()):
            break
        if any(words[at:at + len(phrase)] == phrase for at in range(len(words) - len(phrase) + 1)):
            found[persona] = len(phrase)
    if not found:
        own = _stems(set(words) - _RANK_WORDS)
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
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD)).encode("ascii", "ignore").decode("ascii")
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
        lines.extend(_field_lines(key, value, 0))
    return "\n".join(lines) + "\n"


def _scalar(value, *, flow: bool) -> str:
    return value.isoformat() if isinstance(value, dt.date) else scalar_text(value, flow=flow)


def _field_lines(key: str, value, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [line for k, v in value.items() for line in _field_lines(k, v, indent + 2)]
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        return [f"{pad}{key}:"] + [line for item in value for line in _item_lines(item, indent + 2)]
    return [f"{pad}{key}: {_scalar(value, flow=False)}"]


def _item_lines(item, indent: int) -> list[str]:
    """A sequence item, its '- ' at `indent`."""
    if not isinstance(item, dict):
        return [f"{' ' * indent}- {_scalar(item, flow=False)}"]
    lines = [line for k, v in item.items() for line in _field_lines(k, v, indent + 2)]
    lines[0] = f"{' ' * indent}- {lines[0][indent + 2:]}"
    return lines


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, flow=True)


# --- --update: the CRM's values written where the file has them -------------------------------------------------


class NotInPlace(Exception):
    """An edit the file's shape does not allow (a value written as a list, a list on one line with mappings)."""


class _Editor:
    """Edits an account file's text where its values are written: every line no edit touches stays byte for byte,
    comments included."""

    def __init__(self, text: str, path: Path):
        self.text, self.path = text, path
        # the strict reading (a broken file is named as the build names it), and the nodes the edits are made at
        self.doc = parse_yaml(text, path, keep_nodes=True)
        if not isinstance(self.doc.data, dict):
            raise AspoError.at(path, 1, None, "expected a mapping of fields", SCHEMA)
        self.root = self.doc.root
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []
        self.inserts: dict[int, list[str]] = {}
        self.changed: list[str] = []
        self.expected: list[tuple[tuple, Any]] = []
        self.warnings: list[str] = []
        self.persona_left: int | None = None  # the CRM contact's attendee, when its persona stays a placeholder

    # reading

    def node(self, path: tuple):
        node = self.root
        for key in path:
            if isinstance(key, int):
                node = node.value[key] if isinstance(node, yaml.SequenceNode) and key < len(node.value) else None
            else:
                node = child_node(node, key)
            if node is None:
                return None
        return node

    def value(self, path: tuple):
        return _at(self.doc.data, path)

    def in_flow(self, path: tuple) -> bool:
        return any(getattr(self.node(path[:depth]), "flow_style", False) for depth in range(len(path) + 1))

    def in_block(self, node, path: tuple) -> bool:
        """Whether the node at `path` is a sequence written one item a line."""
        return isinstance(node, yaml.SequenceNode) and not node.flow_style and not self.in_flow(path[:-1])

    def content_end(self, node) -> int:
        """Where a node's own text ends: a block collection's end mark lies past the comments after it."""
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                return node.start_mark.index + len(self.text[node.start_mark.index:node.end_mark.index].rstrip())
            return node.end_mark.index
        if node.flow_style or not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return self.content_end(last[1] if isinstance(node, yaml.MappingNode) else last)

    def after_line(self, node) -> int:
        """The start of the line after the one a node's text ends on."""
        end = self.content_end(node)
        newline = self.text.find("\n", end)
        return len(self.text) if newline < 0 else newline + 1

    # editing

    def _block_items(self, node, items: list) -> str:
        """Items in place of a block sequence's: the first where its first is, the others a line each below it."""
        lines = [line for item in items for line in _item_lines(item, node.start_mark.column)]
        lines[0] = lines[0].lstrip(" ")
        return self.newline.join(lines)

    def _insert(self, at: int, lines: list[str]) -> None:
        block = self.newline.join(lines) + self.newline
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = self.newline + block
        self.inserts.setdefault(at, []).append(block)

    def _changed(self, path: tuple, value) -> None:
        self.changed.append(format_loc(path))
        self.expected.append((path, value))

    def merge(self, desired: dict[str, Any], path: tuple = ()) -> None:
        """Sets each value of `desired` (nested by field) that the file does not already hold."""
        missing = {}
        for key, want in desired.items():
            here = path + (key,)
            node = self.node(here)
            if node is None:
                missing[key] = want
                for leaf, value in _leaves(want, here):
                    self._changed(leaf, value)
            elif isinstance(want, dict):
                if not isinstance(node, yaml.MappingNode):
                    raise NotInPlace(f"{format_loc(here)} is not a mapping of fields")
                self.merge(want, here)
            elif not _same(self.value(here), want):
                self._set(here, node, want)
                self._changed(here, want)
        if missing:
            parent = self.node(path)
            if not isinstance(parent, yaml.MappingNode):
                raise NotInPlace(f"{format_loc(path) or 'the file'} is not a mapping of fields")
            if parent.flow_style:
                at = parent.end_mark.index - 1  # its closing brace
                pieces = ", ".join(f"{key}: {_flow(value)}" for key, value in missing.items())
                self.edits.append((at, at, (", " if parent.value else "") + pieces))
            else:
                indent = parent.value[0][0].start_mark.column if parent.value else 0
                self._insert(self.after_line(parent),
                             [line for key, value in missing.items() for line in _field_lines(key, value, indent)])

    def _set(self, path: tuple, node, want) -> None:
        start, end = node.start_mark.index, self.content_end(node)
        if isinstance(want, list) and self.in_block(node, path):
            if not all(isinstance(item, yaml.ScalarNode) for item in node.value):
                raise NotInPlace(f"{format_loc(path)} holds more than names")
            new = self._block_items(node, want)
        elif isinstance(node, yaml.ScalarNode) or isinstance(want, list):
            flow = self.in_flow(path[:-1])
            new = _flow(want) if isinstance(want, list) else _scalar(want, flow=flow)
            if isinstance(node, yaml.ScalarNode) and not node.style and node.value == "":
                new = " " + new  # `by:` with nothing after it
        else:
            raise NotInPlace(f"{format_loc(path)} is a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}"
                             ", not one value")
        self.edits.append((start, end, new))

    def replace_items(self, path: tuple, items: list) -> None:
        """Rewrites a whole sequence the file has (its placeholder priorities) in the style it is written in."""
        node = self.node(path)
        new = self._block_items(node, items) if self.in_block(node, path) else _flow(items)
        self.edits.append((node.start_mark.index, self.content_end(node), new))
        self.changed.append(format_loc(path))
        self.expected.append((path, items))

    def append_item(self, path: tuple, item: dict) -> int:
        node = self.node(path)
        if not self.in_block(node, path):
            raise NotInPlace(f"{format_loc(path)} is written on one line; write it one item a line")
        self._insert(self.after_line(node), _item_lines(item, node.start_mark.column))
        index = len(node.value)
        for leaf, value in _leaves(item, path + (index,)):
            self.expected.append((leaf, value))
        self.changed.append(format_loc(path + (index,)))
        return index

    def result(self) -> str:
        edits = self.edits + [(at, at, "".join(blocks)) for at, blocks in self.inserts.items()]
        return apply_edits(self.text, edits)


def _as_listed(fields: list[str], data: dict[str, Any]) -> tuple[str, ...]:
    """Field paths, each once, in the order an account file lists them: `data`'s, a new file's."""
    order = [format_loc(path) for path, _ in _leaves(data, ())]

    def rank(field_path: str) -> int:
        return next((rank for rank, prefix in enumerate(order) if field_path.startswith(prefix)), len(order))

    return tuple(sorted(dict.fromkeys(fields), key=rank))


def _leaves(value, path: tuple):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, path + (key,))
    else:
        yield path, value


def _folded(text: str) -> str:
    """A name as the import compares it: without case, its spaces evened out."""
    return " ".join(text.casefold().split())


def _same(current, want) -> bool:
    """Whether the file already holds what the CRM says: text compared with its spaces evened out, lists as sets
    (a rep's order is kept), names without case."""
    if isinstance(want, list):
        return (isinstance(current, list) and all(isinstance(item, str) for item in current)
                and {_folded(item) for item in current} == {_folded(item) for item in want})
    if isinstance(want, dt.date):
        want = want.isoformat()
    return isinstance(current, str) and " ".join(current.split()) == " ".join(str(want).split())


def _is_placeholder(value) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER)


def _same_name(a, b: str) -> bool:
    return isinstance(a, str) and _folded(a) == _folded(b)


def plan_update(editor: _Editor, draft: Draft) -> None:
    """The edits that bring an existing file up to date with the CRM: the values it holds, the CRM's contact,
    and priorities while they are still the placeholder; nothing else."""
    contact = draft.contact
    attendees = editor.value(("meeting", "attendees"))
    if contact and isinstance(attendees, list):
        path = ("meeting", "attendees")
        at = next((i for i, a in enumerate(attendees) if isinstance(a, dict) and _same_name(a.get("name"),
                                                                                            contact["name"])), None)
        want: dict[str, str] = {}
        if at is None:
            at = next((i for i, a in enumerate(attendees) if isinstance(a, dict) and _is_placeholder(a.get("name"))),
                      None)
            if at is not None:
                want["name"] = contact["name"]
        if at is None:
            persona = contact["persona"] or draft.row.settings.persona_todo
            at = editor.append_item(path, {"name": contact["name"], "title": contact["title"] or todo("their job title"),
                                           "persona": persona})
            editor.warnings.append(f"{contact['name']}, the CRM's contact, is added as meeting.attendees[{at}]; "
                                   "remove whoever no longer attends")
        else:
            if contact["title"]:
                want["title"] = contact["title"]
            persona = attendees[at].get("persona")
            if contact["persona"] and (persona is None or _is_placeholder(persona)):
                want["persona"] = persona = contact["persona"]
            editor.merge(want, path + (at,))
        if _is_placeholder(persona):
            editor.persona_left = at
    priorities = editor.value(("priorities",))
    if draft.priorities and isinstance(priorities, list) and priorities and all(
            isinstance(p, dict) and set(p) == {"text"} and _is_placeholder(p["text"]) for p in priorities):
        editor.replace_items(("priorities",), [{"text": text} for text in draft.priorities])
    editor.merge(draft.crm)


def verify_update(editor: _Editor, text: str) -> None:
    """Reads the edited text back: it must parse, and hold each value set where it was meant to go."""
    after = parse_yaml(text, editor.path)
    for path, want in editor.expected:
        value = _at(after.data, path)
        if want != value and not _same(value, want):
            raise NotInPlace(f"{format_loc(path)} did not read back as written")


def _at(data, path: tuple):
    for key in path:
        if isinstance(data, dict) and key in data or isinstance(data, list) and isinstance(key, int) \
                and key < len(data):
            data = data[key]
        else:
            return None
    return data


# --- the export's columns -------------------------------------------------------------------------------------------

#: What each account gets when the export has no column for a field.
_WITHOUT_COLUMN = {
    "industry": "industry for the rep to fill in", "employees": "size for the rep to fill in",
    "region": "region for the rep to fill in", "stage": "stage for the rep to fill in",
    "meeting_date": "meeting.date for the rep to fill in", "meeting_goal": "meeting.goal for the rep to fill in",
    "contact_name": "the attendee's name for the rep to fill in",
    "contact_title": "the attendee's title and persona for the rep to fill in",
    "priorities": "priorities for the rep to fill in", "owns": "owns empty", "competitors": "competitors empty",
    "next_step": "next_step.action for the rep to fill in", "next_step_date": "next_step.by out",
    "rep_name": "rep.name for the rep to fill in", "rep_email": "rep.email for the rep to fill in",
}


def _close(word: str, choices: list[str]) -> str:
    """ (did you mean 'x'?), or ''."""
    close = did_you_mean(word, choices)
    return f" ({close[2:]})" if close else ""


def match_columns(table: Table, settings: ImportSettings) -> tuple[dict[str, int], list[Problem]]:
    """Where each field's column is in the header (compared without case, spaces or punctuation), and a note
    for each expected column the export lacks; a required one missing refuses the whole file."""
    places: dict[str, list[int]] = {}
    for index, header in enumerate(table.header):
        places.setdefault(normalised(header) or header, []).append(index)
    index: dict[str, int] = {}
    for name, header in settings.columns.items():
        found = places.get(normalised(header) or header, [])
        if len(found) > 1:
            raise AspoError.at(table.path, 1, None, f"columns {found[0] + 1} and {found[1] + 1} are both "
                               f"{quoted(header)}; rename one", INVALID_FILE)
        if found:
            index[name] = found[0]
    unused = [header for at, header in enumerate(table.header) if at not in index.values() and header]
    missing = [header for name, header in settings.columns.items() if name in settings.required and name not in index]
    if missing:
        names = ", ".join(f"{quoted(header)}{_close(header, unused)}" for header in missing)
        where = f"under columns: in {display_path(settings.source)}" if settings.source else \
            f"under columns: in a templates/{IMPORT_FILE}"
        raise AspoError.at(table.path, 1, None, f"the header has no column {names}; rename the column, or map the "
                           f"export's own name {where}", INVALID_FILE)
    notes = [Problem(table.path, 1, None, f"no column {quoted(header)}{_close(header, unused)}: every account leaves "
                     f"{_WITHOUT_COLUMN[name]}", INVALID_FILE)
             for name, header in settings.columns.items() if name not in index]
    return index, notes


# --- the accounts folder ------------------------------------------------------------------------------------------


class _Folder:
    """The account files already in the accounts folder, by file name and, read when first needed, by the
    account name they hold: a hand-written acme.yaml for "Acme Packaging" is that account's file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.by_stem: dict[str, list[Path]] = {}
        for path in account_files_in(folder) if folder.is_dir() else []:
            self.by_stem.setdefault(path.stem.lower(), []).append(path)
        self._by_name: dict[str, list[Path]] | None = None

    def by_name(self, name: str) -> list[Path]:
        if self._by_name is None:
            self._by_name = {}
            for paths in self.by_stem.values():
                for path in paths:
                    try:
                        data = parse_yaml(read_text_of(path)[0], path).data
                    except AspoError:
                        continue
                    if isinstance(data, dict) and isinstance(data.get("name"), str):
                        self._by_name.setdefault(_folded(data["name"]), []).append(path)
        return self._by_name.get(_folded(name), [])

    def find(self, slug: str, name: str) -> tuple[Path, bool]:
        """The account's file, and whether it exists; refuses two candidates."""
        found = self.by_stem.get(slug) or self.by_name(name)
        if len(found) > 1:
            raise ValueError(f"both {display_path(found[0])} and {display_path(found[1])} could be its file; "
                             "keep one")
        return (found[0], True) if found else (self.folder / f"{slug}.yaml", False)


def read_text_of(path: Path) -> tuple[str, bytes]:
    """An account file's text (a BOM left out) and its bytes as they are. Unlike yamlfile.read_text (load_yaml), a
    line break editors do not count (U+2028 after a comment) is read as YAML reads it, so such a file is still
    found by the name it holds, and updated, rather than doubled by a new file."""
    raw = read_bytes(path)
    return decode_text(raw, path), raw


# --- the import ---------------------------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = "created", "updated", "unchanged", "skipped", "failed"


@dataclass
class Outcome:
    """What became of one row."""

    row: int
    status: str
    path: Path | None = None
    changed: tuple[str, ...] = ()  # fields updated (or that --update would update)
    todo: tuple[str, ...] = ()  # placeholders a created file leaves for the rep
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: bytes | None = None  # what to write
    before: bytes | None = None  # the file as read, for an update

    def describe(self, dry_run: bool = False) -> str:
        """The row's line, e.g. `updated    accounts/acme.yaml (stage, meeting.date)`."""
        shown = display_path(self.path)
        if self.status == CREATED:
            label, rest = ("would create" if dry_run else CREATED), (f" (to fill in: {', '.join(self.todo)})"
                                                                     if self.todo else "")
        elif self.status == UPDATED:
            label, rest = ("would update" if dry_run else UPDATED), f" ({', '.join(self.changed)})"
        elif self.status == SKIPPED:
            label = SKIPPED
            rest = (f": exists; the CRM has new {', '.join(self.changed)} (use --update)" if self.changed
                    else ": exists (use --update)")
        else:
            label, rest = self.status, ""
        return f"{label:<{12 if dry_run else 10}} {shown}{rest}"


@dataclass
class ImportResult:
    source: Path
    outcomes: list[Outcome]
    notes: list[Problem]  # about the export as a whole: the columns it lacks
    dry_run: bool

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def summary(self) -> str:
        counts = {status: sum(o.status == status for o in self.outcomes)
                  for status in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
        rows = len(self.outcomes)
        named = {CREATED: "to create", UPDATED: "to update"} if self.dry_run else {}
        shown = ", ".join(f"{count} {named.get(status, status)}" for status, count in counts.items() if count) \
            or "nothing to import"
        failed = self.failed
        if failed:
            shown += f" (row{'s' if len(failed) > 1 else ''} {', '.join(str(o.row) for o in failed)})"
        if self.dry_run:
            shown += "; dry run: nothing written"
        return f"{rows} row{'s' if rows != 1 else ''} in {display_path(self.source)}: {shown}"


def import_accounts(source: Path, templates: Path, accounts: Path, update: bool = False,
                    dry_run: bool = False) -> ImportResult:
    """Writes one account file per row of a CRM export into `accounts`, never over an existing one; with
    `update`, refreshes in an existing file only the values the CRM holds. A row with a problem is named and
    skipped, the others are written; a problem with the export as a whole (unreadable, a required column
    missing) or with the library refuses everything before anything is written."""
    source, accounts = Path(source), Path(accounts)
    library, problems = read_library(templates, layouts=False)
    if library is None:  # a block or scenario with a problem is `aspo check`'s business: the vocabulary is enough
        raise AspoError(problems)
    settings = load_import_settings(templates, library)
    table = read_csv(source)
    index, notes = match_columns(table, settings)
    if accounts.exists() and not accounts.is_dir():
        raise AspoError.at(accounts, None, None, "exists and is not a folder; choose another --accounts",
                           INVALID_FILE)
    folder = _Folder(accounts)
    modeline = schema_modeline(templates, accounts)
    taken: dict[str, int] = {}
    outcomes = []
    for record in table.records:
        if not any(record.cells):
            continue  # a blank line, as spreadsheets leave at the end
        outcome = _plan_row(table, record, index, settings, library, folder, taken, modeline, update)
        outcomes.append(outcome)
    if not dry_run:
        if any(outcome.data is not None for outcome in outcomes):
            try:
                accounts.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AspoError.at(accounts, None, None, f"cannot create the accounts folder: {exc.strerror}",
                                   INVALID_FILE) from None
        for outcome in outcomes:
            _write(outcome, source)
    return ImportResult(source, outcomes, notes, dry_run)


def _plan_row(table: Table, record: Record, index: dict[str, int], settings: ImportSettings, library: Library,
              folder: _Folder, taken: dict[str, int], modeline: str | None, update: bool) -> Outcome:
    draft = draft_account(table, record, index, settings, library)
    outcome = Outcome(record.row, FAILED, errors=draft.problems, warnings=draft.warnings)
    if draft.problems:
        return outcome
    name = draft.data["name"]

    def fail(message: str) -> Outcome:  # about the account's name
        outcome.errors.append(draft.row.problem(draft.row.column("name"), message))
        return outcome

    slug = slug_of(name)
    if not slug:
        return fail(f"{quoted(name)} gives no file name: a file name needs letters a-z or digits; add a Latin "
                    "spelling of the name")
    try:
        path, exists = folder.find(slug, name)
    except ValueError as exc:
        return fail(f"{quoted(name)}: {exc}")
    outcome.path = path
    key = os.path.normcase(os.path.abspath(path))
    if key in taken:
        return fail(f"{quoted(name)} is row {taken[key]}'s account too ({display_path(path)}); keep one row")
    taken[key] = record.row
    if not exists:
        return _plan_new(outcome, draft, modeline)
    return _plan_existing(outcome, draft, update)


def _persona_warning(draft: Draft, path: Path, field_path: str) -> Problem:
    return draft.row.problem(draft.row.column("contact_title"),
                             f"{draft.persona_note}: {display_path(path)} leaves {field_path} for the rep to fill in "
                             f"(or map a word of the title under personas: in templates/{IMPORT_FILE})")


def _plan_new(outcome: Outcome, draft: Draft, modeline: str | None) -> Outcome:
    row, path = draft.row, outcome.path
    text = account_text(draft.data, row.table.path.name, row.record.row, modeline)
    data = text.encode("utf-8")
    if len(data) > MAX_YAML_BYTES:
        outcome.errors.append(Problem(path, None, None, f"would be {len(data)} bytes; an account file holds at most "
                                      f"{MAX_YAML_BYTES}", INVALID_FILE))
        return outcome
    try:  # as the build will read it (a safeguard: draft_account checked the cells), placeholders aside
        unfilled = validate_draft(AccountFile, parse_yaml(text, path))
    except AspoError as exc:
        outcome.errors.extend(row.problem(problem.field, problem.message, problem.rule) for problem in exc.problems)
        return outcome
    outcome.todo = tuple(format_loc(loc) for loc, _ in unfilled)
    if draft.persona_note:
        outcome.warnings.append(_persona_warning(draft, path, "meeting.attendees[0].persona"))
    outcome.status, outcome.data = CREATED, data
    return outcome


def _plan_existing(outcome: Outcome, draft: Draft, update: bool) -> Outcome:
    path = outcome.path
    if update and path.is_symlink():
        outcome.errors.append(Problem(path, None, None, "is a link; aspo will not replace it", INVALID_FILE))
        return outcome
    try:
        text, raw = read_text_of(path)
        editor = _Editor(text, path)
        plan_update(editor, draft)
        new_text = editor.result()
        if editor.changed:
            verify_update(editor, new_text)
    except (AspoError, NotInPlace) as exc:
        if update:
            outcome.errors.extend(exc.problems if isinstance(exc, AspoError) else [
                Problem(path, None, None, f"cannot be updated in place: {exc}; nothing changed", SCHEMA)])
        else:  # without --update the file is left as it is, whatever it holds
            outcome.status = SKIPPED
        return outcome
    outcome.changed = _as_listed(editor.changed, draft.data)
    if not editor.changed or not update:
        outcome.status = SKIPPED if editor.changed else UNCHANGED
        return outcome
    for warning in editor.warnings:
        outcome.warnings.append(Problem(path, None, None, warning, SCHEMA))
    if draft.persona_note and editor.persona_left is not None \
            and any(change.startswith("meeting.attendees") for change in outcome.changed):
        outcome.warnings.append(_persona_warning(draft, path, f"meeting.attendees[{editor.persona_left}].persona"))
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    outcome.status, outcome.data, outcome.before = UPDATED, bom + new_text.encode("utf-8"), raw
    return outcome


def _write(outcome: Outcome, source: Path) -> None:
    if outcome.data is None:
        return
    path = outcome.path
    try:
        if outcome.status == CREATED:
            if not write_file_atomic(path, outcome.data, replace=False):
                outcome.status, outcome.data = SKIPPED, None  # written by someone else meanwhile
            return
        try:
            now = read_bytes(path)
        except AspoError:
            now = None
        if now != outcome.before:
            outcome.status = FAILED
            outcome.errors.append(Problem(path, None, None, "changed while it was being updated; nothing written, "
                                          "import again", INVALID_FILE))
            return
        write_file_atomic(path, outcome.data)
    except OSError as exc:
        outcome.status = FAILED
        outcome.errors.append(Problem(path, None, None, f"cannot write: {exc.strerror or exc}", INVALID_FILE))
