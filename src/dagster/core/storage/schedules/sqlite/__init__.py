"""SQLite schedule storage: ``<base_dir>/schedules.db``."""

from dagster.core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage

__all__ = ["SqliteScheduleStorage"]
