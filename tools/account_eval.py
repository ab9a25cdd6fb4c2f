"""Measures whole accounts as a rep would meet them: does each priority get a slide on the right problem?

Reads a folder of account files and its labels.yaml (for each account, per priority in order: the `pain` it is
about, or `none`, and optionally `also: [..]`, a second problem it really complains about), plans each account
as `aspo build` does, and counts per priority: answered on the right problem (the answering block's or
scenario's pains include the labelled pain or an `also` one), answered on the wrong problem, or left a gap.

    python tools/account_eval.py [--templates templates] FOLDER
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aspo.library.content import load_library  # noqa: E402
from aspo.plan.plan import plan_account  # noqa: E402


def answered_pains(match, library) -> set[str]:
    """The pains the content answering a priority speaks to, as the slide shows them."""
    if match.block:
        return set(library.blocks[match.block].meta.applies_to.pains) & set(match.pains)
    if match.scenario:
        return set(library.scenarios[match.scenario].meta.pains) & set(match.pains)
    return set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    library = load_library(args.templates)
    labels = yaml.safe_load((args.folder / "labels.yaml").read_text(encoding="utf-8"))["accounts"]
    right = wrong = gaps = fitting = 0
    for name, expected in labels.items():
        plan = plan_account(args.folder / name, library)
        print(f"== {name} ({plan.account.data.industry}, {plan.account.data.stage})")
        for match, label in zip(plan.selection.priorities, expected, strict=True):
            good = {label["pain"], *label.get("also", ())} - {"none"}
            fitting += bool(good)
            shown = answered_pains(match, library)
            if not shown:
                verdict, gaps = "gap", gaps + 1
            elif shown & good:
                verdict, right = "right", right + 1
            else:
                verdict, wrong = "WRONG", wrong + 1
            what = match.block or (f"scenario {match.scenario}" if match.scenario else match.gap)
            print(f"  {match.index}. {verdict:<5} {label['pain']:<24} -> {what} [{', '.join(sorted(shown))}]")
    given = right + wrong
    print(f"\n{right} of {given} priorities given a slide are on the right problem (precision "
          f"{right / given:.0%}); {right} of {fitting} priorities a known problem fits are answered on it (recall "
          f"{right / fitting:.0%}); {wrong} wrong, {gaps} gaps")


if __name__ == "__main__":
    main()
