"""The scheduled time of a tick around daylight saving changes, read as cron reads local time."""

import datetime
import time

import pytest

from dagster.core.scheduler.execution import latest_scheduled_time


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def utc(text):
    return datetime.datetime.fromisoformat(text + "+00:00").timestamp()


# 2020-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z). 2020-11-01: 02:00 EDT falls back to 01:00 EST (06:00Z).


def test_a_time_skipped_by_spring_forward_runs_at_the_end_of_the_gap_never_in_the_future(new_york):
    at_0305_edt = utc("2020-03-08T07:05:00")
    assert latest_scheduled_time("30 2 * * *", at_0305_edt) == utc("2020-03-08T07:00:00")
    assert latest_scheduled_time("30 * * * *", at_0305_edt) == utc("2020-03-08T07:00:00")
    at_0331_edt = utc("2020-03-08T07:31:00")
    assert latest_scheduled_time("30 * * * *", at_0331_edt) == utc("2020-03-08T07:30:00")
    assert latest_scheduled_time("30 2 * * *", at_0331_edt) == utc("2020-03-08T07:00:00")


def test_a_fixed_time_repeated_by_fall_back_is_one_scheduled_time(new_york):
    first_0135, second_0135 = utc("2020-11-01T05:35:00"), utc("2020-11-01T06:35:00")
    assert latest_scheduled_time("30 1 * * *", first_0135) == utc("2020-11-01T05:30:00")
    assert latest_scheduled_time("30 1 * * *", second_0135) == utc("2020-11-01T05:30:00")


def test_an_hourly_time_repeated_by_fall_back_is_two_scheduled_times(new_york):
    first_0135, second_0135 = utc("2020-11-01T05:35:00"), utc("2020-11-01T06:35:00")
    assert latest_scheduled_time("30 * * * *", first_0135) == utc("2020-11-01T05:30:00")
    assert latest_scheduled_time("30 * * * *", second_0135) == utc("2020-11-01T06:30:00")
    assert latest_scheduled_time("30 * * * *", utc("2020-11-01T07:05:00")) == utc("2020-11-01T06:30:00")


def test_a_daily_schedule_keeps_its_wall_clock_time_across_the_change(new_york):
    assert latest_scheduled_time("0 0 * * *", utc("2020-03-09T04:30:00")) == utc("2020-03-09T04:00:00")
    assert latest_scheduled_time("0 0 * * *", utc("2020-03-08T06:00:00")) == utc("2020-03-08T05:00:00")
    assert latest_scheduled_time("0 0 * * *", utc("2020-11-02T05:30:00")) == utc("2020-11-02T05:00:00")
