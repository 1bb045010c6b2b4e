"""`dagster run wipe` while a run is still executing: it refuses unless --force, and says what it did."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

from dagster.core.instance import DagsterInstance
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus

from .helpers import DAGSTER_SCRIPT, assert_no_package_traceback, run_dagster

# A solid that holds its run STARTED until the test creates the release file (or 60 s pass).
SLOW_PIPELINE = """
import os
import time

from dagster import pipeline, solid


@solid
def wait_for_release(_):
    deadline = time.time() + 60
    while not os.path.exists(os.environ["RELEASE_FILE"]) and time.time() < deadline:
        time.sleep(0.05)


@pipeline
def slow_pipeline():
    wait_for_release()
"""


@pytest.fixture
def slow_run(tmp_path, dagster_home):
    """`dagster pipeline execute` of the slow pipeline in a subprocess, once its run is STARTED:
    (its process, its run id, the file that lets it finish)."""
    (tmp_path / "slow.py").write_text(SLOW_PIPELINE)
    release = tmp_path / "release"
    env = dict(os.environ, DAGSTER_HOME=dagster_home, RELEASE_FILE=str(release))
    process = subprocess.Popen(
        [DAGSTER_SCRIPT, "pipeline", "execute", "-f", "slow.py", "-n", "slow_pipeline"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, _wait_until_started(dagster_home, process), release
    finally:
        process.kill()
        process.communicate(timeout=30)


def _wait_until_started(home: str, process: subprocess.Popen) -> str:
    deadline = time.time() + 60
    while time.time() < deadline:
        assert process.poll() is None, process.communicate()[0]
        runs = DagsterInstance.from_config(home).get_runs() if os.path.exists(f"{home}/history") else []
        if runs and runs[0].status is PipelineRunStatus.STARTED:
            return runs[0].run_id
        time.sleep(0.1)
    raise AssertionError("the slow run did not start within 60 s")


def _stored_run_ids(home: str) -> list[str]:
    return [run.run_id for run in DagsterInstance.from_config(home).get_runs()]


def _event_count(home: str, run_id: str) -> int:
    return len(DagsterInstance.from_config(home).all_logs(run_id))


def test_wipe_refuses_while_a_run_is_executing(tmp_path, dagster_home, slow_run):
    process, run_id, _release = slow_run
    events_before = _event_count(dagster_home, run_id)

    refused = run_dagster(["run", "wipe"], str(tmp_path), dagster_home, stdin="DELETE\n")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stdout == ""  # refused before asking to type DELETE
    assert refused.stderr.splitlines() == [
        "Error: 1 run is still running (status STARTED):",
        f"  {run_id} (pipeline slow_pipeline, pid {process.pid} on host {socket.gethostname()})",
        "Wiping now would delete them while their processes go on writing events for runs that "
        "no longer exist.",
        "Wait for them to finish, or stop them (e.g. `kill <pid>`), then run `dagster run wipe` "
        "again; `dagster run wipe --force` wipes them anyway.",
    ]
    assert_no_package_traceback(refused.stderr)
    assert _stored_run_ids(dagster_home) == [run_id]
    assert _event_count(dagster_home, run_id) >= events_before > 0

    forced = run_dagster(["run", "wipe", "--force"], str(tmp_path), dagster_home)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == "Deleted all run history and event logs.\n"
    assert (
        forced.stderr.splitlines()[0]
        == "Warning: --force wiped 1 run that was still running (status STARTED):"
    )
    assert forced.stderr.splitlines()[1].startswith(f"  {run_id} (pipeline slow_pipeline, pid {process.pid} ")
    assert _stored_run_ids(dagster_home) == []


def test_wipe_of_a_run_whose_process_died_needs_no_force(tmp_path, dagster_home, slow_run):
    process, run_id, _release = slow_run
    process.kill()
    process.communicate(timeout=30)

    # Reading the runs marks the dead run FAILURE, so it does not block the wipe: only the prompt.
    kept = run_dagster(["run", "wipe"], str(tmp_path), dagster_home, stdin="no\n")
    assert kept.returncode == 1, kept.stderr
    assert "Exiting without deleting all run history and event logs." in kept.stdout
    assert DagsterInstance.from_config(dagster_home).get_run_by_id(run_id).status is PipelineRunStatus.FAILURE

    wiped = run_dagster(["run", "wipe"], str(tmp_path), dagster_home, stdin="DELETE\n")
    assert wiped.returncode == 0, wiped.stderr
    assert wiped.stderr == ""
    assert _stored_run_ids(dagster_home) == []


def test_wipe_after_the_run_finished(tmp_path, dagster_home, slow_run):
    process, run_id, release = slow_run
    release.touch()
    assert process.wait(timeout=60) == 0
    assert DagsterInstance.from_config(dagster_home).get_run_by_id(run_id).status is PipelineRunStatus.SUCCESS

    wiped = run_dagster(["run", "wipe"], str(tmp_path), dagster_home, stdin="DELETE\n")
    assert wiped.returncode == 0, wiped.stderr
    assert wiped.stderr == ""
    assert _stored_run_ids(dagster_home) == []


def test_wipe_names_at_most_five_running_runs(tmp_path, dagster_home):
    # Runs without process tags (as Dagster 0.7 wrote them) cannot be told dead: they count as running.
    instance = DagsterInstance.from_config(dagster_home)
    run_ids = [f"run-{index}" for index in range(7)]
    for run_id in run_ids:
        instance.add_run(PipelineRun(pipeline_name="p", run_id=run_id, status=PipelineRunStatus.STARTED))
    instance.add_run(PipelineRun(pipeline_name="p", run_id="done", status=PipelineRunStatus.SUCCESS))

    refused = run_dagster(["run", "wipe"], str(tmp_path), dagster_home)
    assert refused.returncode == 2
    lines = refused.stderr.splitlines()
    assert lines[0] == "Error: 7 runs are still running (status STARTED):"
    assert [line.split()[0] for line in lines[1:6]] == run_ids[::-1][:5]
    assert lines[6] == "  ... and 2 more"
    assert len(_stored_run_ids(dagster_home)) == 8

    forced = run_dagster(["run", "wipe", "--force"], str(tmp_path), dagster_home)
    assert forced.returncode == 0, forced.stderr
    assert (
        forced.stderr.splitlines()[0]
        == "Warning: --force wiped 7 runs that were still running (status STARTED):"
    )
    assert _stored_run_ids(dagster_home) == []
