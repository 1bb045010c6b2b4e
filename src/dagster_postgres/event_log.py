"""``PostgresEventLogStorage``: the events of every run in one ``event_logs`` table.

The SQL is :class:`~dagster.core.storage.event_log.sql_event_log.SqlEventLogStorage`'s (the same
as SQLite's); this class adds the connection, one-round-trip ``store_event`` and ``store_events``
(a group of events is one INSERT of all its rows: one statement, so one transaction and one WAL
flush with the server's default ``synchronous_commit = on``), and watching
through LISTEN/NOTIFY (``notify.py``): a trigger notifies channel ``run_events`` with the run id
of every inserted event, so any process or machine sees new events as they commit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.event_log.base import EventCallback
from dagster.core.storage.event_log.schema import (
    ASSET_KEY_INDEX,
    EVENT_LOG_TABLE_NAMES,
    HAS_ASSET_KEY,
    SqlEventLogStorageMetadata,
)
from dagster.core.storage.event_log.sql_event_log import SqlEventLogStorage, event_row
from dagster_postgres.notify import CHANNEL, notifier
from dagster_postgres.storage_base import PostgresStorage

# Only rows with an asset key (materializations) are indexed, as on SQLite.
ASSET_KEY_INDEX.dialect_kwargs["postgresql_where"] = HAS_ASSET_KEY

_COLUMNS = ("run_id", "event", "dagster_event_type", "timestamp", "step_key", "asset_key")
# PostgreSQL takes at most 65535 parameters in one statement.
MAX_ROWS_PER_INSERT = (65535 - 2) // len(_COLUMNS)

T = TypeVar("T")


# Writers of one run take turns: a transaction-scoped advisory lock per run, taken before the
# INSERT draws row ids. So a run's row ids follow the order its events commit in, and a reader of
# "rows after id N" (a watch, a cursor) never sees a later id before an earlier one commits.
RUN_LOCK_CLASS = 0x0DA6
_LOCK_RUN_SQL = "SELECT pg_advisory_xact_lock(%s, hashtext(%s))"


@functools.lru_cache(maxsize=32)
def insert_sql(row_count: int) -> str:
    """One statement taking the locks of a sorted array of run ids (the first two parameters:
    ``RUN_LOCK_CLASS`` and the array), then inserting ``row_count`` events (the parameters after,
    row after row). The ids are drawn in the projection of the join with the lock's one-row CTE,
    so after the locks are held; PostgreSQL numbers the rows of a VALUES list in the order written,
    so ids follow the events' order. Each size has its own text; psycopg prepares a text on the
    server once it has been sent 5 times."""
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    columns = ", ".join(_COLUMNS)
    return (
        "WITH run_locks AS MATERIALIZED (SELECT count(pg_advisory_xact_lock(%s, hashtext(locked))) "
        "FROM unnest(%s::text[]) AS locked) "
        f"INSERT INTO event_logs ({columns}) SELECT new_rows.* FROM run_locks, "
        f"(VALUES {', '.join([row] * row_count)}) AS new_rows ({columns})"
    )


_AFTER_ROW_SQL = "SELECT id, event FROM event_logs WHERE run_id = %s AND id > %s ORDER BY id"

NOTIFY_TRIGGER = "event_logs_notify"
_NOTIFY_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION dagster_notify_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', NEW.run_id);
    RETURN NULL;
END
$$
"""
_NOTIFY_TRIGGER_SQL = (
    f"CREATE TRIGGER {NOTIFY_TRIGGER} AFTER INSERT ON event_logs "
    "FOR EACH ROW WHEN (NEW.run_id IS NOT NULL) EXECUTE PROCEDURE dagster_notify_run_event()"
)


def install_notify_trigger(conn: Connection) -> None:
    """Create the trigger that notifies ``run_events`` of each new event, unless it exists.

    (Notifications with the same payload in one transaction are delivered once by PostgreSQL, so
    a bulk insert of one run's events sends one.)
    """
    exists = conn.exec_driver_sql(
        f"SELECT 1 FROM pg_trigger WHERE tgname = '{NOTIFY_TRIGGER}' AND tgrelid = 'event_logs'::regclass"
    ).first()
    if not exists:
        conn.exec_driver_sql(_NOTIFY_FUNCTION_SQL)
        conn.exec_driver_sql(_NOTIFY_TRIGGER_SQL)


class PostgresEventLogStorage(PostgresStorage, SqlEventLogStorage):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`)."""

    schema_metadata = SqlEventLogStorageMetadata
    schema_table_names = EVENT_LOG_TABLE_NAMES
    schema_hook = staticmethod(install_notify_trigger)

    def store_event(self, event: Any) -> None:
        self.store_events([event])

    def store_events(self, events: list[Any]) -> None:
        """Store ``events`` in order, all or none: one statement (the locks of their runs, see
        ``RUN_LOCK_CLASS``, and the INSERT), so one round trip and one commit (groups beyond
        ``MAX_ROWS_PER_INSERT`` take several statements in one transaction).
        Watchers are notified when the group commits and read its rows in order."""
        run_ids = sorted({event.run_id for event in events if event.run_id is not None})
        statements = []
        for start in range(0, len(events), MAX_ROWS_PER_INSERT):
            chunk = events[start : start + MAX_ROWS_PER_INSERT]
            params: list[Any] = [RUN_LOCK_CLASS, run_ids]
            for event in chunk:
                row = event_row(event)
                params.extend(row[column] for column in _COLUMNS)
            statements.append((insert_sql(len(chunk)), params))
        if events:
            self._db.execute_write(statements)

    def _write(self, fn: Callable[[Connection], T], run_id: str | None = None) -> T:
        # The other writes of a run's events (with its status, record updates) take its lock too.
        if run_id is None:
            return super()._write(fn)

        def _locked(conn: Connection) -> T:
            conn.exec_driver_sql(_LOCK_RUN_SQL, (RUN_LOCK_CLASS, run_id))
            return fn(conn)

        return super()._write(_locked, run_id)

    def logs_after_row_id(self, run_id: str, row_id: int) -> list[tuple[int, Any]]:
        # What the listener reads on each notification: one statement, one round trip.
        rows = self._db.execute_read(_AFTER_ROW_SQL, (run_id, row_id))
        return list(zip([row[0] for row in rows], self._deserialize_many(run_id, [row[1] for row in rows])))

    def watch(self, run_id: str, start_cursor: int, callback: EventCallback) -> None:
        check.str_param(run_id, "run_id")
        check.int_param(start_cursor, "start_cursor")
        check.callable_param(callback, "callback")
        notifier().watch(self, self._db.conn_string, run_id, start_cursor, callback)

    def end_watch(self, run_id: str, handler: EventCallback) -> None:
        notifier().end_watch(self._db.conn_string, run_id, handler)

    def dispose(self) -> None:
        notifier().end_watches_of(self)
        super().dispose()
