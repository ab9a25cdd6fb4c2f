"""The build: load the library once, then select, compose, render and write each account, in parallel.

Imports are lazy (see aspo/cli/app.py): the library, pydantic, the renderers and multiprocessing load inside the
functions that need them, so an unchanged build loads none of them (tests/test_start.py)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from aspo.build.manifest import MANIFEST, build_manifest, is_current, with_outputs
from aspo.build.office_templates import OfficeTemplates
from aspo.build.output import (
    refuse_output_file,
    refuse_protected,
    remove_own_staging,
    remove_stale_staging,
    write_outputs,
)
from aspo.build.stamp import account_stamp, stamp_record, stat_line, templates_stamp, unchanged_warnings, write_stamp
from aspo.core.clock import source_date_epoch
from aspo.core.errors import AspoError, Problem, display_path
from aspo.core.pool import cores, stop_workers
from aspo.core.rulebook import OUTPUT
from aspo.core.stopping import die_with_parent, run_in_worker
from aspo.library.account_paths import account_files, slug_for
from aspo.library.gitinfo import TemplatesRevision, templates_revision
from aspo.plan.key import FileHashes, input_files
from aspo.render.formats import FORMATS, render_files

if TYPE_CHECKING:  # the library, pydantic and the renderers load only when an account must be read

    from aspo.compose.document import Document
    from aspo.library.content import Library
    from aspo.plan.plan import Plan

T = TypeVar("T")


@dataclass(frozen=True)
class Rendered:
    """One account's finished outputs, not yet written."""

    plan: Plan
    document: Document
    files: dict[str, bytes]  # file name -> content, manifest included


@dataclass(frozen=True)
class Outcome:
    """What happened to one account file in a build."""

    path: Path
    status: str  # "built", "unchanged" or "failed"
    folder: Path | None = None
    problems: tuple[str, ...] = ()  # one line each, for "failed"
    bug: bool = False  # failed because of a bug in aspo (exit 3), not because of the input
    warnings: tuple[str, ...] = ()  # one line each: content gaps (priorities no approved content answers)


@dataclass(frozen=True)
class Staged:
    """One account rendered in a --pdf build, back in the parent process to get its PDFs before it is written."""

    path: Path
    slug: str
    files: dict[str, bytes]  # manifest included; the PDFs are added to both
    document: Document  # its moment is stamped into the PDFs; the files that carry them are made again from it
    warnings: tuple[str, ...]
    stamp: bytes | None = None  # recorded once it is written


def output_names(slug: str, pdf: bool = False) -> list[str]:
    """The files a build writes for the account `slug`: one per format, then (with `pdf`) their PDFs."""
    names = [fmt.name(slug) for fmt in FORMATS]
    return names + list(_pdf_sources(slug)) if pdf else names


class Builder:
    """Everything one build shares across accounts: the library, caches and where to write."""

    def __init__(self, library: Library, output: Path, force: bool = False,
                 revision: TemplatesRevision | Callable[[], TemplatesRevision | None] | None = None,
                 debug: bool = False, pdf: bool = False,
                 epoch: int | None = None, stamp: tuple[str, dict] | None = None):
        self.library, self.output, self.force, self._revision = library, output, force, revision
        self.epoch = epoch  # SOURCE_DATE_EPOCH, read once where the build starts
        self.stamp = stamp  # the templates' stamp and the build settings, for the stamp beside each account's outputs
        self._account_lines: dict[Path, str] = {}  # each account file's size and time, taken before reading it
        self.debug = debug  # let errors escape with their traceback
        self.pdf = pdf  # its PDFs are outputs too: missing ones make an account out of date
        self.renderer = None  # made on first render: an all-unchanged build never loads Jinja
        self.templates = OfficeTemplates(library)  # the deck and document templates, prepared on first render
        self.hashes = FileHashes()
        self._asking, self._answer = None, {}  # git's answer about templates/, asked beside the first render

    @functools.cached_property
    def revision(self) -> TemplatesRevision | None:
        """The commit templates/ is at, asked of git only when an account is rendered."""
        if self._asking is not None:
            self._asking.join()
            if "failed" in self._answer:
                raise self._answer["failed"]
            return self._answer["revision"]
        return self._revision() if callable(self._revision) else self._revision

    def _ask_revision(self) -> None:
        """Starts asking git, which answers on another core while the account is composed and rendered."""
        import threading

        if self._asking is None and callable(self._revision) and "revision" not in self.__dict__:
            def ask() -> None:
                try:
                    self._answer["revision"] = self._revision()
                except BaseException as exc:  # noqa: BLE001 - raised where the answer is read
                    self._answer["failed"] = exc

            self._asking = threading.Thread(target=ask, name="aspo-git-revision", daemon=True)
            self._asking.start()

    def prepare(self, path: Path) -> Plan:
        from aspo.plan.plan import plan_account

        self._account_lines[Path(path)] = stat_line(Path(path).resolve())
        plan = plan_account(path, self.library, self.epoch, self.hashes)
        refuse_protected(self.output / plan.account.slug, plan.account.path, self.library.root)
        return plan

    def render(self, plan: Plan) -> Rendered:
        """Everything for one account, in memory."""
        from aspo.compose.composer import compose  # Jinja and the Office libraries load only when rendering
        from aspo.compose.templating import Renderer

        self._ask_revision()
        self.renderer = self.renderer or Renderer()
        document = compose(plan, self.renderer)
        files = {fmt.name(plan.account.slug): data for fmt, data in render_files(document, self.templates).items()}
        files[MANIFEST] = build_manifest(plan, document, files, self.revision)
        return Rendered(plan, document, files)

    def unchanged(self, path: Path, plan: Plan) -> Outcome | None:
        """Unchanged, when the plan's input key and the outputs are as the manifest recorded; None otherwise."""
        folder = self.output / plan.account.slug
        if self.force or not is_current(folder, plan.key, output_names(plan.account.slug, self.pdf)):
            return None
        warnings = gap_warnings(plan)  # the gaps are still there: a rep who builds again is told again
        self._stamp(folder, plan, warnings)  # found unchanged the slow way: the next build takes the quick one
        return Outcome(path, "unchanged", folder, warnings=warnings)

    def build_one(self, path: Path) -> Outcome:
        """Builds one account, unless it is unchanged, and writes its outputs, or says why it failed; never
        raises for bad input."""
        def work() -> Outcome:
            plan = self.prepare(path)
            unchanged = self.unchanged(path, plan)
            if unchanged is not None:
                return unchanged
            rendered = self.render(plan)
            folder = self.output / rendered.plan.account.slug
            warnings = gap_warnings(rendered.plan)
            write_outputs(folder, rendered.files)
            self._stamp(folder, rendered.plan, warnings)
            return Outcome(path, "built", folder, warnings=warnings)

        return self._attempt(path, work)

    def stage(self, path: Path) -> Staged | Outcome:
        """Renders one account for a --pdf build without writing it, unless it is unchanged, or says why it
        failed."""
        def work() -> Staged | Outcome:
            plan = self.prepare(path)
            unchanged = self.unchanged(path, plan)
            if unchanged is not None:
                return unchanged
            rendered = self.render(plan)
            warnings = gap_warnings(rendered.plan)
            return Staged(path, rendered.plan.account.slug, rendered.files, rendered.document, warnings,
                          self._stamp_record(rendered.plan, warnings) if self.stamp else None)

        return self._attempt(path, work)

    def write_staged(self, staged: Staged, pdfs: dict[str, bytes], problems: dict[str, str] | None = None) -> Outcome:
        """Writes a staged account with its PDFs (by name, as LibreOffice made them), all in one swap; `problems`
        says, by PDF name, why one is missing where that is known."""
        def work() -> Outcome:
            sources, folder = _pdf_sources(staged.slug), self.output / staged.slug
            for pdf, source in sources.items():
                if pdf not in pdfs:
                    why = f" ({problems[pdf]})" if problems and pdf in problems else ""
                    raise AspoError.at(folder / pdf, None, None, f"LibreOffice could not convert "
                                       f"{source} to PDF{why}; this account's previous outputs are left as they "
                                       "were", OUTPUT)
            from aspo.build.pdf import normalize_pdf

            made = {pdf: normalize_pdf(pdfs[pdf], staged.document.properties.created) for pdf in sources}
            made.update(_with_pdfs(staged, made))
            files = {**staged.files, **made, MANIFEST: with_outputs(staged.files[MANIFEST], made)}
            write_outputs(folder, files)
            if staged.stamp is not None:
                write_stamp(folder, staged.stamp)
            return Outcome(staged.path, "built", folder, warnings=staged.warnings)

        return self._attempt(staged.path, work)

    def _stamp_record(self, plan: Plan, warnings: tuple[str, ...]) -> bytes:
        """The stamp beside this account's outputs: its own files (the account file as it was before it was read,
        its logo, templates kept outside templates/) on top of the templates' stamp."""
        library_stamp, settings = self.stamp
        account = plan.account.path.resolve()
        sources, lines = [account], [self._account_lines.pop(plan.account.path, stat_line(account))]
        root = self.library.root.resolve()
        for path in input_files(plan.account, self.library, plan.selection).values():
            resolved = Path(path).resolve()
            if resolved != account and not resolved.is_relative_to(root):
                sources.append(resolved)
                lines.append(stat_line(resolved))
        return stamp_record(account_stamp(library_stamp, lines, settings), sources, warnings)

    def _stamp(self, folder: Path, plan: Plan, warnings: tuple[str, ...]) -> None:
        if self.stamp is not None:
            write_stamp(folder, self._stamp_record(plan, warnings))

    def _attempt(self, path: Path, work: Callable[[], T]) -> T | Outcome:
        try:
            return work()
        except AspoError as exc:
            if self.debug:
                raise
            return _failed(path, exc)
        except Exception as exc:  # noqa: BLE001 - a bug fails this account, not the whole batch
            if self.debug:
                raise
            return _bug(path, exc)


def gap_warnings(plan: Plan) -> tuple[str, ...]:
    """One line per content gap (an industry the library lacks, a priority no approved block answers), at its
    line in the account file."""
    account, library, selection = plan.account, plan.library, plan.selection
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


def _bug(path: Path, exc: Exception) -> Outcome:
    detail = " ".join(str(exc).split())  # one line, whatever the exception says
    return Outcome(path, "failed", None, (f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__,),
                   bug=True)


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


def _start_worker(parent: int, builder: Builder | None, templates: Path, output: Path, force: bool,
                  revision, pdf: bool, epoch: int | None, stamp: tuple[str, dict] | None) -> None:
    from aspo.library.content import load_library

    global _worker
    die_with_parent(parent)
    _worker = builder or Builder(load_library(templates), output, force, revision, pdf=pdf, epoch=epoch, stamp=stamp)


def _build_in_worker(path: Path) -> Outcome:
    return run_in_worker(_worker.build_one, path, cleanup=lambda: remove_own_staging(_worker.output))


def _stage_in_worker(path: Path) -> Staged | Outcome:
    return run_in_worker(_worker.stage, path)


def build(paths: Iterable[Path], templates: Path, output: Path, force: bool = False, jobs: int | None = None,
          on_outcome: Callable[[Outcome], None] | None = None, debug: bool = False, pdf: bool = False,
          on_pdfs: Callable[[int, float], None] | None = None) -> list[Outcome]:
    """Builds every account that changed, in parallel when there are several; one bad account stops no other.

    A problem in templates/ stops the whole build (raised as AspoError) before anything is written.
    With `pdf`, the accounts are rendered first, then LibreOffice converts every deck and document (as many
    processes as jobs), then each account is written with its PDFs; `on_pdfs(count, seconds)` hears how long that took.
    """
    report = on_outcome or (lambda outcome: None)
    if pdf:
        from aspo.build.pdf import convert_in_parallel, find_soffice

        soffice = find_soffice()  # before anything is loaded, rendered or written
    epoch = source_date_epoch()
    stamp = (templates_stamp(templates),  # before anything is read: an edit during the build shows next time
             {"epoch": epoch, "pdf": pdf, "templates": str(Path(templates).resolve())})
    files = account_files(paths)
    refuse_output_file(output)  # before any account's own checks, which would blame the account
    if Path(output).is_dir():
        remove_stale_staging(Path(output))  # what killed builds left, also beside accounts unchanged since
    outcomes: dict[Path, Outcome] = output_collisions(files, output)
    for path in files:  # quickest: no file changed since the last build, so nothing needs loading
        if path not in outcomes and not force and (outcome := _unchanged_by_stamp(path, output, stamp, pdf)):
            outcomes[path] = outcome
    pending = [path for path in files if path not in outcomes]
    if pending:  # each is planned where it is built: unchanged accounts cost a plan, never a render
        from aspo.library.content import load_library

        library = load_library(templates)
        builder = Builder(library, output, force, lambda: templates_revision(templates), debug, pdf, epoch, stamp)
    for outcome in outcomes.values():
        report(outcome)
    converters = 1 if debug else jobs or cores()  # LibreOffice processes: two files of one account are two
    jobs = 1 if debug else min(jobs or cores(), len(pending))
    staged: list[Staged] = []

    def done(path: Path, result: Outcome | Staged) -> None:
        if isinstance(result, Staged):
            staged.append(result)  # written once its PDFs are made
            return
        outcomes[path] = result
        report(result)

    if jobs <= 1:
        try:
            for path in pending:
                done(path, builder.stage(path) if pdf else builder.build_one(path))
        except BaseException:  # Ctrl-C or SIGTERM may have cut short write_outputs' own cleanup
            remove_own_staging(output)
            raise
    else:
        _build_in_parallel(builder, pending, jobs, templates, _stage_in_worker if pdf else _build_in_worker, done)
    if staged:
        converted = convert_in_parallel(soffice, {name: item.files[name] for item in staged
                                                  for name in _pdf_sources(item.slug).values()}, converters)
        if on_pdfs:
            on_pdfs(len(converted.pdfs), converted.seconds)
        try:
            for item in staged:
                done(item.path, builder.write_staged(item, converted.pdfs, converted.problems))
        except BaseException:  # as above: a stop may cut short write_outputs' own cleanup
            remove_own_staging(output)
            raise
    return [outcomes[path] for path in files]


def _unchanged_by_stamp(path: Path, output: Path, stamp: tuple[str, dict], pdf: bool) -> Outcome | None:
    """Unchanged, when the stamp beside the account's outputs still holds and the outputs are as recorded."""
    try:
        slug = slug_for(path)
    except AspoError:
        return None  # the slow way says why
    folder = output / slug
    warnings = unchanged_warnings(folder, path, *stamp)
    if warnings is None or not is_current(folder, None, output_names(slug, pdf)):
        return None
    return Outcome(path, "unchanged", folder, warnings=warnings)


def _with_pdfs(staged: Staged, pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """The files that carry the customer's PDFs (the follow-up e-mail), made again with them: never the presenter
    deck's, which has none, nor any PDF of a file the rep may not send."""
    sent = {fmt.pdf_name(staged.slug): pdfs[fmt.pdf_name(staged.slug)] for fmt in FORMATS if fmt.customer and fmt.pdf}
    return {fmt.name(staged.slug): fmt.attach(staged.document, sent) for fmt in FORMATS if fmt.attach is not None}


def _pdf_sources(slug: str) -> dict[str, str]:
    """Each PDF a --pdf build makes for the account `slug`, and the file it is converted from."""
    return {fmt.pdf_name(slug): fmt.name(slug) for fmt in FORMATS if fmt.pdf}


def _build_in_parallel(builder: Builder, paths: list[Path], jobs: int, templates: Path,
                       work: Callable[[Path], Outcome | Staged],
                       done: Callable[[Path, Outcome | Staged], None]) -> None:
    import multiprocessing  # loaded only when a pool starts
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Jinja and the Office libraries load in the workers, in parallel, and only if an account needs rendering.
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    initargs = (os.getpid(), builder if fork else None, templates, builder.output, builder.force, builder.revision,
                builder.pdf, builder.epoch, builder.stamp)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=initargs)
    try:
        for path, result in zip(paths, pool.map(work, paths)):
            done(path, result)
        pool.shutdown()
    except BrokenProcessPool:
        stop_workers(pool)
        raise AspoError.at(builder.output, None, None,
                           "a build worker stopped unexpectedly (out of memory, or killed); "
                           "outputs already written are complete; run again, or with -j 1") from None
    except BaseException:  # Ctrl-C, SIGTERM, SIGHUP, or an error here: no worker may go on without us
        stop_workers(pool)
        raise
