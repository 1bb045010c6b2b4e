from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
import yaml

from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.events import DagsterEvent, DagsterEventType
from dagster.core.events.log import DagsterEventRecord
from dagster.core.instance import DagsterInstance, InstanceRef, InstanceType
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus
from dagster.core.storage.root import LocalArtifactStorage
from dagster.serdes import (
    ConfigurableClassData,
    deserialize_json_to_dagster_namedtuple,
    serialize_dagster_namedtuple,
)


def pipeline_event(run, event_type: DagsterEventType, step_key=None) -> DagsterEventRecord:
    message = f"{event_type.value} of {run.pipeline_name}"
    return DagsterEventRecord(
        None,
        message,
        10,
        message,
        run.run_id,
        time.time(),
        step_key,
        run.pipeline_name,
        DagsterEvent(event_type.value, run.pipeline_name, step_key=step_key, message=message),
    )


def run_python(script: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True, check=check
    )


def test_local_temp_layout_and_ref(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    assert instance.is_persistent and not instance.is_ephemeral
    assert instance.root_directory == str(tmp_path)
    assert isinstance(instance.compute_log_manager, LocalComputeLogManager)
    assert instance.telemetry_enabled
    ref = instance.get_ref()
    assert ref.run_storage_data == ConfigurableClassData(
        "dagster.core.storage.runs", "SqliteRunStorage", f"base_dir: {tmp_path}/history/\n"
    )
    assert ref.event_storage_data.config_yaml == f"base_dir: {tmp_path}/history/runs/\n"
    assert ref.compute_logs_data.config_yaml == f"base_dir: {tmp_path}/storage\n"
    assert ref.schedule_storage_data.class_name == "SqliteScheduleStorage"
    assert ref.scheduler_data is None and ref.run_launcher_data is None
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(ref)) == ref
    assert InstanceRef.from_dict(ref.to_dict()) == ref
    assert InstanceRef.from_dict(json.loads(json.dumps(ref.to_dict()))) == ref
    assert instance.intermediates_directory("r") == f"{tmp_path}/storage/r/"
    info = instance.info_str()
    assert (
        f"compute_logs:\n  module: dagster.core.storage.local_compute_log_manager\n  class: LocalComputeLogManager\n  config:\n    base_dir: {tmp_path}/storage"
        in info
    )
    assert InstanceType.PERSISTENT.value == "PERSISTENT"
    instance.dispose()


def test_runs_events_and_compute_logs_read_back_in_a_fresh_process(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    run = instance.create_run(pipeline_name="pipe", tags={"team": "core"})
    for event_type in (DagsterEventType.PIPELINE_START, DagsterEventType.STEP_START):
        instance.handle_new_event(
            pipeline_event(run, event_type, None if "PIPELINE" in event_type.value else "a")
        )
    with instance.compute_log_manager.watch(run, "a"):
        print("captured line")
    instance.handle_new_event(pipeline_event(run, DagsterEventType.STEP_SUCCESS, "a"))
    instance.handle_new_event(pipeline_event(run, DagsterEventType.PIPELINE_SUCCESS))
    other = instance.create_run(pipeline_name="other")
    ref_json = serialize_dagster_namedtuple(instance.get_ref())

    result = run_python(
        """
        import json, sys
        from dagster.core.instance import DagsterInstance
        from dagster.core.storage.compute_log_manager import ComputeIOType
        from dagster.serdes import deserialize_json_to_dagster_namedtuple
        instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1]))
        run_id = sys.argv[2]
        run = instance.get_run_by_id(run_id)
        stats = instance.get_run_stats(run_id)
        print(json.dumps({
            "runs": [r.run_id for r in instance.get_runs()],
            "status": run.status.value,
            "tags": run.tags,
            "events": [r.dagster_event.event_type_value for r in instance.all_logs(run_id)],
            "after_1": len(instance.logs_after(run_id, 1)),
            "steps_succeeded": stats.steps_succeeded,
            "step_stats": [(s.step_key, s.status.value) for s in instance.get_run_step_stats(run_id)],
            "stdout": instance.compute_log_manager.read_logs_file(run_id, "a", ComputeIOType.STDOUT).data,
            "complete": instance.compute_log_manager.is_watch_completed(run_id, "a"),
        }))
        """,
        ref_json,
        run.run_id,
    )
    seen = json.loads(result.stdout)
    assert seen["runs"] == [other.run_id, run.run_id]
    assert seen["status"] == "SUCCESS"
    assert seen["tags"]["team"] == "core"
    assert seen["tags"]["dagster/pid"] == str(os.getpid())
    assert seen["events"] == ["PIPELINE_START", "STEP_START", "STEP_SUCCESS", "PIPELINE_SUCCESS"]
    assert seen["after_1"] == 2
    assert seen["steps_succeeded"] == 1
    assert seen["step_stats"] == [["a", "SUCCESS"]]
    assert seen["stdout"] == "captured line\n"
    assert seen["complete"] is True


def test_run_written_by_another_process_is_visible(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    ref_json = serialize_dagster_namedtuple(instance.get_ref())
    run_python(
        """
        import sys
        from dagster.core.instance import DagsterInstance
        from dagster.serdes import deserialize_json_to_dagster_namedtuple
        instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1]))
        run = instance.create_run(pipeline_name="from_child", run_id="child-run")
        instance.report_engine_event("written by the child", run)
        """,
        ref_json,
    )
    assert instance.get_run_by_id("child-run").pipeline_name == "from_child"
    assert [r.message for r in instance.all_logs("child-run")] == ["written by the child"]
    assert instance.get_runs_count(PipelineRunsFilter(pipeline_name="from_child")) == 1


def test_get_uses_dagster_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = DagsterInstance.get()
    assert instance.is_persistent and instance.root_directory == str(home)
    monkeypatch.setenv("DAGSTER_HOME", "~")
    assert DagsterInstance.get().root_directory == os.path.expanduser("~")
    monkeypatch.delenv("DAGSTER_HOME")
    assert DagsterInstance.get().is_ephemeral
    assert DagsterInstance.get(str(tmp_path / "fallback")).root_directory == str(tmp_path / "fallback")


def test_get_with_dagster_home_that_is_not_a_directory(tmp_path, monkeypatch):
    missing = tmp_path / "missing"
    monkeypatch.setenv("DAGSTER_HOME", str(missing))
    with pytest.raises(DagsterInvariantViolationError) as missing_error:
        DagsterInstance.get()
    assert str(missing_error.value) == (
        f'$DAGSTER_HOME is set to "{missing}", but {missing} does not exist: it must be a directory. '
        f"Create it (mkdir -p {missing}) or point DAGSTER_HOME at a directory."
    )
    a_file = tmp_path / "file"
    a_file.write_text("x")
    monkeypatch.setenv("DAGSTER_HOME", str(a_file))
    with pytest.raises(DagsterInvariantViolationError) as file_error:
        DagsterInstance.get()
    assert str(file_error.value) == (
        f'$DAGSTER_HOME is set to "{a_file}", but {a_file} is a file: it must be a directory. '
        "Point DAGSTER_HOME at a directory."
    )


def test_dagster_yaml_sections_are_used(tmp_path, monkeypatch):
    custom_logs = tmp_path / "elsewhere"
    (tmp_path / "dagster.yaml").write_text(
        yaml.safe_dump(
            {
                "compute_logs": {
                    "module": "dagster.core.storage.local_compute_log_manager",
                    "class": "LocalComputeLogManager",
                    "config": {"base_dir": {"env": "MY_LOGS_DIR"}},
                },
                "local_artifact_storage": {
                    "module": "dagster.core.storage.root",
                    "class": "LocalArtifactStorage",
                    "config": {"base_dir": str(tmp_path / "artifacts")},
                },
                "dagit": {"execution_manager": {"max_concurrent_runs": 4}},
                "telemetry": {"enabled": False},
            }
        )
    )
    monkeypatch.setenv("MY_LOGS_DIR", str(custom_logs))
    instance = DagsterInstance.from_config(str(tmp_path))
    assert instance.compute_log_manager.get_local_path("r", "k", ComputeIOType.STDOUT) == str(
        custom_logs / "r" / "compute_logs" / "k.out"
    )
    assert instance.get_ref().compute_logs_data.config_yaml == "base_dir:\n  env: MY_LOGS_DIR\n"
    assert isinstance(instance.get_ref().local_artifact_storage, LocalArtifactStorage)
    assert instance.root_directory == str(tmp_path / "artifacts")
    assert instance.dagit_settings == {"execution_manager": {"max_concurrent_runs": 4}}
    assert not instance.telemetry_enabled


def test_local_temp_overrides(tmp_path):
    instance = DagsterInstance.local_temp(
        str(tmp_path),
        overrides={
            "compute_logs": {
                "module": "dagster.core.storage.noop_compute_log_manager",
                "class": "NoOpComputeLogManager",
            }
        },
    )
    assert type(instance.compute_log_manager).__name__ == "NoOpComputeLogManager"


def test_upgrade_reports_each_storage(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    run = instance.create_run(pipeline_name="p")
    lines = []
    instance.upgrade(lines.append)
    assert lines == ["Updating run storage...", "Updating event storage...", "Updating schedule storage..."]
    assert instance.get_run_by_id(run.run_id) == run
    assert PipelineRunStatus.NOT_STARTED == run.status


def test_pipeline_run_read_back_in_a_fresh_process(tmp_path):
    from dagster import Materialization, Output, execute_pipeline, pipeline, solid

    @solid
    def produce(context):
        print("producing")
        yield Materialization(label="table")
        yield Output(2)

    @solid
    def consume(context, value):
        os.write(2, b"consuming\n")
        return value * 10

    @pipeline
    def produce_consume():
        consume(produce())

    instance = DagsterInstance.local_temp(str(tmp_path))
    result = execute_pipeline(
        produce_consume, environment_dict={"storage": {"filesystem": {}}}, instance=instance
    )
    assert result.success
    in_process_types = [
        record.dagster_event.event_type_value
        for record in instance.all_logs(result.run_id)
        if record.dagster_event
    ]

    seen = json.loads(
        run_python(
            """
            import json, sys
            from dagster.core.instance import DagsterInstance
            from dagster.core.storage.compute_log_manager import ComputeIOType
            from dagster.serdes import deserialize_json_to_dagster_namedtuple
            instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1]))
            run_id = sys.argv[2]
            run = instance.get_run_by_id(run_id)
            stats = instance.get_run_stats(run_id)
            logs = instance.compute_log_manager
            print(json.dumps({
                "status": run.status.value,
                "pipeline": run.pipeline_name,
                "has_snapshot": instance.has_pipeline_snapshot(run.pipeline_snapshot_id),
                "types": [r.dagster_event.event_type_value for r in instance.all_logs(run_id) if r.dagster_event],
                "stats": [stats.steps_succeeded, stats.steps_failed, stats.materializations],
                "steps": [(s.step_key, s.status.value, len(s.materializations)) for s in instance.get_run_step_stats(run_id)],
                "produce_out": logs.read_logs_file(run_id, "produce.compute", ComputeIOType.STDOUT).data,
                "consume_err_has_line": "consuming" in logs.read_logs_file(run_id, "consume.compute", ComputeIOType.STDERR).data,
            }))
            """,
            serialize_dagster_namedtuple(instance.get_ref()),
            result.run_id,
        ).stdout
    )
    assert seen["status"] == "SUCCESS" and seen["pipeline"] == "produce_consume" and seen["has_snapshot"]
    assert seen["types"] == in_process_types
    assert seen["types"][0] == "PIPELINE_START" and seen["types"][-1] == "PIPELINE_SUCCESS"
    assert seen["stats"] == [2, 0, 1]
    assert seen["steps"] == [["produce.compute", "SUCCESS", 1], ["consume.compute", "SUCCESS", 0]]
    assert seen["produce_out"] == "producing\n"
    assert seen["consume_err_has_line"]


def test_get_or_create_run_of_a_started_run_ignores_process_tags(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    run = instance.get_or_create_run(pipeline_name="pipe", run_id="r1", tags={"team": "core"})
    instance.handle_new_event(pipeline_event(run, DagsterEventType.PIPELINE_START))
    started = instance.get_or_create_run(pipeline_name="pipe", run_id="r1", tags={"team": "core"})
    assert started.status == PipelineRunStatus.STARTED
    assert started.tags["dagster/pid"] == str(os.getpid()) and started.tags["team"] == "core"
    assert instance.get_run_tags() == [("team", {"core"})]  # per-process tags stay out of filter menus
