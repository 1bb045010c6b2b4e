"""``PostgresScheduleStorage``: schedules and their ticks in PostgreSQL, with the SQL of
:class:`~dagster.core.storage.schedules.sql_schedule_storage.SqlScheduleStorage`."""

from __future__ import annotations

import sqlalchemy as db
from sqlalchemy.engine import Connection

from dagster.core.storage.schedules.schema import SCHEDULE_STORAGE_TABLE_NAMES, ScheduleStorageSqlMetadata
from dagster.core.storage.schedules.sql_schedule_storage import SqlScheduleStorage
from dagster_postgres.storage_base import PostgresStorage


class PostgresScheduleStorage(PostgresStorage, SqlScheduleStorage):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`)."""

    schema_metadata = ScheduleStorageSqlMetadata
    schema_table_names = SCHEDULE_STORAGE_TABLE_NAMES

    def _take_turns_claiming(self, conn: Connection, repository_name: str, schedule_name: str) -> None:
        # A transaction-scoped advisory lock per schedule: claims of one schedule's ticks run one
        # after the other, and the lock goes with the transaction.
        key = db.func.hashtext(f"dagster schedule tick: {repository_name}.{schedule_name}")
        conn.execute(db.select(db.func.pg_advisory_xact_lock(key)))
