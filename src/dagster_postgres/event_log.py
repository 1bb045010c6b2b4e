"""``PostgresEventLogStorage``: the events of every run in one ``event_logs`` table.

The SQL is :class:`~dagster.core.storage.event_log.sql_event_log.SqlEventLogStorage`'s (the same
as SQLite's); this class adds the connection, a one-round-trip ``store_event``, and watching
through LISTEN/NOTIFY (``notify.py``): a trigger notifies channel ``run_events`` with the run id
of every inserted event, so any process or machine sees new events as they commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.event_log.base import EventCallback
from dagster.core.storage.event_log.schema import EVENT_LOG_TABLE_NAMES, SqlEventLogStorageMetadata
from dagster.core.storage.event_log.sql_event_log import SqlEventLogStorage, event_row
from dagster_postgres.notify import CHANNEL, notifier
from dagster_postgres.storage_base import PostgresStorage

# SqlEventLogStorageTable.insert() for psycopg, sent as one autocommit statement.
_INSERT_SQL = (
    "INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key, asset_key) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)

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
        row = event_row(event)
        self._db.execute_write(
            _INSERT_SQL,
            (
                row["run_id"],
                row["event"],
                row["dagster_event_type"],
                row["timestamp"],
                row["step_key"],
                row["asset_key"],
            ),
        )

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
