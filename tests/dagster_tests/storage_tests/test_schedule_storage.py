"""The shared schedule storage suite against the SQLite storage."""

from __future__ import annotations

import pytest

from dagster.core.storage.schedules import SqliteScheduleStorage
from dagster.utils.test.schedule_storage import TestScheduleStorage


class TestSqliteScheduleStorage(TestScheduleStorage):
    @pytest.fixture
    def storage(self, tmp_path):
        yield SqliteScheduleStorage.from_local(str(tmp_path))
