"""Every event record survives serialization, and the event accessors behave."""

from __future__ import annotations

import json

import pytest

from dagster import check
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import EventMetadataEntry, ExpectationResult, Materialization
from dagster.core.events import (
    FAILURE_EVENTS,
    PIPELINE_EVENTS,
    STEP_EVENTS,
    DagsterEvent,
    DagsterEventType,
    EngineEventData,
    ObjectStoreOperationResultData,
    ObjectStoreOperationType,
    PipelineInitFailureData,
    StepExpectationResultData,
    StepFailureData,
    StepInputData,
    StepKind,
    StepMaterializationData,
    StepOutputData,
    StepOutputHandle,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
    format_duration,
    get_step_output_event,
)
from dagster.core.events.log import DagsterEventRecord, EventRecord, LogMessageRecord
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple
from dagster.utils.error import SerializableErrorInfo

ERROR = SerializableErrorInfo(
    "Oops\n", ["  File a\n"], "ValueError", SerializableErrorInfo("Cause\n", [], "KeyError")
)
ENTRIES = [EventMetadataEntry.text("t", "label"), EventMetadataEntry.path("/p", "key")]
TYPE_CHECK = TypeCheckData(False, "x", "bad value", ENTRIES)

DATA_BY_TYPE = {
    DagsterEventType.STEP_OUTPUT: StepOutputData(
        StepOutputHandle("a.compute", "out"), Materialization("m"), TYPE_CHECK
    ),
    DagsterEventType.STEP_INPUT: StepInputData("x", TYPE_CHECK),
    DagsterEventType.STEP_SUCCESS: StepSuccessData(3.25),
    DagsterEventType.STEP_FAILURE: StepFailureData(ERROR, UserFailureData("l", "d", ENTRIES)),
    DagsterEventType.STEP_UP_FOR_RETRY: StepRetryData(ERROR, 2),
    DagsterEventType.STEP_MATERIALIZATION: StepMaterializationData(
        Materialization("m", "desc", ENTRIES, asset_key="asset")
    ),
    DagsterEventType.STEP_EXPECTATION_RESULT: StepExpectationResultData(
        ExpectationResult(False, "e", "desc", ENTRIES)
    ),
    DagsterEventType.OBJECT_STORE_OPERATION: ObjectStoreOperationResultData(
        ObjectStoreOperationType.GET_OBJECT, "x", ENTRIES
    ),
    DagsterEventType.ENGINE_EVENT: EngineEventData(ENTRIES, ERROR, "start", "end"),
    DagsterEventType.PIPELINE_INIT_FAILURE: PipelineInitFailureData(ERROR),
    DagsterEventType.STEP_START: None,
    DagsterEventType.STEP_SKIPPED: None,
    DagsterEventType.STEP_RESTARTED: None,
    DagsterEventType.PIPELINE_START: None,
    DagsterEventType.PIPELINE_SUCCESS: None,
    DagsterEventType.PIPELINE_FAILURE: None,
}


def _event(event_type, data):
    handle = SolidHandle("inner", SolidHandle("outer", None))
    return DagsterEvent(
        event_type.value,
        "pipe",
        "outer.inner.compute",
        handle,
        StepKind.COMPUTE.value,
        {"pipeline": "pipe", "step_key": "outer.inner.compute"},
        data,
        "message",
    )


def test_every_event_type_has_a_case():
    assert set(DATA_BY_TYPE) == set(DagsterEventType)


@pytest.mark.parametrize("event_type", list(DagsterEventType), ids=lambda t: t.value)
def test_event_record_round_trip(event_type):
    event = _event(event_type, DATA_BY_TYPE[event_type])
    record = DagsterEventRecord(None, "text", 10, "message", "run", 1.5, event.step_key, "pipe", event)
    body = record.to_json()
    back = EventRecord.from_json(body)
    assert back == record
    assert type(back) is DagsterEventRecord
    assert back.dagster_event.event_type == event_type
    assert type(back.dagster_event.event_specific_data) is type(DATA_BY_TYPE[event_type])
    assert json.loads(body)["dagster_event"]["event_type_value"] == event_type.value


def test_object_store_op_is_stored_as_its_name():
    data = DATA_BY_TYPE[DagsterEventType.OBJECT_STORE_OPERATION]
    assert data.op == "GET_OBJECT"
    assert json.loads(serialize_dagster_namedtuple(data))["op"] == "GET_OBJECT"


def test_log_message_record_round_trip():
    record = LogMessageRecord(ERROR, "m", 20, "u", "run", 2, "s", None)
    back = EventRecord.from_json(record.to_json())
    assert back == record and type(back) is LogMessageRecord
    assert back.timestamp == 2.0 and isinstance(back.timestamp, float)


def test_from_json_rejects_other_records():
    with pytest.raises(check.CheckError, match="Expected a stored EventRecord"):
        EventRecord.from_json(serialize_dagster_namedtuple(StepSuccessData(1.0)))


def test_data_records_round_trip_alone():
    for data in DATA_BY_TYPE.values():
        if data is not None:
            assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(data)) == data


def test_event_sets():
    assert FAILURE_EVENTS == {
        DagsterEventType.PIPELINE_INIT_FAILURE,
        DagsterEventType.PIPELINE_FAILURE,
        DagsterEventType.STEP_FAILURE,
    }
    assert PIPELINE_EVENTS == {
        DagsterEventType.PIPELINE_START,
        DagsterEventType.PIPELINE_SUCCESS,
        DagsterEventType.PIPELINE_FAILURE,
    }
    assert {t for t in DagsterEventType if t.value.startswith("STEP_")} | {
        DagsterEventType.OBJECT_STORE_OPERATION
    } == STEP_EVENTS


def test_properties_and_typed_accessors():
    failure = _event(DagsterEventType.STEP_FAILURE, DATA_BY_TYPE[DagsterEventType.STEP_FAILURE])
    assert failure.is_step_failure and failure.is_failure and failure.is_step_event
    assert not failure.is_pipeline_event and not failure.is_step_success
    assert failure.solid_name == "inner"
    assert failure.step_kind == StepKind.COMPUTE
    assert failure.step_failure_data.user_failure_data.label == "l"
    with pytest.raises(check.CheckError, match="Cannot read StepOutputData from a STEP_FAILURE event"):
        _ = failure.step_output_data

    materialization = _event(
        DagsterEventType.STEP_MATERIALIZATION, DATA_BY_TYPE[DagsterEventType.STEP_MATERIALIZATION]
    )
    assert materialization.asset_key == "asset"
    assert failure.asset_key is None

    pipeline_event = DagsterEvent("PIPELINE_SUCCESS", "pipe")
    assert pipeline_event.is_pipeline_success and pipeline_event.is_pipeline_event
    assert pipeline_event.solid_name is None and pipeline_event.step_kind is None
    assert pipeline_event.logging_tags == {}


def test_get_step_output_event():
    events = [
        _event(DagsterEventType.STEP_START, None),
        _event(DagsterEventType.STEP_OUTPUT, DATA_BY_TYPE[DagsterEventType.STEP_OUTPUT]),
    ]
    assert get_step_output_event(events, "outer.inner.compute", "out") is events[1]
    assert get_step_output_event(events, "outer.inner.compute") is None
    assert get_step_output_event(events, "other.compute", "out") is None


def test_engine_event_data_helpers():
    data = EngineEventData.in_process(42, ["a.compute"])
    assert [(e.label, e.entry_data.text) for e in data.metadata_entries] == [
        ("pid", "42"),
        ("step_keys", "['a.compute']"),
    ]
    assert EngineEventData.engine_error(ERROR).error is ERROR
    assert EngineEventData.interrupted(["a"]).metadata_entries[0].label == "steps_interrupted"


def test_format_duration():
    assert format_duration(12.7) == "12ms"
    assert format_duration(1460) == "1.46s"
    assert format_duration(123000) == "2m 3s"
    assert format_duration(3_723_000) == "1h 2m"


def test_bad_record_arguments_name_the_parameter():
    with pytest.raises(check.CheckError, match='"label"'):
        TypeCheckData(True, 3)
    with pytest.raises(check.CheckError, match="EventMetadataEntry"):
        UserFailureData("l", None, ["not an entry"])
    with pytest.raises(check.CheckError, match='"step_output_handle"'):
        StepOutputData(("a", "b"))
