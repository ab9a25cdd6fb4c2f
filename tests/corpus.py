"""A corpus of deck and document templates no one here made, made once per test session.

- python-pptx's and python-docx's default templates (`Presentation().save`, `Document().save`);
- LibreOffice's bundled templates: every text template (`share/template/common/styles/*.ott` of the installation
  `soffice` belongs to) converted to .docx in one LibreOffice run, then every presentation template
  (`share/template/common/presnt/*.otp`) converted to .pptx in a second run with the same profile;
- pandoc's reference documents (`pandoc -o ref.pptx --print-default-data-file reference.pptx`, the same for
  .docx) when pandoc is installed.

`planned()` lists the corpus without making anything (test ids are known at collection); `in_default_run()` says
which deck templates a default run takes (a sample; `ASPO_CORPUS=full`, which CI runs after the default run, takes
every one); the `corpus` fixture makes those, and `Corpus.arrivals()` names each template as soon as it is made, so
work on the first templates overlaps LibreOffice converting the next ones. Without LibreOffice or pandoc their part
of the corpus is one entry that skips and says why; where LibreOffice is required (CI or ASPO_REQUIRE_LIBREOFFICE,
as in tests/test_libreoffice.py) that fails instead, and so does a missing pandoc (CI installs both).
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PANDOC = shutil.which("pandoc")
PDFTOTEXT = shutil.which("pdftotext")
REQUIRED = bool(os.environ.get("ASPO_REQUIRE_LIBREOFFICE") or os.environ.get("CI"))
FULL = os.environ.get("ASPO_CORPUS") == "full"
#: The default run's sample of LibreOffice's presentation templates: every SAMPLE_EVERY-th of planned()'s decks, and
#: these (Growing_Liberty: 12 masters and 144 layouts, where test_corpus checks `aspo layouts show`).
SAMPLE_EVERY = 5
SAMPLE_ALSO = ("libreoffice-Growing_Liberty",)
CONVERT_TIMEOUT = 240  # seconds for one LibreOffice run (about 2 s to start, 0.5 s a template here)
PANDOC_TIMEOUT = 60

PRESENTATIONS = "share/template/common/presnt"
TEXTS = "share/template/common/styles"


@dataclass(frozen=True)
class Template:
    """One template of the corpus: `name` is its test id and file name, `origin` says where it came from."""

    name: str  # "python-pptx", "libreoffice-Beehive", "pandoc-pptx"
    kind: str  # "pptx" or "docx"
    maker: str  # "python-pptx", "python-docx", "libreoffice", "pandoc"
    origin: str  # for the closing note: "LibreOffice 7.4 share/template/common/presnt/Beehive.otp"
    source: Path | None = None  # the LibreOffice template converted
    missing: str | None = None  # why this part of the corpus cannot be made here (it then skips)

    def __str__(self) -> str:
        return self.name


def unavailable(reason: str) -> None:
    """Skips for a tool that is not installed, or fails where the tools are required (CI)."""
    if REQUIRED:
        pytest.fail(f"{reason}, but it is required here (CI or ASPO_REQUIRE_LIBREOFFICE is set)", pytrace=False)
    pytest.skip(f"{reason}; CI installs it and runs this check")


def installation() -> Path | None:
    """LibreOffice's installation folder, the one `soffice` belongs to (/usr/lib/libreoffice on Debian)."""
    if not SOFFICE:
        return None
    program = Path(os.path.realpath(SOFFICE)).parent  # /usr/bin/soffice -> /usr/lib/libreoffice/program/soffice
    for folder in (program.parent, program.parent / "Resources"):  # Linux and Windows; macOS keeps share/ there
        if (folder / PRESENTATIONS).is_dir():
            return folder
    return program.parent


def _libreoffice_version(root: Path) -> str:
    """'LibreOffice 7.4.7.2', from the installation's configuration (no process started)."""
    try:
        text = (root / "share/registry/main.xcd").read_text(errors="replace")
    except OSError:
        return "LibreOffice"
    found = re.search(r'"ooSetupVersionAboutBox">\s*<value>([^<]+)<', text)
    return f"LibreOffice {found.group(1)}" if found else "LibreOffice"


def planned() -> tuple[list[Template], list[Template]]:
    """The corpus's deck templates and document templates, in order, without making them."""
    import docx
    import pptx

    decks = [Template("python-pptx", "pptx", "python-pptx", f"python-pptx {pptx.__version__}'s default")]
    documents = [Template("python-docx", "docx", "python-docx", f"python-docx {docx.__version__}'s default")]
    root = installation()
    if root is None:
        missing = "LibreOffice (soffice) is not installed: its bundled templates are not in the corpus"
        decks.append(Template("libreoffice", "pptx", "libreoffice", "LibreOffice", missing=missing))
    else:
        version = _libreoffice_version(root)
        for kind, folder, suffix, into in (("pptx", PRESENTATIONS, "otp", decks), ("docx", TEXTS, "ott", documents)):
            sources = sorted((root / folder).glob(f"*.{suffix}"))
            for source in sources:
                into.append(Template(f"libreoffice-{source.stem}", kind, "libreoffice",
                                     f"{version} {folder}/{source.name}", source))
            if not sources:
                into.append(Template(f"libreoffice-{suffix}", kind, "libreoffice", version,
                                     missing=f"{root / folder} holds no .{suffix} template"))
    if PANDOC:
        for kind, into in (("pptx", decks), ("docx", documents)):
            into.append(Template(f"pandoc-{kind}", kind, "pandoc", f"pandoc's reference.{kind}"))
    else:
        missing = "pandoc is not installed: its reference documents are not in the corpus"
        decks.append(Template("pandoc", "pptx", "pandoc", "pandoc", missing=missing))
    return decks, documents


def in_default_run(index: int, deck: Template, documents: int) -> bool:
    """Whether a default run takes the deck template at `index` of planned()'s decks, given how many document
    templates can be made (ASPO_CORPUS=full takes every one): python-pptx's and pandoc's; LibreOffice's first ones,
    up to one per document template (test_corpus pairs deck i with document i round robin and draws each document
    on its first pair, and deck i's account rotates too, so every document and every account is still drawn);
    then every SAMPLE_EVERY-th, and SAMPLE_ALSO."""
    return (FULL or deck.maker != "libreoffice" or deck.missing is not None or index < documents
            or index % SAMPLE_EVERY == 0 or deck.name in SAMPLE_ALSO)


def to_make() -> list[Template]:
    """The templates this run makes: every document template, and the deck templates it takes."""
    decks, documents = planned()
    count = sum(1 for document in documents if not document.missing)
    return documents + [deck for index, deck in enumerate(decks) if in_default_run(index, deck, count)]


class Conversion:
    """One LibreOffice run converting `files` to `to` (pptx, docx, pdf) into `outdir`, with its own profile.

    `completed()` yields each file given as soon as LibreOffice is done with it: it prints "convert A -> B" as it
    starts each file, so the file before is finished then (converted, or not if it could not be loaded: check
    that the output exists). No thread: the output is read with select() until the deadline, after which the
    whole process group is killed and the test fails.
    """

    def __init__(self, files: list[Path], to: str, outdir: Path, profile: Path, timeout: float = CONVERT_TIMEOUT):
        self.files, self.to, self.outdir, self.timeout = list(files), to, outdir, timeout
        outdir.mkdir(parents=True, exist_ok=True)
        self.log = outdir.parent / f"{outdir.name}-libreoffice.log"
        self.by_stem = {file.stem: file for file in self.files}
        command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", to, "--outdir", str(outdir), *map(str, self.files)]
        self.deadline = time.monotonic() + timeout
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, start_new_session=True)

    def output(self, file: Path) -> Path:
        """Where the converted `file` is (or would be)."""
        return self.outdir / f"{file.stem}.{self.to}"

    def completed(self) -> Iterator[Path]:
        fd, pending, current = self.process.stdout.fileno(), b"", None
        try:
            while True:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    self.fail(f"did not convert {len(self.files)} file(s) to {self.to} in {self.timeout:g} s")
                if not select.select([fd], [], [], left)[0]:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    started = self._started(line.decode(errors="replace"))
                    if started is not None:
                        if current is not None:
                            yield current
                        current = started
            try:
                self.process.wait(max(self.deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.fail(f"did not end {self.timeout:g} s after it started")
            if self.process.returncode != 0:
                self.fail(f"exited {self.process.returncode}: " + self.log.read_text(errors="replace").strip())
            if current is not None:
                yield current
        finally:
            self.close()

    def _started(self, line: str) -> Path | None:
        """The file a line "convert /in/a.otp -> /out/a.pptx using filter : ..." says LibreOffice starts."""
        if not line.startswith("convert ") or " -> " not in line:
            return None
        target = line.split(" -> ", 1)[1].rsplit(" using filter", 1)[0]
        return self.by_stem.get(Path(target).stem)

    def fail(self, what: str) -> None:
        self.close()
        pytest.fail(f"LibreOffice {what}", pytrace=False)

    def close(self) -> None:
        """Kills the run if it is still going (its whole process group) and reaps it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.process.stdout.close()


@dataclass
class Corpus:
    """The templates made (`files`), or why one could not be made (`problems`, one line), made on demand."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)  # names in the order they were made (or failed)
    profile: Path | None = None  # LibreOffice's profile, warm for later runs
    running: Conversion | None = None
    failure: str | None = None

    def __post_init__(self):
        self._feed = self._make()

    def arrivals(self) -> Iterator[str]:
        """The name of each template as soon as it is made (or could not be), all of them in the end; may be
        called again, and left and resumed."""
        yield from list(self.made)
        if self.failure:
            pytest.fail(self.failure, pytrace=False)
        try:
            for name in self._feed:
                self.made.append(name)
                yield name
        except pytest.fail.Exception as exc:  # LibreOffice failed or ran out of time: every later call says so
            self.failure = str(exc)
            raise

    def file(self, template: Template) -> Path:
        """The template's file, once the corpus is made; skips (fails where required) when it cannot be made."""
        if template.missing:
            unavailable(template.missing)
        for _ in self.arrivals():
            pass
        if template.name in self.problems:
            pytest.fail(f"{template.name}: {self.problems[template.name]}", pytrace=False)
        return self.files[template.name]

    def close(self) -> None:
        if self.running is not None:
            self.running.close()

    def _make(self) -> Iterator[str]:
        from docx import Document
        from pptx import Presentation

        self.folder.mkdir(parents=True, exist_ok=True)
        templates = [template for template in to_make() if not template.missing]
        for template in templates:
            path = self.folder / f"{template.name}.{template.kind}"
            if template.maker == "python-pptx":
                Presentation().save(str(path))
            elif template.maker == "python-docx":
                Document().save(str(path))
            elif template.maker == "pandoc":
                problem = _pandoc(template.kind, path)
                if problem:
                    self.problems[template.name] = problem
                    yield template.name
                    continue
            else:
                continue  # LibreOffice's, below
            self.files[template.name] = path
            yield template.name
        self.profile = self.folder.parent / "lo-profile"
        for kind in ("docx", "pptx"):  # the documents first: few, and every pair of templates needs one
            these = {template.source: template for template in templates
                     if template.maker == "libreoffice" and template.kind == kind}
            if not these:
                continue
            self.running = Conversion(list(these), kind, self.folder.parent / f"converted-{kind}", self.profile)
            for source in self.running.completed():
                template, made = these[source], self.running.output(source)
                if made.is_file() and made.stat().st_size:
                    path = self.folder / f"{template.name}.{kind}"
                    made.rename(path)
                    self.files[template.name] = path
                else:  # LibreOffice goes on after a file it could not load or write, and exits 0
                    self.problems[template.name] = f"LibreOffice did not convert {source} to .{kind}"
                yield template.name
            for source, template in these.items():  # those it never started on (it printed nothing for them)
                if template.name not in self.files and template.name not in self.problems:
                    self.problems[template.name] = f"LibreOffice did not convert {source} to .{kind}"
                    yield template.name
            self.running = None


def _pandoc(kind: str, path: Path) -> str | None:
    try:
        result = subprocess.run([PANDOC, "-o", str(path), "--print-default-data-file", f"reference.{kind}"],
                                capture_output=True, timeout=PANDOC_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"pandoc did not write its reference.{kind} in {PANDOC_TIMEOUT} s"
    if result.returncode != 0 or not path.is_file():
        return (f"pandoc could not write its reference.{kind} ({result.returncode}): "
                + result.stderr.decode(errors="replace").strip())
    return None


@pytest.fixture(scope="session", name="corpus")
def corpus_fixture(tmp_path_factory) -> Iterator[Corpus]:
    """`corpus`: the corpus, made once per session as it is first needed (import corpus_fixture where it is
    used)."""
    made = Corpus(tmp_path_factory.mktemp("corpus") / "templates")
    yield made
    made.close()
