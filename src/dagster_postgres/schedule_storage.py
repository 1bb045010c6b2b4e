"""``PostgresScheduleStorage``: schedules and their ticks in PostgreSQL, with the SQL of
:class:`~dagster.core.storage.schedules.sql_schedule_storage.SqlScheduleStorage`."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.schedules.schema import SCHEDULE_STORAGE_TABLE_NAMES, ScheduleStorageSqlMetadata
from dagster.core.storage.schedules.sql_schedule_storage import SqlScheduleStorage
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster_postgres.database import PostgresDatabase
from dagster_postgres.utils import pg_config, pg_url_from_config


class PostgresScheduleStorage(SqlScheduleStorage, ConfigurableClass):
    """Config: ``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`)."""

    def __init__(self, postgres_url: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.postgres_url = check.str_param(postgres_url, "postgres_url")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._db = PostgresDatabase(postgres_url, ScheduleStorageSqlMetadata, SCHEDULE_STORAGE_TABLE_NAMES)

    def __repr__(self) -> str:
        return f"PostgresScheduleStorage({self._db!r})"

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> Any:
        return pg_config()

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> PostgresScheduleStorage:
        return PostgresScheduleStorage(pg_url_from_config(config_value), inst_data=inst_data)

    @staticmethod
    def create_clean_storage(postgres_url: str) -> PostgresScheduleStorage:
        """Drop the schedule tables (every schedule and tick is lost) and return a storage on fresh ones."""
        storage = PostgresScheduleStorage(postgres_url)
        storage._db.drop_tables()
        storage._db.ensure_schema()
        return storage

    def connect(self) -> AbstractContextManager[Connection]:
        return self._db.connect()

    def schema_revision(self) -> str | None:
        """The schema revision stamped in the database (None before the first use)."""
        return self._db.revision()

    def upgrade(self) -> None:
        self._db.upgrade()

    def dispose(self) -> None:
        self._db.dispose()
