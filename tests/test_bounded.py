"""The bounded reader (aspo.core.bounded): a zip's list of parts is weighed before zipfile parses it, and one
budget charges each part once, however many readers look at it."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from aspo.core import bounded
from aspo.core.bounded import OverBudget, declared_parts, open_zip


def many_parts(count: int) -> bytes:
    """A zip of `count` empty parts, as the million-part deck of the issue, only smaller."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for number in range(count):
            package.writestr(f"p{number}", b"")
    return out.getvalue()


def with_end_record(data: bytes, parts: int) -> bytes:
    """The zip with its end record saying it holds `parts` parts (and nothing else changed)."""
    end = data.rindex(b"PK\x05\x06")
    return data[:end + 8] + struct.pack("<2H", min(parts, 0xFFFF), min(parts, 0xFFFF)) + data[end + 12:]


def with_zip64_records(data: bytes, parts: int) -> bytes:
    """The zip with Zip64 end records before its end record, saying it holds `parts` parts."""
    end = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack_from("<2L", data, end + 12)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, parts, parts, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    return data[:end] + record + locator + with_end_record(data, 0xFFFF)[end:]


def forbid_zipfile(monkeypatch) -> None:
    """zipfile may not open a zip from here on: what is refused must be refused from the end records alone."""
    monkeypatch.setattr(zipfile, "ZipFile", None)


def test_the_count_of_parts_is_read_from_the_end_record_without_zipfile(monkeypatch):
    data = many_parts(3)
    with zipfile.ZipFile(io.BytesIO(with_zip64_records(data, 3))) as package:  # the records zipfile itself reads
        assert len(package.infolist()) == 3
    forbid_zipfile(monkeypatch)
    assert declared_parts(data)[0] == 3
    assert declared_parts(with_end_record(data, 60_000))[0] == 60_000
    assert declared_parts(with_zip64_records(data, 1_000_000))[0] == 1_000_000
    assert declared_parts(b"not a zip at all") is None
    with pytest.raises(OverBudget) as excinfo:
        open_zip(with_zip64_records(data, 1_000_000))
    assert str(excinfo.value) == "holds 1000000 parts, more than the 5000 any Office file aspo reads has"


def test_parts_the_end_record_does_not_own_to_are_counted_before_zipfile_sees_them(monkeypatch):
    understated = with_end_record(many_parts(60), 1)
    with zipfile.ZipFile(io.BytesIO(understated)) as package:  # zipfile reads the whole list, whatever it says
        assert len(package.infolist()) == 60
    monkeypatch.setattr(bounded, "MAX_ZIP_PARTS", 50)
    forbid_zipfile(monkeypatch)
    with pytest.raises(OverBudget) as excinfo:
        open_zip(understated)
    assert str(excinfo.value) == "holds 60 parts, more than the 50 any Office file aspo reads has"


def test_a_list_of_parts_too_large_for_an_office_file_is_refused_unparsed(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for number in range(30):
            package.writestr(f"{number:03}" + "x" * 60_000, b"")  # long names: few parts, a long list
    monkeypatch.setattr(bounded, "MAX_CENTRAL_DIRECTORY", 1024 * 1024)
    forbid_zipfile(monkeypatch)
    with pytest.raises(OverBudget) as excinfo:
        open_zip(out.getvalue())
    assert str(excinfo.value) == "lists its parts in 2 MB, more than the 1 MB any Office file aspo reads needs"


@pytest.mark.parametrize("args, status, err, out", [
    (["textconv", "many.pptx"], 0,
     "aspo: error: many.pptx: cannot read this file as a PowerPoint .pptx file: {message}\n",
     "(aspo: not shown as text: cannot read this file as a PowerPoint .pptx file: {message})\n"),
    (["layouts", "show", "many.pptx"], 2, "aspo: error: many.pptx: {message}\n", ""),
    (["layouts", "use", "many.pptx"], 2, "aspo: error: many.pptx: {message}\n", ""),
], ids=["textconv", "layouts-show", "layouts-use"])
def test_every_reader_of_a_users_zip_weighs_its_list_of_parts_first(workspace, aspo, monkeypatch, args, status,
                                                                    err, out):
    (workspace / "many.pptx").write_bytes(many_parts(60))
    monkeypatch.setattr(bounded, "MAX_ZIP_PARTS", 50)  # the deck held a million: the same, smaller
    forbid_zipfile(monkeypatch)
    message = "holds 60 parts, more than the 50 any Office file aspo reads has"
    result = aspo(*args)
    assert (result.status, result.err, result.out) == (status, err.format(message=message), out.format(message=message))


def test_slide_keys_weigh_the_list_of_parts_first(monkeypatch):
    from aspo.core.errors import AspoError
    from aspo.review.slide_keys import slide_keys

    data = many_parts(60)
    monkeypatch.setattr(bounded, "MAX_ZIP_PARTS", 50)
    forbid_zipfile(monkeypatch)
    with pytest.raises(AspoError) as excinfo:
        slide_keys(data, "after/acme/acme-deck.pptx")
    assert str(excinfo.value) == ("after/acme/acme-deck.pptx: cannot read this file as a PowerPoint .pptx file: "
                                  "holds 60 parts, more than the 50 any Office file aspo reads has")


def test_a_part_read_again_is_charged_once():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("a.xml", bytes(600_000))
        package.writestr("b.xml", bytes(300_000))
    with open_zip(out.getvalue(), limit=1_000_000) as budget:
        budget.read("a.xml")
        budget.read("a.xml")
        budget.read_all()
        assert budget.left == 100_000  # what the package unpacks to once


def test_a_part_that_does_not_unpack_is_damage_and_bytes_that_are_no_zip_are_not_a_zip_package():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("ppt/slides/slide1.xml", b"<p:sld>Acme</p:sld>")
    data = out.getvalue()
    bad_crc = data.replace(b"Acme", b"Acne", 1)  # stored: the part reads, and its checksum no longer matches

    def refuse(message: str) -> Exception:
        return ValueError(message)

    assert bounded.checked_zip(data, refuse) is None
    with pytest.raises(ValueError, match="^damaged: a part cannot be unpacked$"):
        bounded.checked_zip(bad_crc, refuse)
    with pytest.raises(ValueError, match=r"^not a zip package \(damaged or not an Office file\)$"):
        bounded.checked_zip(b"<p:sld>Acme</p:sld>", refuse)
