"""Which steps of a plan can run now: the bookkeeping every engine shares.

An engine asks ``get_steps_to_skip()`` and ``get_steps_to_execute()``, runs what it got (here, in
worker processes, on a cluster), and reports each step's events back with ``handle_event``. Steps
become executable when all their upstream steps succeeded, and are skipped when one of them failed
or was skipped. A step that asked for a retry comes back once its wait is over.
"""

from __future__ import annotations

import time
from typing import Any

from dagster.core.execution.retries import Retries


class ActiveExecution:
    """The state of a plan's execution: waiting, ready, in flight, done (succeeded/failed/skipped).

    ``get_steps_to_execute`` hands out every ready step at once, sorted by key, so that an engine
    running them one by one follows the plan's topological levels.
    """

    def __init__(self, execution_plan: Any, retries: Retries):
        self._plan = execution_plan
        self._retries = retries
        self._waiting: dict[str, set[str]] = {
            key: set(upstream) for key, upstream in execution_plan.execution_deps().items()
        }
        self._ready: dict[str, float] = {}  # step key -> time from which it may run (retries wait)
        self._in_flight: set[str] = set()
        self._succeeded: set[str] = set()
        self._failed: set[str] = set()
        self._skipped: set[str] = set()
        self._to_skip: list[str] = []
        self._downstream: dict[str, list[str]] = {key: [] for key in self._waiting}
        for key, upstream in self._waiting.items():
            for upstream_key in upstream:
                self._downstream[upstream_key].append(key)
        self._promote(sorted(self._waiting))

    # -- what to do next ------------------------------------------------------------------------

    def get_steps_to_skip(self) -> list[Any]:
        """Steps that cannot run because an upstream step failed or was skipped (marked skipped)."""
        keys = sorted(self._to_skip)
        self._to_skip = []
        for key in keys:
            self.mark_skipped(key)
        return [self._plan.get_step_by_key(key) for key in keys]

    def get_steps_to_execute(self, limit: int | None = None) -> list[Any]:
        """Ready steps (at most ``limit``), sorted by key; they are in flight until their end event."""
        now = time.monotonic()
        keys = sorted(key for key, ready_at in self._ready.items() if ready_at <= now)
        if limit is not None:
            keys = keys[:limit]
        for key in keys:
            del self._ready[key]
            self._in_flight.add(key)
        return [self._plan.get_step_by_key(key) for key in keys]

    def seconds_until_next_retry(self) -> float | None:
        """How long until a step waiting for its retry may run (None if none is waiting)."""
        if not self._ready:
            return None
        return max(0.0, min(self._ready.values()) - time.monotonic())

    @property
    def is_complete(self) -> bool:
        return not (self._waiting or self._ready or self._in_flight or self._to_skip)

    # -- what happened --------------------------------------------------------------------------

    def handle_event(self, event: Any) -> None:
        """Update the state from a step's STEP_SUCCESS / FAILURE / SKIPPED / UP_FOR_RETRY event."""
        kind = event.event_type_value
        if kind == "STEP_SUCCESS":
            self.mark_succeeded(event.step_key)
        elif kind == "STEP_FAILURE":
            self.mark_failed(event.step_key)
        elif kind == "STEP_SKIPPED":
            self.mark_skipped(event.step_key)
        elif kind == "STEP_UP_FOR_RETRY":
            self.mark_up_for_retry(event.step_key, event.event_specific_data.seconds_to_wait)

    def mark_succeeded(self, key: str) -> None:
        self._finish(key, self._succeeded)

    def mark_failed(self, key: str) -> None:
        self._finish(key, self._failed)

    def mark_skipped(self, key: str) -> None:
        self._finish(key, self._skipped)

    def mark_up_for_retry(self, key: str, seconds_to_wait: float | None = None) -> None:
        """Count the attempt and make the step ready again after its wait.

        With deferred retries the outer engine retries the step: here it simply ends.
        """
        self._in_flight.discard(key)
        if self._retries.deferred:
            self._finish(key, self._failed)
            return
        self._retries.mark_attempt(key)
        self._ready[key] = time.monotonic() + (seconds_to_wait or 0)

    @property
    def failed_or_skipped(self) -> set[str]:
        return self._failed | self._skipped

    def _finish(self, key: str, outcome: set[str]) -> None:
        self._in_flight.discard(key)
        self._ready.pop(key, None)
        self._waiting.pop(key, None)
        outcome.add(key)
        self._promote(self._downstream.get(key, ()))

    def _promote(self, candidates) -> None:
        """Re-examine the waiting steps among ``candidates`` (the downstream of what just ended)."""
        for key in candidates:
            upstream = self._waiting.get(key)
            if upstream is None:
                continue
            if upstream & self._failed or upstream & self._skipped:
                if key not in self._to_skip:
                    self._to_skip.append(key)
            elif upstream <= self._succeeded:
                del self._waiting[key]
                self._ready[key] = 0.0
