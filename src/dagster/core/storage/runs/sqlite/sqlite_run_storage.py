"""Run storage in one SQLite file, ``<base_dir>/runs.db``, shared by every process of the instance."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.runs.schema import RUN_STORAGE_TABLE_NAMES, RunStorageSqlMetadata
from dagster.core.storage.runs.sql_run_storage import SqlRunStorage
from dagster.core.storage.sql import (
    create_engine,
    ensure_schema,
    forget_schema_checks,
    run_in_transaction,
    sqlite_url,
    upgrade_to_head,
)
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster.utils import ensure_dir


class SqliteRunStorage(SqlRunStorage, ConfigurableClass):
    """Config: ``{base_dir: str}``. The schema is created on first use (and checked: an older
    schema raises ``DagsterInstanceMigrationRequired`` until :meth:`upgrade` is run)."""

    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._conn_string = check.str_param(conn_string, "conn_string")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._engine = create_engine(self._conn_string)
        self._path = self._engine.url.database or self._conn_string

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
        ensure_dir(base_dir)
        return SqliteRunStorage(sqlite_url(os.path.join(base_dir, "runs.db")), inst_data)

    @property
    def database_url(self) -> str:
        return self._conn_string

    @contextmanager
    def _raw_connect(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        ensure_schema(
            self._raw_connect, self._conn_string, RunStorageSqlMetadata, RUN_STORAGE_TABLE_NAMES, self._path
        )
        with self._raw_connect() as conn:
            yield conn

    def upgrade(self) -> None:
        run_in_transaction(self._raw_connect, upgrade_to_head, write=True)
        forget_schema_checks(self._conn_string)
