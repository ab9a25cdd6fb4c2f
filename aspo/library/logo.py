"""The account's logo: a PNG or JPEG next to the account file, read, checked and made fit to embed, once.

`aspo check`, `explain`, `report` and the build all take the logo from `read_logo`, so what one accepts the others
embed. Its size comes from the file's header and is checked before a pixel is decoded: a 50,000 x 50,000 PNG of
300 KB is refused in microseconds. What Word or PowerPoint cannot take as it is (CMYK and YCCK JPEGs, JPEGs without
a JFIF header, 16-bit and animated PNGs, pictures turned by their EXIF orientation) is converted with Pillow, which
python-pptx needs anyway; the rest is embedded byte for byte."""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from aspo.core.bounded import read_regular
from aspo.core.errors import AspoError, quoted

if TYPE_CHECKING:  # Pillow loads only for an account that has a logo
    from PIL import Image

MAX_BYTES = 5 * 1024 * 1024
MIN_PIXELS, MAX_PIXELS = 32, 8000
MAX_ASPECT = 8.0  # wider than 8:1 would be a hairline at any height a slide has room for
_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
#: JPEG frames Pillow and Office both decode as they are: baseline, extended and progressive, Huffman coded.
_PLAIN_FRAMES = {0xC0, 0xC1, 0xC2}
#: Every start-of-frame marker (0xC4, 0xC8 and 0xCC share the range but are not frames).
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
#: JPEG quality of a converted logo: no visible loss, on edges as sharp as a logo's, at a logo's few kilobytes.
_JPEG_QUALITY = 95
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class Logo:
    """An image checked to be a PNG or JPEG of a size a slide and a page can show, in bytes both python-pptx and
    python-docx embed: the file's own, or its conversion (then still of its kind, so still named logo.png or
    logo.jpg)."""

    path: Path
    data: bytes
    kind: str  # "png" or "jpeg"
    width: int  # pixels, as shown (after an EXIF orientation is applied)
    height: int
    #: The content hash of the file as read (aspo.core.user_cache.content_hash), for a kept account's sources.
    read_hash: str | None = field(default=None, compare=False)

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def file_name(self) -> str:
        return f"logo.{'png' if self.kind == 'png' else 'jpg'}"


class LogoProblem(ValueError):
    """Why a logo file cannot be used, in one line."""


class _Header(NamedTuple):
    """What an image file's header says, read without decoding it."""

    width: int
    height: int
    #: Word and PowerPoint take the bytes as they are: a JFIF JPEG of one or three 8-bit channels without Adobe or
    #: EXIF segments (python-docx reads the EXIF's TIFF, and the EXIF may turn the picture); a PNG of at most 8 bits
    #: a channel that is not animated.
    plain: bool


def read_logo(path: Path, shown: str) -> Logo:
    """The logo at `path` (named `shown` in messages), or LogoProblem saying what is wrong with it."""
    name = quoted(shown, 80)
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise LogoProblem(f"{name} is not a .png, .jpg or .jpeg file")
    data = _read(path, name)
    found = next((k for magic, k in _KINDS.items() if data.startswith(magic)), None)
    if found is None:
        raise LogoProblem(f"{name} is not a PNG or JPEG image (its content is neither)")
    if found != kind:
        raise LogoProblem(f"{name} holds a {found.upper()} image but is named {path.suffix}; rename it")
    header = _png_header(data, name) if found == "png" else _jpeg_header(data, name)
    width, height = header.width, header.height
    # before any decoding: a picture's memory grows with its pixels, not its bytes
    if min(width, height) < MIN_PIXELS or max(width, height) > MAX_PIXELS:
        raise LogoProblem(f"{name} is {width}x{height} pixels; a logo needs {MIN_PIXELS} to {MAX_PIXELS} "
                          "pixels on each side")
    if max(width / height, height / width) > MAX_ASPECT:
        raise LogoProblem(f"{name} is {width}x{height} pixels, more than {MAX_ASPECT:.0f} times as long as it "
                          "is wide; crop it")
    from aspo.core.user_cache import bytes_hash

    return replace(_embeddable(path, data, found, header, name), read_hash=bytes_hash(data))


def _read(path: Path, name: str) -> bytes:
    try:
        return read_regular(path, MAX_BYTES)
    except AspoError as exc:
        why = exc.problems[0].message
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LogoProblem(f"{name} does not exist (the path is relative to the account file)") from None
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
        raise LogoProblem(f"{name} is {info.st_size / 1048576:.1f} MB; a logo may be at most 5 MB")
    if why.startswith("is "):  # a folder, a named pipe, a device
        raise LogoProblem(f"{name} {why}")
    raise LogoProblem(f"cannot read {name}: {why.removeprefix('cannot read: ')}")


def _damaged(name: str, why: str) -> LogoProblem:
    return LogoProblem(f"{name} cannot be read as an image ({why})")


def _png_header(data: bytes, name: str) -> _Header:
    """The size in the PNG's IHDR, after walking its chunks to IEND: python-docx walks them too, and a file cut
    short would fail there, not here."""
    if len(data) < 33 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise _damaged(name, "no PNG header")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    depth = data[24]
    position, kinds = 8, set()
    while True:
        if position + 12 > len(data):
            raise _damaged(name, "the file ends before its last chunk")
        kind = data[position + 4:position + 8]
        kinds.add(kind)
        position += 12 + int.from_bytes(data[position:position + 4], "big")
        if kind == b"IEND":
            break
    if position > len(data):
        raise _damaged(name, "the file ends inside its last chunk")
    return _Header(width, height, plain=depth <= 8 and b"acTL" not in kinds)


def _jpeg_header(data: bytes, name: str) -> _Header:
    """The size in the JPEG's one start-of-frame segment, walking the segments up to the scan."""
    position, frame, adobe, exif = 2, None, False, False
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise _damaged(name, "the file ends before its picture" if position + 4 > len(data)
                           else "a damaged JPEG segment")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # segments without a length
            position += 2
            continue
        if marker == 0xD9:
            raise _damaged(name, "the JPEG ends before its picture")
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segment = data[position + 4:position + 2 + length]
        if length < 2 or position + 2 + length > len(data):
            raise _damaged(name, "a damaged JPEG segment")
        if marker == 0xDA:  # the scan: every header segment has been seen
            break
        if marker in _FRAMES:
            if frame is not None or len(segment) < 6:
                raise _damaged(name, "more than one frame" if frame is not None else "a damaged JPEG frame")
            frame = (marker, segment[0], int.from_bytes(segment[3:5], "big"), int.from_bytes(segment[1:3], "big"),
                     segment[5])
        adobe |= marker == 0xEE and segment.startswith(b"Adobe")
        exif |= marker == 0xE1 and segment.startswith(b"Exif\x00")
        position += 2 + length
    if frame is None:
        raise _damaged(name, "no JPEG frame")
    marker, precision, width, height, channels = frame
    jfif = data[3] == 0xE0 and data[6:11] == b"JFIF\x00"  # python-docx knows a JPEG by this alone, or by EXIF
    plain = jfif and not adobe and not exif and marker in _PLAIN_FRAMES and precision == 8 and channels in (1, 3)
    return _Header(width, height, plain)


def _embeddable(path: Path, data: bytes, kind: str, header: _Header, name: str) -> Logo:
    """Decodes the logo once (a truncated file fails here, not in LibreOffice), then keeps its bytes or converts it."""
    from PIL import Image  # Pillow comes with python-pptx

    try:
        with Image.open(io.BytesIO(data), formats=[kind.upper()]) as image:
            if image.size != (header.width, header.height):
                raise _damaged(name, f"its header says {header.width}x{header.height} pixels, its picture "
                               f"{image.size[0]}x{image.size[1]}")
            image.load()  # the pixels stay when the file closes
    except LogoProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds on damaged data; each means the same
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise _damaged(name, first or type(exc).__name__) from None
    turn = _orientation(image)
    if header.plain and turn == 1 and image.format == kind.upper():  # an MPO is a JPEG to Pillow's eye only
        return Logo(path=path, data=data, kind=kind, width=header.width, height=header.height)
    converted = _converted(image, kind, turn)
    width, height = converted.size
    out = io.BytesIO()
    if kind == "png":
        converted.save(out, "PNG", icc_profile=converted.info.get("icc_profile"))
    else:
        converted.save(out, "JPEG", quality=_JPEG_QUALITY, subsampling=0, icc_profile=converted.info.get("icc_profile"))
    return Logo(path=path, data=out.getvalue(), kind=kind, width=width, height=height)


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1: as stored); a damaged EXIF turns nothing."""
    try:
        turn = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - Pillow's EXIF reader raises many kinds on damaged data
        return 1
    return turn if turn in range(1, 9) else 1


def _converted(image: Image.Image, kind: str, turn: int) -> Image.Image:
    """The picture as Office shows it: in RGB or grey with 8 bits a channel (with its transparency, for a PNG),
    its first frame only, turned as its EXIF says."""
    from PIL import Image

    icc = image.info.get("icc_profile")
    if image.mode == "CMYK":  # print colours, YCCK included (the decoder gives CMYK): to screen colours
        image, icc = _cmyk_to_rgb(image, icc), None
    elif image.mode.startswith("I"):  # 16-bit grey: scaled, not clipped, to 8 bits
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    if kind == "jpeg" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    elif kind == "png" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    turned = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
    transparency = image.info.get("transparency")
    if not isinstance(transparency, bytes) and max(transparency if isinstance(transparency, tuple)
                                                   else (transparency or 0,)) > 255:
        transparency = None  # a 16-bit colour no 8-bit pixel has: the PNG would be invalid with it
    image = image.transpose(turned[turn]) if turn in turned else image.copy()
    image.info = {key: value for key, value in (("icc_profile", icc), ("transparency", transparency))
                  if value is not None}
    return image


def _cmyk_to_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Through the picture's own colour profile where it has one (as print files do), else the plain formula."""
    if icc:
        from PIL import ImageCms

        try:
            converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                                  ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):  # a damaged or odd profile
            converted = None
        if converted is not None:
            return converted
    return image.convert("RGB")
