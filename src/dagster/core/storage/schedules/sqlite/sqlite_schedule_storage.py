"""Schedule storage in one SQLite file, ``<base_dir>/schedules.db``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.storage.schedules.schema import SCHEDULE_STORAGE_TABLE_NAMES, ScheduleStorageSqlMetadata
from dagster.core.storage.schedules.sql_schedule_storage import SqlScheduleStorage
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


class SqliteScheduleStorage(SqlScheduleStorage, ConfigurableClass):
    """Config: ``{base_dir: str}``."""

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
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> SqliteScheduleStorage:
        return SqliteScheduleStorage.from_local(inst_data=inst_data, **config_value)

    @staticmethod
    def from_local(base_dir: str, inst_data: ConfigurableClassData | None = None) -> SqliteScheduleStorage:
        ensure_dir(base_dir)
        return SqliteScheduleStorage(sqlite_url(os.path.join(base_dir, "schedules.db")), inst_data)

    @contextmanager
    def _raw_connect(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        ensure_schema(
            self._raw_connect,
            self._conn_string,
            ScheduleStorageSqlMetadata,
            SCHEDULE_STORAGE_TABLE_NAMES,
            self._path,
        )
        with self._raw_connect() as conn:
            yield conn

    def upgrade(self) -> None:
        run_in_transaction(self._raw_connect, upgrade_to_head, write=True)
        forget_schema_checks(self._conn_string)
