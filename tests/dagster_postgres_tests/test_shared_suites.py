"""The shared storage suites (the same assertions as in-memory and SQLite) against PostgreSQL."""

from __future__ import annotations

import pytest
from storage_tests.utils.event_log_storage import TestEventLogStorage

from dagster.utils.test.run_storage import TestRunStorage
from dagster.utils.test.schedule_storage import TestScheduleStorage

pytestmark = pytest.mark.postgres


class TestPostgresRunStorage(TestRunStorage):
    @pytest.fixture
    def storage(self, run_storage):
        return run_storage


class TestPostgresEventLogStorage(TestEventLogStorage):
    @pytest.fixture
    def storage(self, event_storage):
        return event_storage


class TestPostgresScheduleStorage(TestScheduleStorage):
    @pytest.fixture
    def storage(self, schedule_storage):
        return schedule_storage
