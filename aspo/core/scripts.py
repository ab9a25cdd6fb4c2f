"""Writing systems: which languages are written in which script, and how to find Chinese and Japanese in a text."""

from __future__ import annotations

import re

#: Chinese characters, kana and hangul: the scripts written without spaces between words.
CJK_CHARACTERS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
CJK = re.compile(CJK_CHARACTERS)
#: Languages written in Chinese characters, kana or hangul: East Asian fonts and widths.
EAST_ASIAN = frozenset({"zh", "ja", "ko"})
#: Languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})
#: Scripts Office calls complex: right-to-left ones, Thai, and the Indic scripts.
COMPLEX = RIGHT_TO_LEFT | {"th", "hi", "bn", "ta", "te", "mr", "gu", "kn", "ml", "pa", "si", "lo", "km", "my"}


def base_language(tag: str) -> str:
    """The language of a tag or locale: "de" for de-AT and de_DE."""
    return re.split("[-_]", tag)[0].lower()


def east_asian(tag: str) -> bool:
    """Whether a language tag ("ja-JP", "zh-Hant-TW", "ko") is Chinese, Japanese or Korean."""
    return base_language(tag) in EAST_ASIAN


def right_to_left(tag: str) -> bool:
    """Whether a language tag ("he-IL", "ar") is written right to left."""
    return base_language(tag) in RIGHT_TO_LEFT
