"""SQLite run storage: ``<base_dir>/runs.db``."""

from dagster.core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage

__all__ = ["SqliteRunStorage"]
