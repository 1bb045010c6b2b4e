"""PipelineExecutionResult / CompositeSolidExecutionResult / SolidExecutionResult on real runs."""

from __future__ import annotations

import os

import pytest

from dagster import (
    DagsterEventType,
    ExpectationResult,
    Failure,
    Materialization,
    Output,
    OutputDefinition,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.events import StepFailureData
from dagster.core.execution.results import (
    CompositeSolidExecutionResult,
    PipelineExecutionResult,
    SolidExecutionResult,
)
from dagster.core.instance import DagsterInstance


@lambda_solid
def emit_one():
    return 1


@solid
def add_one(context, num: int) -> int:
    yield Materialization(label="sum", description="the sum")
    yield ExpectationResult(success=num > 0, label="positive")
    yield Output(num + 1)


@solid(output_defs=[OutputDefinition(int, "left"), OutputDefinition(int, "right", is_required=False)])
def split(_context, num: int):
    yield Output(num, "left")


@composite_solid(output_defs=[OutputDefinition(int, "total")])
def add_two(num: int):
    return {"total": add_one.alias("second")(add_one.alias("first")(num))}


@pipeline
def chain():
    add_two(add_one(emit_one()))
    split(emit_one.alias("other")())


@solid
def explode(_context, num: int) -> int:
    raise Failure(description="no good")


@pipeline
def failing():
    add_one(explode(emit_one()))


def test_pipeline_result_containers():
    result = execute_pipeline(chain)
    assert isinstance(result, PipelineExecutionResult)
    assert result.success
    assert result.pipeline_def is chain
    assert result.event_list[0].event_type == DagsterEventType.PIPELINE_START
    assert all(event.is_step_event for event in result.step_event_list)
    assert set(result.events_by_step_key) == {
        "emit_one.compute",
        "add_one.compute",
        "add_two.first.compute",
        "add_two.second.compute",
        "other.compute",
        "split.compute",
    }
    assert {r.solid.name for r in result.solid_result_list} == {
        "emit_one",
        "add_one",
        "add_two",
        "other",
        "split",
    }

    add_one_result = result.result_for_solid("add_one")
    assert isinstance(add_one_result, SolidExecutionResult)
    assert add_one_result.success and not add_one_result.skipped
    assert add_one_result.output_value() == 2
    assert add_one_result.output_values == {"result": 2}
    assert list(add_one_result.compute_input_event_dict) == ["num"]
    assert add_one_result.input_events_during_compute[0].step_input_data.type_check_data.success
    assert list(add_one_result.compute_output_event_dict) == ["result"]
    assert add_one_result.get_output_event_for_compute().step_output_data.output_name == "result"
    assert [m.label for m in add_one_result.materializations_during_compute] == ["sum"]
    assert len(add_one_result.materialization_events_during_compute) == 1
    assert [e.label for e in add_one_result.expectation_results_during_compute] == ["positive"]
    assert len(add_one_result.expectation_events_during_compute) == 1
    assert add_one_result.get_step_success_event().event_type == DagsterEventType.STEP_SUCCESS
    assert add_one_result.failure_data is None

    assert result.output_for_solid("add_one") == 2
    assert result.output_for_solid("add_two.second") == 4


def test_optional_output_not_produced():
    split_result = execute_pipeline(chain).result_for_solid("split")
    assert split_result.output_values == {"left": 1}
    with pytest.raises(DagsterInvariantViolationError, match='did not yield output "right"'):
        split_result.output_value("right")
    with pytest.raises(DagsterInvariantViolationError, match='Output "nope" is not defined by solid "split"'):
        split_result.output_value("nope")


def test_composite_results():
    result = execute_pipeline(chain)
    composite = result.result_for_solid("add_two")
    assert isinstance(composite, CompositeSolidExecutionResult)
    assert composite.success
    assert composite.output_value("total") == 4
    assert composite.output_values == {"total": 4}
    assert composite.output_values_for_solid("first") == {"result": 3}
    assert composite.output_value_for_solid("second") == 4
    assert composite.output_value_for_handle("first") == 3
    assert composite.output_values_for_handle("second") == {"result": 4}
    inner = composite.result_for_solid("second")
    assert inner.compute_step_events[0].step_key == "add_two.second.compute"
    assert result.result_for_handle("add_two.first").output_value() == 3
    assert {e.step_key for e in composite.step_event_list} == {
        "add_two.first.compute",
        "add_two.second.compute",
    }
    with pytest.raises(DagsterInvariantViolationError, match='Output "result" is not defined by composite'):
        composite.output_value()


def test_unknown_solids_are_invariant_errors():
    result = execute_pipeline(chain)
    with pytest.raises(DagsterInvariantViolationError, match="no such top-level solid"):
        result.result_for_solid("first")
    with pytest.raises(DagsterInvariantViolationError, match='handle "add_two.missing"'):
        result.result_for_handle("add_two.missing")


def test_failure_results():
    result = execute_pipeline(failing, raise_on_error=False)
    assert not result.success
    exploded = result.result_for_solid("explode")
    assert not exploded.success and not exploded.skipped
    assert exploded.output_values is None and exploded.output_value() is None
    assert isinstance(exploded.failure_data, StepFailureData)
    assert exploded.failure_data.user_failure_data.description == "no good"
    assert exploded.compute_step_failure_event.is_step_failure
    skipped = result.result_for_solid("add_one")
    assert skipped.skipped and not skipped.success
    with pytest.raises(DagsterInvariantViolationError, match="did not fail"):
        _ = result.result_for_solid("emit_one").compute_step_failure_event


def test_filesystem_storage_values_and_object_store_events(tmp_path):
    instance = DagsterInstance.ephemeral(str(tmp_path))
    result = execute_pipeline(chain, {"storage": {"filesystem": {}}}, instance=instance)
    assert result.success
    assert result.result_for_solid("add_one").output_value() == 2
    assert result.output_for_solid("add_two.second") == 4

    store_events = [e for e in result.event_list if e.event_type == DagsterEventType.OBJECT_STORE_OPERATION]
    first_set = next(e for e in store_events if e.step_key == "emit_one.compute")
    path = os.path.join(
        str(tmp_path), "storage", result.run_id, "intermediates", "emit_one.compute", "result"
    )
    assert first_set.message == (
        "Stored intermediate object for output result in filesystem object store using pickle."
    )
    data = first_set.event_specific_data
    assert (data.op, data.value_name) == ("SET_OBJECT", "result")
    assert data.metadata_entries[0].label == "key" and data.metadata_entries[0].entry_data.path == path
    assert os.path.exists(path)

    get_event = next(
        e
        for e in store_events
        if e.step_key == "add_one.compute" and e.event_specific_data.op == "GET_OBJECT"
    )
    assert get_event.message == (
        "Retrieved intermediate object for input num in filesystem object store using pickle."
    )
