"""The build's clock: SOURCE_DATE_EPOCH, and the moment stamped into every built file."""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (UTC seconds) when set and valid: read once where a build starts, and part of
    every account's input key."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isascii() and raw.isdigit():
        try:
            dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc)
            return int(raw)
        except (OverflowError, OSError, ValueError):
            pass
    return None


def build_timestamp(default: dt.datetime, epoch: int | None) -> dt.datetime:
    """The moment to stamp into built files: the epoch when there is one, else `default`."""
    return default if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
