"""Watching event logs by polling: one background thread per storage, sleeping between polls."""

from __future__ import annotations

import logging
import threading
from typing import Any

from dagster.core.storage.event_log.base import EventCallback

POLL_INTERVAL_SECONDS = 0.1

_logger = logging.getLogger("dagster.storage")


class _Watch:
    __slots__ = ("callback", "cursor", "row_id")

    def __init__(self, callback: EventCallback, cursor: int) -> None:
        self.callback = callback
        self.cursor = cursor  # index of the last event delivered (until the first poll)
        self.row_id: int | None = None  # row id of the last event delivered (after it)


class PollingEventWatcher:
    """Calls back on new events of watched runs, at most :data:`POLL_INTERVAL_SECONDS` after they
    are committed. The thread starts with the first watch and ends when no watch is left.

    ``storage`` must have ``get_logs_for_run_by_log_id(run_id, cursor)`` and
    ``logs_after_row_id(run_id, row_id)`` (see ``SqlEventLogStorage``).
    """

    def __init__(self, storage: Any, interval: float = POLL_INTERVAL_SECONDS) -> None:
        self._storage = storage
        self._interval = interval
        self._watches: dict[str, list[_Watch]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, run_id: str, start_cursor: int, callback: EventCallback) -> None:
        with self._lock:
            self._watches.setdefault(run_id, []).append(_Watch(callback, start_cursor))
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._loop, name="dagster-event-log-watch", daemon=True
                )
                self._thread.start()

    def end_watch(self, run_id: str, callback: EventCallback) -> None:
        with self._lock:
            watches = self._watches.get(run_id, [])
            watches[:] = [watch for watch in watches if watch.callback != callback]
            if not watches:
                self._watches.pop(run_id, None)

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None

    def _loop(self) -> None:
        while True:
            with self._lock:
                pending = [(run_id, list(watches)) for run_id, watches in self._watches.items()]
                if not pending:
                    self._thread = None
                    return
            for run_id, watches in pending:
                for watch in watches:
                    self._poll(run_id, watch)
            if self._stop.wait(self._interval):
                return

    def _poll(self, run_id: str, watch: _Watch) -> None:
        try:
            if watch.row_id is None:
                new = list(self._storage.get_logs_for_run_by_log_id(run_id, watch.cursor).items())
            else:
                new = self._storage.logs_after_row_id(run_id, watch.row_id)
        except Exception:
            _logger.exception("Could not read new events of run %s; will retry.", run_id)
            return
        if watch.row_id is None and not new:
            return
        for row_id, record in new:
            with self._lock:
                still_watching = watch in self._watches.get(run_id, ())
            if not still_watching:
                return
            try:
                watch.callback(record)
            except Exception:
                _logger.exception("An event log watch callback for run %s raised.", run_id)
            watch.row_id = row_id
            watch.cursor += 1
