"""A step stores its events in groups, yet every event is stored before user code runs again and
before the step's events reach whoever iterates the run."""

from __future__ import annotations

import pytest

from dagster import (
    DagsterType,
    InputDefinition,
    Output,
    OutputDefinition,
    execute_pipeline,
    execute_pipeline_iterator,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.instance import DagsterInstance

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}, "storage": {"filesystem": {}}}


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path))


def stored_types(context) -> list[str]:
    """What the instance holds for this step so far, read the way another process would."""
    records = context.instance.all_logs(context.run_id)
    return [
        record.dagster_event.event_type_value if record.is_dagster_event else f"log: {record.user_message}"
        for record in records
        if record.step_key == "consumer.compute"
    ]


@lambda_solid
def producer():
    return 1


SEEN: dict[str, list[str]] = {}


@solid(
    input_defs=[InputDefinition("number")],
    output_defs=[OutputDefinition(name="a"), OutputDefinition(name="b")],
)
def consumer(context, number):
    SEEN["at start"] = stored_types(context)
    context.log.info("computing")
    SEEN["after logging"] = stored_types(context)
    yield Output(number, "a")
    SEEN["after first output"] = stored_types(context)
    yield Output(number + 1, "b")


@pipeline
def two_steps():
    consumer(producer())


def test_the_compute_function_finds_every_earlier_event_of_its_step_stored(instance):
    SEEN.clear()
    result = execute_pipeline(two_steps, QUIET, instance=instance)
    assert result.success
    assert SEEN["at start"] == ["STEP_START", "OBJECT_STORE_OPERATION", "STEP_INPUT"]
    # What user code logs is stored at once, not held.
    assert SEEN["after logging"] == SEEN["at start"] + ["log: computing"]
    # Going back into a generator, the framework's events for the first output are stored.
    assert SEEN["after first output"] == SEEN["after logging"] + ["STEP_OUTPUT", "OBJECT_STORE_OPERATION"]
    assert stored_types_of_run(instance, result.run_id, "consumer.compute") == SEEN["after first output"] + [
        "STEP_OUTPUT",
        "OBJECT_STORE_OPERATION",
        "STEP_SUCCESS",
    ]


def stored_types_of_run(instance, run_id: str, step_key: str) -> list[str]:
    return [
        record.dagster_event.event_type_value if record.is_dagster_event else f"log: {record.user_message}"
        for record in instance.all_logs(run_id)
        if record.step_key == step_key
    ]


def test_each_event_is_stored_by_the_time_the_run_iterator_yields_it(instance):
    yielded = []
    stored_counts = []
    run_id = None
    for event in execute_pipeline_iterator(two_steps, QUIET, instance=instance):
        if run_id is None:
            run_id = [run.run_id for run in instance.get_runs()][0]
        yielded.append(event.event_type_value)
        stored = [r.dagster_event.event_type_value for r in instance.all_logs(run_id) if r.is_dagster_event]
        stored_counts.append(len(stored))
        assert stored[: len(yielded)] == yielded
    assert yielded[-1] == "PIPELINE_SUCCESS"
    assert stored_counts == sorted(stored_counts)


@lambda_solid(input_defs=[InputDefinition("number", int)])
def rejects_its_input(number):
    raise AssertionError("never called")


@lambda_solid
def produces_text():
    return "not a number"


@pipeline
def type_mismatch():
    rejects_its_input(produces_text())


def test_a_failure_inside_a_held_stretch_is_stored_with_everything_before_it(instance):
    result = execute_pipeline(type_mismatch, QUIET, instance=instance, raise_on_error=False)
    assert not result.success
    assert stored_types_of_run(instance, result.run_id, "rejects_its_input.compute") == [
        "STEP_START",
        "OBJECT_STORE_OPERATION",
        "STEP_INPUT",
        "STEP_FAILURE",
    ]
    step_events = [
        e.event_type_value for e in result.step_event_list if e.step_key == "rejects_its_input.compute"
    ]
    assert step_events == ["STEP_START", "OBJECT_STORE_OPERATION", "STEP_INPUT", "STEP_FAILURE"]


def test_with_raise_on_error_the_failure_is_stored_before_the_error_is_raised(instance):
    with pytest.raises(Exception):
        execute_pipeline(type_mismatch, QUIET, instance=instance)
    [run] = instance.get_runs()
    assert stored_types_of_run(instance, run.run_id, "rejects_its_input.compute")[-1] == "STEP_FAILURE"


SEEN_BY_TYPE_CHECK: list[list[str]] = []
# A type check's context has no instance: the test hands it the one the run uses.
RUN_INSTANCE: list[DagsterInstance] = []


def checking_even(context, value):
    records = RUN_INSTANCE[0].all_logs(context.run_id)
    SEEN_BY_TYPE_CHECK.append(
        [
            r.dagster_event.event_type_value
            for r in records
            if r.is_dagster_event and r.step_key == "halve.compute"
        ]
    )
    context.log.info("checked")
    return value % 2 == 0


Even = DagsterType(name="Even", type_check_fn=checking_even)


@lambda_solid(input_defs=[InputDefinition("number", Even)])
def halve(number):
    return number // 2


@lambda_solid
def four():
    return 4


@pipeline
def checked_input():
    halve(four())


def test_a_user_type_check_finds_the_events_before_it_stored(instance):
    SEEN_BY_TYPE_CHECK.clear()
    RUN_INSTANCE[:] = [instance]
    result = execute_pipeline(checked_input, QUIET, instance=instance)
    assert result.success
    assert SEEN_BY_TYPE_CHECK == [["STEP_START", "OBJECT_STORE_OPERATION"]]
    assert stored_types_of_run(instance, result.run_id, "halve.compute") == [
        "STEP_START",
        "OBJECT_STORE_OPERATION",
        "log: checked",
        "STEP_INPUT",
        "STEP_OUTPUT",
        "OBJECT_STORE_OPERATION",
        "STEP_SUCCESS",
    ]


def test_a_pipeline_event_handed_over_while_events_are_held_is_stored_after_them(instance):
    from dagster.core.events import DagsterEvent, DagsterEventType
    from dagster.core.events.log import DagsterEventRecord, LogMessageRecord

    run = instance.create_run(pipeline_name="held")

    def record(event_type: str | None) -> object:
        if event_type is None:
            return LogMessageRecord(None, "note", 20, "note", run.run_id, 1.0, pipeline_name="held")
        event = DagsterEvent(event_type, "held", message=event_type)
        return DagsterEventRecord(None, event_type, 10, event_type, run.run_id, 1.0, None, "held", event)

    instance.hold_events()
    instance.handle_new_event(record(None))
    instance.handle_new_event(record(DagsterEventType.PIPELINE_START.value))
    instance.handle_new_event(record(None))
    assert instance.get_run_by_id(run.run_id).status.value == "STARTED"
    assert len(instance.all_logs(run.run_id)) == 2  # the note before the start; the last one is held
    instance.release_events()
    assert [r.user_message for r in instance.all_logs(run.run_id)] == ["note", "PIPELINE_START", "note"]
