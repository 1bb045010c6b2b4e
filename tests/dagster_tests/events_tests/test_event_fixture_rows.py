"""Rows stored by a real Dagster 0.7.16 read back as our records, and write back byte for byte."""

from __future__ import annotations

import glob
import os
import sqlite3

import pytest

from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import (
    EventMetadataEntry,
    ExpectationResult,
    Materialization,
    PathMetadataEntryData,
    TextMetadataEntryData,
)
from dagster.core.events import (
    DagsterEvent,
    DagsterEventType,
    EngineEventData,
    ObjectStoreOperationResultData,
    StepExpectationResultData,
    StepFailureData,
    StepInputData,
    StepKind,
    StepMaterializationData,
    StepOutputData,
    StepOutputHandle,
    StepSuccessData,
    TypeCheckData,
)
from dagster.core.events.log import DagsterEventRecord, EventRecord, LogMessageRecord
from dagster.core.log_manager import DagsterLogManager
from dagster.utils.error import SerializableErrorInfo

# The read-only fixtures CI and developers keep beside the repository (../shared/fixtures).
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
FIXTURE_RUNS = os.path.join(FIXTURES, "dagster-0.7.16-home", "history", "runs")
ETL_RUN = "323c7a7a-8661-4047-a22e-d810f111f3e1"
BROKEN_RUN = "1b28093c-2df8-4b5f-b830-036220a9564b"


def _rows(run_id: str) -> list[str]:
    conn = sqlite3.connect(f"file:{os.path.join(FIXTURE_RUNS, run_id)}.db?mode=ro&immutable=1", uri=True)
    try:
        return [body for (body,) in conn.execute("SELECT event FROM event_logs ORDER BY id")]
    finally:
        conn.close()


def _all_bodies() -> list[str]:
    bodies = []
    for path in sorted(glob.glob(os.path.join(FIXTURE_RUNS, "*.db"))):
        bodies.extend(_rows(os.path.basename(path)[: -len(".db")]))
    return bodies


def test_every_fixture_row_round_trips_byte_for_byte():
    bodies = _all_bodies()
    assert len(bodies) == 6 + 23 * 3
    for body in bodies:
        record = EventRecord.from_json(body)
        assert record.to_json() == body


def test_etl_run_reads_back_with_types_and_data():
    records = [EventRecord.from_json(body) for body in _rows(ETL_RUN)]
    types = [r.dagster_event.event_type if r.is_dagster_event else None for r in records]
    assert types == [
        DagsterEventType.PIPELINE_START,
        DagsterEventType.ENGINE_EVENT,
        DagsterEventType.STEP_START,
        None,
        DagsterEventType.STEP_OUTPUT,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_SUCCESS,
        DagsterEventType.STEP_START,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_INPUT,
        DagsterEventType.STEP_EXPECTATION_RESULT,
        DagsterEventType.STEP_MATERIALIZATION,
        DagsterEventType.STEP_OUTPUT,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_SUCCESS,
        DagsterEventType.STEP_START,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_INPUT,
        DagsterEventType.STEP_OUTPUT,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_SUCCESS,
        DagsterEventType.ENGINE_EVENT,
        DagsterEventType.PIPELINE_SUCCESS,
    ]

    start = records[0]
    assert isinstance(start, DagsterEventRecord)
    assert start.level == 10 and start.run_id == ETL_RUN and start.pipeline_name == "etl"
    assert start.user_message == 'Started execution of pipeline "etl".'
    assert start.dagster_event.is_pipeline_event and not start.dagster_event.is_step_event
    assert start.dagster_event.logging_tags == {}

    engine = records[1].dagster_event.engine_event_data
    assert isinstance(engine, EngineEventData)
    assert engine.metadata_entries[0] == EventMetadataEntry("pid", None, TextMetadataEntryData("14536"))

    log_message = records[3]
    assert isinstance(log_message, LogMessageRecord)
    assert not log_message.is_dagster_event
    assert (log_message.level, log_message.user_message, log_message.step_key) == (
        20,
        "extract done",
        "extract.compute",
    )

    output_event = records[4].dagster_event
    assert output_event.solid_handle == SolidHandle("extract", None)
    assert output_event.solid_name == "extract"
    assert output_event.step_kind == StepKind.COMPUTE
    assert output_event.is_successful_output
    assert output_event.step_output_data == StepOutputData(
        StepOutputHandle("extract.compute", "result"),
        None,
        TypeCheckData(success=True, label="result", description=None, metadata_entries=[]),
    )

    store = records[5].dagster_event.event_specific_data
    assert isinstance(store, ObjectStoreOperationResultData)
    assert (store.op, store.value_name) == ("SET_OBJECT", "result")
    assert store.metadata_entries[0].entry_data == PathMetadataEntryData(
        f"/tmp/fx/home/storage/{ETL_RUN}/intermediates/extract.compute/result"
    )

    assert isinstance(records[6].dagster_event.step_success_data, StepSuccessData)
    assert records[6].dagster_event.step_success_data.duration_ms == pytest.approx(166.859144)

    assert records[9].dagster_event.step_input_data == StepInputData(
        "rows", TypeCheckData(True, "rows", None, [])
    )
    assert records[10].dagster_event.step_expectation_result_data == StepExpectationResultData(
        ExpectationResult(success=True, label="non_empty")
    )
    materialization = records[11].dagster_event.step_materialization_data
    assert materialization == StepMaterializationData(
        Materialization(label="clean_rows", metadata_entries=[EventMetadataEntry.text("4", "count")])
    )
    assert records[11].dagster_event.asset_key is None
    assert records[-1].dagster_event.is_pipeline_success


def test_failed_run_reads_back_failure_data():
    records = [EventRecord.from_json(body) for body in _rows(BROKEN_RUN)]
    failure = records[3]
    assert failure.level == 40
    event = failure.dagster_event
    assert event.is_step_failure and event.is_failure
    data = event.step_failure_data
    assert isinstance(data, StepFailureData)
    assert isinstance(data.error, SerializableErrorInfo)
    assert data.error.cls_name == "ValueError"
    assert data.error.message == "ValueError: fixture failure\n"
    assert data.error.stack[-1].endswith('raise ValueError("fixture failure")\n')
    assert data.user_failure_data is None
    assert records[-1].dagster_event.is_pipeline_failure


def _run_tags(records: list[EventRecord]) -> dict:
    step_tags = next(r.dagster_event.logging_tags for r in records if r.step_key is not None)
    return {
        key: value
        for key, value in step_tags.items()
        if key not in ("pipeline", "solid", "solid_definition", "step_key")
    }


@pytest.mark.parametrize("run_id", [ETL_RUN, BROKEN_RUN])
def test_our_formatter_reproduces_stored_messages(run_id):
    records = [EventRecord.from_json(body) for body in _rows(run_id)]
    run_tags = _run_tags(records)
    for record in records:
        if not record.is_dagster_event:
            continue
        event = record.dagster_event
        tags = event.logging_tags or {"pipeline": event.pipeline_name, **run_tags}
        manager = DagsterLogManager(run_id, tags, [])
        assert manager.format_event_message(event) == record.message


def test_legacy_process_events_read_back_as_engine_events():
    body = (
        '{"__class__": "DagsterEventRecord", "dagster_event": {"__class__": "DagsterEvent", '
        '"event_specific_data": {"__class__": "PipelineProcessStartedData", "pipeline_name": "p", '
        '"process_id": 77, "run_id": "r1"}, "event_type_value": "PIPELINE_PROCESS_STARTED", '
        '"logging_tags": {}, "message": "Started process for pipeline (pid: 77).", '
        '"pipeline_name": "p", "solid_handle": null, "step_key": null, "step_kind_value": null}, '
        '"error_info": null, "level": 10, "message": "m", "pipeline_name": "p", "run_id": "r1", '
        '"step_key": null, "timestamp": 1.5, "user_message": "Started process for pipeline (pid: 77)."}'
    )
    record = EventRecord.from_json(body)
    event = record.dagster_event
    assert event.event_type == DagsterEventType.ENGINE_EVENT
    assert event.is_engine_event
    assert event.engine_event_data.metadata_entries == [
        EventMetadataEntry.text("77", "pid"),
        EventMetadataEntry.text("r1", "run_id"),
    ]


def test_event_constructor_accepts_enum_and_rejects_unknown_types():
    event = DagsterEvent(DagsterEventType.STEP_START, "p", step_key="a.compute")
    assert event.event_type_value == "STEP_START"
    with pytest.raises(Exception, match="Unknown event type 'NOPE'"):
        DagsterEvent("NOPE", "p")
