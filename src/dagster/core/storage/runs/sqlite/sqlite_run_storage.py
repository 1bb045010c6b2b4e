"""Run storage in one SQLite file, ``<base_dir>/runs.db``, shared by every process of the instance."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.runs.schema import RUN_STORAGE_TABLE_NAMES, RunStorageSqlMetadata
from dagster.core.storage.runs.sql_run_storage import SqlRunStorage
from dagster.core.storage.sql import SqliteDatabase, sqlite_url
from dagster.core.storage.sqlite_errors import ensure_storage_dir
from dagster.serdes import ConfigurableClass, ConfigurableClassData


class SqliteRunStorage(SqlRunStorage, ConfigurableClass):
    """Config: ``{base_dir: str}``. The schema is created on first use (and checked: an older
    schema raises ``DagsterInstanceMigrationRequired`` until :meth:`upgrade` is run)."""

    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._db = SqliteDatabase(
            check.str_param(conn_string, "conn_string"), RunStorageSqlMetadata, RUN_STORAGE_TABLE_NAMES
        )

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> Any:
        return {"base_dir": str}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> SqliteRunStorage:
        return SqliteRunStorage.from_local(inst_data=inst_data, **config_value)

    @staticmethod
    def from_local(base_dir: str, inst_data: ConfigurableClassData | None = None) -> SqliteRunStorage:
        ensure_storage_dir(base_dir, "the run storage directory ")
        return SqliteRunStorage(sqlite_url(os.path.join(base_dir, "runs.db")), inst_data)

    @property
    def database_url(self) -> str:
        return self._db.conn_string

    @property
    def path(self) -> str:
        return self._db.path

    def schema_revision(self) -> str | None:
        """The schema revision stamped in the file (None if it does not exist yet)."""
        return self._db.revision()

    def connect(self) -> AbstractContextManager[Connection]:
        return self._db.connect()

    def upgrade(self) -> None:
        self._db.upgrade()

    def dispose(self) -> None:
        self._db.dispose()
