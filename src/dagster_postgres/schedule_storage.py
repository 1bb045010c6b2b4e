"""``PostgresScheduleStorage``: schedules and their ticks in PostgreSQL, with the SQL of
:class:`~dagster.core.storage.schedules.sql_schedule_storage.SqlScheduleStorage`."""

from __future__ import annotations

from dagster.core.storage.schedules.schema import SCHEDULE_STORAGE_TABLE_NAMES, ScheduleStorageSqlMetadata
from dagster.core.storage.schedules.sql_schedule_storage import SqlScheduleStorage
from dagster_postgres.storage_base import PostgresStorage


class PostgresScheduleStorage(PostgresStorage, SqlScheduleStorage):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`)."""

    schema_metadata = ScheduleStorageSqlMetadata
    schema_table_names = SCHEDULE_STORAGE_TABLE_NAMES
