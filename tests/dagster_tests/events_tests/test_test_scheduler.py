"""dagster.utils.test.FilesytemTestScheduler against the scheduler interface."""

from __future__ import annotations

import os

import pytest


def test_filesystem_test_scheduler(tmp_path):
    from dagster.core.scheduler import Scheduler
    from dagster.utils.test import FilesytemTestScheduler

    class Repository:
        name = "repo"

    scheduler = FilesytemTestScheduler(str(tmp_path))
    assert isinstance(scheduler, Scheduler)
    scheduler.start_schedule(None, Repository(), "daily")
    assert scheduler.running_schedule_count("repo", "daily") == 1
    assert "repo/daily" in scheduler.debug_info()
    scheduler.stop_schedule(None, Repository(), "daily")
    assert scheduler.running_schedule_count("repo", "daily") == 0
    assert scheduler.get_logs_path(None, Repository(), "daily") == os.path.join(
        str(tmp_path), "logs", "repo", "daily", "scheduler.log"
    )
    built = FilesytemTestScheduler.from_config_value(None, {"base_dir": str(tmp_path)})
    assert built.get_logs_directory(None, Repository(), "x") == os.path.join(
        str(tmp_path), "logs", "repo", "x"
    )


def test_unknown_attributes_are_attribute_errors():
    import dagster.utils.test as test_utils

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = test_utils.nope
