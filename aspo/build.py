"""The build: load the library once, then select, compose, render and write each account, in parallel."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from aspo.account import Account, account_files, load_account
from aspo.document import Document
from aspo.errors import OUTPUT, AspoError, Problem, display_path
from aspo.gitinfo import templates_revision
from aspo.library import Library, load_library
from aspo.manifest import (
    MANIFEST,
    FileHashes,
    TemplatesRevision,
    build_manifest,
    input_key,
    is_current,
)
from aspo.output import refuse_protected, write_outputs
from aspo.selection import Selection, select


@dataclass(frozen=True)
class Rendered:
    """One account's finished outputs, not yet written."""

    account: Account
    selection: Selection
    document: Document
    files: dict[str, bytes]  # file name -> content, manifest included


@dataclass(frozen=True)
class Outcome:
    """What happened to one account file in a build."""

    path: Path
    status: str  # "built", "unchanged" or "failed"
    folder: Path | None = None
    problems: tuple[str, ...] = ()  # one line each, for "failed"
    warnings: tuple[str, ...] = ()  # one line each: priorities no approved content answers


def output_names(slug: str) -> dict[str, str]:
    return {"deck": f"{slug}-deck.pptx", "document": f"{slug}-offering.docx", "draft": f"{slug}-draft.md"}


def scenario_count(library: Library) -> int:
    return max((s.count for s in library.outline.sections if s.kind == "scenarios"), default=1)


class Builder:
    """Everything one build shares across accounts: the library, caches and where to write."""

    def __init__(self, library: Library, output: Path, force: bool = False,
                 revision: TemplatesRevision | None = None, debug: bool = False):
        self.library, self.output, self.force, self.revision = library, output, force, revision
        self.debug = debug  # let errors escape with their traceback
        self.renderer = None  # made on first render: an all-unchanged build never loads Jinja
        self.hashes = FileHashes()

    def prepare(self, path: Path) -> tuple[Account, Selection, str]:
        account = load_account(path, self.library)
        refuse_protected(self.output / account.slug, account.path, self.library.root)
        selection = select(account, self.library, scenario_count(self.library))
        return account, selection, input_key(account, self.library, selection, self.hashes)

    def render(self, account: Account, selection: Selection, key: str) -> Rendered:
        """Everything for one account, in memory."""
        from aspo.compose import compose  # Jinja and the Office libraries load only when rendering
        from aspo.render_docx import render_docx
        from aspo.render_markdown import render_markdown
        from aspo.render_pptx import render_pptx
        from aspo.templating import Renderer

        self.renderer = self.renderer or Renderer()
        document = compose(account, self.library, selection, self.renderer)
        names = output_names(account.slug)
        files = {
            names["deck"]: render_pptx(document),
            names["document"]: render_docx(document),
            names["draft"]: render_markdown(document).encode("utf-8"),
        }
        files[MANIFEST] = build_manifest(account, self.library, selection, document, files, self.hashes, key,
                                         self.revision)
        return Rendered(account, selection, document, files)

    def check(self, path: Path) -> Outcome | None:
        """The outcome when no rendering is needed (unchanged, or failed to load); None otherwise."""
        try:
            account, selection, key = self.prepare(path)
        except AspoError as exc:
            if self.debug:
                raise
            return _failed(path, exc)
        folder = self.output / account.slug
        if not self.force and is_current(folder, key, list(output_names(account.slug).values())):
            return Outcome(path, "unchanged", folder)
        return None

    def build_one(self, path: Path) -> Outcome:
        """Builds one account and writes its outputs, or says why it failed; never raises for bad input."""
        try:
            account, selection, key = self.prepare(path)
            rendered = self.render(account, selection, key)
            folder = self.output / account.slug
            write_outputs(folder, rendered.files)
            return Outcome(path, "built", folder, warnings=gap_warnings(account, self.library, selection))
        except AspoError as exc:
            if self.debug:
                raise
            return _failed(path, exc)


def gap_warnings(account: Account, library: Library, selection: Selection) -> tuple[str, ...]:
    """One line per content gap (an industry the library lacks, a priority no approved block answers), at its
    line in the account file."""
    lines = []
    if not account.industry_known(library):
        lines.append(f"{display_path(account.path)}:{account.doc.line_of(('industry',))}: industry: "
                     f"'{account.data.industry}' is not an industry the library lists yet; built with "
                     "industry-neutral content (tell marketing)")
    for match in selection.priorities:
        if match.warning:
            loc = ("priorities", match.index - 1)
            line = account.doc.line_of(loc)
            lines.append(f"{display_path(account.path)}:{line}: priorities[{match.index - 1}]: {match.warning}")
    return tuple(lines)


def _failed(path: Path, exc: AspoError) -> Outcome:
    return Outcome(path, "failed", None, tuple(str(problem) for problem in exc.problems))


def render_account(path: Path, library: Library) -> Rendered:
    """One account's outputs in memory, without looking at or writing output/."""
    builder = Builder(library, Path("output"))
    return builder.render(*builder.prepare(path))


def output_collisions(paths: list[Path], output: Path) -> dict[Path, Outcome]:
    """Account files whose outputs would share one folder (acme.yaml and acme.yml): all of them fail, and the
    first one's line names the others, so two accounts never overwrite each other's outputs in turn."""
    by_name: dict[str, list[Path]] = {}
    for path in paths:
        by_name.setdefault(path.stem.lower(), []).append(path)
    failed: dict[Path, Outcome] = {}
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        others = ", ".join(display_path(p) for p in group[1:])
        problem = Problem(group[0], None, None, f"{others} would write the same output folder, "
                          f"{display_path(output / name)}/; rename one of them", OUTPUT)
        for index, path in enumerate(group):
            failed[path] = Outcome(path, "failed", None, (str(problem),) if index == 0 else ())
    return failed


# The worker processes' builder: inherited when forked, made by _start_worker otherwise.
_worker: Builder | None = None


def _start_worker(builder: Builder | None, templates: Path, output: Path, force: bool, revision) -> None:
    global _worker
    _worker = builder or Builder(load_library(templates), output, force, revision)


def _build_in_worker(path: Path) -> Outcome:
    return _worker.build_one(path)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build(paths: Iterable[Path], templates: Path, output: Path, force: bool = False, jobs: int | None = None,
          on_outcome: Callable[[Outcome], None] | None = None, debug: bool = False) -> list[Outcome]:
    """Builds every account that changed, in parallel when there are several; one bad account stops no other.

    A problem in templates/ stops the whole build (raised as AspoError) before anything is written.
    """
    report = on_outcome or (lambda outcome: None)
    library = load_library(templates)
    files = account_files(paths)
    if output.exists() and not output.is_dir():
        raise AspoError.at(output, None, None, "exists and is not a folder; choose another --output", OUTPUT)
    builder = Builder(library, output, force, templates_revision(templates), debug)
    outcomes: dict[Path, Outcome] = output_collisions(files, output)
    for outcome in outcomes.values():
        report(outcome)
    for path in files:  # cheap: load, select and compare hashes, so unchanged accounts cost no render
        if path in outcomes:
            continue
        outcome = builder.check(path)
        if outcome is not None:
            outcomes[path] = outcome
            report(outcome)
    pending = [path for path in files if path not in outcomes]
    jobs = 1 if debug else min(jobs or default_jobs(), len(pending))
    if jobs <= 1:
        for path in pending:
            outcomes[path] = builder.build_one(path)
            report(outcomes[path])
    else:
        for path, outcome in zip(pending, _build_in_parallel(builder, pending, jobs, templates)):
            outcomes[path] = outcome
            report(outcome)
    return [outcomes[path] for path in files]


def _build_in_parallel(builder: Builder, paths: list[Path], jobs: int, templates: Path) -> Iterable[Outcome]:
    import aspo.compose  # noqa: F401 - imported once here, inherited by forked workers
    import aspo.render_docx  # noqa: F401
    import aspo.render_pptx  # noqa: F401

    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    initargs = (builder if fork else None, templates, builder.output, builder.force, builder.revision)
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=initargs) as pool:
            yield from pool.map(_build_in_worker, paths)
    except BrokenProcessPool:
        raise AspoError.at(builder.output, None, None,
                           "a build worker stopped unexpectedly (out of memory, or killed); "
                           "outputs already written are complete; run again, or with -j 1") from None
