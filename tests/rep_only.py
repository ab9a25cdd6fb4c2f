"""What only the rep may read of an account, and every place a customer file could carry it: each part of an Office
zip (embedded zips too) as raw XML and as its text alone, and a PDF's text and metadata.

The rep-only texts of an account are its meeting goal, competitors, notes, attendee personas and region, and every
line the review draft shows as speaker notes (block `## Notes`, roadmap capabilities, why a block or scenario was
chosen, who listens for what). The draft is the rep's and keeps all of them, so it is where they are read from."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import yaml

#: Parts no customer file may hold: speaker notes and their master, comments, custom XML and custom properties.
REP_PARTS = re.compile(r"notesSlide|notesMaster|comments?\d*\.xml$|commentAuthors|customXml/|docProps/custom\.xml",
                       re.IGNORECASE)
#: A sentence this short ("Ask why.") could be anyone's words: only longer ones are looked for.
MIN_WORDS = 5
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_TAG = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """The text as folded sentences of MIN_WORDS words or more, and the whole of it."""
    whole = fold(text)
    found = [part for part in _SENTENCE_END.split(whole) if len(part.split()) >= MIN_WORDS]
    return [whole, *found] if whole else found


def draft_notes(draft: str) -> list[str]:
    """Each speaker-note line of a review draft (in any language aspo writes one), without its `[rep]` mark."""
    from aspo.library.labels import built_in

    headings = {built_in(language)["draft_speaker_notes"] for language in ("en", "de", "fr", "es", "ja")}
    lines, inside = [], False
    for line in draft.splitlines():
        if line in headings:
            inside = True
        elif line.startswith("## "):
            inside = False
        elif inside and line.startswith("> "):
            lines.append(fold(line[2:].removeprefix("[rep] ")))
    return lines


def rep_only_texts(account_file: Path, draft: str) -> dict[str, list[str]]:
    """What of the account only the rep may read, by what it is: each a distinctive text to look for."""
    account = yaml.safe_load(Path(account_file).read_text(encoding="utf-8"))
    personas = sorted({attendee["persona"] for attendee in account["meeting"].get("attendees", [])})
    return {
        "meeting goal": sentences(account["meeting"]["goal"]),
        "competitor": [fold(name) for name in account.get("competitors") or []],
        "rep's notes": sentences(account.get("notes") or ""),
        # a one-word persona id ("finance") is an everyday word a slide may use; the ids with a hyphen are aspo's
        "persona": [persona for persona in personas if "-" in persona],
        "region": [fold(account["region"])],
        "speaker notes": [line for line in draft_notes(draft) if len(line.split()) >= MIN_WORDS],
    }


def zip_texts(data: bytes, where: str) -> dict[str, str]:
    """Every part of an Office file, by `where/part`: its XML unescaped (attributes too) and, after it, its text
    alone (runs joined, so a sentence split across runs is whole), both folded; an embedded zip part by part."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            content = package.read(name)
            if content[:4] == b"PK\x03\x04":
                found.update(zip_texts(content, f"{where}/{name}"))
                continue
            text = content.decode("utf-8", errors="replace")
            found[f"{where}/{name}"] = fold(html.unescape(text)) + "\n" + fold(html.unescape(_TAG.sub("", text)))
    return found


def pdf_texts(path: Path, where: str) -> dict[str, str]:
    """A PDF's drawn text (pdftotext) and its metadata: the document information and XMP (pdfinfo)."""
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")

    def run(*command: str) -> str:
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    return {f"{where} (text)": fold(run(pdftotext, "-enc", "UTF-8", str(path), "-")),
            f"{where} (metadata)": fold(run(pdfinfo, "-enc", "UTF-8", str(path)) + "\n"
                                        + run(pdfinfo, "-meta", str(path)))}


def leaks(texts: dict[str, str], rep_only: dict[str, list[str]]) -> list[str]:
    """Each rep-only text found, as 'what: text, in where'."""
    found = []
    for what, needles in rep_only.items():
        for needle in needles:
            pattern = re.compile(r"(?<![\w-])" + re.escape(needle) + r"(?![\w-])")
            found += [f"{what}: {needle!r}, in {where}" for where, text in texts.items() if pattern.search(text)]
    return found
