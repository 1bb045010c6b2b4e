"""Event log storage that lives in this process only; watchers are called synchronously."""

from __future__ import annotations

import threading
from typing import Any

from dagster import check
from dagster.core.storage.event_log.base import EventCallback, EventLogStorage


class InMemoryEventLogStorage(EventLogStorage):
    """Keeps each run's records in a list. Watch callbacks run in the thread that stores the event."""

    def __init__(self) -> None:
        self._logs: dict[str, list[Any]] = {}
        # run id -> [(callback, start cursor)]: a callback hears of events after its start cursor.
        self._watchers: dict[str, list[tuple[EventCallback, int]]] = {}
        self._lock = threading.RLock()

    def store_event(self, event: Any) -> None:
        with self._lock:
            log = self._logs.setdefault(event.run_id, [])
            log.append(event)
            # Called under the lock so that every watcher sees the events in the order they were stored.
            if self._watchers:
                self._notify(event, len(log) - 1)

    def store_events(self, events: list[Any]) -> None:
        # The whole group is stored before any watcher hears of it, as with the SQL storages.
        with self._lock:
            indexes = []
            for event in events:
                log = self._logs.setdefault(event.run_id, [])
                log.append(event)
                indexes.append(len(log) - 1)
            for event, index in zip(events, indexes):
                self._notify(event, index)

    def _notify(self, event: Any, index: int) -> None:
        """Call the watchers of ``event``'s run whose start cursor is before ``index``."""
        for callback, start_cursor in list(self._watchers.get(event.run_id, ())):
            if index > start_cursor:
                callback(event)

    def get_logs_for_run(self, run_id: str, cursor: int = -1) -> list[Any]:
        check.str_param(run_id, "run_id")
        check.int_param(cursor, "cursor")
        check.invariant(cursor >= -1, f"cursor must be -1 or the index of the last event seen, got {cursor}.")
        with self._lock:
            return list(self._logs.get(run_id, ())[cursor + 1 :])

    def delete_events(self, run_id: str) -> None:
        with self._lock:
            self._logs.pop(run_id, None)

    def wipe(self) -> None:
        with self._lock:
            self._logs.clear()

    def watch(self, run_id: str, start_cursor: int, callback: EventCallback) -> None:
        check.callable_param(callback, "callback")
        with self._lock:
            backlog = list(self._logs.get(run_id, ())[start_cursor + 1 :])
            self._watchers.setdefault(run_id, []).append((callback, start_cursor))
            # The backlog is delivered while holding the lock so that no new event can overtake it.
            for record in backlog:
                callback(record)

    def end_watch(self, run_id: str, handler: EventCallback) -> None:
        with self._lock:
            watches = [watch for watch in self._watchers.get(run_id, ()) if watch[0] != handler]
            if watches:
                self._watchers[run_id] = watches
            else:
                self._watchers.pop(run_id, None)

    @property
    def is_persistent(self) -> bool:
        return False

    def dispose(self) -> None:
        with self._lock:
            self._watchers.clear()
