"""A small per-storage cache of deserialized event records, so that re-reading a run's log (the UI
polls it, the CLI pages through it) does not parse the same JSON again.

Rows are keyed by ``(row id, timestamp)``: a stored row never changes, and a row id reused after a
deletion in another process comes with a different timestamp. Only the most recently read runs are
kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

RowKey = tuple[int, Any]


class RecordCache:
    def __init__(self, max_runs: int = 8) -> None:
        self._max_runs = max_runs
        self._runs: OrderedDict[str, dict[RowKey, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_id: str) -> dict[RowKey, Any]:
        """The cached records of ``run_id`` (a copy, possibly empty)."""
        with self._lock:
            records = self._runs.get(run_id)
            if records is None:
                return {}
            self._runs.move_to_end(run_id)
            return dict(records)

    def put(self, run_id: str, records: dict[RowKey, Any]) -> None:
        """Replace the cached records of ``run_id`` by ``records`` (the run's current rows)."""
        with self._lock:
            self._runs[run_id] = records
            self._runs.move_to_end(run_id)
            while len(self._runs) > self._max_runs:
                self._runs.popitem(last=False)

    def forget(self, run_id: str | None = None) -> None:
        """Drop one run's records, or every run's."""
        with self._lock:
            if run_id is None:
                self._runs.clear()
            else:
                self._runs.pop(run_id, None)
