"""The SQLite event log writes its timestamp column as text itself; it must be the text SQLAlchemy
writes for the same naive UTC datetime (rows written either way are read and compared alike)."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from dagster.core.storage.event_log.sqlite.sqlite_event_log import _timestamp_text
from dagster.core.storage.sql import utc_datetime_from_timestamp


def sqlalchemy_text(timestamp: float) -> str:
    return f"{utc_datetime_from_timestamp(timestamp):%Y-%m-%d %H:%M:%S.%f}"


@given(st.floats(min_value=0, max_value=4_102_444_800, allow_nan=False, allow_infinity=False))
def test_any_timestamp_reads_as_the_datetime_sqlalchemy_would_store(timestamp):
    assert _timestamp_text(timestamp) == sqlalchemy_text(timestamp)


def test_a_burst_within_one_second_and_across_the_next():
    now = float(int(time.time()))
    stamps = [now + 0.25, now + 0.9999996, now + 0.9999994, now + 1.0, now + 1.5, now + 0.5]
    assert [_timestamp_text(stamp) for stamp in stamps] == [sqlalchemy_text(stamp) for stamp in stamps]
