"""Event log storage on SQLAlchemy Core, for any backend (SQLite and PostgreSQL subclass it)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import sqlalchemy as db
from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.errors import DagsterEventLogInvalidForRun
from dagster.core.events.log import DagsterEventRecord, EventRecord, LogMessageRecord
from dagster.core.storage.event_log.base import (
    EventCallback,
    EventLogStorage,
    stats_from_records,
    step_stats_from_records,
)
from dagster.core.storage.event_log.polling import PollingEventWatcher
from dagster.core.storage.event_log.record_cache import RecordCache
from dagster.core.storage.event_log.schema import SqlEventLogStorageTable
from dagster.core.storage.pipeline_run import (
    PIPELINE_EVENT_STATUS,
    PipelineRunStatsSnapshot,
    PipelineRunStatus,
    RunStepKeyStatsSnapshot,
)
from dagster.core.storage.sql import run_in_transaction, utc_datetime_from_timestamp
from dagster.serdes import (
    SerdesClassUsageError,
    deserialize_json_to_dagster_namedtuple,
    deserialize_values,
    serialize_dagster_namedtuple,
)

T = TypeVar("T")

_COUNTED_TYPES = ("STEP_SUCCESS", "STEP_FAILURE", "STEP_MATERIALIZATION", "STEP_EXPECTATION_RESULT")
_STEP_STAT_TYPES = (
    "STEP_START",
    "STEP_SUCCESS",
    "STEP_FAILURE",
    "STEP_SKIPPED",
    "STEP_MATERIALIZATION",
    "STEP_EXPECTATION_RESULT",
)
_INSERT = SqlEventLogStorageTable.insert()
_RECORD_TYPES = frozenset({EventRecord, DagsterEventRecord, LogMessageRecord})


def event_type_and_asset_key(event: Any) -> tuple[str | None, str | None]:
    """The ``dagster_event_type`` and ``asset_key`` columns of one EventRecord (only
    materializations have an asset key)."""
    dagster_event = event.dagster_event
    if dagster_event is None:
        return None, None
    event_type = dagster_event.event_type_value
    return event_type, dagster_event.asset_key if event_type == "STEP_MATERIALIZATION" else None


def event_row(event: Any) -> dict[str, Any]:
    """The column values of one EventRecord."""
    event_type, asset_key = event_type_and_asset_key(event)
    return {
        "run_id": event.run_id,
        "event": serialize_dagster_namedtuple(event),
        "dagster_event_type": event_type,
        "timestamp": utc_datetime_from_timestamp(event.timestamp),
        "step_key": event.step_key,
        "asset_key": asset_key,
    }


class SqlEventLogStorage(EventLogStorage):
    """Implements :class:`EventLogStorage` in SQL. Subclasses provide :meth:`connect` and
    :meth:`upgrade`; watching polls the table from one background thread per storage (subclasses
    with a notification channel, such as PostgreSQL's LISTEN, may override ``watch``/``end_watch``)."""

    def __init__(self) -> None:
        self._watcher: PollingEventWatcher | None = None
        self._record_cache = RecordCache()

    @abstractmethod
    def connect(self, run_id: str | None = None) -> AbstractContextManager[Connection]:
        """A context manager yielding a connection to the database holding ``run_id``'s events."""

    @abstractmethod
    def upgrade(self) -> None:
        """Migrate the schema to the current version."""

    @property
    def database_url(self) -> str | None:
        """Identifies the database, so that run storage in the same database can share transactions."""
        return None

    @property
    def is_persistent(self) -> bool:
        return True

    def _read(self, fn: Callable[[Connection], T], run_id: str | None = None) -> T:
        return run_in_transaction(lambda: self.connect(run_id), fn)

    def _write(self, fn: Callable[[Connection], T], run_id: str | None = None) -> T:
        return run_in_transaction(lambda: self.connect(run_id), fn, write=True)

    # -- writing -----------------------------------------------------------------------------

    def prepare_insert_statement(self, event: Any) -> Any:
        return SqlEventLogStorageTable.insert().values(**event_row(event))

    def store_event(self, event: Any) -> None:
        row = event_row(event)
        self._write(lambda conn: conn.execute(_INSERT, row), event.run_id)

    def store_events(self, events: list[Any]) -> None:
        if not events:
            return
        rows = [event_row(event) for event in events]
        self._write(lambda conn: conn.execute(_INSERT, rows), events[0].run_id)

    def store_event_with_run_status(
        self, event: Any, run_storage: Any, new_run_tags: dict[str, str] | None = None
    ) -> None:
        """Store ``event``; for a PIPELINE_START/SUCCESS/FAILURE also update the run's status. When
        the run storage lives in the same database, both happen in one transaction."""
        from dagster.core.storage.runs.sql_run_storage import SqlRunStorage

        dagster_event = event.dagster_event
        status = (
            PIPELINE_EVENT_STATUS.get(dagster_event.event_type_value) if dagster_event is not None else None
        )
        shared = (
            status is not None
            and isinstance(run_storage, SqlRunStorage)
            and self.database_url is not None
            and run_storage.database_url == self.database_url
        )
        if not shared:
            super().store_event_with_run_status(event, run_storage, new_run_tags)
            return
        row = event_row(event)

        def _both(conn: Connection) -> None:
            conn.execute(_INSERT, row)
            run_storage.apply_run_status(conn, event.run_id, status, new_run_tags)

        self._write(_both, event.run_id)

    def update_event_log_record(self, record_id: int, event: Any) -> None:
        """Replace the stored record with id ``record_id`` (used by data migrations, while no other
        process reads the log: their record caches would not see the change)."""
        values = event_row(event)
        self._record_cache.forget(event.run_id)
        self._write(
            lambda conn: conn.execute(
                SqlEventLogStorageTable.update()
                .where(SqlEventLogStorageTable.c.id == record_id)
                .values(**values)
            ),
            event.run_id,
        )

    # -- reading -----------------------------------------------------------------------------

    def _deserialize(self, run_id: str, body: str) -> Any:
        try:
            record = deserialize_json_to_dagster_namedtuple(body)
        except (ValueError, TypeError, KeyError, SerdesClassUsageError, check.CheckError) as exc:
            raise DagsterEventLogInvalidForRun(run_id=run_id) from exc
        if not isinstance(record, EventRecord):
            raise DagsterEventLogInvalidForRun(run_id=run_id)
        return record

    def _deserialize_many(self, run_id: str, bodies: list[str]) -> list[Any]:
        """Parse many stored bodies with one parser call."""
        try:
            records = deserialize_values(bodies)
        except (ValueError, TypeError, KeyError, SerdesClassUsageError, check.CheckError):
            records = None
        if records is None or not _RECORD_TYPES.issuperset(map(type, records)):
            # Find the bad row (or rows that are not one JSON value each) and report it.
            return [self._deserialize(run_id, body) for body in bodies]
        return records

    def get_logs_for_run_by_log_id(self, run_id: str, cursor: int = -1) -> dict[int, Any]:
        """``{row id: EventRecord}`` of the run's events after ``cursor``, in order."""
        check.str_param(run_id, "run_id")
        check.int_param(cursor, "cursor")
        check.invariant(cursor >= -1, f"cursor must be -1 or the index of the last event seen, got {cursor}.")
        table = SqlEventLogStorageTable
        # The timestamp only tells a reused row id apart: read it as stored (no datetime parsing).
        stamp = db.type_coerce(table.c.timestamp, db.String)
        keys_query = db.select(table.c.id, stamp).where(table.c.run_id == run_id).order_by(table.c.id.asc())
        if cursor >= 0:
            keys_query = keys_query.offset(cursor + 1)
        cached = self._record_cache.get(run_id)

        def _fetch(conn: Connection) -> tuple[list[Any], list[Any]]:
            """Rows of (id, timestamp) for every key, and rows of (id, timestamp, body) to parse."""
            if not cached:
                # Nothing to reuse: one query for keys and bodies.
                rows = conn.execute(keys_query.add_columns(table.c.event)).fetchall()
                return rows, rows
            key_rows = conn.execute(keys_query).fetchall()
            missing = [row for row in key_rows if (row[0], row[1]) not in cached]
            if not missing:
                return key_rows, []
            bodies = conn.execute(
                db.select(table.c.id, stamp, table.c.event)
                .where(table.c.run_id == run_id, table.c.id >= missing[0][0])
                .order_by(table.c.id.asc())
            ).fetchall()
            return key_rows, bodies

        key_rows, body_rows = self._read(_fetch, run_id)
        if not key_rows:
            return {}
        columns = list(zip(*key_rows))
        ids = columns[0]
        keys = list(zip(ids, columns[1]))
        if body_rows is key_rows:
            values = self._deserialize_many(run_id, list(columns[2]))
        else:
            if body_rows:
                body_ids, body_stamps, bodies = zip(*body_rows)
                parsed = self._deserialize_many(run_id, list(bodies))
                cached.update(zip(zip(body_ids, body_stamps), parsed))
            values = list(map(cached.__getitem__, keys))
        if cursor < 0:
            self._record_cache.put(run_id, dict(zip(keys, values)))
        return dict(zip(ids, values))

    def get_logs_for_run(self, run_id: str, cursor: int = -1) -> list[Any]:
        return list(self.get_logs_for_run_by_log_id(run_id, cursor).values())

    def logs_after_row_id(self, run_id: str, row_id: int) -> list[tuple[int, Any]]:
        """``[(row id, EventRecord)]`` of the run's events stored after row ``row_id``."""
        table = SqlEventLogStorageTable
        query = (
            db.select(table.c.id, table.c.event)
            .where(table.c.run_id == run_id, table.c.id > row_id)
            .order_by(table.c.id.asc())
        )
        rows = self._read(lambda conn: conn.execute(query).fetchall(), run_id)
        return list(zip([row[0] for row in rows], self._deserialize_many(run_id, [row[1] for row in rows])))

    def get_event_log_table_data(self, run_id: str, record_id: int) -> Any:
        """The raw row (all columns) with id ``record_id`` of run ``run_id``, or None."""
        table = SqlEventLogStorageTable
        query = db.select(table).where(table.c.run_id == run_id, table.c.id == record_id)
        return self._read(lambda conn: conn.execute(query).first(), run_id)

    def get_all_run_ids(self) -> list[str]:
        table = SqlEventLogStorageTable
        query = db.select(table.c.run_id).distinct().order_by(table.c.run_id)
        return [row[0] for row in self._read(lambda conn: conn.execute(query).fetchall())]

    def _typed_records(self, run_id: str, event_types: tuple[str, ...]) -> list[Any]:
        table = SqlEventLogStorageTable
        query = (
            db.select(table.c.event)
            .where(table.c.run_id == run_id, table.c.dagster_event_type.in_(event_types))
            .order_by(table.c.id.asc())
        )
        rows = self._read(lambda conn: conn.execute(query).fetchall(), run_id)
        return self._deserialize_many(run_id, [row[0] for row in rows])

    def get_run_status_from_events(self, run_id: str) -> PipelineRunStatus | None:
        table = SqlEventLogStorageTable
        query = (
            db.select(table.c.dagster_event_type)
            .where(table.c.run_id == run_id, table.c.dagster_event_type.in_(list(PIPELINE_EVENT_STATUS)))
            .order_by(table.c.id.desc())
            .limit(1)
        )
        row = self._read(lambda conn: conn.execute(query).first(), run_id)
        return PIPELINE_EVENT_STATUS[row[0]] if row else None

    def get_stats_for_run(self, run_id: str) -> PipelineRunStatsSnapshot:
        check.str_param(run_id, "run_id")
        table = SqlEventLogStorageTable
        counts_query = (
            db.select(table.c.dagster_event_type, db.func.count())
            .where(table.c.run_id == run_id, table.c.dagster_event_type.in_(_COUNTED_TYPES))
            .group_by(table.c.dagster_event_type)
        )
        counts = dict(self._read(lambda conn: conn.execute(counts_query).fetchall(), run_id))
        # Times come from the records themselves (exact floats), like the in-memory storage.
        times = stats_from_records(run_id, self._typed_records(run_id, tuple(PIPELINE_EVENT_STATUS)))
        return times._replace(
            steps_succeeded=counts.get("STEP_SUCCESS", 0),
            steps_failed=counts.get("STEP_FAILURE", 0),
            materializations=counts.get("STEP_MATERIALIZATION", 0),
            expectations=counts.get("STEP_EXPECTATION_RESULT", 0),
        )

    def get_step_stats_for_run(self, run_id: str) -> list[RunStepKeyStatsSnapshot]:
        return step_stats_from_records(run_id, self._typed_records(run_id, _STEP_STAT_TYPES))

    # -- assets ------------------------------------------------------------------------------

    def get_all_asset_keys(self) -> list[str]:
        """Every asset key some materialization carried, sorted."""
        table = SqlEventLogStorageTable
        query = (
            db.select(table.c.asset_key)
            .where(table.c.asset_key.isnot(None))
            .distinct()
            .order_by(table.c.asset_key)
        )
        return [row[0] for row in self._read(lambda conn: conn.execute(query).fetchall())]

    def get_asset_events(
        self, asset_key: str, cursor: int | None = None, limit: int | None = None
    ) -> list[Any]:
        """Materialization records of ``asset_key``, newest first; ``cursor`` is a row id (only
        older rows are returned)."""
        table = SqlEventLogStorageTable
        query = db.select(table.c.run_id, table.c.event).where(
            table.c.asset_key == check.str_param(asset_key, "asset_key")
        )
        if cursor is not None:
            query = query.where(table.c.id < check.int_param(cursor, "cursor"))
        query = query.order_by(table.c.id.desc())
        if limit is not None:
            query = query.limit(check.int_param(limit, "limit"))
        rows = self._read(lambda conn: conn.execute(query).fetchall())
        return [self._deserialize(run_id, body) for run_id, body in rows]

    def get_asset_run_ids(self, asset_key: str) -> list[str]:
        """Runs that materialized ``asset_key``, most recent first."""
        table = SqlEventLogStorageTable
        query = (
            db.select(table.c.run_id, db.func.max(table.c.id).label("last_id"))
            .where(table.c.asset_key == check.str_param(asset_key, "asset_key"))
            .group_by(table.c.run_id)
            .order_by(db.desc("last_id"))
        )
        return [row[0] for row in self._read(lambda conn: conn.execute(query).fetchall())]

    # -- deleting ----------------------------------------------------------------------------

    def delete_events(self, run_id: str) -> None:
        check.str_param(run_id, "run_id")
        self._record_cache.forget(run_id)
        self._write(
            lambda conn: conn.execute(
                SqlEventLogStorageTable.delete().where(SqlEventLogStorageTable.c.run_id == run_id)
            ),
            run_id,
        )

    def wipe(self) -> None:
        self._record_cache.forget()
        self._write(lambda conn: conn.execute(SqlEventLogStorageTable.delete()))

    # -- watching ----------------------------------------------------------------------------

    def watch(self, run_id: str, start_cursor: int, callback: EventCallback) -> None:
        check.str_param(run_id, "run_id")
        check.int_param(start_cursor, "start_cursor")
        check.callable_param(callback, "callback")
        if self._watcher is None:
            self._watcher = PollingEventWatcher(self)
        self._watcher.watch(run_id, start_cursor, callback)

    def end_watch(self, run_id: str, handler: EventCallback) -> None:
        if self._watcher is not None:
            self._watcher.end_watch(run_id, handler)

    def dispose(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
