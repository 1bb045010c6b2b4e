"""``PostgresRunStorage``: runs, tags and snapshots in PostgreSQL, with the SQL of
:class:`~dagster.core.storage.runs.sql_run_storage.SqlRunStorage` (the same as SQLite's)."""

from __future__ import annotations

from dagster.core.storage.runs.schema import RUN_STORAGE_TABLE_NAMES, RunStorageSqlMetadata
from dagster.core.storage.runs.sql_run_storage import SqlRunStorage
from dagster_postgres.storage_base import PostgresStorage


class PostgresRunStorage(PostgresStorage, SqlRunStorage):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`).

    When the event log storage uses the same database, a pipeline event and the run status it
    implies are written in one transaction (``SqlEventLogStorage.store_event_with_run_status``).
    """

    schema_metadata = RunStorageSqlMetadata
    schema_table_names = RUN_STORAGE_TABLE_NAMES
