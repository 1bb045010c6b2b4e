"""Event log storages: the interface, in-memory, SQL (any SQLAlchemy backend) and SQLite.

The SQL names are imported on first use, so ``import dagster`` does not load SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

from dagster.core.storage.event_log.base import EventLogStorage
from dagster.core.storage.event_log.in_memory import InMemoryEventLogStorage

_LAZY = {
    "SqlEventLogStorage": "dagster.core.storage.event_log.sql_event_log",
    "SqlEventLogStorageMetadata": "dagster.core.storage.event_log.schema",
    "SqlEventLogStorageTable": "dagster.core.storage.event_log.schema",
    "SqliteEventLogStorage": "dagster.core.storage.event_log.sqlite",
}

__all__ = [
    "EventLogStorage",
    "InMemoryEventLogStorage",
    "SqlEventLogStorage",
    "SqlEventLogStorageMetadata",
    "SqlEventLogStorageTable",
    "SqliteEventLogStorage",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
