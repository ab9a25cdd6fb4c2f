"""Logos as brand, print and phone cameras export them: each one `aspo check` accepts is embedded by both python-pptx
and python-docx, as the file's own bytes where Office takes them, else converted; each one it refuses is one line,
decided from the header before a pixel is decoded."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace

import docx
import pytest
from conftest import edit, line_of
from documents import DECK, OFFERING, make_doc, title_section
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from aspo.library.logo import MAX_PIXELS, LogoProblem, read_logo
from aspo.render.powerpoint import PreparedDeck, render_pptx
from aspo.render.word import PreparedDocument, render_docx

RED, BLUE = (200, 30, 30), (20, 60, 200)


def _saved(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _two_colour(mode: str = "RGB", size: tuple[int, int] = (120, 60)) -> Image.Image:
    """Red on the left half, blue on the right: a turn or a flip shows."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image.convert(mode)


def _without_segment(jpeg: bytes, marker: int) -> bytes:
    """The JPEG with its first segment of `marker` (0xE0: the JFIF header) cut out."""
    position = 2
    while jpeg[position + 1] != marker:
        position += 2 + int.from_bytes(jpeg[position + 2:position + 4], "big")
    return jpeg[:position] + jpeg[position + 2 + int.from_bytes(jpeg[position + 2:position + 4], "big"):]


def _ycck() -> bytes:
    """A CMYK JPEG whose Adobe segment says YCCK (transform 2), as some print software writes them: its colours come
    out wrong here (the data is plain CMYK), but it is decoded, converted and embedded as a real one would be."""
    jpeg = bytearray(_saved(_two_colour("CMYK"), "JPEG"))
    adobe = jpeg.index(b"Adobe")
    jpeg[adobe + 11] = 2
    return bytes(jpeg)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, depth: int = 8, colour: int = 2, rows: bytes | None = None) -> bytes:
    """A PNG written by hand (Pillow writes no 16-bit colour), red left and blue right (grey for grey), or just a
    header and `rows` of data."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    if rows is None:
        sides = [[128] * channels] * 2 if channels < 3 else [[*RED, 255][:channels], [*BLUE, 255][:channels]]
        row = b"".join(bytes(value for value in sides[x >= width // 2] for _ in range(depth // 8))
                       for x in range(width))
        rows = (b"\x00" + row) * height
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _apng() -> bytes:
    frames = [_two_colour("RGBA"), Image.new("RGBA", (120, 60), (0, 200, 0, 255))]
    return _saved(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)


def _mpo() -> bytes:
    return _saved(_two_colour(), "MPO", save_all=True, append_images=[_two_colour()])


def _palette() -> bytes:
    image = _two_colour().convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    return _saved(image, "PNG", transparency=0)


#: name -> (file, its bytes, kept as they are, the size shown, where the red half is shown, or grey)
LOGOS = {
    "rgb-jfif": ("logo.jpg", lambda: _saved(_two_colour(), "JPEG", quality=90), True, (120, 60), "left"),
    "progressive": ("logo.jpg", lambda: _saved(_two_colour(), "JPEG", progressive=True), True, (120, 60), "left"),
    "grey-jpeg": ("logo.jpg", lambda: _saved(_two_colour("L"), "JPEG"), True, (120, 60), None),
    "cmyk-adobe": ("logo.jpg", lambda: _saved(_two_colour("CMYK"), "JPEG"), False, (120, 60), "left"),
    "cmyk-damaged-profile": ("logo.jpg", lambda: _saved(_two_colour("CMYK"), "JPEG", icc_profile=b"\x00" * 200),
                             False, (120, 60), "left"),
    "ycck": ("logo.jpg", _ycck, False, (120, 60), None),
    "rgb-no-jfif": ("logo.jpg", lambda: _without_segment(_saved(_two_colour(), "JPEG"), 0xE0), False, (120, 60),
                    "left"),
    "exif-first": ("logo.jpeg", lambda: _without_segment(_saved(_two_colour(), "JPEG", exif=_exif(1)), 0xE0), False,
                   (120, 60), "left"),
    "exif-turned": ("logo.jpg", lambda: _saved(_two_colour(), "JPEG", exif=_exif(6)), False, (60, 120), "top"),
    "mpo": ("logo.jpg", _mpo, False, (120, 60), "left"),
    "png-rgba": ("logo.png", lambda: _saved(_two_colour("RGBA"), "PNG"), True, (120, 60), "left"),
    "png-palette-transparent": ("logo.png", _palette, True, (120, 60), "left"),
    "png-16-bit-colour": ("logo.png", lambda: _png(120, 60, depth=16, colour=6), False, (120, 60), "left"),
    "png-16-bit-grey": ("logo.png", lambda: _png(120, 60, depth=16, colour=0), False, (120, 60), "grey"),
    "png-animated": ("logo.png", _apng, False, (120, 60), "left"),
    "png-exif-turned": ("logo.png", lambda: _saved(_two_colour(), "PNG", exif=_exif(8)), False, (60, 120), "bottom"),
}
#: Where to look for red, and for blue, in the picture as shown.
SPOTS = {"left": ((2, 2), (-3, 2)), "top": ((2, 2), (2, -3)), "bottom": ((2, -3), (2, 2))}


@pytest.fixture(scope="module")
def templates():
    return PreparedDeck.open(DECK), PreparedDocument.open(OFFERING)


@pytest.mark.parametrize("name", LOGOS)
def test_a_logo_check_accepts_is_embedded_in_the_deck_and_the_document(tmp_path, templates, name):
    file_name, make, kept, size, red_at = LOGOS[name]
    path = tmp_path / file_name
    path.write_bytes(make())
    logo = read_logo(path, file_name)
    assert (logo.data == path.read_bytes()) is kept
    assert (logo.width, logo.height) == size
    with Image.open(io.BytesIO(logo.data)) as shown:
        assert shown.format == ("PNG" if file_name.endswith(".png") else "JPEG") and shown.size == size
        assert shown.mode in ("1", "L", "LA", "P", "RGB", "RGBA")
        rgb = shown.convert("RGB")
    if red_at == "grey":
        assert rgb.getpixel((2, 2)) == (128, 128, 128)  # 16-bit grey scaled, not clipped to white
    elif red_at is not None:  # the colours kept, and the picture turned as its EXIF says
        red, blue = (rgb.getpixel((x % size[0], y % size[1])) for x, y in SPOTS[red_at])
        assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0], (red, blue)
    deck, word = templates
    doc = replace(make_doc(title_section()), logo=logo)
    pictures = [s for s in Presentation(io.BytesIO(render_pptx(doc, deck))).slides[0].shapes
                if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [p.image.blob for p in pictures] == [logo.data]
    inline = docx.Document(io.BytesIO(render_docx(doc, word))).inline_shapes
    assert len(inline) == 1
    assert abs(inline[0].width / inline[0].height - size[0] / size[1]) < 0.01


def test_a_cmyk_logo_passes_check_and_builds_with_its_colours(workspace, aspo):
    (workspace / "accounts" / "northwind-health-logo.jpg").write_bytes(_saved(_two_colour("CMYK"), "JPEG"))
    edit(workspace / "accounts" / "northwind-health.yaml", "logo: northwind-health-logo.png",
         "logo: northwind-health-logo.jpg")
    assert "E101" not in aspo("check", "accounts/northwind-health.yaml").out
    result = aspo("build", "accounts/northwind-health.yaml")
    assert result.status == 0, result.err
    deck = Presentation(str(workspace / "output" / "northwind-health" / "northwind-health-deck.pptx"))
    picture = next(s for s in deck.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    with Image.open(io.BytesIO(picture.image.blob)) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((5, 5))
        assert red > 150 and green < 110 and blue < 110  # print red is still red on screen


@pytest.mark.parametrize("data, message", [
    (_png(50_000, 50_000, depth=1, colour=0, rows=b"\x00"), "is 50000x50000 pixels; a logo needs 32 to 8000 pixels"),
    (_png(12_000, 12_000, colour=6, rows=b"\x00"), "is 12000x12000 pixels; a logo needs 32 to 8000 pixels"),
    (_png(8000, 900, rows=b"\x00"), "is 8000x900 pixels, more than 8 times as long"),
], ids=["50000-square", "12000-square", "too-long"])
def test_a_logo_too_large_is_refused_from_its_header_before_any_decoding(tmp_path, monkeypatch, data, message):
    def never(*args, **kwargs):
        raise AssertionError("Pillow was asked to open a logo the header already refuses")

    monkeypatch.setattr(Image, "open", never)  # a 12,000 x 12,000 RGBA picture decodes to 576 MB
    path = tmp_path / "logo.png"
    path.write_bytes(data)
    with pytest.raises(LogoProblem, match=message):
        read_logo(path, "logo.png")


def test_a_jpeg_too_large_is_refused_from_its_frame_header(tmp_path, monkeypatch):
    jpeg = bytearray(_saved(_two_colour(), "JPEG"))
    frame = jpeg.index(b"\xff\xc0")
    jpeg[frame + 5:frame + 9] = struct.pack(">HH", 40_000, 60_000)  # height, width
    path = tmp_path / "logo.jpg"
    path.write_bytes(bytes(jpeg))
    monkeypatch.setattr(Image, "open", None)  # not called
    with pytest.raises(LogoProblem, match=f"'logo.jpg' is 60000x40000 pixels; a logo needs 32 to {MAX_PIXELS}"):
        read_logo(path, "logo.jpg")


@pytest.mark.parametrize("damage, why", [
    (lambda png: png[:-12], "the file ends before its last chunk"),
    (lambda png: png[:40], "the file ends"),
    (lambda png: png[:-20] + png[-12:], "cannot be read as an image"),
], ids=["no-end", "cut-in-its-header", "cut-in-its-picture"])
def test_a_png_cut_short_is_one_line(tmp_path, damage, why):
    path = tmp_path / "logo.png"
    path.write_bytes(damage(_saved(_two_colour(), "PNG")))
    with pytest.raises(LogoProblem, match=why):
        read_logo(path, "logo.png")


def test_a_jpeg_without_its_picture_is_one_line(tmp_path):
    jpeg = _saved(_two_colour(), "JPEG")
    path = tmp_path / "logo.jpg"
    path.write_bytes(jpeg[:jpeg.index(b"\xff\xda")])
    with pytest.raises(LogoProblem, match=r"^'logo\.jpg' cannot be read as an image \(the file ends before"):
        read_logo(path, "logo.jpg")


def test_a_logo_that_is_no_regular_file_is_refused_without_reading_it(tmp_path):
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(LogoProblem, match=r"^'folder\.png' is a folder, expected a file$"):
        read_logo(tmp_path / "folder.png", "folder.png")
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    with pytest.raises(LogoProblem, match=r"^'zero\.png' is a device, not a regular file; aspo reads only regular"):
        read_logo(tmp_path / "zero.png", "zero.png")


def test_a_bad_logo_fails_its_account_in_the_report_and_explain_names_it(workspace, aspo):
    (workspace / "accounts" / "northwind-health-logo.png").write_bytes(_png(50_000, 50_000, depth=1, colour=0,
                                                                            rows=b"\x00"))
    line = line_of(workspace / "accounts" / "northwind-health.yaml", "logo: northwind-health-logo.png")
    expected = (f"aspo: error: accounts/northwind-health.yaml:{line}: logo: 'northwind-health-logo.png' is "
                "50000x50000 pixels; a logo needs 32 to 8000 pixels on each side\n")
    report = aspo("report", "--format", "json")
    assert (report.status, report.err) == (2, expected)
    assert '"accounts": [\n    "acme",\n    "globex"\n  ]' in report.out  # the other accounts are still reported
    assert (aspo("explain", "accounts/northwind-health.yaml").err, aspo("explain", "accounts/acme.yaml").status) == (
        expected, 0)
