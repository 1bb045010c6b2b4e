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
        self._watchers: dict[str, list[EventCallback]] = {}
        self._lock = threading.RLock()

    def store_event(self, event: Any) -> None:
        with self._lock:
            self._logs.setdefault(event.run_id, []).append(event)
            # Called under the lock so that every watcher sees the events in the order they were stored.
            for callback in list(self._watchers.get(event.run_id, ())):
                callback(event)

    def store_events(self, events: list[Any]) -> None:
        # The whole group is stored before any watcher hears of it, as with the SQL storages.
        with self._lock:
            for event in events:
                self._logs.setdefault(event.run_id, []).append(event)
            for event in events:
                for callback in list(self._watchers.get(event.run_id, ())):
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
            self._watchers.setdefault(run_id, []).append(callback)
            # The backlog is delivered while holding the lock so that no new event can overtake it.
            for record in backlog:
                callback(record)

    def end_watch(self, run_id: str, handler: EventCallback) -> None:
        with self._lock:
            handlers = self._watchers.get(run_id, [])
            if handler in handlers:
                handlers.remove(handler)
            if not handlers:
                self._watchers.pop(run_id, None)

    @property
    def is_persistent(self) -> bool:
        return False

    def dispose(self) -> None:
        with self._lock:
            self._watchers.clear()
