"""The review page: a static, self-contained index.html and the pictures beside it, written from a Review."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from aspo.core.errors import AspoError, display_path
from aspo.core.files import write_file_atomic
from aspo.review.comparison import Review

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
    are removed after the page is in place. Returns the page's path."""
    folder = Path(folder)
    page = folder / PAGE
    refuse_foreign(folder, page)
    names = {key: hashlib.sha256(path.read_bytes()).hexdigest()[:32] + ".png"
             for key, path in sorted(review.pictures.items())}
    html = render_page(review, names).encode("utf-8")
    images = folder / IMAGES
    try:
        images.mkdir(parents=True, exist_ok=True)
        for key, name in names.items():
            target = images / name
            if not target.is_file():
                write_file_atomic(target, review.pictures[key].read_bytes())
        write_file_atomic(page, html)
        kept = set(names.values())
        for old in images.iterdir():
            if _PICTURE_NAME.fullmatch(old.name) and old.name not in kept:
                old.unlink()
    except OSError as exc:
        raise AspoError.at(exc.filename or folder, None, None,
                           f"cannot write the review page: {exc.strerror or exc}") from None
    return page


def refuse_foreign(folder: Path, page: Path | None = None) -> None:
    """Refuses a folder whose index.html aspo did not write, or a path that is not a folder."""
    folder = Path(folder)
    page = page or folder / PAGE
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    if existing is not None and not existing.is_dir():
        raise AspoError.at(existing, None, "--html", "is not a folder; name a folder for the review page")
    if page.is_symlink() or (page.exists() and not page.is_file()):
        raise AspoError.at(page, None, "--html", "is not a plain file; choose another folder for the review page")
    if page.is_file():
        with open(page, "rb") as existing:
            head = existing.read(4096)
        if GENERATOR.encode() not in head:
            raise AspoError.at(page, None, "--html", f"was not written by aspo diff; choose another folder, or "
                               f"remove {display_path(page)} first")

