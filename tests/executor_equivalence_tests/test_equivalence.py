"""The same pipelines give the same outputs, step events and compute logs on every executor."""

from __future__ import annotations

import pytest

from dagster import execute_pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster_celery_tests.conftest import celery_executor_config

from . import pipelines

pytestmark = pytest.mark.slow

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
PIPELINES = ["chain", "fan_out_fan_in", "optional", "retries", "failing", "compute_logs"]
EXECUTORS = ["in_process", "multiprocess", "dask", "celery"]


def _execution(executor: str, request) -> dict:
    if executor == "in_process":
        return {"in_process": {}}
    if executor == "multiprocess":
        return {"multiprocess": {"config": {"max_concurrent": 2}}}
    if executor == "dask":
        return {"dask": {"config": {"address": request.getfixturevalue("dask_address")}}}
    request.getfixturevalue("celery_worker")
    return {"celery": {"config": celery_executor_config()}}


def _run(pipeline_name: str, execution: dict, tmp_path, label: str):
    instance = DagsterInstance.local_temp(str(tmp_path / label))
    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(
        getattr(pipelines, pipeline_name)
    ).build_pipeline_definition()
    config = {**QUIET, "execution": execution, "storage": {"filesystem": {}}}
    result = execute_pipeline(pipeline_def, config, instance=instance, raise_on_error=False)
    return instance, result


def _observed(instance, result) -> dict:
    outputs = {}
    for solid_result in result.solid_result_list:
        if solid_result.success and not solid_result.skipped:
            for name, value in (solid_result.output_values or {}).items():
                outputs[(solid_result.solid.name, name)] = value
    step_events = sorted(
        {(event.event_type_value, event.step_key) for event in result.event_list if event.is_step_event}
    )
    logs = {}
    for step_key in sorted({key for _, key in step_events}):
        logs[step_key] = tuple(
            instance.compute_log_manager.read_logs_file(result.run_id, step_key, io_type).data
            for io_type in (ComputeIOType.STDOUT, ComputeIOType.STDERR)
        )
    return {"success": result.success, "outputs": outputs, "step_events": step_events, "logs": logs}


@pytest.mark.parametrize("executor", EXECUTORS[1:])
@pytest.mark.parametrize("pipeline_name", PIPELINES)
def test_same_result_as_in_process(pipeline_name, executor, tmp_path, request):
    expected = _observed(*_run(pipeline_name, {"in_process": {}}, tmp_path, "in_process"))
    instance, result = _run(pipeline_name, _execution(executor, request), tmp_path, executor)
    observed = _observed(instance, result)
    assert observed == expected
    # Engine events say where the steps ran.
    assert any(
        event.event_type_value == "ENGINE_EVENT" and "finished in process (pid: " in (event.message or "")
        for event in result.event_list
    )


def test_the_pipelines_cover_what_they_claim(tmp_path):
    """The in-process baseline itself shows each behaviour the comparison relies on."""
    observed = {name: _observed(*_run(name, {"in_process": {}}, tmp_path, name)) for name in PIPELINES}
    assert observed["chain"]["outputs"][("third", "result")] == 8
    assert observed["fan_out_fan_in"]["outputs"][("total", "result")] == 6
    assert ("STEP_SKIPPED", "after_not_yielded.compute") in observed["optional"]["step_events"]
    assert ("STEP_UP_FOR_RETRY", "flaky.compute") in observed["retries"]["step_events"]
    assert observed["retries"]["outputs"][("double", "result")] == 20
    assert not observed["failing"]["success"]
    assert ("STEP_FAILURE", "fails.compute") in observed["failing"]["step_events"]
    assert ("STEP_SKIPPED", "after_failure.compute") in observed["failing"]["step_events"]
    assert observed["compute_logs"]["logs"]["talks.compute"] == (
        "to stdout from the step\n",
        "to stderr from the step\n",
    )
