"""Templates no one here made (tests/corpus.py) are adopted with one `aspo layouts use` each and build every sample
account; LibreOffice draws what they build whole and on the page.

Each deck template of the corpus is paired with one document template, round robin, so every document template
is used too; test ids name both ("libreoffice-Beehive+libreoffice-Default"). A default run takes a sample of the
pairs (corpus.in_default_run: python-pptx's and pandoc's decks, LibreOffice's first ones, one per document template,
then every fifth of LibreOffice's, and Growing_Liberty; 10 of 25 pairs with LibreOffice 7.4); `ASPO_CORPUS=full`,
which CI runs after the default run, takes every pair. For each pair, in its own copy of
templates/ and accounts/: one `aspo layouts use` of the deck and the document (exit 0, outline.yaml naming each file
and a layout or style for every section and role, and the mapping printed showing each), then `aspo build` of every
sample account, and every deck and document reopened with python-pptx and python-docx, showing the account's name.

Then ONE LibreOffice run converts to PDF what is drawn for the whole corpus, and tests/drawn.py checks every page as
tests/test_libreoffice.py does: every word whole, none off the page, none outside its placeholder or table, none
over a footer; a document's body inside its margins.

What is drawn: by default, one account's deck per pair, rotating (the first pair draws the first account, the
second pair the second, ...), so every account is drawn across the corpus; and one account's document per document
template, on the first pair that uses it (rotating too). `ASPO_CORPUS=full` draws every account's deck and document
on every pair (a document built byte for byte the same by two pairs is drawn once).

Time: the work is spread over the machine's cores (a forked process per core, up to 4; each pair's work runs in
process, `--jobs 1`) and overlaps LibreOffice's: a pair is adopted and its account to draw built as soon as both
its templates are converted; the other accounts are built, and each PDF checked, while LibreOffice converts the
next files. On the 2-core development machine a default run of the module takes about 17 s (35 s with every pair,
of which LibreOffice converting the templates about 12 s and drawing 16 s; `aspo layouts use` and `aspo build`
about 45 s of CPU), ASPO_CORPUS=full about 70 s.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import shutil
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import chdir, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Run
from corpus import (  # noqa: F401
    FULL,
    PDFTOTEXT,
    SOFFICE,
    Conversion,
    Corpus,
    Template,
    corpus_fixture,
    in_default_run,
    planned,
    unavailable,
)
from drawn import check_deck, check_document, deck_sheets, document_pages, words_drawn

from aspo.cli.app import main

ACCOUNTS = sorted(path.stem for path in (REPO / "accounts").glob("*.yaml"))
NAMES = {slug: yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text(encoding="utf-8"))["name"]
         for slug in ACCOUNTS}
#: The outline's sections in the deck, and the document's roles: the mapping must name each.
OUTLINE = yaml.safe_load((REPO / "templates" / "outline.yaml").read_text(encoding="utf-8"))
DECK_SECTIONS = [section["kind"] for section in OUTLINE["sections"] if section.get("deck")]
DOCUMENT_ROLES = list(OUTLINE["document"]["styles"])
KINDS = {"deck": "pptx", "offering": "docx"}
WORKERS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


@dataclass(frozen=True)
class Pair:
    """A deck template with the document template it is adopted with, and the account drawn by default."""

    deck: Template
    document: Template
    account: str
    first_with_document: bool = True  # the first pair of its document template: its document is drawn

    @property
    def id(self) -> str:
        return self.deck.name if self.deck.missing else f"{self.deck.name}+{self.document.name}"

    @property
    def drawn(self) -> list[str]:
        """The accounts whose deck is drawn."""
        return ACCOUNTS if FULL else [self.account]

    def drawn_kinds(self, slug: str) -> list[str]:
        """What is drawn of an account: its deck; its document, on the first pair of each document template."""
        if slug not in self.drawn:
            return []
        return ["deck", "offering"] if FULL or self.first_with_document else ["deck"]

    @property
    def origins(self) -> str:
        return f"{self.deck.origin} and {self.document.origin}"


def pairs() -> list[Pair]:
    """Each deck template with a document template, round robin, and the account drawn on it, rotating; a default
    run takes the pairs of corpus.in_default_run's sample of deck templates, ASPO_CORPUS=full every pair."""
    decks, documents = planned()
    documents = [document for document in documents if not document.missing]
    return [Pair(deck, documents[i % len(documents)], ACCOUNTS[i % len(ACCOUNTS)], i < len(documents))
            for i, deck in enumerate(decks) if in_default_run(i, deck, len(documents))]


PAIRS = pairs()


@dataclass
class Trial:
    """One pair adopted and built in its own folder: every problem (one line each), and the files built."""

    pair: Pair
    folder: Path
    problems: list[str] = field(default_factory=list)
    adopted: bool = False
    built: dict[tuple[str, str], Path] = field(default_factory=dict)  # (account, "deck"/"offering") -> file


@dataclass
class CorpusRun:
    """All the corpus's trials, and what LibreOffice drew."""

    trials: dict[str, Trial]
    drawn: dict[Path, Path] = field(default_factory=dict)  # file built -> the copy LibreOffice drew
    problems: dict[Path, list[str]] = field(default_factory=dict)  # the copy drawn -> problems with its PDF
    cannot_draw: str | None = None


# --- each pair's work, in a worker process -----------------------------------------------------------------------


def aspo(*args: str | Path) -> Run:
    """The aspo command line, in process, with what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main([str(arg) for arg in args])
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return Run(status, out.getvalue(), err.getvalue())


def said(command: str, run: Run) -> list[str]:
    """A command that failed and what it said, one line each (at most 20)."""
    lines = [line for line in (run.err.strip() or run.out.strip()).splitlines() if line.strip()]
    shown = [f"  {line}" for line in lines[:20]] + ([f"  ... {len(lines) - 20} more"] if len(lines) > 20 else [])
    return [f"aspo {command} exited {run.status}:"] + shown


def adopt(files: list[tuple[Template, Path]], trial: Trial) -> bool:
    """`aspo layouts use DECK DOCUMENT`, one command for the brand's two files: exit 0; each file copied into
    templates/layouts/; outline.yaml naming it, and a layout (a style) for every section (role); the mapping
    printed showing each choice."""
    names = " ".join(file.name for _, file in files)
    run = aspo("layouts", "use", *(file for _, file in files), "--templates", "templates")
    if run.status != 0:
        trial.problems += said(f"layouts use {names}", run)
        return False
    problems = trial.problems
    outline = yaml.safe_load((trial.folder / "templates" / "outline.yaml").read_text(encoding="utf-8"))
    for template, file in files:
        if not (trial.folder / "templates" / "layouts" / file.name).is_file():
            problems.append(f"aspo layouts use {file.name} did not copy it into templates/layouts/")
        side = "deck" if template.kind == "pptx" else "document"
        named = (outline.get(side) or {}).get("template")
        if named != f"layouts/{file.name}":
            problems.append(f"aspo layouts use {names}: outline.yaml's {side}.template is {named!r}, "
                            f"not 'layouts/{file.name}'")
        if template.kind == "pptx":
            chosen = {section["kind"]: (section.get("deck") or {}).get("layout") for section in outline["sections"]
                      if section.get("deck")}
            wanted = DECK_SECTIONS
        else:
            chosen = (outline.get("document") or {}).get("styles") or {}
            wanted = DOCUMENT_ROLES
        # every deck section needs a layout; a document role may go without a style (a table then gets thin
        # borders), but the mapping printed says so
        for what in wanted:
            if not chosen.get(what) and template.kind == "pptx":
                problems.append(f"aspo layouts use {file.name}: outline.yaml names no layout for {what!r}")
            elif what not in run.out or str(chosen.get(what) or "") not in run.out:
                problems.append(f"aspo layouts use {file.name}: the mapping printed does not show {what!r} -> "
                                f"{chosen.get(what)!r}, outline.yaml's choice")
    return True


def build(trial: Trial, *accounts: str) -> None:
    run = aspo("build", *accounts, "--templates", "templates", "--output", "output", "--quiet", "--jobs", "1")
    if run.status != 0:
        trial.problems += said(f"build {' '.join(accounts)}", run)


def reopen(trial: Trial, slugs: list[str]) -> None:
    """Every deck and document built reopens with python-pptx and python-docx and shows its account's name."""
    from docx import Document
    from pptx import Presentation

    for slug in slugs:
        for kind, suffix in KINDS.items():
            path = trial.folder / "output" / slug / f"{slug}-{kind}.{suffix}"
            if not path.is_file():
                trial.problems.append(f"{slug}: aspo build wrote no {path.name}")
                continue
            try:
                if suffix == "pptx":
                    texts = [shape.text_frame.text for slide in Presentation(str(path)).slides
                             for shape in slide.shapes if shape.has_text_frame]
                else:
                    texts = [paragraph.text for paragraph in Document(str(path)).paragraphs]
            except Exception as exc:  # noqa: BLE001 - a file the Office library cannot open is the finding
                trial.problems.append(f"{slug}: {path.name} does not reopen: {type(exc).__name__}: {exc}")
                continue
            if not any(NAMES[slug] in text for text in texts):
                trial.problems.append(f"{slug}: {path.name} reopened does not show the account's name "
                                      f"{NAMES[slug]!r}")
                continue
            trial.built[slug, kind] = path


def _guarded(trial: Trial, work) -> Trial:
    """Runs `work()` in the trial's folder; an exception (a bug in aspo, or here) is a problem of this pair."""
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # this worker's own environment, as the workspace fixture does
    with chdir(trial.folder):
        try:
            work()
        except Exception as exc:  # noqa: BLE001
            where = traceback.extract_tb(exc.__traceback__)[-1]
            trial.problems.append(f"raised {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})")
    return trial


def adopt_and_build_drawn(pair: Pair, deck: Path, document: Path, folder: Path) -> Trial:
    """First: a copy of the library, both templates adopted, the accounts to draw built (all with ASPO_CORPUS=full)."""
    trial = Trial(pair, folder)
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copytree(REPO / "accounts", folder / "accounts")

    def work():
        trial.adopted = adopt([(pair.deck, deck), (pair.document, document)], trial)
        if trial.adopted:
            build(trial, *(["accounts/"] if FULL else [f"accounts/{slug}.yaml" for slug in pair.drawn]))
            reopen(trial, pair.drawn)
    return _guarded(trial, work)


def build_the_others(trial: Trial) -> Trial:
    """Then, while LibreOffice draws: `aspo build accounts/` (the accounts drawn are unchanged), all reopened."""
    def work():
        build(trial, "accounts/")
        reopen(trial, [slug for slug in ACCOUNTS if slug not in trial.pair.drawn])
    return _guarded(trial, work)


def drawn_problems(source: Path, pdf: Path, name: str) -> list[str]:
    """tests/drawn.py's problems with what LibreOffice drew for `source`, one line each."""
    from docx import Document

    if not pdf.is_file():  # LibreOffice exits 0 even when it could not load a file
        return [f"{source.name}: LibreOffice could not convert it to PDF"]
    try:
        pages = words_drawn(pdf, PDFTOTEXT)
        problems = []
        # pdftotext draws Japanese a character a word: the name is compared without the spaces between words
        if name.replace(" ", "") not in "".join(word.text for page in pages for word in page.words):
            problems.append(f"{pdf.name}: the account's name {name!r} is not drawn")
        if source.suffix == ".pptx":
            return problems + check_deck(pdf.name, pages, deck_sheets(source))
        section = Document(str(source)).sections[0]
        if section.page_width is None or section.page_height is None:
            return problems + [f"{source.name}: has no page size (w:sectPr/w:pgSz): LibreOffice picks one, and "
                               "the margins cannot be checked"]
        return problems + check_document(pdf.name, pages, document_pages(source))
    except Exception as exc:  # noqa: BLE001 - a file tests/drawn.py cannot read is one line, not a traceback
        return [f"{pdf.name}: tests/drawn.py cannot read it: {type(exc).__name__}: {exc}"]


# --- the whole corpus, once a session ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus_run(corpus: Corpus, tmp_path_factory) -> CorpusRun:
    root = tmp_path_factory.mktemp("corpus-run")
    start = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(WORKERS, mp_context=start) as pool:
        first: dict[str, Future] = {}
        for _ in corpus.arrivals():  # each pair as soon as both its templates are made
            for pair in PAIRS:
                if pair.id not in first and pair.deck.name in corpus.files and pair.document.name in corpus.files:
                    first[pair.id] = pool.submit(adopt_and_build_drawn, pair, corpus.files[pair.deck.name],
                                                 corpus.files[pair.document.name], root / pair.deck.name)
        run = CorpusRun({pair_id: future.result() for pair_id, future in first.items()})
        if not SOFFICE or not PDFTOTEXT:
            run.cannot_draw = ("LibreOffice (soffice) is not installed" if not SOFFICE
                               else "pdftotext (poppler-utils) is not installed")
        staged = stage(run, root / "drawn") if not run.cannot_draw else {}
        second = {pair_id: pool.submit(build_the_others, trial) for pair_id, trial in run.trials.items()
                  if trial.adopted and not trial.problems and not FULL}  # else the build said why
        if staged:
            conversion = Conversion(sorted(staged), "pdf", root / "pdf", corpus.profile or root / "lo-profile")
            checks = {copy: pool.submit(drawn_problems, copy, conversion.output(copy), NAMES[staged[copy]])
                      for copy in conversion.completed()}
            run.problems = {copy: future.result() for copy, future in checks.items()}
            for copy in staged:  # those LibreOffice never started on
                run.problems.setdefault(copy, [f"{copy.name}: LibreOffice did not convert it to PDF"])
        run.trials.update({pair_id: future.result() for pair_id, future in second.items()})
    return run


def stage(run: CorpusRun, folder: Path) -> dict[Path, str]:
    """A copy of each file to draw under a name of its own (LibreOffice names a PDF after its file), one for files
    built byte for byte the same; returns each copy's account."""
    folder.mkdir()
    copies, accounts = {}, {}
    for trial in run.trials.values():
        for slug in trial.pair.drawn:
            for kind in trial.pair.drawn_kinds(slug):
                source = trial.built.get((slug, kind))
                if source is None:
                    continue
                data = source.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                if digest not in copies:
                    template = trial.pair.deck if kind == "deck" else trial.pair.document
                    copies[digest] = folder / f"{template.name}--{source.name}"
                    copies[digest].write_bytes(data)
                    accounts[copies[digest]] = slug
                run.drawn[source] = copies[digest]
    return accounts


def trial_of(pair: Pair, corpus: Corpus, run: CorpusRun) -> Trial:
    corpus.file(pair.deck)  # skips or fails, saying why, when a template could not be made
    corpus.file(pair.document)
    return run.trials[pair.id]


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.id for pair in PAIRS])
def test_adopted_with_one_command_and_builds_every_account(pair, corpus, corpus_run):
    trial = trial_of(pair, corpus, corpus_run)
    if trial.problems:
        pytest.fail(f"{len(trial.problems)} problem(s) adopting and building on {pair.origins}:\n"
                    + "\n".join(trial.problems), pytrace=False)


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.id for pair in PAIRS])
def test_what_libreoffice_draws(pair, corpus, corpus_run):
    trial = trial_of(pair, corpus, corpus_run)
    if corpus_run.cannot_draw:
        unavailable(corpus_run.cannot_draw)
    if not trial.adopted:
        pytest.skip("not adopted: see test_adopted_with_one_command_and_builds_every_account")
    problems = []
    for slug in pair.drawn:
        for kind in pair.drawn_kinds(slug):
            source = trial.built.get((slug, kind))
            if source is None:
                problems.append(f"{slug}: no {kind} was built to draw")
            else:
                problems += corpus_run.problems[corpus_run.drawn[source]]
    if problems:
        pytest.fail(f"{len(problems)} problem(s) in what LibreOffice drew on {pair.origins}:\n" + "\n".join(problems),
                    pytrace=False)


def test_layouts_show_lists_a_libreoffice_templates_layouts_once_quoted_with_roles(corpus):
    """LibreOffice writes every layout into every master (Growing_Liberty: 12 masters, 144 layouts)."""
    decks, _ = planned()
    template = next((t for t in decks if t.name == "libreoffice-Growing_Liberty"), None)
    if template is None:
        unavailable("LibreOffice's Growing_Liberty template is not installed")
    run = aspo("layouts", "show", corpus.file(template))
    assert run.status == 0, run.err
    layouts = [line for line in run.out.splitlines() if line.startswith("layout ")]
    names = [line.split(" (")[0] for line in layouts]
    assert len(names) == len(set(names)) == 12
    assert "layout 'Title, 2 Content' (master 1; also in master 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, which its name " \
           "does not select)" in layouts
    two = run.out.splitlines().index(next(line for line in layouts if line.startswith("layout 'Title, 2 Content'")))
    assert [line.split(" '")[0] for line in run.out.splitlines()[two + 1:two + 4]] == ["  title", "  body", "  body"]
