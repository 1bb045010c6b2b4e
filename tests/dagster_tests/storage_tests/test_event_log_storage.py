"""The shared event log suite against the in-memory and SQLite storages."""

from __future__ import annotations

import pytest

from dagster.core.storage.event_log import InMemoryEventLogStorage, SqliteEventLogStorage

from .utils.event_log_storage import TestEventLogStorage


class TestInMemoryEventLogStorage(TestEventLogStorage):
    is_persistent = False

    @pytest.fixture
    def storage(self):
        yield InMemoryEventLogStorage()


class TestSqliteEventLogStorage(TestEventLogStorage):
    @pytest.fixture
    def storage(self, tmp_path):
        storage = SqliteEventLogStorage(str(tmp_path))
        yield storage
        storage.dispose()
