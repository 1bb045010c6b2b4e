"""The event log storage plug-in interface, and run/step statistics computed from events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any

from dagster.core.storage.pipeline_run import (
    PIPELINE_EVENT_STATUS,
    PipelineRunStatsSnapshot,
    PipelineRunStatus,
    RunStepKeyStatsSnapshot,
    StepEventStatus,
)

# Called with each new EventRecord of a watched run.
EventCallback = Callable[[Any], None]

_STEP_END_STATUS = {
    "STEP_SUCCESS": StepEventStatus.SUCCESS,
    "STEP_FAILURE": StepEventStatus.FAILURE,
    "STEP_SKIPPED": StepEventStatus.SKIPPED,
}


class EventLogStorage(ABC):
    """Append-only log of the EventRecords of each run.

    ``cursor`` everywhere is the 0-based index of the last event the caller has already seen:
    ``-1`` means "from the first event", ``k`` means "from index ``k + 1`` on". An event is
    committed before :meth:`store_event` returns.
    """

    @abstractmethod
    def store_event(self, event: Any) -> None:
        """Append one EventRecord to the log of ``event.run_id``."""

    def store_events(self, events: list[Any]) -> None:
        """Append several EventRecords, in order; storages with transactions commit them together
        (all or none), so a group costs one durable write instead of one per event."""
        for event in events:
            self.store_event(event)

    @abstractmethod
    def get_logs_for_run(self, run_id: str, cursor: int = -1) -> list[Any]:
        """The run's EventRecords after ``cursor``, in the order they were stored."""

    @abstractmethod
    def delete_events(self, run_id: str) -> None:
        """Remove every event of one run."""

    @abstractmethod
    def wipe(self) -> None:
        """Remove every event of every run."""

    @abstractmethod
    def watch(self, run_id: str, start_cursor: int, callback: EventCallback) -> None:
        """Call ``callback(record)`` for every event of ``run_id`` after ``start_cursor`` — those
        already stored and those stored later — once each and in order, until :meth:`end_watch`."""

    @abstractmethod
    def end_watch(self, run_id: str, handler: EventCallback) -> None:
        """Stop calling ``handler`` for ``run_id``."""

    @property
    @abstractmethod
    def is_persistent(self) -> bool:
        """Whether events survive this process."""

    def store_event_with_run_status(
        self, event: Any, run_storage: Any, new_run_tags: dict[str, str] | None = None
    ) -> None:
        """Store ``event``; for a PIPELINE_START/SUCCESS/FAILURE also update the run's status in
        ``run_storage`` (adding ``new_run_tags`` with it). The event is written first: the event log
        is the source of truth, and SQL storages that share one database override this to do both in
        a single transaction."""
        self.store_event(event)
        dagster_event = event.dagster_event
        if dagster_event is not None and dagster_event.event_type_value in PIPELINE_EVENT_STATUS:
            run_storage.handle_run_event(event.run_id, dagster_event, new_run_tags)

    def get_run_status_from_events(self, run_id: str) -> PipelineRunStatus | None:
        """The status the run's last PIPELINE_START/SUCCESS/FAILURE event implies (None if it has
        none). When run and event storage are separate databases, a crash between the event's commit
        and the status update leaves the run row behind; this tells what it should say."""
        status = None
        for record in self.get_logs_for_run(run_id):
            event = record.dagster_event
            if event is not None and event.event_type_value in PIPELINE_EVENT_STATUS:
                status = PIPELINE_EVENT_STATUS[event.event_type_value]
        return status

    def get_stats_for_run(self, run_id: str) -> PipelineRunStatsSnapshot:
        return stats_from_records(run_id, self.get_logs_for_run(run_id))

    def get_step_stats_for_run(self, run_id: str) -> list[RunStepKeyStatsSnapshot]:
        return step_stats_from_records(run_id, self.get_logs_for_run(run_id))

    def dispose(self) -> None:
        """Release connections and threads; the storage must not be used afterwards."""
        return None


def stats_from_records(run_id: str, records: Iterable[Any]) -> PipelineRunStatsSnapshot:
    """Count step outcomes, materializations and expectations; the run's start and end times."""
    counts = {"STEP_SUCCESS": 0, "STEP_FAILURE": 0, "STEP_MATERIALIZATION": 0, "STEP_EXPECTATION_RESULT": 0}
    start_time = success_time = failure_time = None
    for record in records:
        event = record.dagster_event
        if event is None:
            continue
        event_type = event.event_type_value
        if event_type in counts:
            counts[event_type] += 1
        elif event_type == "PIPELINE_START":
            start_time = float(record.timestamp)
        elif event_type == "PIPELINE_SUCCESS":
            success_time = float(record.timestamp)
        elif event_type == "PIPELINE_FAILURE":
            failure_time = float(record.timestamp)
    return PipelineRunStatsSnapshot(
        run_id=run_id,
        steps_succeeded=counts["STEP_SUCCESS"],
        steps_failed=counts["STEP_FAILURE"],
        materializations=counts["STEP_MATERIALIZATION"],
        expectations=counts["STEP_EXPECTATION_RESULT"],
        start_time=start_time,
        end_time=success_time if success_time is not None else failure_time,
    )


def step_stats_from_records(run_id: str, records: Iterable[Any]) -> list[RunStepKeyStatsSnapshot]:
    """One snapshot per step that has events, in the order the steps first appeared."""
    steps: dict[str, dict[str, Any]] = {}
    for record in records:
        event = record.dagster_event
        if event is None or not event.step_key:
            continue
        step = steps.setdefault(
            event.step_key,
            {
                "status": None,
                "start_time": None,
                "end_time": None,
                "materializations": [],
                "expectations": [],
            },
        )
        event_type = event.event_type_value
        if event_type == "STEP_START":
            step["start_time"] = float(record.timestamp)
        elif event_type in _STEP_END_STATUS:
            step["status"] = _STEP_END_STATUS[event_type]
            step["end_time"] = float(record.timestamp)
        elif event_type == "STEP_MATERIALIZATION":
            step["materializations"].append(event.event_specific_data.materialization)
        elif event_type == "STEP_EXPECTATION_RESULT":
            step["expectations"].append(event.event_specific_data.expectation_result)
    return [
        RunStepKeyStatsSnapshot(
            run_id=run_id,
            step_key=step_key,
            status=step["status"],
            start_time=step["start_time"],
            end_time=step["end_time"],
            materializations=step["materializations"],
            expectation_results=step["expectations"],
        )
        for step_key, step in steps.items()
    ]
