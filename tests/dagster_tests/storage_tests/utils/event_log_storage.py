"""The shared test suite for event log storages: subclass and provide the ``storage`` fixture."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import ExpectationResult, Materialization
from dagster.core.events import (
    DagsterEvent,
    StepExpectationResultData,
    StepMaterializationData,
    StepSuccessData,
)
from dagster.core.events.log import DagsterEventRecord, LogMessageRecord
from dagster.core.storage.event_log.base import EventLogStorage
from dagster.core.storage.pipeline_run import (
    PipelineRun,
    PipelineRunStatsSnapshot,
    PipelineRunStatus,
    RunStepKeyStatsSnapshot,
    StepEventStatus,
)
from dagster.core.storage.runs import InMemoryRunStorage


def event_record(
    run_id: str,
    event_type: str,
    timestamp: float,
    step_key: str | None = None,
    data: Any = None,
) -> DagsterEventRecord:
    event = DagsterEvent(
        event_type_value=event_type,
        pipeline_name="pipe",
        step_key=step_key,
        solid_handle=SolidHandle(step_key.split(".")[0], None) if step_key else None,
        step_kind_value="COMPUTE" if step_key else None,
        event_specific_data=data,
        message=f"{event_type} message",
    )
    return DagsterEventRecord(
        error_info=None,
        message=f"pipe - {run_id} - {event_type} - {event_type} message",
        level=logging.DEBUG,
        user_message=f"{event_type} message",
        run_id=run_id,
        timestamp=timestamp,
        step_key=step_key,
        pipeline_name="pipe",
        dagster_event=event,
    )


def log_record(run_id: str, text: str, timestamp: float) -> LogMessageRecord:
    return LogMessageRecord(
        error_info=None,
        message=f"pipe - {run_id} - {text}",
        level=logging.INFO,
        user_message=text,
        run_id=run_id,
        timestamp=timestamp,
        pipeline_name="pipe",
    )


def one_run(run_id: str) -> list[Any]:
    """A successful run of two steps: ``a`` materializes and checks an expectation, ``b`` fails."""
    materialization = Materialization(label="table", description="rows")
    expectation = ExpectationResult(success=True, label="non_empty")
    return [
        event_record(run_id, "PIPELINE_START", 100.25),
        event_record(run_id, "STEP_START", 101.5, "a.compute"),
        log_record(run_id, "hello from a", 101.75),
        event_record(
            run_id, "STEP_MATERIALIZATION", 102.0, "a.compute", StepMaterializationData(materialization)
        ),
        event_record(
            run_id, "STEP_EXPECTATION_RESULT", 102.5, "a.compute", StepExpectationResultData(expectation)
        ),
        event_record(run_id, "STEP_SUCCESS", 103.125, "a.compute", StepSuccessData(duration_ms=12.0)),
        event_record(run_id, "STEP_START", 104.0, "b.compute"),
        event_record(run_id, "STEP_FAILURE", 105.0, "b.compute"),
        event_record(run_id, "STEP_SKIPPED", 105.5, "c.compute"),
        event_record(run_id, "PIPELINE_FAILURE", 106.0),
    ]


class TestEventLogStorage:
    """Every behaviour of :class:`EventLogStorage`; ``is_persistent`` is what the storage must report."""

    __test__ = False
    is_persistent = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def test_store_and_read_in_order(self, storage: EventLogStorage) -> None:
        records = one_run("r1")
        other = one_run("r2")
        for mine, theirs in zip(records, other):
            storage.store_event(mine)
            storage.store_event(theirs)
        assert storage.get_logs_for_run("r1") == records
        assert storage.get_logs_for_run("r2") == other
        assert [type(record) for record in storage.get_logs_for_run("r1")][1:3] == [
            DagsterEventRecord,
            LogMessageRecord,
        ]
        assert storage.get_logs_for_run("unknown") == []
        assert storage.is_persistent is self.is_persistent

    def test_cursor(self, storage: EventLogStorage) -> None:
        records = one_run("r1")
        for record in records:
            storage.store_event(record)
        assert storage.get_logs_for_run("r1", cursor=-1) == records
        assert storage.get_logs_for_run("r1", cursor=0) == records[1:]
        assert storage.get_logs_for_run("r1", cursor=6) == records[7:]
        assert storage.get_logs_for_run("r1", cursor=9) == []
        assert storage.get_logs_for_run("r1", cursor=50) == []

    def test_delete_and_wipe(self, storage: EventLogStorage) -> None:
        for record in one_run("r1") + one_run("r2"):
            storage.store_event(record)
        storage.delete_events("r1")
        assert storage.get_logs_for_run("r1") == []
        assert len(storage.get_logs_for_run("r2")) == 10
        storage.wipe()
        assert storage.get_logs_for_run("r2") == []
        storage.store_event(log_record("r2", "again", 1.0))
        assert [record.user_message for record in storage.get_logs_for_run("r2")] == ["again"]

    def test_stats(self, storage: EventLogStorage) -> None:
        for record in one_run("r1"):
            storage.store_event(record)
        assert storage.get_stats_for_run("r1") == PipelineRunStatsSnapshot(
            run_id="r1",
            steps_succeeded=1,
            steps_failed=1,
            materializations=1,
            expectations=1,
            start_time=100.25,
            end_time=106.0,
        )
        assert storage.get_stats_for_run("empty") == PipelineRunStatsSnapshot("empty", 0, 0, 0, 0, None, None)

    def test_step_stats(self, storage: EventLogStorage) -> None:
        for record in one_run("r1"):
            storage.store_event(record)
        assert storage.get_step_stats_for_run("r1") == [
            RunStepKeyStatsSnapshot(
                run_id="r1",
                step_key="a.compute",
                status=StepEventStatus.SUCCESS,
                start_time=101.5,
                end_time=103.125,
                materializations=[Materialization(label="table", description="rows")],
                expectation_results=[ExpectationResult(success=True, label="non_empty")],
            ),
            RunStepKeyStatsSnapshot("r1", "b.compute", StepEventStatus.FAILURE, 104.0, 105.0, [], []),
            RunStepKeyStatsSnapshot("r1", "c.compute", StepEventStatus.SKIPPED, None, 105.5, [], []),
        ]

    def test_watch(self, storage: EventLogStorage) -> None:
        records = one_run("r1")
        storage.store_event(records[0])
        storage.store_event(records[1])
        received: list[Any] = []
        arrived = threading.Event()

        def on_event(record: Any) -> None:
            received.append(record)
            if len(received) == 3:
                arrived.set()

        storage.watch("r1", 0, on_event)
        storage.store_event(log_record("r2", "another run", 1.0))
        started = time.monotonic()
        storage.store_event(records[2])
        storage.store_event(records[3])
        assert arrived.wait(2.0)
        assert time.monotonic() - started < 0.5
        assert received == records[1:4]
        storage.end_watch("r1", on_event)
        storage.store_event(records[4])
        time.sleep(0.3)
        assert received == records[1:4]

    def test_watch_skips_events_up_to_its_cursor(self, storage: EventLogStorage) -> None:
        # A cursor past the end (say, of a log read before it was deleted) skips events up to it.
        received: list[Any] = []
        storage.watch("r1", 2, received.append)
        records = [log_record("r1", f"m{index}", float(index)) for index in range(5)]
        for record in records:
            storage.store_event(record)
        deadline = time.monotonic() + 2.0
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        assert received == records[3:]
        storage.end_watch("r1", received.append)

    def test_end_watch_ends_every_watch_of_the_callback(self, storage: EventLogStorage) -> None:
        received: list[Any] = []
        other: list[Any] = []
        callback = received.append
        storage.watch("r1", -1, callback)
        storage.watch("r1", -1, callback)
        storage.watch("r1", -1, other.append)
        first = log_record("r1", "first", 1.0)
        storage.store_event(first)
        deadline = time.monotonic() + 2.0
        while (len(received) < 2 or not other) and time.monotonic() < deadline:
            time.sleep(0.02)
        storage.end_watch("r1", callback)
        second = log_record("r1", "second", 2.0)
        storage.store_event(second)
        deadline = time.monotonic() + 2.0
        while len(other) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        assert received == [first, first]
        assert other == [first, second]
        storage.end_watch("r1", other.append)

    def test_store_events_stores_a_group_whole_and_in_order(self, storage: EventLogStorage) -> None:
        records = one_run("r1")
        other = log_record("r2", "another run", 1.0)
        heard: list[tuple[Any, int]] = []
        arrived = threading.Event()

        def on_event(record: Any) -> None:
            # What a reader finds in the log at the moment a watcher hears of each event.
            heard.append((record, len(storage.get_logs_for_run("r1"))))
            if len(heard) == len(records):
                arrived.set()

        storage.watch("r1", -1, on_event)
        storage.store_events([])
        storage.store_events(records[:4])
        storage.store_events(records[4:7] + [other] + records[7:])
        assert arrived.wait(2.0)
        assert [record for record, _count in heard] == records
        # No watcher, and so no reader after it, ever sees part of a group.
        assert [count >= 4 for _record, count in heard[:4]] == [True] * 4
        assert [count for _record, count in heard[4:]] == [10] * 6
        assert storage.get_logs_for_run("r1") == records
        assert storage.get_logs_for_run("r2") == [other]
        assert storage.get_logs_for_run("r1", cursor=3) == records[4:]
        storage.end_watch("r1", on_event)

    def test_run_status_from_events(self, storage: EventLogStorage) -> None:
        records = one_run("r1")
        assert storage.get_run_status_from_events("r1") is None
        storage.store_event(records[0])
        storage.store_event(records[1])
        assert storage.get_run_status_from_events("r1") == PipelineRunStatus.STARTED
        for record in records[2:]:
            storage.store_event(record)
        assert storage.get_run_status_from_events("r1") == PipelineRunStatus.FAILURE

    def test_store_event_with_run_status(self, storage: EventLogStorage) -> None:
        runs = InMemoryRunStorage()
        runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
        records = one_run("r1")
        storage.store_event_with_run_status(records[0], runs)
        assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED
        storage.store_event_with_run_status(records[1], runs)
        assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED
        storage.store_event_with_run_status(records[-1], runs)
        assert runs.get_run_by_id("r1").status == PipelineRunStatus.FAILURE
        assert storage.get_logs_for_run("r1") == [records[0], records[1], records[-1]]
