"""Event log storage in one SQLite file for all runs: ``<base_dir>/events.db``.

Dagster 0.7 kept one SQLite file per run in ``base_dir`` and opened a connection per write, which
ran out of file handles with many runs and serialized badly. Here every run's events go to one
table (indexed by run id and row id) in one WAL database, through one connection pool per
process. A ``base_dir`` that still holds 0.7's per-run files raises
``DagsterInstanceMigrationRequired``; :meth:`SqliteEventLogStorage.upgrade` imports them (see
``legacy.py``).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.errors import DagsterInstanceMigrationRequired
from dagster.core.storage.event_log.schema import EVENT_LOG_TABLE_NAMES, SqlEventLogStorageMetadata
from dagster.core.storage.event_log.sql_event_log import SqlEventLogStorage, event_type_and_asset_key
from dagster.core.storage.event_log.sqlite.legacy import (
    EVENTS_DB_NAME,
    check_legacy_run_files,
    import_legacy_run_files,
    legacy_revision,
    legacy_run_files,
)
from dagster.core.storage.sql import (
    EVENT_LOG_07_REVISION,
    SqliteDatabase,
    head_revision,
    run_in_transaction,
    sqlite_url,
)
from dagster.core.storage.sqlite_errors import ensure_storage_dir
from dagster.serdes import ConfigurableClass, ConfigurableClassData, serialize_dagster_namedtuple

# The SQLite form of SqlEventLogStorageTable.insert(); timestamps in SQLAlchemy's SQLite DATETIME format.
_INSERT_SQL = (
    "INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key, asset_key) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_DIRECTORY_ROLE = "the event log directory "


class SqliteEventLogStorage(SqlEventLogStorage, ConfigurableClass):
    """Config: ``{base_dir: str}``."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__()
        self._base_dir = os.path.abspath(check.str_param(base_dir, "base_dir"))
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._db = SqliteDatabase(
            sqlite_url(os.path.join(self._base_dir, EVENTS_DB_NAME)),
            SqlEventLogStorageMetadata,
            EVENT_LOG_TABLE_NAMES,
        )
        self._layout_checked = False

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
        return self._db.conn_string

    def path_for_run_id(self, run_id: str) -> str:
        """The database file holding ``run_id``'s events (the same file for every run)."""
        return self._db.path

    def conn_string_for_run_id(self, run_id: str) -> str:
        return self._db.conn_string

    def schema_revision(self) -> str | None:
        """The schema revision of ``events.db``; before a 0.7 layout is converted, the revision of
        its per-run files; None when there is nothing yet."""
        revision = self._db.revision()
        if revision is None:
            legacy = self.legacy_run_files()
            if legacy:
                return legacy_revision(legacy[0])
        return revision

    def legacy_run_files(self) -> list[str]:
        """Dagster 0.7 per-run event files still waiting to be imported by :meth:`upgrade`."""
        return legacy_run_files(self._base_dir)

    def check_upgradable(self) -> None:
        """Raise, writing nothing, if :meth:`upgrade` could not finish (an unreadable or newer file)."""
        check_legacy_run_files(self._base_dir)

    def dispose(self) -> None:
        super().dispose()
        self._db.dispose()

    def _check_layout(self) -> None:
        ensure_storage_dir(self._base_dir, _DIRECTORY_ROLE)
        legacy = self.legacy_run_files()
        if legacy:
            raise DagsterInstanceMigrationRequired(
                f"The event logs in {self._base_dir} are in the Dagster 0.7 layout ({len(legacy)} "
                "database file(s), one per run), which this version reads only after converting them.",
                db_revision=f"{EVENT_LOG_07_REVISION} (0.7, one file per run)",
                head_revision=head_revision(),
            )
        self._layout_checked = True

    @contextmanager
    def connect(self, run_id: str | None = None) -> Iterator[Connection]:
        if not self._layout_checked:
            self._check_layout()
        with self._db.connect() as conn:
            yield conn

    def store_event(self, event: Any) -> None:
        self.store_events([event])

    def store_events(self, events: list[Any]) -> None:
        # The hot path: one prepared DBAPI statement per event, in one transaction (rows as event_row).
        if not events:
            return
        if not self._layout_checked:
            self._check_layout()
        self._db.execute_write(_INSERT_SQL, [_insert_params(event) for event in events])

    def upgrade(self, print_fn: Callable[[str], Any] | None = None) -> None:
        """Bring ``events.db`` to our head revision and import any 0.7 per-run files (idempotent).

        Each per-run file is imported in one transaction and then moved to
        ``<base_dir>/.pre-migration-0.7/``; an interrupted upgrade resumes where it stopped.
        """
        report = print_fn or (lambda _message: None)
        ensure_storage_dir(self._base_dir, _DIRECTORY_ROLE)
        before = self._db.revision()
        self._db.upgrade()
        if before is not None and before != head_revision():
            report(f"Upgraded {self._db.path} from schema {before} to {head_revision()}.")
        import_legacy_run_files(
            self._base_dir, lambda fn: run_in_transaction(self._db.raw_connect, fn, write=True), report
        )
        self._layout_checked = False


def _insert_params(event: Any) -> tuple:
    """The values of ``_INSERT_SQL`` for one record (the columns of ``event_row``)."""
    event_type, asset_key = event_type_and_asset_key(event)
    return (
        event.run_id,
        serialize_dagster_namedtuple(event),
        event_type,
        _timestamp_text(event.timestamp),
        event.step_key,
        asset_key,
    )


# The text of the last whole second formatted, as (second, "YYYY-MM-DD HH:MM:SS"): events come in
# bursts within one second, and formatting a datetime costs more than the rest of a row.
_last_second: tuple[int, str] = (-1, "")


def _timestamp_text(timestamp: float) -> str:
    """``timestamp`` (seconds since the epoch) as SQLAlchemy stores a naive UTC DATETIME in SQLite."""
    global _last_second
    second = math.floor(timestamp)
    micros = round((timestamp - second) * 1_000_000)
    if micros == 1_000_000:
        second, micros = second + 1, 0
    cached_second, text = _last_second
    if second != cached_second:
        text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
        _last_second = (second, text)
    return f"{text}.{micros:06d}"
