"""Pictures of slides and document pages: PDFs made by one LibreOffice run, PNGs drawn by pdftoppm, both kept in
the user's cache by content so that drawing the same slide again costs nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from aspo.build.pdf import ENV, INSTALL, convert, find_soffice, pdf_error
from aspo.core.errors import AspoError
from aspo.core.files import write_file_atomic

POPPLER = ("pdftoppm", "pdftotext")
INSTALL_ALL = f"{INSTALL} poppler-utils"
#: Pixels per inch: a 13.33-inch slide is 1280 pixels wide, sharp at half a screen; an A4 page 827.
SLIDE_DPI, PAGE_DPI = 96, 100
#: Bumped when the way pictures are drawn changes, so older cached ones are not used.
VERSION = "1"
SECONDS_PER_PICTURE = 60


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
    from aspo.build.stamp import cache_folder

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
    """PDFs by the content of their source, PNGs by a key their caller derives from what they show."""

    def __init__(self, tools: Tools, root: Path | None = None, progress: Callable[[str], None] | None = None):
        self.tools = tools
        self.root = Path(root) if root is not None else cache_root()
        self.progress = progress or (lambda message: None)
        # a new LibreOffice or poppler may draw differently: their programs' identities are part of every key
        self.salt = content_key(VERSION, *(_identity(program) for program in (tools.soffice, tools.pdftoppm)))

    def picture_path(self, key: str) -> Path:
        return self.root / "png" / key[:2] / f"{key}.png"

    def picture_key(self, *parts: bytes | str) -> str:
        return content_key(self.salt, *parts)

    def has_picture(self, key: str) -> bool:
        return self.picture_path(key).is_file()

    def pdfs(self, sources: dict[str, bytes]) -> dict[str, Path]:
        """The PDF of each source (name -> .pptx or .docx bytes), by name: converted in one LibreOffice run for those
        not in the cache. A source LibreOffice could not convert is left out."""
        found, missing = {}, {}
        for name, data in sources.items():
            path = self._pdf_path(data, Path(name).suffix)
            if path.is_file():
                found[name] = path
            else:
                missing.setdefault(path.stem + Path(name).suffix, (data, path, []))[2].append(name)
        if missing:
            count = len(missing)
            self.progress(f"converting {count} file{'s' if count != 1 else ''} to PDF with LibreOffice")
            converted = convert(self.tools.soffice, {stem: data for stem, (data, _, _) in missing.items()})
            for stem, (_, path, names) in missing.items():
                pdf = converted.pdfs.get(Path(stem).stem + ".pdf")
                if pdf is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_file_atomic(path, pdf)
                    found.update((name, path) for name in names)
        return found

    def page_texts(self, pdf: Path) -> list[str]:
        """Each page's text, as pdftotext reads it in reading order."""
        done = subprocess.run([self.tools.pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              timeout=SECONDS_PER_PICTURE, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise pdf_error(f"pdftotext failed (exit status {done.returncode}) reading a PDF LibreOffice made: "
                            f"{done.stderr.decode('utf-8', 'replace').strip()[:200]}")
        pages = done.stdout.decode("utf-8", "replace").split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages

    def page_layouts(self, pdf: Path) -> list[str]:
        """Each page's words with their boxes, as pdftotext -bbox finds them: what moved, grew or changed font size
        shows here though the text is the same."""
        done = subprocess.run([self.tools.pdftotext, "-bbox", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              timeout=SECONDS_PER_PICTURE, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise pdf_error(f"pdftotext failed (exit status {done.returncode}) reading a PDF LibreOffice made: "
                            f"{done.stderr.decode('utf-8', 'replace').strip()[:200]}")
        html = done.stdout.decode("utf-8", "replace")
        return [page.split("</page>")[0] for page in html.split("<page ")[1:]]

    def draw(self, jobs: list[Job]) -> None:
        """Draws every job not in the cache, several pdftoppm at a time."""
        todo = list({job.key: job for job in jobs if not self.has_picture(job.key)}.values())
        if not todo:
            return
        self.progress(f"drawing {len(todo)} picture{'s' if len(todo) != 1 else ''} with pdftoppm")
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for _ in pool.map(self._draw_one, todo):
                pass

    def _draw_one(self, job: Job) -> None:
        target = self.picture_path(job.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="aspo-draw-", dir=target.parent) as scratch:
            prefix = Path(scratch, "page")
            done = subprocess.run([self.tools.pdftoppm, "-png", "-r", str(job.dpi), "-f", str(job.page),
                                   "-l", str(job.page), "-singlefile", str(job.pdf), str(prefix)],
                                  capture_output=True, timeout=SECONDS_PER_PICTURE, stdin=subprocess.DEVNULL)
            drawn = prefix.with_suffix(".png")
            if done.returncode != 0 or not drawn.is_file():
                raise pdf_error(f"pdftoppm failed (exit status {done.returncode}) drawing page {job.page} of a PDF "
                                f"LibreOffice made: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
            os.replace(drawn, target)

    def _pdf_path(self, source: bytes, suffix: str) -> Path:
        key = content_key(self.salt, suffix.lower(), source)
        return self.root / "pdf" / key[:2] / f"{key}.pdf"


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    with open(path, "rb") as file:
        head = file.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return struct.unpack(">II", head[16:24])


def _identity(program: str) -> str:
    """The program's resolved path, size and time: changes when it is upgraded."""
    try:
        resolved = Path(program).resolve()
        found = resolved.stat()
        return f"{resolved}\0{found.st_size}\0{found.st_mtime_ns}"
    except OSError:
        return program
