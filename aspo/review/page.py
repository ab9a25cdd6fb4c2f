"""The review page: a static, self-contained index.html and the pictures beside it, written from a Review."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from aspo.core.bounded import read_regular
from aspo.core.errors import AspoError, display_path
from aspo.core.files import write_file_atomic
from aspo.core.rulebook import OUTPUT
from aspo.review.comparison import Review
from aspo.review.pictures import MAX_PICTURE_BYTES

TEMPLATE = "review_page.html"
PAGE = "index.html"
IMAGES = "images"
#: Marks a page aspo wrote, so a folder holding someone else's index.html is refused, not overwritten.
GENERATOR = '<meta name="generator" content="aspo diff --html">'
_PICTURE_NAME = re.compile(r"[0-9a-f]{32}\.png")


def render_page(review: Review, names: dict[str, str]) -> str:
    """The page's HTML; `names` gives each picture key its file name under images/."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("page_templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    return environment.get_template(TEMPLATE).render(
        review=review, generator=GENERATOR, images=IMAGES, names=names,
        counts={"changed": len(review.changed), "unchanged": len(review.unchanged), "failed": len(review.failed)})


def write_review(review: Review, folder: Path) -> Path:
    """Writes folder/index.html and folder/images/, each picture named by its content; pictures no longer shown
    are removed after the page is in place. Returns the page's path.

    Nothing is written through a link: the folder and images/ are opened without following one (a link there is
    refused), every file is written under a temporary name inside them and renamed into place, and the only files
    ever removed are picture-named regular files inside the real images/ folder and the temporary files of a
    killed review."""
    folder = Path(folder)
    page = folder / PAGE
    refuse_foreign(folder, page)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None
    root = _open_folder(folder, None, folder)
    try:
        images = _open_folder(IMAGES, root, folder / IMAGES, create=True)
        try:
            names = _copy_pictures(review.pictures, images, folder / IMAGES)
            _write_whole(root, page, render_page(review, names).encode("utf-8"))
            kept = set(names.values())
            for old in os.listdir(images):
                if _PICTURE_NAME.fullmatch(old) and old not in kept and _regular(images, old):
                    try:
                        os.unlink(old, dir_fd=images)
                    except OSError as exc:
                        raise _cannot_write(folder / IMAGES / old, exc) from None
        finally:
            os.close(images)
    finally:
        os.close(root)
    return page


def _copy_pictures(pictures: dict[str, Path], images: int, shown: Path) -> dict[str, str]:
    """Copies each picture into the folder open as `images`, named by its content, one at a time (each may be tens
    of MB); returns each key's file name there."""
    names: dict[str, str] = {}
    by_path: dict[Path, str] = {}  # a picture shown on both sides is read once
    for key, path in sorted(pictures.items()):
        if path not in by_path:
            data = read_regular(path, MAX_PICTURE_BYTES, OUTPUT)
            by_path[path] = name = hashlib.sha256(data).hexdigest()[:32] + ".png"
            if not _holds(images, name, data):
                _write_whole(images, shown / name, data)
            del data  # before the next is read: one picture in memory at a time
        names[key] = by_path[path]
    return names


def refuse_foreign(folder: Path, page: Path | None = None) -> None:
    """Refuses a folder whose index.html aspo did not write, a path that is not a folder, and a link where the
    folder, its images/ or its index.html would be."""
    folder = Path(folder)
    page = page or folder / PAGE
    if _is_link(_status(folder, follow=False)):
        raise AspoError.at(folder, None, "--html", LINK)
    existing = next(((path, found) for path in (folder, *folder.parents) if (found := _status(path))), None)
    if existing is not None and not stat.S_ISDIR(existing[1].st_mode):
        raise AspoError.at(existing[0], None, "--html", "is not a folder; name a folder for the review page")
    images = folder / IMAGES
    found = _status(images, follow=False)
    if _is_link(found):
        raise AspoError.at(images, None, "--html", LINK)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise AspoError.at(images, None, "--html", "is not a folder; remove it, or choose another folder for the "
                           "review page")
    found = _status(page, follow=False)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise AspoError.at(page, None, "--html", "is not a plain file; choose another folder for the review page")
    if found is not None:
        try:
            fd = os.open(page, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as existing_page:
                head = existing_page.read(4096)
        except OSError as exc:
            raise _cannot_write(page, exc) from None
        if GENERATOR.encode() not in head:
            raise AspoError.at(page, None, "--html", f"was not written by aspo diff; choose another folder, or "
                               f"remove {display_path(page)} first")


def _status(path: Path, follow: bool = True) -> os.stat_result | None:
    """What is at `path` (None: nothing); a place aspo may not look into is one line, as Path.exists would raise."""
    try:
        return os.stat(path, follow_symlinks=follow)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _is_link(found: os.stat_result | None) -> bool:
    return found is not None and stat.S_ISLNK(found.st_mode)


LINK = "is a link; aspo writes a real folder here and will not follow it"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_folder(name: str | Path, parent: int | None, shown: Path, create: bool = False) -> int:
    """A descriptor of the folder `name` (in `parent`'s descriptor, if given), opened without following a link."""
    try:
        if create:
            try:
                os.mkdir(name, dir_fd=parent)
            except FileExistsError:
                pass
        return os.open(name, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW, dir_fd=parent)
    except OSError as exc:
        try:
            found = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except OSError:
            found = None
        if found is not None and stat.S_ISLNK(found.st_mode):
            raise AspoError.at(shown, None, "--html", LINK) from None
        if found is not None and not stat.S_ISDIR(found.st_mode):
            raise AspoError.at(shown, None, "--html", "is not a folder; remove it, or choose another folder for "
                               "the review page") from None
        raise _cannot_write(shown, exc) from None


def _write_whole(folder: int, path: Path, data: bytes) -> None:
    """Writes `path` in its folder, open as `folder`, whole or not at all; a link at its name is replaced, never
    written through."""
    try:
        write_file_atomic(path, data, dir_fd=folder)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _holds(folder: int, name: str, data: bytes) -> bool:
    """Whether `name` in the folder is a regular file holding exactly `data` (read only when its size is right)."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as file:
        found = os.fstat(file.fileno())
        return stat.S_ISREG(found.st_mode) and found.st_size == len(data) and file.read(len(data) + 1) == data


def _regular(folder: int, name: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _cannot_write(path: Path, exc: OSError) -> AspoError:
    return AspoError.at(path, None, None, f"cannot write the review page: {exc.strerror or exc}", OUTPUT)
