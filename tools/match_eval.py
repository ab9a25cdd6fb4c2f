"""Measures how well aspo recognises the pain behind priorities written as prospects speak.

Reads labelled sets (text, the pain it is about or `none`, and optionally `also: [..]`, other pains the text
names as plainly), matches each text against the library, and prints per set:

- precision: of the priorities that get a pain (not a gap), the share whose first pain is right;
- recall: of the priorities a pain fits, the share whose first recognised pain is right;
- specificity: of the priorities no pain fits, the share kept as content gaps;

where "right" is the labelled `pain` or any pain in its `also` list; then every miss with the matcher's
explanation. By default the sets in tests/matching/: blind-c.yaml (never tuned to: the figure to quote),
heldout.yaml (blind until its misses were read once), tuning.yaml (its misses guided the vocabulary) and
dev-e.yaml (the development set of issue 24, tuned to).

    python tools/match_eval.py [--templates templates] [--quiet] [SET.yaml ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aspo.library.content import load_library  # noqa: E402
from aspo.library.matching import Matcher  # noqa: E402

DEFAULT_SETS = ("blind-c.yaml", "heldout.yaml", "tuning.yaml", "dev-e.yaml")


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    specificity: float
    answered: int  # priorities that got a pain
    answered_right: int
    fitting: int  # priorities a pain fits
    fitting_right: int
    unfitting: int  # priorities no pain fits
    kept: int
    misses: tuple[str, ...]
    microseconds_per_priority: float


def score(labelled: list[dict], matcher: Matcher) -> Figures:
    """The figures for labelled phrasings (each a dict with `text`, `pain` and optionally `also`)."""
    started = time.perf_counter()
    results = [(item, matcher.recognise(item["text"])) for item in labelled]
    elapsed = time.perf_counter() - started
    answered = answered_right = fitting = fitting_right = unfitting = kept = 0
    misses = []
    for item, recognition in results:
        expected = item["pain"]
        right = {expected, *item.get("also", ())} - {"none"}
        found = recognition.pains
        first_right = bool(found) and found[0] in right
        if found:
            answered += 1
            answered_right += first_right
        if expected == "none":
            unfitting += 1
            kept += not found
        else:
            fitting += 1
            fitting_right += first_right
        if (expected == "none") != (not found) or (found and not first_right):
            also = f" (or {', '.join(item['also'])})" if item.get("also") else ""
            misses.append(f"expected {expected}{also}: {item['text']!r}\n    got {', '.join(found) or 'a gap'}: "
                          f"{recognition.explain()}")
    return Figures(_share(answered_right, answered), _share(fitting_right, fitting), _share(kept, unfitting),
                   answered, answered_right, fitting, fitting_right, unfitting, kept, tuple(misses),
                   elapsed / max(len(labelled), 1) * 1e6)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def evaluate(templates: Path, phrasings: Path) -> Figures:
    """The figures for one set; a set with `language:` is read as an account reading that language reads it."""
    library = load_library(templates)
    data = yaml.safe_load(phrasings.read_text(encoding="utf-8"))
    if data.get("language"):
        library = library.in_languages(data["language"], data["language"])
    return score(data["phrasings"], library.matcher)


def summary(figures: Figures) -> str:
    """One line of figures, each with its counts."""
    return (f"precision {figures.precision:.0%} ({figures.answered_right} of {figures.answered} given a pain "
            f"got the right one first); recall {figures.recall:.0%} ({figures.fitting_right} of {figures.fitting} "
            f"a pain fits); specificity {figures.specificity:.0%} ({figures.kept} of {figures.unfitting} no pain "
            f"fits kept as gaps); {figures.microseconds_per_priority:.0f} µs per priority")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    parser.add_argument("sets", nargs="*", type=Path,
                        default=[ROOT / "tests/matching" / name for name in DEFAULT_SETS])
    args = parser.parse_args()
    for labelled in args.sets:
        figures = evaluate(args.templates, labelled)
        print(f"== {labelled.name}")
        for miss in () if args.quiet else figures.misses:
            print(miss)
        print(summary(figures))


if __name__ == "__main__":
    main()
