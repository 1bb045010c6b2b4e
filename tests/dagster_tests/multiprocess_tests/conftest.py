"""Each test starts without idle worker pools, and idle pools stop after 1 s, so that checks for
leftover processes are quick and no test gets another test's workers."""

from __future__ import annotations

import pytest

from dagster.core.engine import multiprocess_pool


@pytest.fixture(autouse=True)
def fresh_short_lived_pools(monkeypatch):
    multiprocess_pool.stop_idle_pools()
    monkeypatch.setattr(multiprocess_pool, "IDLE_SECONDS", 1.0)
    yield
    multiprocess_pool.stop_idle_pools()
