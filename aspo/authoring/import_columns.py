"""An export's columns: which of them each account field is read from, which none reads, and the mapping shown."""

from __future__ import annotations

from dataclasses import dataclass

from aspo.authoring.import_table import Table, headers_of
from aspo.core.errors import AspoError, Problem, did_you_mean, display_path, one_line, quoted
from aspo.core.rulebook import INVALID_FILE
from aspo.library.crm_presets import PRESETS
from aspo.library.import_settings import ImportSettings, normalised

#: What each field fills in an account file, as --show-mapping says it.
FILLS = {
    "name": "name, and the file's name", "industry": "industry", "employees": "size", "region": "region",
    "stage": "stage, and the history", "opportunity": "opportunity", "stage_date": "the history event's date",
    "meeting_date": "meeting.date", "meeting_goal": "meeting.goal", "contact_name": "an attendee's name",
    "contact_title": "their title, and persona", "contact_email": "their e-mail", "priorities": "priorities",
    "owns": "owns", "competitors": "competitors", "next_step": "next_step.action", "next_step_date": "next_step.by",
    "rep_name": "rep.name", "rep_email": "rep.email",
}
#: What each account gets when the export has no column for a field.
WITHOUT_COLUMN = {
    "industry": "industry for the rep to fill in", "employees": "size for the rep to fill in",
    "region": "region for the rep to fill in", "stage": "stage for the rep to fill in",
    "meeting_date": "meeting.date for the rep to fill in", "meeting_goal": "meeting.goal for the rep to fill in",
    "contact_name": "the attendee's name for the rep to fill in",
    "contact_title": "the attendee's title and persona for the rep to fill in",
    "priorities": "priorities for the rep to fill in", "owns": "owns empty", "competitors": "competitors empty",
    "next_step": "next_step.action for the rep to fill in", "next_step_date": "next_step.by out",
    "rep_name": "rep.name for the rep to fill in", "rep_email": "rep.email for the rep to fill in",
}
#: Columns looked for but not missed: without them an account has no opportunity id, history is dated the day an
#: import first sees a stage (each row's line says "seen on"), and --update knows attendees by name.
_UNSAID = frozenset({"opportunity", "stage_date", "contact_email"})


@dataclass(frozen=True)
class Columns:
    """Where each field's columns are in the export's header."""

    index: dict[str, tuple[int, ...]]  # field -> its columns, joined when several
    ignored: tuple[str, ...]  # headers no field reads
    absent: tuple[str, ...]  # fields looked for that the export lacks
    required_absent: tuple[str, ...]  # of which the export must have had one
    lacking: dict[str, str]  # each absent field: the headers of its first choice the export lacks (or all of them)


def find_columns(table: Table, settings: ImportSettings) -> Columns:
    """Each field's column(s): the first of its choices whose every header the export has (compared without
    case, spaces or punctuation), and not already another field's."""
    places: dict[str, list[int]] = {}
    for at, header in enumerate(table.header):
        places.setdefault(normalised(header) or header, []).append(at)
    index: dict[str, tuple[int, ...]] = {}
    taken: set[int] = set()
    # the columns a file names first: a header it names is not a preset's to take before it
    for name, choices in sorted(settings.columns.items(), key=lambda item: item[0] not in settings.required):
        for choice in choices:
            found = [places.get(normalised(header) or header, []) for header in choice]
            if not all(found):
                continue
            for header, at in zip(choice, found):
                if len(at) > 1:
                    raise AspoError.at(table.path, 1, None, f"columns {at[0] + 1} and {at[1] + 1} are both "
                                       f"{quoted(header)}; rename one", INVALID_FILE)
            columns = tuple(at[0] for at in found)
            if not taken & set(columns):
                index[name] = columns
                taken |= set(columns)
                break
    ignored = tuple(header for at, header in enumerate(table.header) if at not in taken and header)
    absent = tuple(name for name in settings.columns if name not in index)
    lacking = {name: " + ".join(header for header in settings.columns[name][0]
                                if (normalised(header) or header) not in places) or _first(settings, name)
               for name in absent}
    return Columns({name: index[name] for name in settings.columns if name in index}, ignored, absent,
                   tuple(name for name in absent if name in settings.required), lacking)


def _first(settings: ImportSettings, name: str) -> str:
    return " + ".join(settings.columns[name][0])


def _close(word: str, choices: tuple[str, ...]) -> str:
    """ (did you mean 'x'?), or ''."""
    close = did_you_mean(word, list(choices))
    return f" ({close[2:]})" if close else ""


def match_columns(table: Table, settings: ImportSettings) -> tuple[dict[str, tuple[int, ...]], list[Problem],
                                                                  tuple[str, ...]]:
    """Each field's columns, a note for each column looked for that the export lacks, and the headers no field
    reads. A required column missing refuses the whole file."""
    columns = find_columns(table, settings)
    if columns.required_absent:
        names = ", ".join(f"{quoted(columns.lacking[name])}{_close(columns.lacking[name], columns.ignored)}"
                          for name in columns.required_absent)
        raise AspoError.at(table.path, 1, None, f"the header has no column {names}; rename the column, or map the "
                           f"export's own name {settings.named_in()}", INVALID_FILE)
    absent = [name for name in columns.absent if name not in _UNSAID]
    if settings.preset:  # the CRM's report holds what it holds: one line, not a guess at a typo per column
        notes = [Problem(table.path, 1, None, f"no column for {', '.join(FILLS[name] for name in absent)}: the "
                         "accounts leave them for the rep (--show-mapping lists the headers looked for)",
                         INVALID_FILE)] if absent else []
    else:
        notes = [Problem(table.path, 1, None, f"no column {quoted(_first(settings, name))}"
                         f"{_close(_first(settings, name), columns.ignored)}: every account leaves "
                         f"{WITHOUT_COLUMN[name]}", INVALID_FILE) for name in absent]
    return columns.index, notes, columns.ignored


def mapping_lines(table: Table, settings: ImportSettings) -> tuple[list[str], bool]:
    """What --show-mapping prints: each column and the field it feeds, the fields the export lacks, the columns
    no field reads; and whether the export can be imported (every required column there)."""
    columns = find_columns(table, settings)
    read_with = [f"the {settings.preset} preset" if settings.preset else "the built-in columns"]
    if settings.columns_source:
        read_with.append(display_path(settings.columns_source))
    if settings.map_source:
        read_with.append(display_path(settings.map_source))
    lines = [f"{display_path(table.path)}: {len(table.records)} rows, read with {' and '.join(read_with)}:"]
    rows = []
    for name in settings.columns:
        if name in columns.index:
            split = settings.split.get(name)
            how = "" if split is None else ", a line each" if split == "line" else f", split at '{split}'"
            rows.append((headers_of(table.header, columns.index[name]), f"{FILLS[name]}{how}", name))
    width = max((len(headers) for headers, _, _ in rows), default=0)
    fills = max((len(fill) for _, fill, _ in rows), default=0)
    lines += [f"  {headers:<{width}}  ->  {fill:<{fills}}  (columns: {name})" for headers, fill, name in rows]
    for name in columns.required_absent:
        lines.append(f"  missing, and required: {quoted(columns.lacking[name])} for {FILLS[name]}")
    absent = [f"{FILLS[name]} ({quoted(_first(settings, name))})" for name in columns.absent
              if name not in columns.required_absent]
    if absent:
        lines.append(f"Not in the export, so left for the rep or out: {'; '.join(absent)}.")
    if columns.ignored:
        lines.append(f"Ignored, no field reads them: {', '.join(quoted(header) for header in columns.ignored)}.")
    if settings.preset:
        lines.append(f"Dates: {PRESETS[settings.preset].dates}.")
    lines.append("Map a column another way under columns: in a --map file (e.g. `priorities: Deal Description`); "
                 "nothing was written.")
    return [one_line(line) for line in lines], not columns.required_absent  # headers are the file's, as written
