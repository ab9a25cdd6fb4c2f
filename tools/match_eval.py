"""Measures how well aspo recognises the pain behind priorities written as prospects speak.

Reads labelled sets (text and the pain it is about, or `none`), matches each text against the library, and
prints recall (the right pain recognised first, over phrasings a pain fits), specificity (phrasings no pain
fits kept as content gaps) and every miss with the matcher's explanation. By default every set in
tests/matching/: blind-c.yaml (never tuned to: the figure to quote), heldout.yaml (blind until its misses
were read once) and tuning.yaml (its misses guided the vocabulary).

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


@dataclass(frozen=True)
class Figures:
    recall: float
    specificity: float
    fitting: int
    unfitting: int
    misses: tuple[str, ...]
    microseconds_per_priority: float


def evaluate(templates: Path, phrasings: Path) -> Figures:
    library = load_library(templates)
    labelled = yaml.safe_load(phrasings.read_text(encoding="utf-8"))["phrasings"]
    matcher = library.matcher
    started = time.perf_counter()
    results = [(item, matcher.recognise(item["text"])) for item in labelled]
    elapsed = time.perf_counter() - started
    right = kept = fitting = unfitting = 0
    misses = []
    for item, recognition in results:
        expected, found = item["pain"], recognition.pains
        if expected == "none":
            unfitting += 1
            kept += not found
        else:
            fitting += 1
            right += found[:1] == (expected,)
        if (expected == "none") != (not found) or (found and found[0] != expected):
            misses.append(f"expected {expected}: {item['text']!r}\n    got {', '.join(found) or 'a gap'}: "
                          f"{recognition.explain()}")
    return Figures(right / fitting, kept / unfitting, fitting, unfitting, tuple(misses),
                   elapsed / len(labelled) * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    parser.add_argument("sets", nargs="*", type=Path,
                        default=[ROOT / "tests/matching" / name
                                 for name in ("blind-c.yaml", "heldout.yaml", "tuning.yaml")])
    args = parser.parse_args()
    for labelled in args.sets:
        figures = evaluate(args.templates, labelled)
        print(f"== {labelled.name}")
        for miss in () if args.quiet else figures.misses:
            print(miss)
        print(f"recall {figures.recall:.0%} of {figures.fitting} phrasings a pain fits (right pain first); "
              f"specificity {figures.specificity:.0%} of {figures.unfitting} no pain fits (kept as gaps); "
              f"{figures.microseconds_per_priority:.0f} µs per priority")


if __name__ == "__main__":
    main()
