"""Event log storage in one SQLite file for all runs: ``<base_dir>/events.db``.

Dagster 0.7 kept one SQLite file per run in ``base_dir`` and opened a connection per write, which
ran out of file handles with many runs and serialized badly. Here every run's events go to one
table (indexed by run id and row id) in one WAL database, through one connection pool per
process. A ``base_dir`` that still holds 0.7's per-run files raises
``DagsterInstanceMigrationRequired``; :meth:`SqliteEventLogStorage.upgrade` imports them (see
``legacy.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.errors import DagsterInstanceMigrationRequired
from dagster.core.storage.event_log.schema import EVENT_LOG_TABLE_NAMES, SqlEventLogStorageMetadata
from dagster.core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster.core.storage.event_log.sqlite.legacy import import_legacy_run_files, legacy_run_files
from dagster.core.storage.sql import (
    create_engine,
    current_revision,
    ensure_schema,
    forget_schema_checks,
    head_revision,
    run_in_transaction,
    sqlite_url,
    upgrade_to_head,
)
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster.utils import ensure_dir

EVENTS_DB_NAME = "events.db"


class SqliteEventLogStorage(SqlEventLogStorage, ConfigurableClass):
    """Config: ``{base_dir: str}``."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__()
        self._base_dir = os.path.abspath(check.str_param(base_dir, "base_dir"))
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._path = os.path.join(self._base_dir, EVENTS_DB_NAME)
        self._conn_string = sqlite_url(self._path)
        self._engine = create_engine(self._conn_string)
        self._checked = False

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> Any:
        return {"base_dir": str}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> SqliteEventLogStorage:
        return SqliteEventLogStorage(inst_data=inst_data, **config_value)

    @property
    def database_url(self) -> str:
        return self._conn_string

    def path_for_run_id(self, run_id: str) -> str:
        """The database file holding ``run_id``'s events (the same file for every run)."""
        return self._path

    def conn_string_for_run_id(self, run_id: str) -> str:
        return self._conn_string

    @contextmanager
    def _raw_connect(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            yield conn

    def _check(self) -> None:
        legacy = legacy_run_files(self._base_dir)
        if legacy:
            raise DagsterInstanceMigrationRequired(
                f"The event logs in {self._base_dir} are in the Dagster 0.7 layout "
                f"({len(legacy)} database file(s), one per run), which this version reads only after converting them.",
                db_revision="c39c047fa021 (0.7, one file per run)",
                head_revision=head_revision(),
            )
        ensure_dir(self._base_dir)
        ensure_schema(
            self._raw_connect,
            self._conn_string,
            SqlEventLogStorageMetadata,
            EVENT_LOG_TABLE_NAMES,
            self._path,
        )
        self._checked = True

    @contextmanager
    def connect(self, run_id: str | None = None) -> Iterator[Connection]:
        if not self._checked:
            self._check()
        with self._raw_connect() as conn:
            yield conn

    def upgrade(self, print_fn: Callable[[str], Any] | None = None) -> None:
        """Bring ``events.db`` to our head revision and import any 0.7 per-run files (idempotent).

        Each per-run file is imported in one transaction and then moved to
        ``<base_dir>/.pre-migration-0.7/``; an interrupted upgrade resumes where it stopped.
        """
        report = print_fn or (lambda _message: None)
        ensure_dir(self._base_dir)
        if os.path.exists(self._path):
            with self._raw_connect() as conn:
                before = current_revision(conn)
            if before is not None and before != head_revision():
                run_in_transaction(self._raw_connect, upgrade_to_head, write=True)
                report(f"Upgraded {self._path} from schema {before} to {head_revision()}.")
        forget_schema_checks(self._conn_string)
        ensure_schema(
            self._raw_connect,
            self._conn_string,
            SqlEventLogStorageMetadata,
            EVENT_LOG_TABLE_NAMES,
            self._path,
        )
        import_legacy_run_files(
            self._base_dir, lambda fn: run_in_transaction(self._raw_connect, fn, write=True), report
        )
        self._checked = False
