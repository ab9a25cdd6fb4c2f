"""aspo's own words in every output ("Next step", "Your contact", the draft's headings), in the reader's language.

aspo ships them for en, de, fr, es and ja (aspo/library/labels/<lang>.yaml); a library overrides any of them, or
gives a whole set for another language, in templates/l10n/<lang>/labels.yaml.
"""

from __future__ import annotations

import string
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

BUILT_IN = Path(__file__).with_name("labels")


#: The labels read so far, by language tag (a warm library brings those it read: seed_built_in).
_BUILT_IN: dict[str, Mapping[str, str] | None] = {}


def built_in(language: str) -> Mapping[str, str] | None:
    """aspo's labels for a language tag (fr-CA reads fr's), or None where aspo ships none."""
    if language not in _BUILT_IN:
        _BUILT_IN[language] = _read_built_in(language)
    return _BUILT_IN[language]


def seed_built_in(labels: Mapping[str, Mapping[str, str] | None]) -> None:
    """Takes labels read by an earlier process (for the same aspo: see aspo.library.warm)."""
    for language, texts in labels.items():
        _BUILT_IN.setdefault(language, texts)


def _read_built_in(language: str) -> Mapping[str, str] | None:
    import yaml  # aspo's own file, read as plain data: no line numbers to report against

    for tag in dict.fromkeys((language, language.split("-")[0].lower())):
        path = BUILT_IN / f"{tag}.yaml"
        if path.is_file():
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            return MappingProxyType({key: str(value) for key, value in data.items()})
    return None


def fields(text: str) -> set[str] | None:
    """The {name} fields a label fills in; None for a text that is no label ("{action", "{}", "{0}")."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return None
    if any(not name.isidentifier() for name in names) or names.count("text") > 1:  # {text} once: quoted's
        return None
    return set(names)


class Labels:
    """One language's labels: label("next_step", action=...) fills one in."""

    def __init__(self, language: str, texts: Mapping[str, str]):
        self.language = language
        self.texts = texts

    def __call__(self, key: str, **values: str) -> str:
        return self.texts[key].format(**values)

    def quote(self, text: str) -> str:
        return self("quoted", text=text)

    def join(self, items) -> str:
        return self.texts["list_separator"].join(items)


def english() -> Labels:
    """aspo's labels in English, for a caller that names no language (tests, a model made without a library)."""
    return Labels("en", built_in("en"))
