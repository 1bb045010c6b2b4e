"""The execution plan: step keys, flattened composites, input sources, levels and subsets."""

from __future__ import annotations

import pytest

from dagster import (
    InputDefinition,
    Int,
    List,
    OutputDefinition,
    composite_solid,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.errors import DagsterExecutionStepNotFoundError
from dagster.core.execution.api import create_execution_plan
from dagster.core.execution.config import RunConfig
from dagster.core.execution.plan.objects import StepInputSourceType, StepKind, StepOutputHandle
from dagster.core.snap.execution_plan_snapshot import (
    ExecutionPlanSnapshot,
    create_execution_plan_snapshot_id,
    snapshot_from_execution_plan,
)
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple


@lambda_solid
def one() -> int:
    return 1


@lambda_solid
def add_one(num: int) -> int:
    return num + 1


@lambda_solid(input_defs=[InputDefinition("nums", List[Int])])
def total(nums):
    return sum(nums)


@pipeline
def diamond():
    top = one()
    total([add_one.alias("left")(top), add_one.alias("right")(top)])


def test_one_step_per_solid_levels_sorted_within_level():
    plan = create_execution_plan(diamond)
    assert [[step.key for step in level] for level in plan.topological_step_levels()] == [
        ["one.compute"],
        ["left.compute", "right.compute"],
        ["total.compute"],
    ]
    assert all(step.kind is StepKind.COMPUTE for step in plan.steps)
    fan_in = plan.get_step_by_key("total.compute").step_input_named("nums")
    assert fan_in.source_type is StepInputSourceType.MULTIPLE_OUTPUTS
    assert fan_in.source_handles == [
        StepOutputHandle("left.compute", "result"),
        StepOutputHandle("right.compute", "result"),
    ]
    assert plan.get_step_by_key("left.compute").logging_tags == {
        "pipeline": "diamond",
        "solid": "left",
        "solid_definition": "add_one",
        "step_key": "left.compute",
    }


@composite_solid
def inner_comp(num: int) -> int:
    return add_one.alias("b")(add_one.alias("a")(num))


@composite_solid
def outer_comp(num: int) -> int:
    return inner_comp(num)


@pipeline
def nested():
    add_one.alias("last")(outer_comp(one()))


def test_composites_are_flattened_and_mappings_resolved_to_leaf_outputs():
    plan = create_execution_plan(nested)
    assert [step.key for step in plan.steps] == [
        "one.compute",
        "outer_comp.inner_comp.a.compute",
        "outer_comp.inner_comp.b.compute",
        "last.compute",
    ]
    first_inner = plan.get_step_by_key("outer_comp.inner_comp.a.compute")
    assert first_inner.step_input_named("num").source_handles == [StepOutputHandle("one.compute")]
    assert first_inner.solid_handle.to_string() == "outer_comp.inner_comp.a"
    assert first_inner.logging_tags["solid"] == "outer_comp.inner_comp.a"
    last = plan.get_step_by_key("last.compute")
    assert last.step_input_named("num").source_handles == [
        StepOutputHandle("outer_comp.inner_comp.b.compute")
    ]


@solid(input_defs=[InputDefinition("num", Int), InputDefinition("other", Int, default_value=7)])
def needs_config(_, num, other):
    return num + other


@pipeline
def configured():
    needs_config()


def test_inputs_from_config_and_defaults():
    plan = create_execution_plan(configured, {"solids": {"needs_config": {"inputs": {"num": 3}}}})
    step = plan.get_step_by_key("needs_config.compute")
    assert step.step_input_named("num").source_type is StepInputSourceType.CONFIG
    assert step.step_input_named("num").config_data == 3
    assert step.step_input_named("other").source_type is StepInputSourceType.DEFAULT_VALUE
    assert step.step_input_named("other").default_value == 7


def test_step_subset_and_unknown_step_keys():
    plan = create_execution_plan(
        diamond, run_config=RunConfig(step_keys_to_execute=["total.compute", "left.compute"])
    )
    assert plan.step_keys_to_execute == ["left.compute", "total.compute"]
    assert [[s.key for s in level] for level in plan.execution_step_levels()] == [
        ["left.compute"],
        ["total.compute"],
    ]
    assert plan.execution_deps() == {"left.compute": set(), "total.compute": {"left.compute"}}

    with pytest.raises(DagsterExecutionStepNotFoundError) as exc_info:
        create_execution_plan(
            diamond, run_config=RunConfig(step_keys_to_execute=["nope.compute", "one.compute"])
        )
    assert exc_info.value.step_keys == ["nope.compute"]
    assert "nope.compute" in str(exc_info.value)
    assert "Available steps: left.compute, one.compute, right.compute, total.compute" in str(exc_info.value)


def test_plan_snapshot_round_trips_and_is_content_addressed():
    plan = create_execution_plan(diamond)
    snapshot = snapshot_from_execution_plan(plan, "abc")
    assert isinstance(snapshot, ExecutionPlanSnapshot)
    assert [step.key for step in snapshot.steps] == [step.key for step in plan.steps]
    total_snap = snapshot.step_named("total.compute")
    assert total_snap.inputs[0].upstream_output_handles == [
        StepOutputHandle("left.compute"),
        StepOutputHandle("right.compute"),
    ]
    assert snapshot.artifacts_persisted is False
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(snapshot)) == snapshot
    snapshot_id = create_execution_plan_snapshot_id(snapshot)
    assert len(snapshot_id) == 40
    assert snapshot_id == create_execution_plan_snapshot_id(
        snapshot_from_execution_plan(create_execution_plan(diamond), "abc")
    )
    persisted = create_execution_plan(diamond, {"storage": {"filesystem": {}}})
    assert snapshot_from_execution_plan(persisted, "abc").artifacts_persisted is True


@solid(output_defs=[OutputDefinition(Int, "a"), OutputDefinition(Int, "b", is_required=False)])
def two_outputs(_):
    yield from ()


def test_step_outputs_carry_optionality():
    @pipeline
    def p():
        two_outputs()

    step = create_execution_plan(p).get_step_by_key("two_outputs.compute")
    assert [(o.name, o.optional) for o in step.step_outputs] == [("a", False), ("b", True)]
