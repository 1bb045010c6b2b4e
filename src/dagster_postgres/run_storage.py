"""``PostgresRunStorage``: runs, tags and snapshots in PostgreSQL, with the SQL of
:class:`~dagster.core.storage.runs.sql_run_storage.SqlRunStorage` (the same as SQLite's)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.runs.schema import RUN_STORAGE_TABLE_NAMES, RunStorageSqlMetadata
from dagster.core.storage.runs.sql_run_storage import SqlRunStorage
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster_postgres.database import PostgresDatabase
from dagster_postgres.utils import pg_config, pg_url_from_config


class PostgresRunStorage(SqlRunStorage, ConfigurableClass):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`).

    When the event log storage uses the same database, a pipeline event and the run status it
    implies are written in one transaction (``SqlEventLogStorage.store_event_with_run_status``).
    """

    def __init__(self, postgres_url: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.postgres_url = check.str_param(postgres_url, "postgres_url")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._db = PostgresDatabase(postgres_url, RunStorageSqlMetadata, RUN_STORAGE_TABLE_NAMES)

    def __repr__(self) -> str:
        return f"PostgresRunStorage({self._db!r})"

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> Any:
        return pg_config()

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> PostgresRunStorage:
        return PostgresRunStorage(pg_url_from_config(config_value), inst_data=inst_data)

    @staticmethod
    def create_clean_storage(postgres_url: str) -> PostgresRunStorage:
        """Drop the run tables (every run, tag and snapshot is lost) and return a storage on fresh ones."""
        storage = PostgresRunStorage(postgres_url)
        storage._db.drop_tables()
        storage._db.ensure_schema()
        return storage

    @property
    def database_url(self) -> str:
        return self._db.conn_string

    def connect(self) -> AbstractContextManager[Connection]:
        return self._db.connect()

    def schema_revision(self) -> str | None:
        """The schema revision stamped in the database (None before the first use)."""
        return self._db.revision()

    def upgrade(self) -> None:
        self._db.upgrade()

    def dispose(self) -> None:
        self._db.dispose()
