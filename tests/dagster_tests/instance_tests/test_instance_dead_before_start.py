"""A process that dies after creating a run and before PIPELINE_START (loading resources, building
the storage) leaves a run that reads as FAILURE, with an engine event naming its pid, host and that
it died before the run started. Runs only created (for a later launch, or written by 0.7) and runs
whose initialization failed stay NOT_STARTED."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dagster.core.events import DagsterEvent
from dagster.core.events.log import DagsterEventRecord
from dagster.core.instance import DagsterInstance
from dagster.core.instance.ref import InstanceRef
from dagster.core.instance.run_liveness import HOST_TAG, PID_START_TAG, PID_TAG
from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self"), reason="the pid checks are exercised through /proc"
)

HOST = socket.gethostname()
DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")

REPO = textwrap.dedent(
    """
    import os, time
    from dagster import ModeDefinition, pipeline, resource, solid

    @resource
    def slow_connection(context):
        with open(os.environ["MARKER"], "w") as marker:
            marker.write(context.run_id)
        time.sleep(60)

    @resource
    def broken_connection(_):
        raise ConnectionError("the database is down")

    @solid(required_resource_keys={"db"})
    def query(context):
        return 1

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"db": slow_connection})])
    def slow_start():
        query()

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"db": broken_connection})])
    def broken_start():
        query()
    """
)

# The library path: execute_pipeline creates the run and initializes it in the same process.
LIBRARY_CHILD = textwrap.dedent(
    """
    import sys
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance
    sys.path.insert(0, sys.argv[1])
    import repo
    execute_pipeline(getattr(repo, sys.argv[2]), instance=DagsterInstance.get(), raise_on_error=False)
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "repo.py").write_text(REPO)
    (tmp_path / "home").mkdir()
    return tmp_path


def _instance(project: Path) -> DagsterInstance:
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(project / "home")))


def _start(project: Path, how: str, pipeline_name: str) -> subprocess.Popen:
    env = dict(os.environ, DAGSTER_HOME=str(project / "home"), MARKER=str(project / "marker"))
    if how == "cli":
        args = [DAGSTER, "pipeline", "execute", "-f", "repo.py", "-n", pipeline_name]
    else:
        args = [sys.executable, "-c", LIBRARY_CHILD, str(project), pipeline_name]
    return subprocess.Popen(args, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_marker(project: Path, child: subprocess.Popen) -> str:
    marker = project / "marker"
    deadline = time.time() + 60
    while not (marker.exists() and marker.read_text()):
        assert child.poll() is None, "the process exited before its resource started initializing"
        assert time.time() < deadline, "the resource never started initializing"
        time.sleep(0.05)
    return marker.read_text()


def _event_types(instance: DagsterInstance, run_id: str) -> list[str]:
    return [record.dagster_event.event_type_value for record in instance.all_logs(run_id)]


@pytest.mark.parametrize("how", ["cli", "execute_pipeline"])
def test_sigkill_while_a_resource_initializes_fails_the_run(project: Path, how: str) -> None:
    instance = _instance(project)
    child = _start(project, how, "slow_start")
    try:
        run_id = _wait_for_marker(project, child)
        run = instance.get_run_by_id(run_id)
        # Alive and initializing: NOT_STARTED, left alone, but already tagged with its process.
        assert run.status == PipelineRunStatus.NOT_STARTED
        assert run.tags[PID_TAG] == str(child.pid) and run.tags[HOST_TAG] == HOST
        assert PID_START_TAG in run.tags
        assert instance.get_runs_count(PipelineRunsFilter(status=PipelineRunStatus.NOT_STARTED)) == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    run = instance.get_run_by_id(run_id)
    assert run.status == PipelineRunStatus.FAILURE
    records = instance.all_logs(run_id)
    assert _event_types(instance, run_id) == ["ENGINE_EVENT", "ENGINE_EVENT", "PIPELINE_FAILURE"]
    assert "Starting initialization of resources [db]" in records[0].message
    cause = (
        f'The process (pid: {child.pid}) on host "{HOST}" that took this run for execution died '
        "before the run started: it was killed or crashed."
    )
    engine_event, failure = records[1], records[2]
    assert engine_event.message == f"[DagsterInstance] {cause}"
    entries = {
        entry.label: entry.entry_data.text
        for entry in engine_event.dagster_event.event_specific_data.metadata_entries
    }
    assert entries[PID_TAG] == str(child.pid) and entries[HOST_TAG] == HOST
    assert entries[PID_START_TAG] == run.tags[PID_START_TAG]
    assert failure.message == (
        f"This pipeline run has been marked as failed from outside the execution context. {cause}"
    )
    # Read again, listed, counted: already failed, nothing more written.
    assert [r.status for r in instance.get_runs()] == [PipelineRunStatus.FAILURE]
    assert instance.get_runs(PipelineRunsFilter(status=PipelineRunStatus.NOT_STARTED)) == []
    assert len(instance.all_logs(run_id)) == 3
    instance.dispose()


def test_a_listing_by_status_fails_dead_unstarted_runs_first(tmp_path: Path) -> None:
    instance = DagsterInstance.local_temp(str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = instance.create_run(pipeline_name="p", tags={PID_TAG: str(gone.pid), HOST_TAG: HOST})
    elsewhere = instance.create_run(
        pipeline_name="p", tags={PID_TAG: str(gone.pid), HOST_TAG: "another-host"}
    )
    # Counted and listed by status before anything else has read the dead run.
    assert instance.get_runs_count(PipelineRunsFilter(status=PipelineRunStatus.FAILURE)) == 1
    assert [
        run.run_id for run in instance.get_runs(PipelineRunsFilter(status=PipelineRunStatus.NOT_STARTED))
    ] == [elsewhere.run_id]
    assert instance.get_run_by_id(dead.run_id).status == PipelineRunStatus.FAILURE
    assert instance.all_logs(dead.run_id)[0].message == (
        f'[DagsterInstance] The process (pid: {gone.pid}) on host "{HOST}" that took this run for '
        "execution died before the run started: it was killed or crashed."
    )
    assert instance.get_run_by_id(elsewhere.run_id).status == PipelineRunStatus.NOT_STARTED


def test_created_and_0_7_runs_stay_not_started(project: Path) -> None:
    instance = _instance(project)
    # Created in a process that then exits, for a later launch: nothing took it for execution.
    subprocess.run(
        [sys.executable, "-c", "from dagster.core.instance import DagsterInstance; "
         "print(DagsterInstance.get().create_run(pipeline_name='later').run_id)"],
        env=dict(os.environ, DAGSTER_HOME=str(project / "home")),
        check=True,
    )  # fmt: skip
    # As Dagster 0.7 stored runs (no process tags), queued or created, in any status.
    legacy = instance.create_run(pipeline_name="p", tags={"fixture": "yes"})
    for status in (PipelineRunStatus.NOT_STARTED, PipelineRunStatus.FAILURE, None):
        runs = instance.get_runs(PipelineRunsFilter(status=status) if status else None)
        assert all(run.status == PipelineRunStatus.NOT_STARTED for run in runs)
        assert len(runs) == (0 if status is PipelineRunStatus.FAILURE else 2)
    assert instance.get_run_by_id(legacy.run_id).tags == {"fixture": "yes"}
    assert all(instance.all_logs(run.run_id) == [] for run in instance.get_runs())
    instance.dispose()


@pytest.mark.parametrize("how", ["cli", "execute_pipeline"])
def test_a_run_whose_initialization_failed_keeps_its_0_7_status(project: Path, how: str) -> None:
    child = _start(project, how, "broken_start")
    assert child.wait(timeout=60) == (1 if how == "cli" else 0)
    instance = _instance(project)
    (run,) = instance.get_runs()
    assert run.tags[PID_TAG] == str(child.pid)  # the process is gone
    types = _event_types(instance, run.run_id)
    if how == "cli":  # the CLI itself records the run failed
        assert run.status == PipelineRunStatus.FAILURE
        assert types[-2:] == ["PIPELINE_INIT_FAILURE", "PIPELINE_FAILURE"]
    else:  # 0.7: a run whose initialization failed stays NOT_STARTED
        assert run.status == PipelineRunStatus.NOT_STARTED
        assert types[-1] == "PIPELINE_INIT_FAILURE"
    assert instance.get_runs_count(PipelineRunsFilter(status=PipelineRunStatus.FAILURE)) == (
        1 if how == "cli" else 0
    )
    assert _event_types(instance, run.run_id) == types  # nothing written by the reads
    instance.dispose()


def test_status_repaired_from_the_log_when_the_start_was_never_stored(tmp_path: Path) -> None:
    """A taken run whose PIPELINE_START and PIPELINE_FAILURE reached the event log but never the run
    row (the run database's disk was full) takes its status from the log, without new events."""
    instance = DagsterInstance.local_temp(str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    run = instance.create_run(pipeline_name="p", tags={PID_TAG: str(gone.pid), HOST_TAG: HOST})
    for event_type in ("PIPELINE_START", "ENGINE_EVENT", "PIPELINE_FAILURE"):
        instance.event_storage.store_event(
            DagsterEventRecord(
                None, event_type, 40, event_type, run.run_id, 1.0, None, "p", DagsterEvent(event_type, "p")
            )
        )
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.FAILURE
    assert len(instance.all_logs(run.run_id)) == 3


def test_runs_of_an_ephemeral_instance_are_not_tagged() -> None:
    """No other process can read an in-memory instance, so nothing would ever check the tags."""
    from dagster import execute_pipeline, pipeline, solid

    @solid
    def one(_):
        return 1

    @pipeline
    def single():
        one()

    instance = DagsterInstance.ephemeral()
    result = execute_pipeline(single, instance=instance)
    assert instance.get_run_by_id(result.run_id).tags == {}
