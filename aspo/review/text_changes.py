"""The text of a changed slide or page as the review page shows it: the words removed and added marked, a long
page cut to the lines around its changes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from aspo.render.textview import plain

#: Below this share of words in common, two texts are compared line by line rather than word by word.
MOSTLY_NEW = 0.5


@dataclass(frozen=True)
class Segment:
    """A run of text, marked when it is what changed."""

    text: str
    changed: bool


def page_text(text: str) -> str:
    """A page's text, as pdftotext reads it from a drawn document, the way text views show text: each line's spaces
    folded, symbol-font bullets as their shapes, no-break spaces as spaces (textview.plain); blank lines dropped."""
    return "\n".join(" ".join(plain(line).split()) for line in text.splitlines() if line.strip())


def page_words(text: str) -> str:
    """A page's words on one line, as page_text shows them: what tells two pages' text apart."""
    return " ".join(plain(text).split())


def word_changes(before: str, after: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Both texts as runs of words, with the words removed from `before` and added in `after` marked. Texts with
    little in common (another block on the slide) are marked line by line instead, which reads better than
    scattered common words."""
    split = re.compile(r"\s+|\w+|[^\w\s]")
    a, b = split.findall(before), split.findall(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if a and b and matcher.ratio() < MOSTLY_NEW:
        a = [line + "\n" for line in before.split("\n")]
        b = [line + "\n" for line in after.split("\n")]
        a[-1], b[-1] = a[-1][:-1], b[-1][:-1]
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    a_out: list[Segment] = []
    b_out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        _append(a_out, "".join(a[i1:i2]), tag != "equal")
        _append(b_out, "".join(b[j1:j2]), tag != "equal")
    return tuple(a_out), tuple(b_out)


def around_changes(before: str, after: str, context: int = 1) -> tuple[str, str]:
    """Both texts cut to the lines that differ and `context` lines around them, the same lines on both sides; each
    run of lines left out becomes '…'."""
    a, b = before.split("\n"), after.split("\n")
    keep_a: set[int] = set()
    keep_b: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            keep_a.update(range(i1 - context, i2 + context))
            keep_b.update(range(j1 - context, j2 + context))
    if not keep_a and not keep_b:
        return before, after
    return _kept(a, keep_a), _kept(b, keep_b)


def _kept(lines: list[str], keep: set[int]) -> str:
    out: list[str] = []
    for number, line in enumerate(lines):
        if number in keep:
            out.append(line)
        elif not out or out[-1] != "…":
            out.append("…")
    return "\n".join(out)


def _append(segments: list[Segment], text: str, changed: bool) -> None:
    if not text:
        return
    if changed and not text.strip():  # whitespace alone is not worth a mark
        changed = False
    if segments and segments[-1].changed == changed:
        segments[-1] = Segment(segments[-1].text + text, changed)
    else:
        segments.append(Segment(text, changed))
