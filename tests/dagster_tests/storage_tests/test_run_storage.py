"""The shared run storage suite against the in-memory and SQLite storages."""

from __future__ import annotations

import pytest

from dagster.core.storage.runs import InMemoryRunStorage, SqliteRunStorage
from dagster.utils.test.run_storage import TestRunStorage


class TestInMemoryRunStorage(TestRunStorage):
    @pytest.fixture
    def storage(self):
        yield InMemoryRunStorage()


class TestSqliteRunStorage(TestRunStorage):
    @pytest.fixture
    def storage(self, tmp_path):
        storage = SqliteRunStorage.from_local(str(tmp_path))
        yield storage
        storage.dispose()
