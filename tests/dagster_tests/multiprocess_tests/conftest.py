"""Idle worker pools stop after 1 s in these tests, so that checks for leftover processes are quick."""

from __future__ import annotations

import pytest

from dagster.core.engine import multiprocess_pool


@pytest.fixture(autouse=True)
def short_idle_pools(monkeypatch):
    monkeypatch.setattr(multiprocess_pool, "IDLE_SECONDS", 1.0)
