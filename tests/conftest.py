"""Shared fixtures: a private copy of the sample library, the samples built once a session, and the CLI run in
process."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from procs import HAVE_PROC, Proc, cwd, descendants, describe, running

from aspo.cli.app import main
from aspo.render.formats import FORMATS

REPO = Path(__file__).resolve().parents[1]
SAMPLES = ("acme", "globex", "northwind-health")  # the accounts of `workspace`
ALL_SAMPLES = ("acme", "bergquell", "globex", "northwind-health", "tanaka-seiki")  # of accounts/, the session's builds
#: What a project folder holds: copied from the repository by `workspace`, and by `build_samples`.
PROJECT = ("templates", "accounts", "schemas")
#: The samples read in another language. They and the library's translations are left out of `workspace`, whose
#: tests change the English library and read what aspo says of it (a reworded block would also make its German
#: translation stale); `translated_workspace`, the cases that ask for them, and the session's builds have them.
TRANSLATED = ("bergquell", "tanaka-seiki")
_TRANSLATION = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\.(?:md|yaml)")


def without_translations(folder: str, names: list[str]) -> list[str]:
    """shutil.copytree's `ignore`: the translations and the samples read in another language."""
    return [name for name in names if _TRANSLATION.fullmatch(name) or name == "l10n"
            or (Path(folder).name == "accounts" and name.removesuffix(".yaml") in TRANSLATED)]


def copy_outputs(output: Path, into: Path, translated: bool = False) -> None:
    """A session build's output/ copied to `into`: without the TRANSLATED samples' unless `translated`."""
    def ignore(folder: str, names: list[str]) -> list[str]:
        return [] if translated or Path(folder) != output else [name for name in names if name in TRANSLATED]

    shutil.copytree(output, into, symlinks=True, ignore=ignore)


def copy_translations(root: Path) -> None:
    """Adds to the project at `root` what `workspace` leaves out: the translations and the samples reading them
    (only those: the rest is there)."""
    for folder in PROJECT:
        for path in (REPO / folder).rglob("*"):
            relative = path.relative_to(REPO)
            if path.is_file() and not (root / relative).exists():
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, root / relative)


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind(tmp_path_factory):
    """Fails the session, naming them, if processes the tests started outlive it (they are killed first):
    children of pytest, or anything still running in the session's temporary folders (orphaned workers)."""
    yield
    if not HAVE_PROC:
        return
    base = str(tmp_path_factory.getbasetemp().resolve())
    mine = descendants(os.getpid())
    for pid in running():
        folder = cwd(pid) or ""
        if folder == base or folder.startswith(base + os.sep) or base in describe(pid):
            mine.add(pid)
    mine.discard(os.getpid())
    left = [Proc(pid) for pid in sorted(mine)]
    left = [proc for proc in left if proc.alive()]
    named = [repr(proc) for proc in left]  # before they are gone
    for proc in left:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"processes started by the tests were still running (now killed): {named}"


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory):
    """The session's own aspo cache (build stamps, slide pictures) for what sets no ASPO_CACHE_DIR of its own
    (session fixtures, the corpus's workers, the fuzz examples): the tests leave nothing in ~/.cache/aspo."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASPO_CACHE_DIR", str(tmp_path_factory.mktemp("aspo-cache")))
        yield


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A copy of templates/, accounts/ and schemas/ in a temporary folder, which is the working directory: without
    the translations and the samples that read them (TRANSLATED)."""
    for folder in PROJECT:
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=without_translations)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / ".aspo-cache"))  # each test's own build stamps
    return tmp_path


@pytest.fixture
def translated_workspace(workspace) -> Path:
    """`workspace` with the library's translations and the samples that read them, as in the repository."""
    copy_translations(workspace)
    return workspace


@pytest.fixture
def aspo(capsys):
    """Runs the aspo command line in process and returns its exit status and output."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def build_in(root: Path, *args: str) -> tuple[int, str, str]:
    """`aspo build ARGS` run in process in `root`, as in a workspace (no SOURCE_DATE_EPOCH, a cache of root's own
    beside it): (exit status, stdout, stderr). For session fixtures, which cannot use `aspo`."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        patch.setenv("ASPO_CACHE_DIR", str(root.with_name(f"{root.name}.aspo-cache")))
        try:
            main(["build", *args])
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
    return status, out.getvalue(), err.getvalue()


def build_samples(root: Path, prepare: Callable[[Path], None] | None = None) -> Path:
    """templates/, accounts/ and schemas/ copied into `root`, changed by `prepare(root)` if given, and `aspo build
    accounts/` run there: every sample account built, into root/output. Returns root."""
    for folder in PROJECT:
        shutil.copytree(REPO / folder, root / folder)
    if prepare is not None:
        prepare(root)
    status, out, err = build_in(root, "accounts/")
    assert status == 0, err
    assert statuses(out) == dict.fromkeys(ALL_SAMPLES, "built"), out
    return root


def statuses(out: str) -> dict[str, str]:
    """{'acme': 'built', ...} from a build summary's per-account lines ("built      output/acme/")."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].startswith("output/"):
            found[parts[1].split("/")[1]] = parts[0]
    return found


def snapshot_files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (links not followed), by path relative to it."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_symlink()}


def unchanged_after_session(root: Path) -> Iterator[Path]:
    """Yields `root`, then fails the session if a test changed anything under root/output."""
    made = snapshot_files(root / "output")
    yield root
    assert snapshot_files(root / "output") == made, f"a test changed {root / 'output'}, which tests only read"


@pytest.fixture(scope="session")
def samples_built(tmp_path_factory) -> Iterator[Path]:
    """A project folder (templates/, accounts/, schemas/ as in the repository) whose output/ holds what `aspo build
    accounts/` makes of the samples, built once a session. NOT to be changed (checked as the session ends): tests
    only read it; a test that writes or runs aspo in a project uses `built_workspace`, its own copy.

    Builds are deterministic and record no absolute paths, so a copy is what a first build in the copy's folder
    writes. That is checked here once: in a folder made as `built_workspace` makes one (the output copied, no
    build stamps in the cache), a build finds every account current and writes nothing."""
    root = build_samples(tmp_path_factory.mktemp("samples-built"))
    again = tmp_path_factory.mktemp("samples-copied")
    for folder in PROJECT:
        shutil.copytree(REPO / folder, again / folder)
    shutil.copytree(root / "output", again / "output", symlinks=True)
    before = snapshot_files(again / "output")
    assert len(before) == (len(FORMATS) + 1) * len(ALL_SAMPLES), sorted(before)  # each format, and a manifest
    status, out, err = build_in(again, "accounts/")
    assert status == 0, err
    assert statuses(out) == dict.fromkeys(ALL_SAMPLES, "unchanged"), out
    assert snapshot_files(again / "output") == before
    yield from unchanged_after_session(root)


def use_4_3_template(root: Path) -> None:
    """The project at `root` takes python-pptx's own default template as its deck template: 4:3 (720 x 540 pt),
    with the layouts the outline names (Title Slide, Title and Content, Two Content)."""
    from pptx import Presentation

    Presentation().save(root / "templates" / "layouts" / "deck-4x3.pptx")
    edit(root / "templates" / "outline.yaml", "template: layouts/deck.pptx", "template: layouts/deck-4x3.pptx")


#: The layouts python-pptx's default template has, as a French edition of PowerPoint names them.
FRENCH_LAYOUTS = {"Title Slide": "Diapositive de titre", "Title and Content": "Titre et contenu",
                  "Two Content": "Deux contenus", "Section Header": "En-tête de section", "Title Only": "Titre seul",
                  "Blank": "Vide", "Comparison": "Comparaison", "Content with Caption": "Contenu avec légende",
                  "Picture with Caption": "Image avec légende", "Title and Vertical Text": "Titre et texte vertical",
                  "Vertical Title and Text": "Titre vertical et texte"}


def use_16_10_template(root: Path) -> None:
    """The project at `root` takes a brand template as a user makes one with python-pptx: the default template at
    16:10 (10 x 6.25 in, every placeholder of master and layouts scaled to it), its layouts named in French, and
    the outline naming them so; the brand's smallest text is 14 pt, so acme's offering table continues over
    slides."""
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    scale = 5715000 / prs.slide_height
    prs.slide_width, prs.slide_height = Emu(9144000), Emu(5715000)
    for master in prs.slide_masters:
        for shapes in [master.shapes] + [layout.shapes for layout in master.slide_layouts]:
            for shape in shapes:
                if shape.top is not None:  # every box set on the shape itself: none left to inherit at 4:3
                    left, width, top, height = shape.left, shape.width, shape.top, shape.height
                    shape.left, shape.width = Emu(left), Emu(width)
                    shape.top, shape.height = Emu(round(top * scale)), Emu(round(height * scale))
        for layout in master.slide_layouts:
            layout.name = FRENCH_LAYOUTS.get(layout.name, layout.name)
    prs.save(root / "templates" / "layouts" / "marque-16x10.pptx")
    outline = root / "templates" / "outline.yaml"
    edit(outline, "template: layouts/deck.pptx", "template: layouts/marque-16x10.pptx\n  min_font_size: 14")
    text = outline.read_text(encoding="utf-8")
    for english in ("Title Slide", "Title and Content", "Two Content"):
        text = text.replace(f"{{layout: {english}}}", f"{{layout: {FRENCH_LAYOUTS[english]}}}")
    outline.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def samples_built_4x3(tmp_path_factory) -> Iterator[Path]:
    """As `samples_built`, on a 4:3 deck template (`use_4_3_template`): built once a session, NOT to be changed."""
    yield from unchanged_after_session(build_samples(tmp_path_factory.mktemp("samples-built-4x3"),
                                                     prepare=use_4_3_template))


@pytest.fixture(scope="module", params=["16:9", "4:3"])
def sample_outputs(request) -> Path:
    """output/ of `aspo build accounts/` on the samples, on the sample template and on a 4:3 one (without a notes
    master of its own), each built once a session: only read."""
    return request.getfixturevalue("samples_built" if request.param == "16:9" else "samples_built_4x3") / "output"


@pytest.fixture
def built_workspace(workspace, samples_built) -> Path:
    """`workspace` with output/ as `aspo build accounts/` leaves it (a copy of `samples_built`'s), for a test that
    writes: its build stamps are not in the cache, so the first build there compares inputs, the slow way, as after
    a fresh clone."""
    copy_outputs(samples_built / "output", workspace / "output")
    return workspace


def skip_unless_installed(missing: str | None, required_by: tuple[str, ...] = ("ASPO_REQUIRE_LIBREOFFICE", "CI"),
                          checks: str = "these checks") -> None:
    """Skips the test, saying why, when a program it needs is missing (`missing` names it; None: nothing is);
    fails it instead where one of the `required_by` variables is set, as CI sets them."""
    if missing is None:
        return
    set_here = [name for name in required_by if os.environ.get(name)]
    if set_here:
        pytest.fail(f"{missing} is required here ({' or '.join(required_by)} is set) but not installed")
    pytest.skip(f"{missing} is not installed; CI installs it and runs {checks}")


def edit(path: Path, old: str, new: str) -> None:
    """Replaces one exact piece of a file, failing loudly if it is not there exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line number of the one line containing needle, failing loudly if no line or several do
    (as the cases' `lines:` in test_cases.py)."""
    found = [number for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
             if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found} of {path}, not one"
    return found[0]
