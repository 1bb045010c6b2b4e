"""One PostgreSQL database used by a storage: engine, schema check, migrations, fast writes.

- Engines are shared per process and URL (the run, event log and schedule storages of an instance
  usually point at the same database), with ``pool_pre_ping``: a connection the server dropped (a
  restart, ``pg_terminate_backend``, a proxy's idle timeout) is replaced at the next checkout, so
  the next call after a restart simply works.
- The schema is checked on first use, as for SQLite (``dagster.core.storage.sql.ensure_schema``):
  a new database gets the tables and the head revision stamp, an old one raises
  ``DagsterInstanceMigrationRequired`` until :meth:`PostgresDatabase.upgrade`. Schema changes take
  an advisory lock, so that processes starting together do not race to create the same tables.
- :meth:`PostgresDatabase.execute_write` runs a write on a psycopg connection kept per thread; a
  write of one statement goes in autocommit mode: one round trip per group of events instead of
  a pool checkout with its ping, then BEGIN, INSERT and COMMIT. :meth:`PostgresDatabase.execute_read`
  runs one query the same way (the watch listener's read of new events).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as db
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from dagster.core.storage.migration_head import stamp_revision
from dagster.core.storage.sql import (
    EVENT_LOG_07_REVISION,
    current_revision,
    ensure_schema,
    head_revision,
    is_known_revision,
    run_in_transaction,
    upgrade_to_head,
)
from dagster_postgres.utils import connection_error, describe_url, libpq_url, sqlalchemy_url

# Key of the advisory lock held while a storage creates, upgrades or drops its tables.
SCHEMA_LOCK_KEY = 0x0DA65E7

# Every table any of our storages creates; when none is left, the revision stamp goes too.
ALL_TABLE_NAMES = ("runs", "run_tags", "snapshots", "event_logs", "schedules", "schedule_ticks")

# The revision a database Dagster 0.7 left unstamped is taken to be at: the root of our history,
# whose tables have the 0.7 layout (later revisions only add indexes).
UNVERSIONED_07_REVISION = EVENT_LOG_07_REVISION

T = TypeVar("T")

POOL_SIZE = 4
POOL_OVERFLOW = 8
# Sessions run in UTC, so that server-side CURRENT_TIMESTAMP defaults are UTC like our own
# naive UTC timestamps (and like SQLite's), whatever the server's time zone.
CONNECT_ARGS = {"connect_timeout": 10, "application_name": "dagster", "options": "-c timezone=UTC"}

_ENGINES: dict[tuple[int, str], Engine] = {}
_ENGINE_USERS: dict[tuple[int, str], int] = {}
_ENGINES_LOCK = threading.Lock()


def _lease_engine(url: str) -> Engine:
    key = (os.getpid(), url)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = db.create_engine(
                sqlalchemy_url(url),
                pool_pre_ping=True,
                pool_size=POOL_SIZE,
                max_overflow=POOL_OVERFLOW,
                connect_args=CONNECT_ARGS,
            )
            _ENGINES[key] = engine
        _ENGINE_USERS[key] = _ENGINE_USERS.get(key, 0) + 1
        return engine


def _release(pid: int, url: str, kept: weakref.WeakSet) -> None:
    """Close the connections a database kept per thread; dispose the engine when its last user is gone."""
    if pid != os.getpid():
        return
    for connection in list(kept):
        connection.close()
    key = (pid, url)
    with _ENGINES_LOCK:
        users = _ENGINE_USERS.get(key, 0) - 1
        if users > 0:
            _ENGINE_USERS[key] = users
            return
        _ENGINE_USERS.pop(key, None)
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        engine.dispose()


def _forget_engines_after_fork() -> None:
    # A forked child must neither use the parent's pooled connections nor close them under it.
    for engine in _ENGINES.values():
        engine.dispose(close=False)
    _ENGINES.clear()
    _ENGINE_USERS.clear()


os.register_at_fork(after_in_child=_forget_engines_after_fork)


def _run(cursor: Any, statements: list[tuple[str, Sequence[Any]]]) -> None:
    if len(statements) == 1:
        cursor.execute(*statements[0])
        return
    with cursor.connection.transaction():
        for sql, params in statements:
            cursor.execute(sql, params)


def _fetch_all(cursor: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
    return cursor.execute(sql, params).fetchall()


def add_missing_columns(conn: Connection, table: db.Table) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for each column of ``table`` the database's table lacks
    (as nullable: rows already there have no value for it)."""
    present = {column["name"] for column in db.inspect(conn).get_columns(table.name)}
    preparer = conn.dialect.identifier_preparer
    for column in table.columns:
        if column.name not in present:
            column_type = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {preparer.format_table(table)} "
                f"ADD COLUMN {preparer.format_column(column)} {column_type}"
            )


class PostgresDatabase:
    """The database at ``url`` holding the tables of ``metadata`` (named ``table_names``).

    ``after_schema(conn)``, if given, runs in the schema transaction each time the schema is
    checked or upgraded (the event log installs its notification trigger there); it must be
    idempotent.
    """

    def __init__(
        self,
        url: str,
        metadata: db.MetaData,
        table_names: list[str],
        after_schema: Callable[[Connection], None] | None = None,
    ) -> None:
        self.url = url
        # The key that tells whether two storages share a database (and so a transaction).
        self.conn_string = sqlalchemy_url(url).render_as_string(hide_password=False)
        self.engine = _lease_engine(self.conn_string)
        self._metadata = metadata
        self._table_names = table_names
        self._after_schema = after_schema
        self._checked = False
        self._local = threading.local()
        self._kept_connections: weakref.WeakSet = weakref.WeakSet()
        self._release = weakref.finalize(
            self, _release, os.getpid(), self.conn_string, self._kept_connections
        )

    def __repr__(self) -> str:
        return f"PostgresDatabase({describe_url(self.url)})"

    def dispose(self) -> None:
        """Return this database's connections (the shared engine goes with its last user)."""
        self._release()

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def raw_connect(self) -> Iterator[Connection]:
        """A pooled connection, without the schema check. Connection failures are reported as
        ``DagsterPostgresConnectionError`` naming host, port and database."""
        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise connection_error(self.url, exc) from exc
        with conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if not self._checked:
            self.ensure_schema()
        with self.raw_connect() as conn:
            yield conn

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Hold the schema advisory lock (on a connection of its own) for the block."""
        with self.raw_connect() as lock_conn:
            lock_conn.execute(db.text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            lock_conn.commit()
            try:
                yield
            finally:
                lock_conn.execute(db.text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
                lock_conn.commit()

    def ensure_schema(self) -> None:
        """Create a new database's tables, or check that an existing one is at our revision."""
        with self.schema_lock():
            ensure_schema(self.raw_connect, self._metadata, self._table_names, describe_url(self.url))
            if self._after_schema is not None:
                run_in_transaction(self.raw_connect, self._after_schema, write=True)
        self._checked = True

    # -- the fast path: one autocommit connection kept per thread ----------------------------

    def _kept_cursor(self, fresh: bool = False) -> Any:
        """A cursor of this thread's autocommit psycopg connection (a new one when ``fresh``).
        The cursor is kept with it: making one per statement costs about 30 µs of CPU."""
        import psycopg

        held = getattr(self._local, "kept", None)
        if held is not None and held[0] == os.getpid() and not fresh and not held[1].closed:
            return held[2]
        if held is not None and held[0] == os.getpid():
            held[1].close()
        try:
            connection = psycopg.connect(libpq_url(self.url), autocommit=True, **CONNECT_ARGS)
        except psycopg.OperationalError as exc:
            raise connection_error(self.url, exc) from exc
        cursor = connection.cursor()
        self._local.kept = (os.getpid(), connection, cursor)
        self._kept_connections.add(connection)
        return cursor

    def execute_write(self, statements: list[tuple[str, Sequence[Any]]]) -> None:
        """Run ``(sql, params)`` statements (psycopg ``%s`` placeholders) in one committed
        transaction: a single statement is sent alone in autocommit mode (one round trip), several
        go between BEGIN and COMMIT.

        If the kept connection turns out to be closed by the server (restart, terminated backend),
        the statements are sent again once on a new connection: a server that dropped the
        connection did not commit them.
        """
        self._on_kept_cursor(_run, statements)

    def execute_read(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        """The rows of one query (psycopg ``%s`` placeholders), run alone in autocommit mode on
        this thread's kept connection: one round trip, where a pooled connection costs a ping,
        BEGIN, the query and COMMIT. Sent again once on a new connection if the server dropped
        the kept one."""
        return self._on_kept_cursor(_fetch_all, sql, params)

    def _on_kept_cursor(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(cursor, *args)`` on this thread's kept cursor; called again once on a new connection
        if the server closed the kept one (a server that dropped the connection committed nothing)."""
        import psycopg

        if not self._checked:
            self.ensure_schema()
        cursor = self._kept_cursor()
        try:
            return fn(cursor, *args)
        except psycopg.OperationalError:
            if not cursor.connection.closed:
                raise
            return fn(self._kept_cursor(fresh=True), *args)

    # -- migrations --------------------------------------------------------------------------

    def revision(self) -> str | None:
        """The stamped schema revision (None for a database without our tables)."""
        with self.raw_connect() as conn:
            return current_revision(conn)

    def is_unversioned_07(self) -> bool:
        """True for a database Dagster 0.7 left: tables of our storages but no recorded revision
        (:meth:`upgrade` adopts it at the 0.7 baseline)."""
        with self.raw_connect() as conn:
            if current_revision(conn) is not None:
                return False
            return bool(set(ALL_TABLE_NAMES) & set(db.inspect(conn).get_table_names()))

    def upgrade(self) -> None:
        """Migrate to our head revision (idempotent); a new database is created at head, and
        tables of this storage missing from a database other storages already use are created.

        Dagster 0.7 created its PostgreSQL tables without recording a revision: such a database is
        adopted at the 0.7 baseline (columns added since are added, nullable) and then migrated."""
        with self.schema_lock():
            run_in_transaction(self.raw_connect, self._adopt_unversioned, write=True)
            revision = self.revision()
            if revision is not None and revision != head_revision() and is_known_revision(revision):
                run_in_transaction(self.raw_connect, upgrade_to_head, write=True)
            ensure_schema(self.raw_connect, self._metadata, self._table_names, describe_url(self.url))
            if self._after_schema is not None:
                run_in_transaction(self.raw_connect, self._after_schema, write=True)
        self._checked = False

    def _adopt_unversioned(self, conn: Connection) -> None:
        """Add the columns of this storage's existing tables that are missing (a database an older
        version left); stamp a database holding our tables but no revision at the 0.7 baseline.
        A database of a newer version is left as it is (the schema check then refuses it)."""
        revision = current_revision(conn)
        if revision is not None and not is_known_revision(revision):
            return
        existing = set(db.inspect(conn).get_table_names())
        for table in self._metadata.sorted_tables:
            if table.name in existing:
                add_missing_columns(conn, table)
        if revision is None and existing & set(ALL_TABLE_NAMES):
            stamp_revision(conn, UNVERSIONED_07_REVISION)

    def drop_tables(self) -> None:
        """Drop this storage's tables (with their rows); the revision stamp goes too when no
        table of any of our storages is left."""

        def _drop(conn: Connection) -> None:
            self._metadata.drop_all(conn, checkfirst=True)
            if not set(ALL_TABLE_NAMES) & set(db.inspect(conn).get_table_names()):
                conn.execute(db.text("DROP TABLE IF EXISTS alembic_version"))

        with self.schema_lock():
            run_in_transaction(self.raw_connect, _drop, write=True)
        self._checked = False
