"""Run storage on SQLAlchemy Core, for any backend (SQLite and PostgreSQL subclass it)."""

from __future__ import annotations

import importlib
import math
import zlib
from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import sqlalchemy as db
from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.errors import DagsterRunAlreadyExists, DagsterSnapshotDoesNotExist
from dagster.core.storage.pipeline_run import (
    PIPELINE_EVENT_STATUS,
    PipelineRun,
    PipelineRunsFilter,
    PipelineRunStatus,
)
from dagster.core.storage.runs.base import RunStorage, check_limit, snapshot_id_for
from dagster.core.storage.runs.schema import RunsTable, RunTagsTable, SnapshotsTable
from dagster.core.storage.sql import run_in_transaction, utc_now
from dagster.core.storage.tags import ROOT_RUN_ID_TAG
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple

T = TypeVar("T")

PIPELINE_SNAPSHOT = "PIPELINE"
EXECUTION_PLAN_SNAPSHOT = "EXECUTION_PLAN"

# The statements every run writes, built once: building a Core statement costs more than running it.
_RUN_BODY_FOR_UPDATE = (
    db.select(RunsTable.c.run_body)
    .where(RunsTable.c.run_id == db.bindparam("target_run_id"))
    .with_for_update()
)
_SET_STATUS_AND_BODY = (
    RunsTable.update()
    .where(RunsTable.c.run_id == db.bindparam("target_run_id"))
    .values(
        status=db.bindparam("new_status"),
        run_body=db.bindparam("new_body"),
        update_timestamp=db.bindparam("now"),
    )
)
_DELETE_TAG_ROWS = RunTagsTable.delete().where(
    RunTagsTable.c.run_id == db.bindparam("target_run_id"),
    RunTagsTable.c.key.in_(db.bindparam("keys", expanding=True)),
)
_INSERT_TAG_ROWS = RunTagsTable.insert()


class SqlRunStorage(RunStorage):
    """Implements every query of :class:`RunStorage` in SQL. Subclasses provide :meth:`connect`
    (a connection to the database, not yet in a transaction) and :meth:`upgrade`."""

    @abstractmethod
    def connect(self) -> AbstractContextManager[Connection]:
        """A context manager yielding a connection."""

    @abstractmethod
    def upgrade(self) -> None:
        """Migrate the schema to the current version."""

    @property
    def database_url(self) -> str | None:
        """Identifies the database, so that an event log in the same database can share transactions."""
        return None

    # -- helpers -----------------------------------------------------------------------------

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return run_in_transaction(self.connect, fn)

    def _write(self, fn: Callable[[Connection], T]) -> T:
        return run_in_transaction(self.connect, fn, write=True)

    def fetchall(self, query: Any) -> list:
        return self._read(lambda conn: conn.execute(query).fetchall())

    def fetchone(self, query: Any) -> Any:
        return self._read(lambda conn: conn.execute(query).fetchone())

    # -- runs --------------------------------------------------------------------------------

    def add_run(self, pipeline_run: PipelineRun) -> PipelineRun:
        check.inst_param(pipeline_run, "pipeline_run", PipelineRun)
        snapshot_ids = [
            snapshot_id
            for snapshot_id in (pipeline_run.pipeline_snapshot_id, pipeline_run.execution_plan_snapshot_id)
            if snapshot_id is not None
        ]

        def _insert(conn: Connection) -> None:
            if snapshot_ids:
                found = {
                    row[0]
                    for row in conn.execute(
                        db.select(SnapshotsTable.c.snapshot_id).where(
                            SnapshotsTable.c.snapshot_id.in_(snapshot_ids)
                        )
                    )
                }
                for snapshot_id in snapshot_ids:
                    if snapshot_id not in found:
                        raise DagsterSnapshotDoesNotExist(
                            f"Run {pipeline_run.run_id} points at snapshot {snapshot_id}, which is not stored. "
                            "Add the snapshot before the run."
                        )
            if conn.execute(
                db.select(RunsTable.c.id).where(RunsTable.c.run_id == pipeline_run.run_id)
            ).first():
                raise DagsterRunAlreadyExists(
                    f"A run with id {pipeline_run.run_id} already exists: run ids must be unique."
                )
            conn.execute(
                RunsTable.insert().values(
                    run_id=pipeline_run.run_id,
                    pipeline_name=pipeline_run.pipeline_name,
                    status=pipeline_run.status.value,
                    run_body=serialize_dagster_namedtuple(pipeline_run),
                    snapshot_id=pipeline_run.pipeline_snapshot_id,
                )
            )
            if pipeline_run.tags:
                conn.execute(
                    RunTagsTable.insert(),
                    [
                        {"run_id": pipeline_run.run_id, "key": key, "value": value}
                        for key, value in pipeline_run.tags.items()
                    ],
                )

        try:
            self._write(_insert)
        except db.exc.IntegrityError as exc:
            raise DagsterRunAlreadyExists(
                f"A run with id {pipeline_run.run_id} already exists: run ids must be unique."
            ) from exc
        return pipeline_run

    def handle_run_event(self, run_id: str, event: Any, new_tags: dict[str, str] | None = None) -> None:
        status = PIPELINE_EVENT_STATUS.get(event.event_type_value)
        if status is not None:
            self._write(lambda conn: self.apply_run_status(conn, run_id, status, new_tags))

    def apply_run_status(
        self,
        conn: Connection,
        run_id: str,
        status: PipelineRunStatus,
        new_tags: dict[str, str] | None = None,
    ) -> None:
        """Set a run's status (column and body), and add ``new_tags``, on ``conn``, inside the
        caller's transaction. A run that is not stored is left alone."""
        row = conn.execute(_RUN_BODY_FOR_UPDATE, {"target_run_id": run_id}).first()
        if row is None:
            return
        run = deserialize_json_to_dagster_namedtuple(row[0]).with_status(status)
        if new_tags:
            run = run.with_tags({**run.tags, **new_tags})
        conn.execute(
            _SET_STATUS_AND_BODY,
            {
                "target_run_id": run_id,
                "new_status": status.value,
                "new_body": serialize_dagster_namedtuple(run),
                "now": utc_now(),
            },
        )
        if new_tags:
            _replace_tag_rows(conn, run_id, new_tags)

    def _filtered(
        self, query: Any, filters: PipelineRunsFilter | None, semi_join_tag: str | None = None
    ) -> Any:
        """``query`` restricted by ``filters``. The tag ``semi_join_tag`` (if any) is matched by an
        ``IN (run ids with the tag)`` semi-join; other tags by a correlated ``EXISTS`` probe per run."""
        if filters is None:
            return query
        if filters.run_ids is not None:
            query = query.where(RunsTable.c.run_id.in_(filters.run_ids))
        if filters.pipeline_name is not None:
            query = query.where(RunsTable.c.pipeline_name == filters.pipeline_name)
        if filters.status is not None:
            query = query.where(RunsTable.c.status == filters.status.value)
        for key, value in (filters.tags or {}).items():
            tagged = db.select(RunTagsTable.c.run_id).where(
                RunTagsTable.c.key == key, RunTagsTable.c.value == value
            )
            if key == semi_join_tag:
                query = query.where(RunsTable.c.run_id.in_(tagged))
            else:
                query = query.where(tagged.where(RunTagsTable.c.run_id == RunsTable.c.run_id).exists())
        return query

    @staticmethod
    def _semi_join_tag(conn: Connection, tags: dict[str, str], limit: int | None) -> str | None:
        """The tag to collect runs by, or None to walk runs newest-first probing each one's tags.

        With ``n`` runs and ``m`` carrying the rarest tag, the walk visits about ``limit * n / m``
        runs, while collecting (and sorting) the runs with that tag costs about ``m``: walk when
        ``m * m > limit * n``. Tag rows are counted only up to that threshold.
        """
        cap = None
        if limit is not None:
            newest_id = conn.execute(db.select(db.func.max(RunsTable.c.id))).scalar() or 0
            cap = math.isqrt(limit * newest_id) + 1
        counts = {}
        for key, value in tags.items():
            tagged = db.select(RunTagsTable.c.id).where(
                RunTagsTable.c.key == key, RunTagsTable.c.value == value
            )
            if cap is not None:
                tagged = tagged.limit(cap)
            counts[key] = conn.execute(db.select(db.func.count()).select_from(tagged.subquery())).scalar()
        rarest = min(counts, key=counts.__getitem__)
        return None if cap is not None and counts[rarest] >= cap else rarest

    def get_runs(
        self, filters: PipelineRunsFilter | None = None, cursor: str | None = None, limit: int | None = None
    ) -> list[PipelineRun]:
        check.opt_inst_param(filters, "filters", PipelineRunsFilter)
        check_limit(limit)

        def _select(conn: Connection) -> list:
            semi_join_tag = (
                self._semi_join_tag(conn, filters.tags, limit) if filters and filters.tags else None
            )
            query = self._filtered(db.select(RunsTable.c.run_body), filters, semi_join_tag)
            if cursor is not None:
                cursor_id = db.select(RunsTable.c.id).where(RunsTable.c.run_id == cursor).scalar_subquery()
                query = query.where(RunsTable.c.id < cursor_id)
            query = query.order_by(RunsTable.c.id.desc())
            if limit is not None:
                query = query.limit(limit)
            return conn.execute(query).fetchall()

        return [deserialize_json_to_dagster_namedtuple(row[0]) for row in self._read(_select)]

    def get_runs_count(self, filters: PipelineRunsFilter | None = None) -> int:
        check.opt_inst_param(filters, "filters", PipelineRunsFilter)

        def _count(conn: Connection) -> int:
            semi_join_tag = (
                self._semi_join_tag(conn, filters.tags, None) if filters and filters.tags else None
            )
            query = self._filtered(db.select(db.func.count()).select_from(RunsTable), filters, semi_join_tag)
            return conn.execute(query).scalar()

        return self._read(_count)

    def get_run_group(self, run_id: str) -> tuple[str, list[PipelineRun]] | None:
        run = self.get_run_by_id(run_id)
        if run is None:
            return None
        root_run_id = run.root_run_id or run.run_id
        descendant_ids = db.select(RunTagsTable.c.run_id).where(
            RunTagsTable.c.key == ROOT_RUN_ID_TAG, RunTagsTable.c.value == root_run_id
        )
        query = (
            db.select(RunsTable.c.run_id, RunsTable.c.run_body)
            .where(db.or_(RunsTable.c.run_id == root_run_id, RunsTable.c.run_id.in_(descendant_ids)))
            .order_by(RunsTable.c.id.asc())
        )
        rows = self.fetchall(query)
        root = [row for row in rows if row[0] == root_run_id]
        others = [row for row in rows if row[0] != root_run_id]
        return root_run_id, [deserialize_json_to_dagster_namedtuple(row[1]) for row in root + others]

    def get_run_by_id(self, run_id: str) -> PipelineRun | None:
        check.str_param(run_id, "run_id")
        row = self.fetchone(db.select(RunsTable.c.run_body).where(RunsTable.c.run_id == run_id))
        return deserialize_json_to_dagster_namedtuple(row[0]) if row else None

    def get_run_tags(self) -> list[tuple[str, set[str]]]:
        rows = self.fetchall(db.select(RunTagsTable.c.key, RunTagsTable.c.value).distinct())
        values: dict[str, set[str]] = {}
        for key, value in rows:
            values.setdefault(key, set()).add(value)
        return sorted(values.items(), key=lambda item: item[0])

    def add_run_tags(self, run_id: str, new_tags: dict[str, str]) -> None:
        check.str_param(run_id, "run_id")
        check.dict_param(new_tags, "new_tags", key_type=str, value_type=str)

        def _update(conn: Connection) -> None:
            # Lock the row (PostgreSQL; SQLite's write transaction already excludes others) so a status
            # change committed meanwhile is not overwritten with the body read here.
            row = conn.execute(
                db.select(RunsTable.c.run_body).where(RunsTable.c.run_id == run_id).with_for_update()
            ).first()
            check.invariant(row is not None, f"Cannot add tags to run {run_id}: no such run.")
            run = deserialize_json_to_dagster_namedtuple(row[0])
            run = run.with_tags({**run.tags, **new_tags})
            conn.execute(
                RunsTable.update()
                .where(RunsTable.c.run_id == run_id)
                .values(run_body=serialize_dagster_namedtuple(run), update_timestamp=utc_now())
            )
            _replace_tag_rows(conn, run_id, new_tags)

        if new_tags:
            self._write(_update)

    def has_run(self, run_id: str) -> bool:
        return self.fetchone(db.select(RunsTable.c.id).where(RunsTable.c.run_id == run_id)) is not None

    # -- snapshots ---------------------------------------------------------------------------

    def has_pipeline_snapshot(self, pipeline_snapshot_id: str) -> bool:
        return self._has_snapshot(pipeline_snapshot_id, PIPELINE_SNAPSHOT)

    def add_pipeline_snapshot(self, pipeline_snapshot: Any) -> str:
        return self._add_snapshot(pipeline_snapshot, PIPELINE_SNAPSHOT)

    def get_pipeline_snapshot(self, pipeline_snapshot_id: str) -> Any:
        return self._get_snapshot(pipeline_snapshot_id, PIPELINE_SNAPSHOT)

    def has_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> bool:
        return self._has_snapshot(execution_plan_snapshot_id, EXECUTION_PLAN_SNAPSHOT)

    def add_execution_plan_snapshot(self, execution_plan_snapshot: Any) -> str:
        return self._add_snapshot(execution_plan_snapshot, EXECUTION_PLAN_SNAPSHOT)

    def get_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> Any:
        return self._get_snapshot(execution_plan_snapshot_id, EXECUTION_PLAN_SNAPSHOT)

    def _has_snapshot(self, snapshot_id: str, snapshot_type: str) -> bool:
        query = db.select(SnapshotsTable.c.id).where(
            SnapshotsTable.c.snapshot_id == check.str_param(snapshot_id, "snapshot_id"),
            SnapshotsTable.c.snapshot_type == snapshot_type,
        )
        return self.fetchone(query) is not None

    def _add_snapshot(self, snapshot: Any, snapshot_type: str) -> str:
        body = serialize_dagster_namedtuple(snapshot)
        snapshot_id = snapshot_id_for(snapshot)

        def _insert(conn: Connection) -> None:
            exists = conn.execute(
                db.select(SnapshotsTable.c.id).where(SnapshotsTable.c.snapshot_id == snapshot_id)
            ).first()
            if not exists:
                conn.execute(
                    SnapshotsTable.insert().values(
                        snapshot_id=snapshot_id,
                        snapshot_body=zlib.compress(body.encode("utf-8")),
                        snapshot_type=snapshot_type,
                    )
                )

        try:
            self._write(_insert)
        except db.exc.IntegrityError:
            # Stored concurrently by another process: content-addressed, so it is the same snapshot.
            pass
        return snapshot_id

    def _get_snapshot(self, snapshot_id: str, snapshot_type: str) -> Any:
        row = self.fetchone(
            db.select(SnapshotsTable.c.snapshot_body).where(
                SnapshotsTable.c.snapshot_id == check.str_param(snapshot_id, "snapshot_id"),
                SnapshotsTable.c.snapshot_type == snapshot_type,
            )
        )
        if row is None:
            kind = "pipeline" if snapshot_type == PIPELINE_SNAPSHOT else "execution plan"
            raise DagsterSnapshotDoesNotExist(f"No {kind} snapshot with id {snapshot_id} is stored.")
        # The snapshot record classes live in a higher layer; importing it registers them for reading.
        importlib.import_module("dagster.core.snap")
        return deserialize_json_to_dagster_namedtuple(zlib.decompress(row[0]).decode("utf-8"))

    # -- deletion ----------------------------------------------------------------------------

    def wipe(self) -> None:
        def _delete_all(conn: Connection) -> None:
            conn.execute(RunTagsTable.delete())
            conn.execute(RunsTable.delete())
            conn.execute(SnapshotsTable.delete())

        self._write(_delete_all)

    def delete_run(self, run_id: str) -> None:
        check.str_param(run_id, "run_id")

        def _delete(conn: Connection) -> None:
            conn.execute(RunTagsTable.delete().where(RunTagsTable.c.run_id == run_id))
            conn.execute(RunsTable.delete().where(RunsTable.c.run_id == run_id))

        self._write(_delete)


def _replace_tag_rows(conn: Connection, run_id: str, tags: dict[str, str]) -> None:
    """Write the tag rows of ``tags`` for a run, replacing rows of the same keys."""
    conn.execute(_DELETE_TAG_ROWS, {"target_run_id": run_id, "keys": list(tags)})
    rows = [{"run_id": run_id, "key": key, "value": value} for key, value in tags.items()]
    conn.execute(_INSERT_TAG_ROWS, rows)
