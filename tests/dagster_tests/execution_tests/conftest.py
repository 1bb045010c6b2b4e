"""Fixtures for execution tests."""

from __future__ import annotations

import pytest

from dagster.core.instance import DagsterInstance


@pytest.fixture
def instance() -> DagsterInstance:
    return DagsterInstance.ephemeral()
