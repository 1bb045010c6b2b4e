from __future__ import annotations

import pytest

from dagster import InputDefinition, PipelineDefinition, pipeline, solid
from dagster.core.errors import DagsterInvalidConfigError, DagsterRunConflict
from dagster.core.execution.api import create_execution_plan
from dagster.core.instance import DagsterInstance
from dagster.core.snap import create_execution_plan_snapshot_id, snapshot_from_execution_plan
from dagster.core.storage.pipeline_run import PipelineRunStatus


@solid(config=int)
def emit(context):
    return context.solid_config


@solid(input_defs=[InputDefinition("value", int)])
def double(_context, value):
    return value * 2


@pipeline
def arithmetic():
    double(emit())


CONFIG = {"solids": {"emit": {"config": 3}}}


@pytest.fixture(params=["ephemeral", "sqlite"])
def instance(request, tmp_path):
    if request.param == "ephemeral":
        return DagsterInstance.ephemeral(str(tmp_path))
    return DagsterInstance.local_temp(str(tmp_path))


def test_create_run_for_pipeline_stores_both_snapshots(instance):
    run = instance.create_run_for_pipeline(arithmetic, environment_dict=CONFIG, tags={"k": "v"})
    assert run.mode == "default" and run.tags == {"k": "v"} and run.status == PipelineRunStatus.NOT_STARTED
    assert run.pipeline_snapshot_id == arithmetic.get_pipeline_snapshot_id()
    assert instance.get_pipeline_snapshot(run.pipeline_snapshot_id) == arithmetic.get_pipeline_snapshot()
    plan_snapshot = snapshot_from_execution_plan(
        create_execution_plan(arithmetic, CONFIG), arithmetic.get_pipeline_snapshot_id()
    )
    assert run.execution_plan_snapshot_id == create_execution_plan_snapshot_id(plan_snapshot)
    assert instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id) == plan_snapshot
    assert instance.get_run_by_id(run.run_id) == run


def test_create_run_for_pipeline_validates_config(instance):
    with pytest.raises(DagsterInvalidConfigError):
        instance.create_run_for_pipeline(arithmetic, environment_dict={"solids": {"emit": {"config": "x"}}})
    assert instance.get_runs() == []


def test_solid_subset_and_step_keys(instance):
    run = instance.create_run_for_pipeline(
        arithmetic, environment_dict=CONFIG, solid_subset=["emit"], step_keys_to_execute=["emit.compute"]
    )
    assert run.solid_subset == ["emit"] and run.step_keys_to_execute == ["emit.compute"]
    snapshot = instance.get_pipeline_snapshot(run.pipeline_snapshot_id)
    assert snapshot == arithmetic.build_sub_pipeline(["emit"]).get_pipeline_snapshot()
    subset = arithmetic.build_sub_pipeline(["emit"])
    assert instance.create_run_for_pipeline(
        subset, environment_dict=CONFIG, solid_subset=["emit"]
    ).pipeline_snapshot_id == (subset.get_pipeline_snapshot_id())


def test_snapshot_stored_again_after_a_wipe_elsewhere(instance):
    first = instance.create_run_for_pipeline(arithmetic, environment_dict=CONFIG)
    instance.run_storage.wipe()  # as another process would: this instance's memory of stored snapshots is stale
    second = instance.create_run_for_pipeline(arithmetic, environment_dict=CONFIG)
    assert second.pipeline_snapshot_id == first.pipeline_snapshot_id
    assert instance.has_pipeline_snapshot(second.pipeline_snapshot_id)
    instance.wipe()
    third = instance.create_run_for_pipeline(arithmetic, environment_dict=CONFIG)
    assert [run.run_id for run in instance.get_runs()] == [third.run_id]


def test_get_or_create_run_with_snapshots(instance):
    plan = create_execution_plan(arithmetic, CONFIG)
    snapshot = arithmetic.get_pipeline_snapshot()
    plan_snapshot = snapshot_from_execution_plan(plan, arithmetic.get_pipeline_snapshot_id())
    kwargs = dict(pipeline_name="arithmetic", run_id="r1", environment_dict=CONFIG, mode="default")
    created = instance.get_or_create_run(
        **kwargs, pipeline_snapshot=snapshot, execution_plan_snapshot=plan_snapshot
    )
    again = instance.get_or_create_run(
        **kwargs, pipeline_snapshot=snapshot, execution_plan_snapshot=plan_snapshot
    )
    assert again == created
    with pytest.raises(DagsterRunConflict) as conflict:
        instance.get_or_create_run(**{**kwargs, "mode": "other"})
    assert str(conflict.value).startswith(
        "A run with id r1 already exists with a different mode (stored 'default', given 'other')"
    )


def test_plan_snapshot_needs_its_pipeline_snapshot(instance):
    plan_snapshot = snapshot_from_execution_plan(create_execution_plan(arithmetic, CONFIG), "not-the-id")
    with pytest.raises(Exception, match="needs the pipeline snapshot it was made from"):
        instance.create_run(
            pipeline_name="arithmetic",
            pipeline_snapshot=arithmetic.get_pipeline_snapshot(),
            execution_plan_snapshot=plan_snapshot,
        )


def test_unnamed_pipeline_definition(instance):
    run = instance.create_run_for_pipeline(PipelineDefinition([emit], name="solo"), environment_dict=CONFIG)
    assert run.pipeline_name == "solo"


@solid(tags={"team": "data", "owner": "ann"})
def tagged(_context):
    return 1


def test_plan_snapshot_has_the_07_fields(instance):
    # As in 0.7.16: the keys of the steps selected to run, and each step's solid tags sorted by key.
    run = instance.create_run_for_pipeline(
        arithmetic, environment_dict=CONFIG, step_keys_to_execute=["double.compute"]
    )
    plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    assert plan.step_keys_to_execute == ["double.compute"]
    assert [step.key for step in plan.steps] == ["emit.compute", "double.compute"]
    full = instance.create_run_for_pipeline(arithmetic, environment_dict=CONFIG)
    assert full.execution_plan_snapshot_id != run.execution_plan_snapshot_id
    assert instance.get_execution_plan_snapshot(full.execution_plan_snapshot_id).step_keys_to_execute == [
        "emit.compute",
        "double.compute",
    ]
    solo = instance.create_run_for_pipeline(PipelineDefinition([tagged], name="tagged"))
    (step,) = instance.get_execution_plan_snapshot(solo.execution_plan_snapshot_id).steps
    assert [(item.key, item.value) for item in step.metadata_items] == [("owner", "ann"), ("team", "data")]
