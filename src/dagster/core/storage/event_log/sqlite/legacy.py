"""Import Dagster 0.7's per-run event log files (``<base_dir>/<run_id>.db``) into ``events.db``.

Each file is copied in one transaction (after deleting any rows of that run, so a re-run after an
interruption gives the same result), then moved to ``<base_dir>/.pre-migration-0.7/`` as a backup.
Event bodies are copied byte for byte.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from dagster.core.errors import DagsterInstanceSchemaError
from dagster.core.storage.event_log.schema import SqlEventLogStorageTable
from dagster.core.storage.sql import is_known_revision

EVENTS_DB_NAME = "events.db"
BACKUP_DIR_NAME = ".pre-migration-0.7"
_COLUMNS = ("run_id", "event", "dagster_event_type", "timestamp", "step_key", "asset_key")


def legacy_run_files(base_dir: str) -> list[str]:
    """Paths of 0.7 per-run event databases in ``base_dir``, sorted."""
    try:
        names = os.listdir(base_dir)
    except FileNotFoundError:
        return []
    return sorted(
        os.path.join(base_dir, name) for name in names if name.endswith(".db") and name != EVENTS_DB_NAME
    )


def legacy_revision(path: str) -> str | None:
    """The schema revision stamped in a per-run file, read without writing anything next to it."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            row = source.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _parse_timestamp(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _check_legacy_source(source: sqlite3.Connection, path: str) -> None:
    """Raise unless ``source`` is a 0.7 event log database of a revision we know."""
    tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "event_logs" not in tables:
        raise DagsterInstanceSchemaError(
            f"{path} is not a Dagster event log database (it has no event_logs table). "
            "Move it out of the event log directory and run `dagster instance migrate` again."
        )
    if "alembic_version" in tables:
        row = source.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is not None and not is_known_revision(row[0]):
            raise DagsterInstanceSchemaError(
                f"{path} has schema revision {row[0]}, which this version does not know: "
                "it was written by a newer version."
            )


def check_legacy_run_files(base_dir: str) -> None:
    """Check, writing nothing, that every 0.7 per-run file of ``base_dir`` can be imported."""
    for path in legacy_run_files(base_dir):
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            try:
                _check_legacy_source(source, path)
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise DagsterInstanceSchemaError(f"Cannot read the event log database {path}: {exc}.") from exc


def _read_legacy_file(path: str) -> list[dict[str, Any]]:
    run_id = os.path.basename(path)[: -len(".db")]
    try:
        source = sqlite3.connect(path)
        try:
            _check_legacy_source(source, path)
            present = {row[1] for row in source.execute("PRAGMA table_info(event_logs)")}
            selected = ", ".join(column if column in present else "NULL" for column in _COLUMNS)
            rows = source.execute(f"SELECT {selected} FROM event_logs ORDER BY id").fetchall()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise DagsterInstanceSchemaError(f"Cannot read the event log database {path}: {exc}.") from exc
    return [
        {
            "run_id": row[0] or run_id,
            "event": row[1],
            "dagster_event_type": row[2],
            "timestamp": _parse_timestamp(row[3]),
            "step_key": row[4],
            "asset_key": row[5],
        }
        for row in rows
    ]


def import_legacy_run_files(
    base_dir: str,
    in_write_transaction: Callable[[Callable[[Connection], Any]], Any],
    report: Callable[[str], Any],
) -> int:
    """Import every per-run file of ``base_dir``; returns how many files were imported."""
    paths = legacy_run_files(base_dir)
    backup_dir = os.path.join(base_dir, BACKUP_DIR_NAME)
    for path in paths:
        rows = _read_legacy_file(path)
        run_ids = sorted({row["run_id"] for row in rows}) or [os.path.basename(path)[: -len(".db")]]

        def _replace(
            conn: Connection, rows: list[dict[str, Any]] = rows, run_ids: list[str] = run_ids
        ) -> None:
            conn.execute(
                SqlEventLogStorageTable.delete().where(SqlEventLogStorageTable.c.run_id.in_(run_ids))
            )
            if rows:
                conn.execute(SqlEventLogStorageTable.insert(), rows)

        in_write_transaction(_replace)
        os.makedirs(backup_dir, exist_ok=True)
        os.replace(path, os.path.join(backup_dir, os.path.basename(path)))
        report(f"Imported {len(rows)} events of run {', '.join(run_ids)} from {path}.")
    return len(paths)
