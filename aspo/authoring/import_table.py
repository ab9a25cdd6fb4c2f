"""A CRM export read as a table: decoded, delimited, each row with the line it came from."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from aspo.core.errors import AspoError
from aspo.core.rulebook import INVALID_FILE
from aspo.core.yamlfile import (
    read_bytes,
)

#: CRM exports of a few thousand accounts are a few MB; anything far larger is not one.
MAX_CSV_BYTES = 20_000_000


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
        raise AspoError.at(path, len(rows) + 1, None, problem + line_note(len(rows) + 1, line), INVALID_FILE) \
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
                where = f"column {index + 1}" if record.row == 1 else header_of(rows[0].cells, index)
                raise AspoError.at(path, record.row, where, f"not UTF-8: byte 0x{ord(bad.group()) - 0xDC00:02x}; "
                                   "save the export as UTF-8 (in Excel: Save As > CSV UTF-8) and import it again"
                                   + line_note(record.row, record.line), INVALID_FILE)


def header_of(header: tuple[str, ...], index: int) -> str:
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


def line_note(row: int, line: int) -> str:
    """Where a row starts in a text editor, when that is not its row number (a quoted cell above holds lines)."""
    return f" (the row starts on line {line} of the file)" if line != row else ""
