"""Pictures of slides and document pages: PDFs made by LibreOffice (a process per job), pages drawn by pdftoppm (a
run of pages of a PDF each, as many at once as jobs) and kept as PNGs, both in
the user's cache by content so that drawing the same slide again costs nothing. Every entry is checked whole when it
is read (a damaged one is drawn again) and written whole or not at all; a cache that cannot be used is done without."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from aspo.build.pdf import ENV, INSTALL, MAX_PDF_BYTES, convert_in_parallel, find_soffice, pdf_error, pdf_problem
from aspo.core.bounded import read_regular
from aspo.core.children import OutputTooLarge, ScratchFolder, run
from aspo.core.errors import AspoError, display_path
from aspo.core.files import check_writable, write_file_atomic
from aspo.core.pool import cores
from aspo.core.rulebook import OUTPUT

POPPLER = ("pdftoppm", "pdftotext")
INSTALL_ALL = f"{INSTALL} poppler-utils"
#: Pixels per inch: a 13.33-inch slide is 1280 pixels wide, sharp at half a screen; an A4 page 827.
SLIDE_DPI, PAGE_DPI = 96, 100
#: Bumped when the way pictures are drawn changes, so older cached ones are not used.
VERSION = "2"
SECONDS_PER_PICTURE = 60
#: A slide at 96 dpi or a page at 100 dpi is a few hundred KB; far more is not a picture pdftoppm drew of one.
MAX_PICTURE_BYTES = 64 * 1024 * 1024
MAX_PICTURE_SIDE = 20_000
#: A slide's or a page's pixels as pdftoppm writes them (PPM: 3 bytes a pixel) are a few MB.
MAX_PIXMAP_BYTES = 256 * 1024 * 1024
#: Pages one pdftoppm draws at a time: their pixels wait in a scratch folder until all are drawn (16 A4 pages at
#: 100 dpi: about 45 MB).
MAX_RUN = 16
#: What pdftotext may print about one of our PDFs (its text, or its words' boxes).
MAX_PDFTOTEXT_OUTPUT = 64 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk, always the last 12 bytes of a whole PNG
_SMALLEST_PNG = len(_PNG_SIGNATURE) + 25 + len(_PNG_END)  # and an IHDR chunk: length, type, 13 bytes, checksum


@dataclass(frozen=True)
class Tools:
    """The programs pictures are made with."""

    soffice: str
    pdftoppm: str
    pdftotext: str


def find_tools(option: str = "--html") -> Tools:
    """LibreOffice and poppler's pdftoppm and pdftotext, or one line naming the packages that install them."""
    poppler = {name: shutil.which(name) for name in POPPLER}
    missing_poppler = [name for name, found in poppler.items() if not found]
    try:
        soffice = find_soffice(option, INSTALL_ALL if missing_poppler else INSTALL)
    except AspoError:
        if missing_poppler and not os.environ.get(ENV):
            raise pdf_error(f"{option} needs LibreOffice and poppler-utils ({', '.join(missing_poppler)}), which are "
                            f"not installed; install them with: {INSTALL_ALL}") from None
        raise
    if missing_poppler:
        raise pdf_error(f"{option} needs poppler-utils ({', '.join(missing_poppler)}), which is not installed; "
                        "install it with: sudo apt-get install poppler-utils")
    return Tools(soffice, poppler["pdftoppm"], poppler["pdftotext"])


def cache_root() -> Path:
    """Where pictures are kept: pictures/ in the user's cache for aspo."""
    from aspo.core.user_cache import cache_folder

    return cache_folder() / "pictures"


def content_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    """One picture to draw: page `page` (from 1) of a PDF, at `dpi`, kept under `key`."""

    key: str
    pdf: Path
    page: int
    dpi: int


class PictureCache:
    """PDFs by the content of their source, PNGs by a key their caller derives from what they show.

    A cache folder that cannot be used (unwritable, a file where it should be) is replaced by a scratch folder for
    this review, removed afterwards, and `warn` is told why: a review works without a cache, only slower. Use it
    as a context manager, or call close(), so that scratch folder goes."""

    def __init__(self, tools: Tools, root: Path | None = None, progress: Callable[[str], None] | None = None,
                 warn: Callable[[str], None] | None = None, jobs: int | None = None):
        self.tools = tools
        self.jobs = jobs or cores()  # LibreOffice and pdftoppm processes at once
        self.progress = progress or (lambda message: None)
        # a new LibreOffice or poppler may draw differently: their programs' identities are part of every key
        self.salt = content_key(VERSION, *(_identity(program) for program in (tools.soffice, tools.pdftoppm)),
                                *_encoder())
        wanted = Path(root) if root is not None else cache_root()
        self._scratch = None
        why = _unusable(wanted)
        if why is None:
            self.root = wanted
        else:
            self._scratch = ScratchFolder("pictures")
            self.root = self._scratch.path
            (warn or (lambda message: None))(f"{display_path(wanted)}: cannot keep pictures there ({why}); this "
                                             "review draws them without the cache")

    def close(self) -> None:
        """Removes the scratch folder that stood in for an unusable cache, if one did."""
        if self._scratch is not None:
            self._scratch.remove()
            self._scratch = None

    def __enter__(self) -> PictureCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def picture_path(self, key: str) -> Path:
        return self.root / "png" / key[:2] / f"{key}.png"

    def picture_key(self, *parts: bytes | str) -> str:
        return content_key(self.salt, *parts)

    def has_picture(self, key: str) -> bool:
        """Whether a whole picture is kept under `key`: an emptied or cut one counts as none, and is drawn again."""
        return _whole(self.picture_path(key), _SMALLEST_PNG, MAX_PICTURE_BYTES, _png_problem) is None

    def pdfs(self, sources: dict[str, bytes]) -> dict[str, Path]:
        """The PDF of each source (name -> .pptx or .docx bytes), by name: converted in one LibreOffice run for those
        not in the cache (or whose cached PDF is not whole). A source LibreOffice could not convert is left out."""
        found, missing = {}, {}
        for name, data in sources.items():
            path = self._pdf_path(data, Path(name).suffix)
            if _whole(path, 0, MAX_PDF_BYTES, pdf_problem) is None:
                found[name] = path
            else:
                missing.setdefault(path.stem + Path(name).suffix, (data, path, []))[2].append(name)
        if missing:
            count = len(missing)
            self.progress(f"converting {count} file{'s' if count != 1 else ''} to PDF with LibreOffice")
            converted = convert_in_parallel(self.tools.soffice, {stem: data for stem, (data, _, _) in missing.items()},
                                            self.jobs)
            for stem, (_, path, names) in missing.items():
                pdf = converted.pdfs.get(Path(stem).stem + ".pdf")
                if pdf is not None:
                    self._keep(path, pdf)
                    found.update((name, path) for name in names)
        return found

    def page_texts(self, pdf: Path) -> list[str]:
        """Each page's text, as pdftotext reads it in reading order."""
        pages = self._text(pdf, "-enc", "UTF-8").split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages

    def page_layouts(self, pdf: Path) -> list[str]:
        """Each page's words with their boxes, as pdftotext -bbox finds them: what moved, grew or changed font size
        shows here though the text is the same."""
        html = self._text(pdf, "-bbox", "-enc", "UTF-8")
        return [page.split("</page>")[0] for page in html.split("<page ")[1:]]

    def _text(self, pdf: Path, *options: str) -> str:
        done = _run_poppler([self.tools.pdftotext, *options, str(pdf), "-"], MAX_PDFTOTEXT_OUTPUT,
                            "pdftotext", "reading a PDF LibreOffice made")
        return done.stdout.decode("utf-8", "replace")

    def draw(self, jobs: list[Job]) -> None:
        """Draws every job not in the cache: one pdftoppm for each run of consecutive pages of a PDF (it reads the
        PDF once for all of them), as many at once as jobs."""
        from concurrent.futures import ThreadPoolExecutor

        todo = list({job.key: job for job in jobs if not self.has_picture(job.key)}.values())
        if not todo:
            return
        self.progress(f"drawing {len(todo)} picture{'s' if len(todo) != 1 else ''} with pdftoppm")
        pool = ThreadPoolExecutor(max_workers=max(1, self.jobs))
        try:
            for _ in pool.map(self._draw_pages, _page_runs(todo)):
                pass
        finally:  # a failure or Ctrl-C: the pictures not yet begun are not drawn
            pool.shutdown(wait=True, cancel_futures=True)

    def _draw_pages(self, run: list[Job]) -> None:
        """Draws consecutive pages of one PDF at one resolution, each kept under its job's key."""
        first, last = run[0].page, run[-1].page
        doing = (f"drawing page{'s' if last > first else ''} {first}{f'-{last}' if last > first else ''} of a PDF "
                 "LibreOffice made")
        with ScratchFolder("draw") as folder:
            # pixels (PPM), made PNG here: pdftoppm's own PNG writer compresses hard, and took 60 % of its time
            _run_poppler([self.tools.pdftoppm, "-r", str(run[0].dpi), "-f", str(first), "-l", str(last),
                          str(run[0].pdf), str(folder / "page")], MAX_PDFTOTEXT_OUTPUT, "pdftoppm", doing,
                         SECONDS_PER_PICTURE * (last - first + 1))
            drawn = {}  # pdftoppm pads the page number to the width of the PDF's page count: page-7.ppm, page-07.ppm
            for path in folder.iterdir():
                number = path.stem.rpartition("-")[2]
                if path.suffix == ".ppm" and number.isdigit():
                    drawn[int(number)] = path
            for job in run:
                page = f"drawing page {job.page} of a PDF LibreOffice made"
                try:
                    data = _png_of(read_regular(drawn[job.page], MAX_PIXMAP_BYTES, OUTPUT)) if job.page in drawn \
                        else b""
                except AspoError as exc:
                    raise pdf_error(f"pdftoppm gave no whole picture {page}: {exc.problems[0].message}") from None
                problem = _png_problem(data[:1024], data[-1024:], len(data))
                if problem is not None:
                    raise pdf_error(f"pdftoppm gave no whole picture {page}: it wrote {problem}")
                self._keep(self.picture_path(job.key), data)

    def _keep(self, path: Path, data: bytes) -> None:
        """Puts an entry in the cache, whole or not at all."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomic(path, data)
        except OSError as exc:
            raise AspoError.at(path.parent, None, None, f"cannot keep a picture in the cache: "
                               f"{exc.strerror or exc}; remove {display_path(self.root)}, or set ASPO_CACHE_DIR "
                               "to another folder", OUTPUT) from None

    def _pdf_path(self, source: bytes, suffix: str) -> Path:
        key = content_key(self.salt, suffix.lower(), source)
        return self.root / "pdf" / key[:2] / f"{key}.pdf"


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header; 0 x 0 for a file that is not a PNG, or cannot be read."""
    try:
        head = read_regular(path, MAX_PICTURE_BYTES, OUTPUT)[:24]
    except AspoError:
        return 0, 0
    if head[:8] != _PNG_SIGNATURE or len(head) < 24:
        return 0, 0
    return struct.unpack(">II", head[16:24])


def _unusable(folder: Path) -> str | None:
    """Why pictures cannot be kept in `folder`, in words, or None when they can (it is made if need be)."""
    try:
        for part in ("pdf", "png"):
            (folder / part).mkdir(parents=True, exist_ok=True)
        check_writable(folder / "png")
    except (FileExistsError, NotADirectoryError):
        return "a file is where a folder should be"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _whole(path: Path, smallest: int, largest: int, problem: Callable[[bytes, bytes, int], str | None]) -> str | None:
    """Why a cache entry is not one to use, judged by its size, first 1024 and last 1024 bytes; None if it is."""
    try:
        data = read_regular(path, largest, OUTPUT)
    except AspoError as exc:  # none, not a file, too large or unreadable: drawn again
        return exc.problems[0].message
    if len(data) < smallest:
        return f"{len(data)} bytes"
    return problem(data[:1024], data[-1024:], len(data))


def _png_problem(head: bytes, tail: bytes, size: int) -> str | None:
    """What a file meant to be a whole PNG is instead, or None: its signature, a first chunk IHDR of a sensible
    width and height, and IEND at its end."""
    if not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return f"{size} bytes that are not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    if not (0 < width <= MAX_PICTURE_SIDE and 0 < height <= MAX_PICTURE_SIDE):
        return f"a PNG of {width} x {height} pixels"
    if not tail.endswith(_PNG_END):
        return "a PNG cut short"
    return None


def _encoder() -> tuple[str, str]:
    """What writes the pictures' PNG bytes (Pillow and its zlib): another gives other bytes for the same pixels."""
    import zlib

    from PIL import __version__ as pillow

    return pillow, zlib.ZLIB_RUNTIME_VERSION


def _png_of(pixmap: bytes) -> bytes:
    """A PPM pdftoppm drew, as a PNG (b"" when it is no PPM of a sensible size): compressed lightly, which is 4
    times as quick as pdftoppm's own PNG and a tenth to a third larger."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(pixmap), formats=["PPM"]) as image:
            if max(image.size) > MAX_PICTURE_SIDE:
                return b""
            out = io.BytesIO()
            image.save(out, "PNG", compress_level=1)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return b""
    return out.getvalue()


def _page_runs(jobs: list[Job]) -> list[list[Job]]:
    """The jobs as runs of consecutive pages (at most MAX_RUN) of one PDF at one resolution, each in page order."""
    by_pdf: dict[tuple[Path, int], dict[int, Job]] = {}
    for job in jobs:
        by_pdf.setdefault((job.pdf, job.dpi), {})[job.page] = job
    runs: list[list[Job]] = []
    for pages in by_pdf.values():
        for page in sorted(pages):
            if runs and runs[-1][-1].pdf == pages[page].pdf and runs[-1][-1].dpi == pages[page].dpi \
                    and runs[-1][-1].page == page - 1 and len(runs[-1]) < MAX_RUN:
                runs[-1].append(pages[page])
            else:
                runs.append([pages[page]])
    return runs


def _run_poppler(command: list[str], limit: int, program: str, doing: str,
                 seconds: float = SECONDS_PER_PICTURE) -> subprocess.CompletedProcess:
    """Runs pdftoppm or pdftotext on one of our PDFs; what goes wrong is one line naming the program."""
    try:
        done = run(command, timeout=seconds, limit=limit, leaf=True)
    except OSError as exc:
        raise pdf_error(f"{program} could not be started {doing}: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise pdf_error(f"{program} did not finish {doing} within {seconds:g} s and was stopped") from None
    except OutputTooLarge:
        raise pdf_error(f"{program} wrote more than the {limit // 2**20} MB aspo takes {doing}") from None
    if done.returncode != 0:
        raise pdf_error(f"{program} failed (exit status {done.returncode}) {doing}: "
                        f"{done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return done


def _identity(program: str) -> str:
    """The program's resolved path, size and time: changes when it is upgraded."""
    try:
        resolved = Path(program).resolve()
        found = resolved.stat()
        return f"{resolved}\0{found.st_size}\0{found.st_mtime_ns}"
    except OSError:
        return program
