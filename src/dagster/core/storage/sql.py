"""SQL plumbing shared by the run, event log and schedule storages, whatever the backend.

- :func:`create_engine`: a SQLAlchemy engine; for SQLite it is cached per process and per file
  (one pool, reused by every storage of that file), in WAL mode with ``synchronous=NORMAL`` and a
  busy timeout, and write transactions start with ``BEGIN IMMEDIATE`` so that waiting for the
  write lock goes through the busy handler instead of failing with "database is locked".
- :func:`run_in_transaction`: run a function in a transaction, retrying when the database is busy.
- Alembic helpers: create a fresh schema and stamp it, check a database's revision (raising
  ``DagsterInstanceMigrationRequired`` or ``DagsterInstanceSchemaError``), upgrade to head.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timezone
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as db
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from dagster.core.errors import DagsterInstanceMigrationRequired, DagsterInstanceSchemaError
from dagster.core.storage.sqlite_checkpoint import WalCheckpointer
from dagster.core.storage.sqlite_errors import raise_for_file_error, sqlite_file_error

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy timeout alone serializes writers
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

# How long one statement waits for another process's write lock, then how often we retry.
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
BUSY_RETRIES = 5

# The size a WAL file is cut back to when SQLite starts it over (a long burst of writes can grow it).
WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024

# Connection execution option that makes a SQLite transaction take the write lock up front.
WRITE_OPTION = "dagster_write"

_ENGINES: dict[tuple[int, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


class _SqliteFile(NamedTuple):
    """What writers of one SQLite file share in this process: the lock serializing their write
    transactions (across threads and processes) and the checkpointer of its WAL."""

    write_lock: WriteLock
    checkpointer: WalCheckpointer

    def close(self) -> None:
        self.checkpointer.close()
        self.write_lock.close()


# SQLite engine (of a file, not of :memory:) -> its _SqliteFile.
_FILES: dict[Engine, _SqliteFile] = {}


def write_lock_for(engine: Engine) -> WriteLock | None:
    file = _FILES.get(engine)
    return file.write_lock if file is not None else None


def _note_commit(engine: Engine) -> None:
    file = _FILES.get(engine)
    if file is not None:
        file.checkpointer.note_commit()


class WriteLock:
    """Serializes write transactions on one SQLite file: a thread lock plus ``flock`` on
    ``<database>.write-lock``. Waiters are woken by the kernel the moment the lock is free, instead
    of polling in SQLite's busy handler (which sleeps up to 100 ms between tries and collapses
    throughput when many processes write at once). SQLite's own locking still guarantees
    correctness against writers that do not use this lock; the busy timeout covers them.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._pid = os.getpid()
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    def __enter__(self) -> None:
        if self._pid != os.getpid():
            # A forked child: the parent's descriptor would share the parent's lock ownership.
            self._pid, self._thread_lock, self._fd = os.getpid(), threading.Lock(), None
        self._thread_lock.acquire()
        try:
            if fcntl is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *exc_info: Any) -> None:
        try:
            if fcntl is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def close(self) -> None:
        with self._thread_lock:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None


def sqlite_url(path: str) -> str:
    return "sqlite:///" + os.path.abspath(path)


def utc_datetime_from_timestamp(timestamp: float) -> datetime:
    """A naive UTC datetime, the form 0.7 stored in its timestamp columns."""
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def create_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite engines are shared per process and file; others are new each call.

    Extra keyword arguments go to ``sqlalchemy.create_engine`` (not allowed for SQLite, whose
    settings are fixed here).
    """
    if not url.startswith("sqlite"):
        return db.create_engine(url, **kwargs)
    if kwargs:
        raise ValueError(f"SQLite engines take no options here, got {sorted(kwargs)}.")
    key = (os.getpid(), url)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _create_sqlite_engine(url)
            _ENGINES[key] = engine
            if engine.url.database:
                path = os.path.abspath(engine.url.database)
                lock = WriteLock(path + ".write-lock")
                _FILES[engine] = _SqliteFile(lock, WalCheckpointer(path, lock))
        return engine


def _create_sqlite_engine(url: str) -> Engine:
    engine = db.create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        pool_size=4,
        max_overflow=8,
        pool_pre_ping=False,
    )

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions on its own: we emit BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # a WalCheckpointer thread does it
        cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


# How many SqliteDatabase objects of this process use each cached engine.
_ENGINE_USERS: dict[tuple[int, str], int] = {}
# Releases queued by SqliteDatabase finalizers. A finalizer may run during garbage collection in
# the middle of any code, including code holding _ENGINES_LOCK, so it only appends here; the queue
# is drained by the next lease or dispose.
_PENDING_RELEASES: list[tuple[int, str, dict]] = []


def _lease_sqlite_engine(url: str) -> Engine:
    _drain_releases()
    engine = create_engine(url)
    with _ENGINES_LOCK:
        key = (os.getpid(), url)
        _ENGINE_USERS[key] = _ENGINE_USERS.get(key, 0) + 1
    return engine


def _queue_release(pid: int, url: str, writers: dict) -> None:
    _PENDING_RELEASES.append((pid, url, writers))


def _drain_releases() -> None:
    """Return released SqliteDatabases' connections; dispose an engine when its last user is gone,
    so that a process opening many instances one after another does not keep their files open."""
    to_close: list[Any] = []
    to_dispose: list[tuple[Engine, _SqliteFile | None]] = []
    with _ENGINES_LOCK:
        while _PENDING_RELEASES:
            pid, url, writers = _PENDING_RELEASES.pop()
            if pid != os.getpid():
                continue
            to_close.extend(
                connection for (writer_pid, _tid), connection in writers.items() if writer_pid == pid
            )
            writers.clear()
            key = (pid, url)
            users = _ENGINE_USERS.get(key, 0) - 1
            if users > 0:
                _ENGINE_USERS[key] = users
                continue
            _ENGINE_USERS.pop(key, None)
            engine = _ENGINES.pop(key, None)
            if engine is not None:
                to_dispose.append((engine, _FILES.pop(engine, None)))
    for connection in to_close:
        connection.close()
    for engine, file in to_dispose:
        engine.dispose()
        if file is not None:
            file.close()


def _forget_engines_after_fork() -> None:
    # A forked child must not use the parent's pooled connections (nor close them under it).
    for engine in _ENGINES.values():
        engine.dispose(close=False)
    _ENGINES.clear()
    _FILES.clear()
    _ENGINE_USERS.clear()
    _PENDING_RELEASES.clear()


os.register_at_fork(after_in_child=_forget_engines_after_fork)


def is_busy_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def run_in_transaction(
    connect: Callable[[], AbstractContextManager[Connection]],
    fn: Callable[[Connection], T],
    write: bool = False,
) -> T:
    """``fn(conn)`` inside one transaction (committed on return), retried if the database is busy.

    ``connect`` opens a connection (a storage's ``connect`` method); ``write=True`` makes SQLite take
    the write lock when the transaction begins.
    """
    delay = 0.05
    for attempt in range(BUSY_RETRIES + 1):
        try:
            with connect() as conn:
                if not write:
                    with conn.begin():
                        return fn(conn)
                conn.execution_options(**{WRITE_OPTION: True})
                with write_lock_for(conn.engine) or nullcontext():
                    with conn.begin():
                        result = fn(conn)
                    _note_commit(conn.engine)
                    return result
        except OperationalError as exc:
            if attempt == BUSY_RETRIES or not is_busy_error(exc):
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


# --- Alembic -------------------------------------------------------------------------------------

_ALEMBIC_DIR = os.path.join(os.path.dirname(__file__), "alembic")
_script_directory: Any = None


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _ALEMBIC_DIR)
    config.attributes["connection"] = conn
    return config


def _scripts() -> Any:
    global _script_directory
    if _script_directory is None:
        from alembic.script import ScriptDirectory

        _script_directory = ScriptDirectory(_ALEMBIC_DIR)
    return _script_directory


# The revisions Dagster 0.7 stamped its SQLite databases with: the baselines at the root of our
# history (event logs, then schedules, then runs). A database at one of them was made by 0.7.
EVENT_LOG_07_REVISION = "c39c047fa021"
DAGSTER_07_REVISIONS = frozenset({EVENT_LOG_07_REVISION, "da7cd32b690d", "c63a27054f08"})


def head_revision() -> str:
    from dagster.core.storage.migration_head import read_head_revision

    return read_head_revision(os.path.join(_ALEMBIC_DIR, "versions"))


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in ``alembic_version``, or None if the table is missing or empty."""
    if not db.inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def is_known_revision(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except Exception:  # alembic raises several types for an unknown id
        return False


def stamp_head(conn: Connection) -> None:
    from dagster.core.storage.migration_head import stamp_revision

    stamp_revision(conn, head_revision())


def _database_name(conn: Connection) -> str:
    """The file of a SQLite database, or the URL (password hidden) of another one."""
    url = conn.engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)


def upgrade_to_head(conn: Connection) -> None:
    from alembic import command

    revision = current_revision(conn)
    if revision is not None and not is_known_revision(revision):
        raise DagsterInstanceSchemaError(
            f"The database {_database_name(conn)} has schema revision {revision}, which this version "
            "does not know: it was written by a newer version. Upgrade this package to read it."
        )
    command.upgrade(_alembic_config(conn), "head")


def check_revision(conn: Connection, where: str, table_names: list[str]) -> str:
    """Raise unless the database at ``where`` is at our head revision.

    ``table_names`` are the tables this storage owns; a database with none of them and no
    revision is new (the caller creates it), reported by returning ``"empty"``.
    """
    try:
        revision = current_revision(conn)
        tables = set(db.inspect(conn).get_table_names())
    except DatabaseError as exc:
        raise _unreadable(where, exc) from exc
    head = head_revision()
    if revision == head:
        return revision
    if revision is None:
        if not tables.intersection(table_names):
            return "empty"
        raise DagsterInstanceMigrationRequired(
            f"The database {where} has no schema version (written by Dagster older than 0.6?).",
            db_revision=None,
            head_revision=head,
        )
    if not is_known_revision(revision):
        raise DagsterInstanceSchemaError(
            f"The database {where} has schema revision {revision}, which this version does not know: "
            "it was written by a newer version. Upgrade this package to read it."
        )
    raise DagsterInstanceMigrationRequired(f"Database: {where}.", db_revision=revision, head_revision=head)


def ensure_schema(
    connect: Callable[[], AbstractContextManager[Connection]],
    metadata: db.MetaData,
    table_names: list[str],
    where: str,
) -> None:
    """Check the database: create the tables of a new database and stamp it at our head revision;
    raise if it is out of date, newer than us, or unreadable. Storages call this once, on first use.

    A database already at head with all of ``table_names`` is only read (no write lock taken).
    """

    def _is_ready(conn: Connection) -> bool:
        state = check_revision(conn, where, table_names)
        return state != "empty" and set(table_names) <= set(db.inspect(conn).get_table_names())

    def _check_and_create(conn: Connection) -> None:
        state = check_revision(conn, where, table_names)
        # At head, tables of another storage sharing this database may be there without ours.
        metadata.create_all(conn, checkfirst=True)
        if state == "empty" and current_revision(conn) is None:
            stamp_head(conn)

    try:
        if not run_in_transaction(connect, _is_ready):
            run_in_transaction(connect, _check_and_create, write=True)
    except DatabaseError as exc:
        if isinstance(exc, OperationalError) and is_busy_error(exc):
            raise
        raise _unreadable(where, exc) from exc


def _unreadable(where: str, exc: DatabaseError) -> DagsterInstanceSchemaError:
    """The error for a database that could not be checked: the clear form of a file problem, else
    SQLite's own words."""
    return sqlite_file_error(where, exc) or DagsterInstanceSchemaError(
        f"Cannot read the database {where}: {getattr(exc, 'orig', exc)}."
    )


class SqliteDatabase:
    """One SQLite file used by a storage: its shared engine, a schema check on first use, upgrades."""

    def __init__(self, conn_string: str, metadata: db.MetaData, table_names: list[str]) -> None:
        self.conn_string = conn_string
        self.engine = _lease_sqlite_engine(conn_string)
        self.path = self.engine.url.database or conn_string
        self._metadata = metadata
        self._table_names = table_names
        self._checked = False
        # DBAPI connections for execute_write, keyed by (process id, thread id).
        self._writers: dict[tuple[int, int], Any] = {}
        self._release = weakref.finalize(self, _queue_release, os.getpid(), conn_string, self._writers)

    def dispose(self) -> None:
        """Return this database's connections (the engine is disposed with its last user)."""
        self._release()
        _drain_releases()

    @contextmanager
    def raw_connect(self) -> Iterator[Connection]:
        """A connection without the schema check (for checks and migrations). A failure of the file,
        its directory or its disk, in connecting or in the caller's statements, is raised as a
        ``DagsterInstanceSchemaError`` naming the file and the remedy."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except DatabaseError as exc:
            raise_for_file_error(self.path, exc)
            raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if not self._checked:
            ensure_schema(self.raw_connect, self._metadata, self._table_names, self.path)
            self._checked = True
        with self.raw_connect() as conn:
            yield conn

    def _writer(self) -> Any:
        """This thread's dedicated DBAPI connection for single-statement writes (taken from the
        engine's pool once and kept until :meth:`dispose`)."""
        key = (os.getpid(), threading.get_ident())
        connection = self._writers.get(key)
        if connection is None:
            connection = self._writers[key] = self.engine.raw_connection()
        return connection.driver_connection

    def execute_write(self, sql: str, rows: list[tuple]) -> None:
        """Run one DBAPI statement once per row of parameters, all in one committed write
        transaction, bypassing SQLAlchemy (the hot path of storing events: about a third of the
        cost of a Core statement)."""
        if not self._checked:
            with self.connect():
                pass
        lock = write_lock_for(self.engine) or nullcontext()
        delay = 0.05
        for attempt in range(BUSY_RETRIES + 1):
            try:
                with lock:
                    dbapi_connection = self._writer()
                    dbapi_connection.execute("BEGIN IMMEDIATE")
                    try:
                        if len(rows) == 1:
                            dbapi_connection.execute(sql, rows[0])
                        else:
                            dbapi_connection.executemany(sql, rows)
                        dbapi_connection.commit()
                    except BaseException:
                        # Also after a failed COMMIT (a full disk): SQLite may keep the transaction,
                        # and with it the write lock every other process waits for.
                        dbapi_connection.rollback()
                        raise
                _note_commit(self.engine)
                return
            except sqlite3.DatabaseError as exc:
                if attempt == BUSY_RETRIES or not is_busy_error(exc):
                    raise_for_file_error(self.path, exc)
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def revision(self) -> str | None:
        """The stamped schema revision (None for a new file), read without any check."""
        if not os.path.exists(self.path):
            return None
        try:
            with self.raw_connect() as conn:
                return current_revision(conn)
        except DatabaseError as exc:
            raise _unreadable(self.path, exc) from exc

    def upgrade(self) -> None:
        """Migrate to our head revision (idempotent); a new file is created at head."""
        if self.revision() is None:
            ensure_schema(self.raw_connect, self._metadata, self._table_names, self.path)
        else:
            run_in_transaction(self.raw_connect, upgrade_to_head, write=True)
        self._checked = False
