"""SQLite event log storage: one database, ``<base_dir>/events.db``, for the events of every run."""

from dagster.core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

__all__ = ["SqliteEventLogStorage"]
