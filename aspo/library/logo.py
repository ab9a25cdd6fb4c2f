"""The account's logo: a PNG or JPEG next to the account file, read and checked once."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MIN_PIXELS, MAX_PIXELS = 32, 8000
MAX_ASPECT = 8.0  # wider than 8:1 would be a hairline at any height a slide has room for
_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}


@dataclass(frozen=True)
class Logo:
    """An image checked to be a PNG or JPEG of a size a slide and a page can show."""

    path: Path
    data: bytes
    kind: str  # "png" or "jpeg"
    width: int  # pixels
    height: int

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def file_name(self) -> str:
        return f"logo.{'png' if self.kind == 'png' else 'jpg'}"


class LogoProblem(ValueError):
    """Why a logo file cannot be used, in one line."""


def read_logo(path: Path, shown: str) -> Logo:
    """The logo at `path` (named `shown` in messages), or LogoProblem saying what is wrong with it."""
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise LogoProblem(f"'{shown}' is not a .png, .jpg or .jpeg file")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise LogoProblem(f"'{shown}' is not a file")
        if size > MAX_BYTES:
            raise LogoProblem(f"'{shown}' is {size / 1048576:.1f} MB; a logo may be at most 5 MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise LogoProblem(f"'{shown}' does not exist (the path is relative to the account file)") from None
    except OSError as exc:
        raise LogoProblem(f"cannot read '{shown}': {exc.strerror or exc}") from None
    found = next((k for magic, k in _KINDS.items() if data.startswith(magic)), None)
    if found is None:
        raise LogoProblem(f"'{shown}' is not a PNG or JPEG image (its content is neither)")
    if found != kind:
        raise LogoProblem(f"'{shown}' holds a {found.upper()} image but is named {path.suffix}; rename it")
    width, height = _dimensions(data, shown)
    if min(width, height) < MIN_PIXELS or max(width, height) > MAX_PIXELS:
        raise LogoProblem(f"'{shown}' is {width}x{height} pixels; a logo needs {MIN_PIXELS} to {MAX_PIXELS} "
                          "pixels on each side")
    if max(width / height, height / width) > MAX_ASPECT:
        raise LogoProblem(f"'{shown}' is {width}x{height} pixels, more than {MAX_ASPECT:.0f} times as long as it "
                          "is wide; crop it")
    return Logo(path=path, data=data, kind=found, width=width, height=height)


def _dimensions(data: bytes, shown: str) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with python-pptx

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a truncated file fails here, not in LibreOffice
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LogoProblem(f"'{shown}' cannot be read as an image ({str(exc).splitlines()[0] or 'damaged'})") from None
