"""Every file aspo writes whole is staged under one kind of temporary name beside it, which git ignores and which a
later write into that folder removes once its writer is gone: the review page and its pictures, the build's stamps
in the cache, the picture cache's probe. A kill -9 leaves nothing behind for good."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aspo.core import files
from aspo.core.files import ABANDONED_SECONDS, TEMPORARY


@pytest.fixture
def staged(monkeypatch) -> list[str]:
    """The names files are staged under before they are renamed into place, as they are written."""
    names: list[str] = []
    replace = os.replace

    def recording(source, target, **kwargs):
        names.append(os.path.basename(source))
        return replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", recording)
    return names


def left_by_a_killed_writer(folder: Path, name: str) -> Path:
    """What a writer killed minutes ago left while writing `name` in `folder`: its temporary file, named by its pid."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / f".{name}.aspo-{gone.stdout.strip()}-0a1b2c.tmp"
    left.write_bytes(b"half a file")
    minutes_ago = time.time() - ABANDONED_SECONDS
    os.utime(left, (minutes_ago, minutes_ago))
    return left


def test_the_review_page_and_its_pictures_are_staged_as_every_file_is_and_swept_by_a_later_review(tmp_path, staged):
    from aspo.review.comparison import Review
    from aspo.review.page import write_review

    picture = tmp_path / "cache" / "picture.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n a picture")
    folder = tmp_path / "review"
    left = [left_by_a_killed_writer(folder, "index.html"),
            left_by_a_killed_writer(folder / "images", "0123456789abcdef0123456789abcdef.png")]
    write_review(Review("before", "after", (), (), (), (), (), (), (), {"key": picture}), folder)
    assert len(staged) == 2 and all(TEMPORARY.fullmatch(name) for name in staged), staged
    assert not any(path.exists() for path in left)
    named = hashlib.sha256(picture.read_bytes()).hexdigest()[:32] + ".png"
    assert sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")) == [
        "images", f"images/{named}", "index.html"]


def test_a_build_stamp_is_staged_as_every_file_is_and_swept_by_a_later_stamp(tmp_path, monkeypatch, staged):
    from aspo.build.stamp import stamp_path, write_stamp

    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / "cache"))
    stamp = stamp_path(tmp_path / "output" / "acme")
    left = left_by_a_killed_writer(stamp.parent, stamp.name)
    write_stamp(tmp_path / "output" / "acme", b"{}\n")
    assert len(staged) == 1 and TEMPORARY.fullmatch(staged[0]), staged
    assert sorted(path.name for path in stamp.parent.iterdir()) == [stamp.name] and not left.exists()


def test_the_picture_cache_probe_leaves_nothing_and_a_killed_ones_is_swept(tmp_path, monkeypatch):
    from aspo.review.pictures import _unusable

    left = left_by_a_killed_writer(tmp_path / "pictures" / "png", "probe")
    made = []
    new_temporary = files._new_temporary

    def recording(*args):
        made.append(new_temporary(*args))
        return made[-1]

    monkeypatch.setattr(files, "_new_temporary", recording)
    assert _unusable(tmp_path / "pictures") is None
    assert len(made) == 1 and TEMPORARY.fullmatch(os.path.basename(made[0][0]))
    assert list((tmp_path / "pictures" / "png").iterdir()) == [] and not left.exists()
