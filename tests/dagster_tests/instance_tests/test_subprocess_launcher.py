from __future__ import annotations

import os
import textwrap

import pytest

from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.errors import DagsterLaunchFailedError
from dagster.core.instance import DagsterInstance
from dagster.core.launcher.subprocess_launcher import EXECUTION_TARGET_TAG, SubprocessRunLauncher
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.pipeline_run import PipelineRunStatus

LAUNCHER = {
    "run_launcher": {"module": "dagster.core.launcher.subprocess_launcher", "class": "SubprocessRunLauncher"}
}

PIPELINE_FILE = textwrap.dedent(
    """
    import os
    from dagster import pipeline, solid

    @solid
    def hello(context):
        print(f"hello from pid {os.getpid()}")
        return 1

    @solid
    def plus_one(context, value):
        return value + 1

    @pipeline
    def launched():
        plus_one(hello())
    """
)


def _instance_and_handle(tmp_path, source=PIPELINE_FILE):
    (tmp_path / "repo.py").write_text(source)
    instance = DagsterInstance.local_temp(str(tmp_path / "home"), overrides=LAUNCHER)
    return instance, ExecutionTargetHandle.for_pipeline_python_file(str(tmp_path / "repo.py"), "launched")


def test_launch_runs_the_pipeline_in_another_process(tmp_path):
    instance, handle = _instance_and_handle(tmp_path)
    assert isinstance(instance.run_launcher, SubprocessRunLauncher)
    run = instance.create_run_for_pipeline(
        handle.build_pipeline_definition(), tags=SubprocessRunLauncher.tags_for_handle(handle)
    )
    assert instance.launch_run(run.run_id) == run
    codes = instance.run_launcher.join(timeout=120)
    log_path = os.path.join(instance.intermediates_directory(run.run_id), "launcher.log")
    with open(log_path) as log_file:
        assert codes == {run.run_id: 0}, log_file.read()

    finished = instance.get_run_by_id(run.run_id)
    assert finished.status == PipelineRunStatus.SUCCESS
    child_pid = finished.tags["dagster/pid"]
    records = instance.all_logs(run.run_id)
    assert records[0].message.startswith(
        f"[SubprocessRunLauncher] Started process (pid: {child_pid}) for run"
    )
    types = [record.dagster_event.event_type_value for record in records if record.dagster_event]
    assert types[1] == "PIPELINE_START" and types[-1] == "PIPELINE_SUCCESS"
    out = instance.compute_log_manager.read_logs_file(run.run_id, "hello.compute", ComputeIOType.STDOUT)
    assert out.data == f"hello from pid {child_pid}\n"


def test_pipeline_that_cannot_be_loaded_fails_the_run(tmp_path):
    instance, handle = _instance_and_handle(tmp_path)
    run = instance.create_run_for_pipeline(
        handle.build_pipeline_definition(), tags=SubprocessRunLauncher.tags_for_handle(handle)
    )
    (tmp_path / "repo.py").write_text("this is not python\n")
    instance.launch_run(run.run_id)
    assert instance.run_launcher.join(timeout=120) == {run.run_id: 1}
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.FAILURE
    engine_event = instance.all_logs(run.run_id)[1]
    assert engine_event.message.startswith('[SubprocessRunLauncher] Could not load pipeline "launched"')
    assert engine_event.dagster_event.event_specific_data.error is not None
    assert engine_event.level == 40


def test_run_without_execution_target(tmp_path):
    instance, handle = _instance_and_handle(tmp_path)
    run = instance.create_run_for_pipeline(handle.build_pipeline_definition())
    with pytest.raises(DagsterLaunchFailedError, match=f'no "{EXECUTION_TARGET_TAG}" tag'):
        instance.launch_run(run.run_id)


def test_ephemeral_instance_cannot_launch(tmp_path):
    instance = DagsterInstance.ephemeral()
    run = instance.create_run(pipeline_name="p", tags={EXECUTION_TARGET_TAG: "{}"})
    with pytest.raises(DagsterLaunchFailedError, match="the instance is ephemeral"):
        SubprocessRunLauncher().launch_run(instance, run)
