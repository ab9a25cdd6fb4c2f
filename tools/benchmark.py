"""Benchmark: aspo build vs a plain python-pptx + python-docx script doing equivalent work.

Run from the repository root:  python tools/benchmark.py [--runs 15] [--account accounts/acme.yaml]
Reports medians (the machines are noisy) for the whole process and for one account in process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLAIN_SCRIPT = r'''
import io, sys
from pptx import Presentation
from docx import Document

def deck(slides):
    prs = Presentation()
    for n, (title, bullets, notes) in enumerate(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[0 if n == 0 else 1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for text in bullets[1:]:
            body.add_paragraph().text = text
        slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO(); prs.save(out); return out.getvalue()

def document(sections):
    doc = Document()
    doc.add_heading("Acme Packaging and Meridian Ops", 0)
    for title, bullets, _ in sections:
        doc.add_heading(title, 1)
        doc.add_paragraph(bullets[0])
        for text in bullets[1:]:
            doc.add_paragraph(text, style="List Bullet")
    table = doc.add_table(rows=1, cols=3, style="Table Grid")
    for row in range(6):
        cells = table.add_row().cells
        for col in range(3):
            cells[col].text = f"cell {row}.{col} with a few words of text"
    out = io.BytesIO(); doc.save(out); return out.getvalue()

SECTIONS = [(f"Slide {n}: a title of realistic length", [f"Bullet {b} with a sentence of realistic length for a slide" for b in range(4)],
             "Talking points for the rep, two sentences long. Another sentence.") for n in range(12)]

def run(path_prefix=None):
    d, w = deck(SECTIONS), document(SECTIONS)
    if path_prefix:
        open(path_prefix + ".pptx", "wb").write(d); open(path_prefix + ".docx", "wb").write(w)

if __name__ == "__main__":
    run(sys.argv[1])
'''


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_process(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def time_call(call, runs: int) -> float:
    call()  # warm-up: imports and caches, as in a batch build
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--account", default="accounts/acme.yaml")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from aspo.build import render_account
    from aspo.library import load_library
    from aspo.output import write_outputs

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = tmp / "plain.py"
        plain.write_text(PLAIN_SCRIPT)
        namespace: dict = {}
        exec(compile(PLAIN_SCRIPT, "plain", "exec"), namespace)

        library = load_library(ROOT / "templates")

        def aspo_in_process():
            result = render_account(ROOT / args.account, library)
            write_outputs(tmp / "inproc", result.files)

        def fresh_batch():
            shutil.rmtree(tmp / "batch", ignore_errors=True)
            subprocess.run([sys.executable, "-m", "aspo", "build", "accounts/", "--output", str(tmp / "batch")],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)

        def unchanged_batch():
            subprocess.run([sys.executable, "-m", "aspo", "build", "accounts/", "--output", str(tmp / "batch")],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)

        rows = [
            ("aspo build, whole process", time_process(
                [sys.executable, "-m", "aspo", "build", "--force", args.account, "--output", str(tmp / "out")], args.runs)),
            ("plain script, whole process", time_process([sys.executable, str(plain), str(tmp / "plain")], args.runs)),
            ("aspo, load templates/ in process", time_call(lambda: load_library(ROOT / "templates"), args.runs)),
            ("aspo, one account in process", time_call(aspo_in_process, args.runs)),
            ("plain script, in process", time_call(lambda: namespace["run"](str(tmp / "plain-in")), args.runs)),
            ("aspo build accounts/, all built, whole process", time_call(fresh_batch, args.runs)),
            ("aspo build accounts/, all unchanged, whole process", time_call(unchanged_batch, args.runs)),
        ]
    width = max(len(name) for name, _ in rows)
    print(f"median of {args.runs} runs, {args.account}, Python {sys.version.split()[0]}")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:7.1f} ms")
    print(f"ratio aspo/plain: whole process {rows[0][1] / rows[1][1]:.2f}x, in process {rows[3][1] / rows[4][1]:.2f}x")
    print(f"second batch build / first: {rows[6][1] / rows[5][1]:.2f}")


if __name__ == "__main__":
    main()
