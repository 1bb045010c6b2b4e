"""Watching event logs through PostgreSQL LISTEN/NOTIFY: one listener thread per process.

A trigger on ``event_logs`` (see ``event_log.py``) runs ``pg_notify('run_events', run_id)`` for
every stored event, delivered when its transaction commits, to every process and machine
listening on that database. The listener thread keeps one ``LISTEN run_events`` connection per
database that has watches, sleeps in ``select`` on those sockets (no polling), and on a
notification reads the run's new rows and calls the watches' callbacks, in order, once each.

The thread starts with the first watch of the process and ends when the last watch ends. A
listening connection that the server drops is reopened (retrying with a growing delay), and
then every watch of that database catches up on what it missed.
"""

from __future__ import annotations

import logging
import os
import selectors
import threading
import time
from typing import Any

from dagster.core.storage.event_log.base import EventCallback
from dagster_postgres.utils import connection_error, libpq_url

CHANNEL = "run_events"

# Waits between attempts to reopen a dropped listening connection, or to re-read after an error.
RETRY_DELAYS_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)

_logger = logging.getLogger("dagster.storage.postgres")


class _Watch:
    __slots__ = ("callback", "cursor", "row_id", "run_id", "storage", "url")

    def __init__(self, storage: Any, url: str, run_id: str, cursor: int, callback: EventCallback) -> None:
        self.storage = storage
        self.url = url
        self.run_id = run_id
        self.callback = callback
        self.cursor = cursor  # index of the last event delivered (until the first delivery)
        self.row_id: int | None = None  # row id of the last event delivered (after it)


def _listen(url: str) -> Any:
    import psycopg

    try:
        conn = psycopg.connect(
            libpq_url(url),
            autocommit=True,
            application_name="dagster-listener",
            connect_timeout=10,
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )
    except psycopg.OperationalError as exc:
        raise connection_error(url, exc) from exc
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


class EventNotifier:
    """The process's registry of watches and its listener thread (use :func:`notifier`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watches: dict[str, dict[str, list[_Watch]]] = {}
        self._listeners: dict[str, Any] = {}
        self._reconnect: dict[str, tuple[float, int]] = {}  # url -> (when, attempt)
        self._pending: list[_Watch] = []  # watches to bring up to date on the next turn
        self._retry: dict[_Watch, float] = {}  # watches whose last read failed -> when to retry
        self._thread: threading.Thread | None = None
        # Held while the listener reads a watched storage, so that ending the watches of a storage
        # that is being disposed waits for a read in flight.
        self._reading = threading.Lock()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)

    # -- API used by the storages --------------------------------------------------------------

    def watch(self, storage: Any, url: str, run_id: str, cursor: int, callback: EventCallback) -> None:
        """Call ``callback`` with the events of ``run_id`` after ``cursor`` (already stored and
        future). Raises ``DagsterPostgresConnectionError`` if the database cannot be reached."""
        watch = _Watch(storage, url, run_id, cursor, callback)
        with self._lock:
            if self._listeners.get(url) is None:
                # LISTEN before the first read: nothing committed in between can be missed.
                self._listeners[url] = _listen(url)
                self._reconnect.pop(url, None)
                self._pending.extend(w for ws in self._watches.get(url, {}).values() for w in ws)
            self._watches.setdefault(url, {}).setdefault(run_id, []).append(watch)
            self._pending.append(watch)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="dagster-postgres-listener", daemon=True
                )
                self._thread.start()
        self._wake()

    def end_watch(self, url: str, run_id: str, callback: EventCallback) -> None:
        with self._lock:
            self._remove(url, run_id, lambda watch: watch.callback == callback)
        self._wake()

    def end_watches_of(self, storage: Any) -> None:
        """End every watch made through ``storage`` (when it is disposed)."""
        with self._lock:
            for url, runs in list(self._watches.items()):
                for run_id in list(runs):
                    self._remove(url, run_id, lambda watch: watch.storage is storage)
            in_listener = threading.current_thread() is self._thread
        if not in_listener:
            with self._reading:
                pass
        self._wake()

    def watch_count(self) -> int:
        with self._lock:
            return sum(len(ws) for runs in self._watches.values() for ws in runs.values())

    def is_listening(self) -> bool:
        """Whether the listener thread is running."""
        with self._lock:
            return self._thread is not None

    # -- the listener thread -----------------------------------------------------------------------

    def _remove(self, url: str, run_id: str, matches: Any) -> None:
        runs = self._watches.get(url, {})
        kept = [watch for watch in runs.get(run_id, []) if not matches(watch)]
        if kept:
            runs[run_id] = kept
        else:
            runs.pop(run_id, None)
        if not runs:
            self._watches.pop(url, None)

    def _wake(self) -> None:
        try:
            os.write(self._wake_write, b"x")
        except BlockingIOError:  # the pipe is full: the thread is already due to wake up
            pass

    def _is_watched(self, watch: _Watch) -> bool:
        with self._lock:
            return watch in self._watches.get(watch.url, {}).get(watch.run_id, ())

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._wake_read, selectors.EVENT_READ, None)
        registered: dict[str, tuple[Any, int]] = {}  # url -> (connection, its socket)
        try:
            while True:
                with self._lock:
                    if not self._watches:
                        self._thread = None
                        for url in list(self._listeners):
                            self._close_listener(url)
                        return
                    for url in list(self._listeners):
                        if url not in self._watches:
                            self._close_listener(url)
                    listeners = {url: conn for url, conn in self._listeners.items() if conn is not None}
                    pending, self._pending = self._pending, []
                    now = time.monotonic()
                    due = [watch for watch, when in self._retry.items() if when <= now]
                    for watch in due:
                        del self._retry[watch]
                    wake_times = [when for when in self._retry.values()]
                    wake_times += [when for when, _attempt in self._reconnect.values()]
                for url in [url for url, (conn, _fd) in registered.items() if listeners.get(url) is not conn]:
                    selector.unregister(registered.pop(url)[1])
                for url, conn in listeners.items():
                    if url not in registered:
                        registered[url] = (conn, conn.fileno())
                        selector.register(registered[url][1], selectors.EVENT_READ, (url, conn))
                for watch in pending + due:
                    self._deliver(watch)
                self._reconnect_due()
                timeout = max(0.0, min(wake_times) - time.monotonic()) if wake_times else None
                for key, _events in selector.select(timeout):
                    if key.data is None:
                        self._drain_wake_pipe()
                    else:
                        self._on_readable(*key.data)
        except Exception:
            _logger.exception("The PostgreSQL event listener stopped on an unexpected error.")
            with self._lock:
                self._thread = None
        finally:
            selector.close()

    def _drain_wake_pipe(self) -> None:
        try:
            while os.read(self._wake_read, 4096):
                pass
        except BlockingIOError:
            pass

    def _on_readable(self, url: str, conn: Any) -> None:
        import psycopg

        try:
            run_ids = {notify.payload for notify in conn.notifies(timeout=0)}
        except psycopg.Error as exc:
            _logger.warning("Lost the PostgreSQL listening connection (%s); reconnecting.", exc)
            with self._lock:
                if self._listeners.get(url) is conn:
                    self._listeners[url] = None
                    self._reconnect[url] = (time.monotonic(), 0)
            conn.close()
            return
        with self._lock:
            runs = self._watches.get(url, {})
            watches = [watch for run_id in run_ids for watch in runs.get(run_id, ())]
        for watch in watches:
            self._deliver(watch)

    def _reconnect_due(self) -> None:
        with self._lock:
            due = [
                (url, attempt) for url, (when, attempt) in self._reconnect.items() if when <= time.monotonic()
            ]
        for url, attempt in due:
            try:
                conn = _listen(url)
            except Exception:
                delay = RETRY_DELAYS_SECONDS[min(attempt, len(RETRY_DELAYS_SECONDS) - 1)]
                with self._lock:
                    if url in self._reconnect:
                        self._reconnect[url] = (time.monotonic() + delay, attempt + 1)
                continue
            with self._lock:
                if self._listeners.get(url) is not None or url not in self._watches:
                    conn.close()
                    continue
                self._listeners[url] = conn
                self._reconnect.pop(url, None)
                # Whatever was stored while we were not listening: read it now.
                self._pending.extend(w for ws in self._watches[url].values() for w in ws)
            self._wake()

    def _close_listener(self, url: str) -> None:
        """Under the lock: forget ``url``'s listening connection and close it."""
        conn = self._listeners.pop(url, None)
        self._reconnect.pop(url, None)
        if conn is not None:
            conn.close()

    def _deliver(self, watch: _Watch) -> None:
        """Call ``watch.callback`` for each event of its run stored after the last one it got."""
        try:
            with self._reading:
                if not self._is_watched(watch):
                    return
                if watch.row_id is None:
                    new = list(watch.storage.get_logs_for_run_by_log_id(watch.run_id, watch.cursor).items())
                else:
                    new = watch.storage.logs_after_row_id(watch.run_id, watch.row_id)
        except Exception:
            _logger.warning("Could not read new events of run %s; will retry.", watch.run_id, exc_info=True)
            with self._lock:
                self._retry[watch] = time.monotonic() + RETRY_DELAYS_SECONDS[-2]
            return
        for row_id, record in new:
            if not self._is_watched(watch):
                return
            try:
                watch.callback(record)
            except Exception:
                _logger.exception("An event log watch callback for run %s raised.", watch.run_id)
            watch.row_id = row_id
            watch.cursor += 1


_NOTIFIER: EventNotifier | None = None
_NOTIFIER_LOCK = threading.Lock()


def notifier() -> EventNotifier:
    """This process's :class:`EventNotifier`."""
    global _NOTIFIER
    with _NOTIFIER_LOCK:
        if _NOTIFIER is None:
            _NOTIFIER = EventNotifier()
        return _NOTIFIER


def _forget_notifier_after_fork() -> None:
    # The child has no listener thread; the parent's connections stay the parent's (psycopg does
    # not close a connection made by another process when it is garbage collected).
    global _NOTIFIER, _NOTIFIER_LOCK
    if _NOTIFIER is not None:
        for fd in (_NOTIFIER._wake_read, _NOTIFIER._wake_write):
            os.close(fd)
    _NOTIFIER = None
    _NOTIFIER_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_notifier_after_fork)
