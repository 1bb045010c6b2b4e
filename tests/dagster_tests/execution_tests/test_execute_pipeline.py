"""Running pipelines in process: outputs, the exact ordered event stream, and what the instance stores."""

from __future__ import annotations

import json
import os

import pytest

from dagster import (
    EventMetadataEntry,
    ExpectationResult,
    InputDefinition,
    Int,
    Materialization,
    Output,
    OutputDefinition,
    composite_solid,
    execute_pipeline,
    execute_pipeline_iterator,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.execution.api import (
    create_execution_plan,
    execute_plan,
    execute_run,
    step_output_event_filter,
)
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .helpers import quiet, summary, types_of


@solid
def emit(context):
    context.log.info("emitting")
    return 1


@solid
def transform(context, num: int):
    yield ExpectationResult(True, label="positive", metadata_entries=[EventMetadataEntry.text("ok", "check")])
    yield Materialization("clean", metadata_entries=[EventMetadataEntry.path("/tmp/x", "where")])
    yield Output(num * 10)


@pipeline
def two_step():
    transform(emit())


def test_outputs_and_the_full_event_stream(instance):
    result = execute_pipeline(two_step, quiet(), instance=instance)
    assert result.success
    assert result.result_for_solid("transform").output_value() == 10
    pid = os.getpid()
    assert summary(result.event_list) == [
        ("PIPELINE_START", None, 'Started execution of pipeline "two_step".'),
        ("ENGINE_EVENT", None, "Executing steps in process (pid: N)"),
        ("STEP_START", "emit.compute", 'Started execution of step "emit.compute".'),
        ("STEP_OUTPUT", "emit.compute", 'Yielded output "result" of type "Any". (Type check passed).'),
        ("STEP_SUCCESS", "emit.compute", 'Finished execution of step "emit.compute" in <dur>.'),
        ("STEP_START", "transform.compute", 'Started execution of step "transform.compute".'),
        ("STEP_INPUT", "transform.compute", 'Got input "num" of type "Int". (Type check passed).'),
        ("STEP_EXPECTATION_RESULT", "transform.compute", "Expectation positive passed"),
        ("STEP_MATERIALIZATION", "transform.compute", "Materialized value clean."),
        ("STEP_OUTPUT", "transform.compute", 'Yielded output "result" of type "Any". (Type check passed).'),
        ("STEP_SUCCESS", "transform.compute", 'Finished execution of step "transform.compute" in <dur>.'),
        ("ENGINE_EVENT", None, "Finished steps in process (pid: N) in <dur>"),
        ("PIPELINE_SUCCESS", None, 'Finished execution of pipeline "two_step".'),
    ]
    engine_start = result.event_list[1].engine_event_data
    assert [(e.label, e.entry_data.text) for e in engine_start.metadata_entries] == [
        ("pid", str(pid)),
        ("step_keys", "['emit.compute', 'transform.compute']"),
    ]
    step_start = result.event_list[2]
    assert step_start.solid_handle.name == "emit"
    assert step_start.logging_tags == {
        "pipeline": "two_step",
        "solid": "emit",
        "solid_definition": "emit",
        "step_key": "emit.compute",
    }

    transform_result = result.result_for_solid("transform")
    assert [m.label for m in transform_result.materializations_during_compute] == ["clean"]
    assert [(e.label, e.success) for e in transform_result.expectation_results_during_compute] == [
        ("positive", True)
    ]

    # The instance stored the same events, plus the user's log line, and the run's status follows them.
    stored = instance.all_logs(result.run_id)
    stored_events = [r.dagster_event for r in stored if r.dagster_event is not None]
    assert types_of(stored_events) == types_of(result.event_list)
    assert [r.user_message for r in stored if r.dagster_event is None] == ["emitting"]
    run = instance.get_run_by_id(result.run_id)
    assert run.status == PipelineRunStatus.SUCCESS
    assert run.pipeline_snapshot_id and run.execution_plan_snapshot_id


def test_tags_reach_the_run_and_every_event(instance):
    @pipeline(tags={"team": "data"})
    def tagged():
        emit()

    result = execute_pipeline(tagged, quiet(), tags={"who": "me"}, instance=instance)
    assert instance.get_run_by_id(result.run_id).tags == {"team": "data", "who": "me"}
    step_event = next(e for e in result.event_list if e.event_type_value == "STEP_START")
    assert step_event.logging_tags["who"] == "me"
    assert step_event.logging_tags["team"] == "data"


@composite_solid
def double_then_add(num: int) -> int:
    @lambda_solid
    def double(n: int) -> int:
        return n * 2

    @lambda_solid
    def add_three(n: int) -> int:
        return n + 3

    return add_three(double(num))


@pipeline
def with_composite():
    double_then_add(emit())


def test_composite_solids_run_flattened_and_results_follow_mappings(instance):
    result = execute_pipeline(with_composite, quiet(), instance=instance)
    assert result.success
    assert [e.step_key for e in result.event_list if e.event_type_value == "STEP_SUCCESS"] == [
        "emit.compute",
        "double_then_add.double.compute",
        "double_then_add.add_three.compute",
    ]
    assert result.result_for_solid("double_then_add").output_value() == 5
    assert result.result_for_handle("double_then_add.double").output_value() == 2


@solid(input_defs=[InputDefinition("num", Int)], output_defs=[OutputDefinition(Int)])
def from_config(_, num):
    return num + 1


def test_input_from_config_is_hydrated_and_type_checked(instance):
    @pipeline
    def p():
        from_config()

    result = execute_pipeline(
        p, quiet({"solids": {"from_config": {"inputs": {"num": 41}}}}), instance=instance
    )
    assert result.result_for_solid("from_config").output_value() == 42
    inputs = [e for e in result.event_list if e.event_type_value == "STEP_INPUT"]
    assert inputs[0].message == 'Got input "num" of type "Int". (Type check passed).'


def test_iterator_run_and_plan_entry_points(instance):
    events = list(execute_pipeline_iterator(two_step, quiet(), instance=instance))
    assert types_of(events)[0] == "PIPELINE_START" and types_of(events)[-1] == "PIPELINE_SUCCESS"
    outputs = list(step_output_event_filter(iter(events)))
    assert [e.step_key for e in outputs] == ["emit.compute", "transform.compute"]

    run = instance.create_run_for_pipeline(two_step, environment_dict=quiet())
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.NOT_STARTED
    run_result = execute_run(two_step, run, instance)
    assert run_result.success
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.SUCCESS
    with pytest.raises(DagsterInvariantViolationError, match="has already finished"):
        execute_run(two_step, instance.get_run_by_id(run.run_id), instance)

    plan = create_execution_plan(two_step, quiet())
    plan_run = instance.create_run_for_pipeline(two_step, execution_plan=plan, environment_dict=quiet())
    plan_events = execute_plan(plan, instance, plan_run)
    assert "PIPELINE_START" not in types_of(plan_events)
    assert types_of(plan_events).count("STEP_SUCCESS") == 2


def test_fan_in_passes_a_list_in_dependency_order(instance):
    from dagster import List

    @lambda_solid
    def num_one():
        return 1

    @lambda_solid
    def num_two():
        return 2

    @lambda_solid(input_defs=[InputDefinition("nums", List[Int])])
    def collect(nums):
        return nums

    @pipeline
    def fan_in():
        collect([num_two(), num_one()])

    result = execute_pipeline(fan_in, quiet(), instance=instance)
    assert result.result_for_solid("collect").output_value() == [2, 1]
    step_input = next(e for e in result.event_list if e.event_type_value == "STEP_INPUT")
    assert step_input.message == 'Got input "nums" of type "[Int]". (Type check passed).'


def test_retries_config_round_trip():
    from dagster.core.execution.retries import Retries, RetryMode

    assert Retries.from_config(None).enabled
    assert Retries.from_config({"disabled": {}}).disabled
    retries = Retries.from_config({"enabled": {}})
    retries.mark_attempt("a.compute")
    restored = Retries.from_config(retries.to_config())
    assert restored.mode is RetryMode.ENABLED and restored.get_attempt_count("a.compute") == 1


def test_execute_solid_feeds_an_input_named_like_the_solid():
    from dagster.utils.test import execute_solid

    @lambda_solid
    def total(total: int) -> int:
        return total + 1

    @lambda_solid
    def pair(a, b):
        return (a, b)

    result = execute_solid(total, input_values={"total": 41})
    assert result.success
    assert result.output_value() == 42
    assert result.compute_input_event_dict["total"].event_specific_data.type_check_data.success

    # Inputs with other names keep stubs named after them.
    assert execute_solid(pair, input_values={"a": 1, "b": [2]}).output_value() == (1, [2])


def test_composite_outputs_config_materializes_the_mapped_inner_output(tmp_path):
    @lambda_solid
    def leaf() -> int:
        return 7

    @composite_solid(output_defs=[OutputDefinition(Int, "count")])
    def inner():
        return {"count": leaf()}

    @composite_solid(output_defs=[OutputDefinition(Int, "total")])
    def outer():
        return {"total": inner()}

    @pipeline
    def report():
        outer()

    def json_at(name):
        return {"json": {"path": str(tmp_path / name)}}

    result = execute_pipeline(
        report,
        {
            "solids": {
                "outer": {
                    "outputs": [{"total": json_at("outer.json")}],
                    "solids": {"inner": {"outputs": [{"count": json_at("inner.json")}]}},
                }
            }
        },
    )
    assert result.success
    assert json.loads((tmp_path / "inner.json").read_text()) == {"value": 7}
    assert json.loads((tmp_path / "outer.json").read_text()) == {"value": 7}
    leaf_events = result.result_for_handle("outer.inner.leaf").compute_step_events
    assert types_of(leaf_events) == [
        "STEP_START",
        "STEP_OUTPUT",
        "STEP_MATERIALIZATION",
        "STEP_MATERIALIZATION",
        "STEP_SUCCESS",
    ]
    labels = [event.event_specific_data.materialization.label for event in leaf_events[2:4]]
    assert labels == ["inner.json", "outer.json"]  # innermost first
