"""Schedule storages (the interface, SQL for any SQLAlchemy backend, SQLite) and their stored records.

The SQL classes are imported on first use, so ``import dagster`` does not load SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

from dagster.core.storage.schedules.base import ScheduleStorage
from dagster.core.storage.schedules.records import (
    Schedule,
    ScheduleStatus,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
    ScheduleTickStatus,
)

_LAZY = {
    "SqlScheduleStorage": "dagster.core.storage.schedules.sql_schedule_storage",
    "SqliteScheduleStorage": "dagster.core.storage.schedules.sqlite",
}

__all__ = [
    "Schedule",
    "ScheduleStatus",
    "ScheduleStorage",
    "ScheduleTick",
    "ScheduleTickData",
    "ScheduleTickStatsSnapshot",
    "ScheduleTickStatus",
    "SqlScheduleStorage",
    "SqliteScheduleStorage",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
