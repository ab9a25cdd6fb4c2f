"""C202: one industry's word hard-coded in a block that other industries read, where `{{ industry.<word> }}` fits."""

from __future__ import annotations

import re
from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import Problem
from aspo.library.content import Library

INDUSTRY_WORD = "C202"
#: Jinja's own text: `{{ ... }}`, `{% ... %}` and `{# ... #}` say no word the reader reads as written.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@check_rule(INDUSTRY_WORD, "industry-word", "warning",
            "A block's title or text hard-codes one industry's word (industries.yaml `words:`) where an industry it "
            "applies to says it otherwise; use {{ industry.<word> }}.")
def industry_word(context: Context) -> Iterator[Problem]:
    """Each industry word in a block's title or body (not its speaker notes: the rep knows the account's industry,
    and notes may contrast words on purpose, "say 'patients', not 'lines'") that some industry the block applies
    to (all of them and an unlisted one, when it names none) words differently. Whole words, singular, plural and
    possessive alike; Jinja expressions are skipped."""
    library = context.library
    words = _industry_words(library)
    for block in library.blocks.values():
        readers = block.meta.applies_to.industries or [*library.industries, None]  # None: an unlisted industry
        text, shown = context.shown(block)
        readers_text = ("every industry" if not block.meta.applies_to.industries
                        else ", ".join(block.meta.applies_to.industries))
        said_by = [library.industry_words(reader) for reader in readers]
        # a word every reader says this way reads right in this block
        differing = [(name, word, owners, pattern) for name, word, owners, pattern in words
                     if {said[name].lower() for said in said_by} - {word.lower()}]
        masked = _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text.text)
        for start, end in shown:
            found = []  # (start, -length, not the exact word, said, name, owners): longest, then exact, first
            for name, word, owners, pattern in differing:
                for match in pattern.finditer(masked, start, end):
                    said = match.group()
                    found.append((match.start(), -len(said), said.lower() != word.lower(), said, name, owners))
            covered = -1
            for offset, minus_length, _, said, name, owners in sorted(found):
                if offset < covered:  # 'line' inside 'stops the line', or 'plants' read as site and sites
                    continue
                covered = offset - minus_length
                line, column = text.position(offset)
                yield Problem(block.path, line, None,
                              f"hard-codes '{said}' (industry.{name} of {', '.join(owners)}) in a block for "
                              f"{readers_text}; say {{{{ industry.{name} }}}}", INDUSTRY_WORD, column)


def _industry_words(library: Library) -> list[tuple[str, str, tuple[str, ...], re.Pattern]]:
    """(word name, word, the industries that say it, its pattern) for each industry's own words: not the neutral
    ones, which read right in any industry."""
    owners: dict[tuple[str, str], list[str]] = {}
    neutral = {w.lower() for w in library.neutral_words.values()}
    for industry_id in library.industries:
        for name, word in library.industry_words(industry_id).items():
            if word.lower() not in neutral:
                owners.setdefault((name, word), []).append(industry_id)
    return [(name, word, tuple(ids), _word_pattern(word)) for (name, word), ids in sorted(owners.items())]


def _word_pattern(words: str) -> re.Pattern:
    """The words as a whole phrase in any case, each word singular, plural or possessive: 'plant' finds 'Plants'
    and "plant's", 'facility' finds 'facilities'; not 'plantation'."""
    forms = []
    for token in words.split():
        token = token.lower()
        if token.endswith("ies") or (token.endswith("y") and len(token) > 2 and token[-2] not in "aeiou"):
            stem = token[:-3] if token.endswith("ies") else token[:-1]
            forms.append(re.escape(stem) + r"(?:y|ies)(?:'s|')?")
            continue
        if token.endswith("s") and not token.endswith("ss") and len(token) > 3:
            token = token[:-1]
        forms.append(re.escape(token) + r"(?:s|es)?(?:'s|')?")
    return re.compile(r"(?<!\w)" + r"\s+".join(forms) + r"(?!\w)", re.IGNORECASE)
