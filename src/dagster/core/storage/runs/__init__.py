"""Run storages: the interface, in-memory, SQL (any SQLAlchemy backend) and SQLite.

The SQL classes are imported on first use, so ``import dagster`` does not load SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

from dagster.core.storage.runs.base import RunStorage
from dagster.core.storage.runs.in_memory import InMemoryRunStorage

_LAZY = {
    "SqlRunStorage": "dagster.core.storage.runs.sql_run_storage",
    "SqliteRunStorage": "dagster.core.storage.runs.sqlite",
}

__all__ = ["InMemoryRunStorage", "RunStorage", "SqlRunStorage", "SqliteRunStorage"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
