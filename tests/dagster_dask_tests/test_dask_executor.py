"""The dask executor against a real dask.distributed cluster."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from dagster import DagsterInvalidConfigError, RunConfig, execute_pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster_dask.engine import get_dask_resource_requirements

from . import pipelines

pytestmark = pytest.mark.slow

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path))


def dask_config(**config):
    return {**QUIET, "execution": {"dask": {"config": config}}, "storage": {"filesystem": {}}}


def loaded():
    return ExecutionTargetHandle.for_pipeline_fn(pipelines.dask_diamond).build_pipeline_definition()


def test_steps_run_as_dask_tasks_and_report_to_the_instance(instance, dask_address):
    result = execute_pipeline(loaded(), dask_config(address=dask_address), instance=instance)
    assert result.success
    assert result.result_for_solid("add").output_value() == 4
    worker_pid = result.result_for_solid("where_am_i").output_value()
    assert worker_pid != os.getpid()
    messages = [event.message for event in result.event_list]
    assert f"Executing steps on Dask (scheduler: {dask_address})" in messages
    assert any(
        m.startswith(f"Submitted step add.compute to Dask as task dask_diamond.add.compute.{result.run_id}")
        for m in messages
    )
    assert any(
        m.startswith(f"Step where_am_i.compute finished in process (pid: {worker_pid})") for m in messages
    )
    stored = [r.dagster_event.event_type_value for r in instance.all_logs(result.run_id) if r.dagster_event]
    assert stored.count("STEP_SUCCESS") == 5 and stored[-1] == "PIPELINE_SUCCESS"
    log = instance.compute_log_manager.read_logs_file(
        result.run_id, "where_am_i.compute", ComputeIOType.STDOUT
    )
    assert f"running in {worker_pid}" in log.data


def test_a_local_cluster_by_default(instance):
    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(pipelines.dask_chain).build_pipeline_definition()
    result = execute_pipeline(pipeline_def, dask_config(), instance=instance)
    assert result.success
    assert result.result_for_solid("add_one").output_value() == 2
    assert any(
        (e.message or "").startswith("Executing steps on Dask (scheduler: tcp://") for e in result.event_list
    )


def test_refuses_an_ephemeral_instance(dask_address):
    result = execute_pipeline(
        loaded(),
        dask_config(address=dask_address),
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert [e.event_type_value for e in result.event_list] == ["PIPELINE_INIT_FAILURE"]
    assert "persistent DagsterInstance" in result.event_list[0].pipeline_init_failure_data.error.to_string()


def test_refuses_in_memory_storage(instance, dask_address):
    config = {**dask_config(address=dask_address), "storage": {"in_memory": {}}}
    with pytest.raises(DagsterInvalidConfigError):
        execute_pipeline(loaded(), config, instance=instance)


def test_resource_requirements_from_the_step_tag():
    assert get_dask_resource_requirements({"dagster-dask/resource_requirements": '{"GPU": 1}'}) == {"GPU": 1}
    assert get_dask_resource_requirements({"other": "x"}) == {}
    with pytest.raises(DagsterInvalidDefinitionError, match="must be a JSON object"):
        get_dask_resource_requirements({"dagster-dask/resource_requirements": "[1]"})


def test_a_dead_worker_fails_only_its_step_and_no_step_runs_twice(instance):
    """The worker running kill_own_worker dies: that step fails once (a local cluster does not run it
    on other workers), and emit_one, whose result the dead worker may have held, is not run again."""
    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(
        pipelines.dask_worker_dies
    ).build_pipeline_definition()
    result = execute_pipeline(pipeline_def, dask_config(), instance=instance, raise_on_error=False)
    assert not result.success
    stored = [r.dagster_event for r in instance.all_logs(result.run_id) if r.dagster_event]
    starts = sorted(e.step_key for e in stored if e.event_type_value == "STEP_START")
    assert starts == ["emit_one.compute", "kill_own_worker.compute", "slow_sibling.compute"]
    outcomes = {e.step_key: e.event_type_value for e in stored if e.step_key and e.is_step_event}
    assert outcomes == {
        "emit_one.compute": "STEP_SUCCESS",
        "kill_own_worker.compute": "STEP_FAILURE",
        "add_one.compute": "STEP_SKIPPED",
        "slow_sibling.compute": "STEP_SUCCESS",
    }
    failure = result.result_for_solid("kill_own_worker").failure_data.error
    assert failure.message.startswith(
        "The Dask worker running step kill_own_worker.compute died before the step finished"
    )


def test_the_compute_log_of_a_step_whose_worker_died_is_complete(instance):
    """A subscription to the killed step's stdout, opened before the run, gets its output and ends."""
    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(
        pipelines.dask_worker_dies
    ).build_pipeline_definition()
    run_id = str(uuid.uuid4())
    chunks, completed = [], threading.Event()
    manager = instance.compute_log_manager
    manager.observable(run_id, "kill_own_worker.compute", ComputeIOType.STDOUT).subscribe(
        lambda chunk: chunks.append(chunk.data), on_completed=completed.set
    )
    result = execute_pipeline(
        pipeline_def,
        dask_config(),
        run_config=RunConfig(run_id=run_id),
        instance=instance,
        raise_on_error=False,
    )
    assert result.result_for_solid("kill_own_worker").failure_data is not None
    assert manager.is_watch_completed(run_id, "kill_own_worker.compute")
    assert completed.wait(5), "the subscription to the dead step's compute log never completed"
    assert "".join(chunks) == "about to kill worker\n"
