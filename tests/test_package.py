"""Deterministic Office packages: aspo.render.office_package."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from aspo.core.clock import build_timestamp, source_date_epoch
from aspo.render import zips
from aspo.render.zips import normalize_zip

UTC = dt.timezone.utc
WHEN = dt.datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)

ENTRIES = [
    ("[Content_Types].xml", b"<Types/>" * 20),
    ("_rels/.rels", b"<Relationships/>" * 10),
    ("word/document.xml", b"<w:document>" + "caf\u00e9 ".encode() * 200 + b"</w:document>"),
    ("docProps/app.xml", b""),
]


def make_zip(entries, date_time=(2020, 2, 3, 4, 5, 6), compression=zipfile.ZIP_DEFLATED,
             external_attr=0o600 << 16) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compression
            info.external_attr = external_attr
            archive.writestr(info, data)
    return out.getvalue()


def test_identical_content_gives_identical_bytes_whatever_the_entry_metadata():
    first = make_zip(ENTRIES, date_time=(2021, 1, 1, 0, 0, 0))
    second = make_zip(ENTRIES, date_time=(2023, 9, 9, 9, 9, 8), external_attr=0o777 << 16)
    assert first != second
    assert normalize_zip(first, WHEN) == normalize_zip(second, WHEN)


def test_stored_entries_come_out_deflated_and_identical_to_deflated_ones():
    stored = make_zip(ENTRIES, compression=zipfile.ZIP_STORED)
    deflated = make_zip(ENTRIES)
    result = normalize_zip(stored, WHEN)
    assert result == normalize_zip(deflated, WHEN)
    with zipfile.ZipFile(io.BytesIO(result)) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_it_keeps_the_entry_order_and_content():
    shuffled = list(reversed(ENTRIES))
    result = normalize_zip(make_zip(shuffled), WHEN)
    with zipfile.ZipFile(io.BytesIO(result)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [name for name, _ in shuffled]
        assert [archive.read(name) for name, _ in shuffled] == [data for _, data in shuffled]


def test_every_entry_gets_the_same_time_and_attributes():
    result = normalize_zip(make_zip(ENTRIES), WHEN)
    with zipfile.ZipFile(io.BytesIO(result)) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(2024, 5, 6, 7, 8, 10)}
    assert len({(info.create_system, info.external_attr) for info in infos}) == 1
    assert all(info.comment == b"" and info.extra == b"" for info in infos)


def test_times_are_written_in_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    local = dt.datetime(2024, 5, 6, 9, 8, 10, tzinfo=plus_two)
    assert normalize_zip(make_zip(ENTRIES), local) == normalize_zip(make_zip(ENTRIES), WHEN)


def test_times_before_1980_are_clamped_to_the_zip_minimum():
    result = normalize_zip(make_zip(ENTRIES), dt.datetime(1970, 1, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(result)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_fast_copy_writes_what_zipfile_writes():
    data = make_zip(ENTRIES)
    date_time = zips.zip_date_time(WHEN)
    assert zips._normalize_fast(data, date_time) == zips._normalize_zipfile(data, date_time)


def test_build_timestamp_is_the_default_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date_epoch() is None
    assert build_timestamp(WHEN, source_date_epoch()) is WHEN


def test_build_timestamp_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamp = build_timestamp(WHEN, source_date_epoch())
    assert stamp == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("value", ["", "  ", "soon", "-5", "1.5", "1e9", "99999999999999999999"])
def test_build_timestamp_ignores_an_invalid_source_date_epoch(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date_epoch() is None
