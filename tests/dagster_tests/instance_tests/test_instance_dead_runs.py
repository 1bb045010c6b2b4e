"""A STARTED run whose process is gone reads as FAILURE, with an engine event naming the pid and cause."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from dagster.core.instance import DagsterInstance
from dagster.core.instance.run_liveness import HOST_TAG, PID_START_TAG, PID_TAG, current_process_tags
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus
from dagster.serdes import serialize_dagster_namedtuple

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self"), reason="the pid checks are exercised through /proc"
)

HOST = socket.gethostname()

CHILD = textwrap.dedent(
    """
    import sys, time
    from dagster.core.events import DagsterEvent
    from dagster.core.events.log import DagsterEventRecord
    from dagster.core.instance import DagsterInstance
    from dagster.serdes import deserialize_json_to_dagster_namedtuple

    instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1]))
    run = instance.create_run(pipeline_name="doomed")

    def event(event_type, step_key=None):
        return DagsterEventRecord(None, event_type, 10, event_type, run.run_id, time.time(), step_key, "doomed",
                                  DagsterEvent(event_type, "doomed", step_key=step_key))

    instance.handle_new_event(event("PIPELINE_START"))
    instance.handle_new_event(event("STEP_START", "slow.compute"))
    print(run.run_id, flush=True)
    time.sleep(60)
    """
)


def _start_doomed_run(instance: DagsterInstance) -> tuple[subprocess.Popen, str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, serialize_dagster_namedtuple(instance.get_ref())],
        stdout=subprocess.PIPE,
        text=True,
    )
    run_id = child.stdout.readline().strip()
    assert run_id, "the child process did not start its run"
    return child, run_id


def test_sigkilled_process_fails_its_run(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    child, run_id = _start_doomed_run(instance)
    run = instance.get_run_by_id(run_id)
    assert run.status == PipelineRunStatus.STARTED  # alive: left alone
    assert run.tags[PID_TAG] == str(child.pid) and run.tags[HOST_TAG] == HOST

    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()

    run = instance.get_run_by_id(run_id)
    assert run.status == PipelineRunStatus.FAILURE
    events = instance.all_logs(run_id)
    assert [record.dagster_event.event_type_value for record in events] == [
        "PIPELINE_START",
        "STEP_START",
        "ENGINE_EVENT",
        "PIPELINE_FAILURE",
    ]
    cause = (
        f'The process (pid: {child.pid}) on host "{HOST}" that was executing this run no longer exists: '
        "it was killed or crashed."
    )
    engine_event, failure = events[2], events[3]
    assert engine_event.message == f"[DagsterInstance] {cause}"
    assert engine_event.level == 20 and failure.level == 40
    entries = {
        entry.label: entry.entry_data.text
        for entry in engine_event.dagster_event.event_specific_data.metadata_entries
    }
    assert entries[PID_TAG] == str(child.pid) and entries[HOST_TAG] == HOST
    assert failure.message == (
        f"This pipeline run has been marked as failed from outside the execution context. {cause}"
    )
    # read again (and listed): already failed, nothing more is written
    assert instance.get_runs()[0].status == PipelineRunStatus.FAILURE
    assert len(instance.all_logs(run_id)) == 4
    assert instance.get_run_stats(run_id).end_time == failure.timestamp


def test_listing_marks_dead_runs_and_respects_status_filter(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    child, run_id = _start_doomed_run(instance)
    child.kill()
    os.waitid(
        os.P_PID, child.pid, os.WEXITED | os.WNOWAIT
    )  # dead but not reaped: a zombie, which counts as gone
    assert instance.get_runs(PipelineRunsFilter(status=PipelineRunStatus.STARTED), limit=1) == []
    assert instance.get_runs_count(PipelineRunsFilter(status=PipelineRunStatus.STARTED)) == 0
    (run,) = instance.get_runs()
    assert run.run_id == run_id and run.status == PipelineRunStatus.FAILURE
    assert instance.all_logs(run_id)[2].message == (
        f'[DagsterInstance] The process (pid: {child.pid}) on host "{HOST}" that was executing this run has '
        "exited (it is a zombie): it was killed or crashed."
    )
    child.wait()
    child.stdout.close()


def _stat_start(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat_file:
        raw = stat_file.read()
    return raw[raw.rindex(")") + 2 :].split()[19]


def test_recycled_pid_is_detected_and_live_process_is_not(tmp_path):
    instance = DagsterInstance.ephemeral(str(tmp_path))
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        alive = instance.create_run(
            pipeline_name="p",
            status=PipelineRunStatus.STARTED,
            tags={PID_TAG: str(sleeper.pid), HOST_TAG: HOST, PID_START_TAG: _stat_start(sleeper.pid)},
        )
        recycled = instance.create_run(
            pipeline_name="p",
            status=PipelineRunStatus.STARTED,
            tags={PID_TAG: str(sleeper.pid), HOST_TAG: HOST, PID_START_TAG: "1"},
        )
        elsewhere = instance.create_run(
            pipeline_name="p",
            status=PipelineRunStatus.STARTED,
            tags={PID_TAG: "999999999", HOST_TAG: "another-host"},
        )
        legacy = instance.create_run(pipeline_name="p", status=PipelineRunStatus.STARTED)
        assert instance.get_run_by_id(alive.run_id).status == PipelineRunStatus.STARTED
        # a query for failed runs finds the dead one before anything else has read it
        assert instance.get_runs_count(PipelineRunsFilter(status=PipelineRunStatus.FAILURE)) == 1
        (failed,) = instance.get_runs(PipelineRunsFilter(status=PipelineRunStatus.FAILURE))
        assert failed.run_id == recycled.run_id
        assert instance.all_logs(recycled.run_id)[0].message.endswith(
            "and its pid now belongs to another process."
        )
        assert instance.get_run_by_id(elsewhere.run_id).status == PipelineRunStatus.STARTED
        assert instance.get_run_by_id(legacy.run_id).status == PipelineRunStatus.STARTED
    finally:
        sleeper.kill()
        sleeper.wait()


def test_current_process_tags():
    tags = current_process_tags()
    assert tags[PID_TAG] == str(os.getpid())
    assert tags[HOST_TAG] == HOST
    with open("/proc/sys/kernel/random/boot_id") as boot_file:
        assert tags[PID_START_TAG] == f"{_stat_start(os.getpid())}@{boot_file.read().strip()}"


def test_run_from_before_a_reboot_is_dead(tmp_path):
    instance = DagsterInstance.ephemeral(str(tmp_path))
    own = current_process_tags()
    run = instance.create_run(
        pipeline_name="p",
        status=PipelineRunStatus.STARTED,
        tags={**own, PID_START_TAG: own[PID_START_TAG].split("@")[0] + "@an-earlier-boot"},
    )
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.FAILURE
    assert instance.all_logs(run.run_id)[0].message == (
        f'[DagsterInstance] The process (pid: {os.getpid()}) on host "{HOST}" that was executing this run '
        "no longer exists: the machine has restarted since (power loss, crash or reboot)."
    )
    alive = instance.create_run(pipeline_name="p", status=PipelineRunStatus.STARTED, tags=own)
    assert instance.get_run_by_id(alive.run_id).status == PipelineRunStatus.STARTED


def test_ephemeral_runs_are_not_tagged():
    instance = DagsterInstance.ephemeral()
    run = instance.create_run(pipeline_name="p")
    from dagster.core.events import DagsterEvent
    from dagster.core.events.log import DagsterEventRecord

    instance.handle_new_event(
        DagsterEventRecord(
            None, "m", 10, "m", run.run_id, 1.0, None, "p", DagsterEvent("PIPELINE_START", "p")
        )
    )
    run = instance.get_run_by_id(run.run_id)
    assert run.status == PipelineRunStatus.STARTED and run.tags == {}


PIPELINE_CHILD = textwrap.dedent(
    """
    import sys, time
    from dagster import execute_pipeline, pipeline, solid
    from dagster.core.instance import DagsterInstance
    from dagster.serdes import deserialize_json_to_dagster_namedtuple

    marker = sys.argv[2]

    @solid
    def slow(context):
        print("working on it")
        with open(marker, "w") as marker_file:
            marker_file.write(context.run_id)
        time.sleep(60)

    @pipeline
    def sleepy():
        slow()

    execute_pipeline(sleepy, instance=DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1])))
    """
)


def test_sigkill_during_a_real_pipeline_run(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path / "home"))
    marker = tmp_path / "run_id"
    child = subprocess.Popen(
        [sys.executable, "-c", PIPELINE_CHILD, serialize_dagster_namedtuple(instance.get_ref()), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while not (marker.exists() and marker.read_text()) and time.time() < deadline:
            assert child.poll() is None, "the pipeline process exited early"
            time.sleep(0.05)
        run_id = marker.read_text()
        assert instance.get_run_by_id(run_id).status == PipelineRunStatus.STARTED
    finally:
        child.kill()
        child.wait()

    run = instance.get_run_by_id(run_id)
    assert run.status == PipelineRunStatus.FAILURE
    types = [
        record.dagster_event.event_type_value for record in instance.all_logs(run_id) if record.dagster_event
    ]
    assert types[-3:] == ["STEP_START", "ENGINE_EVENT", "PIPELINE_FAILURE"]
    assert f"(pid: {child.pid})" in instance.all_logs(run_id)[-1].message
    # what the step printed before it died is in its compute log, which never completed
    logs = instance.compute_log_manager
    assert logs.read_logs_file(run_id, "slow.compute", ComputeIOType.STDOUT).data == "working on it\n"
    assert not logs.is_watch_completed(run_id, "slow.compute")


def test_run_group_members_are_checked(tmp_path):
    instance = DagsterInstance.ephemeral(str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    root = instance.create_run(pipeline_name="p", status=PipelineRunStatus.SUCCESS)
    child = instance.create_run(
        pipeline_name="p",
        status=PipelineRunStatus.STARTED,
        root_run_id=root.run_id,
        parent_run_id=root.run_id,
        tags={
            PID_TAG: str(gone.pid),
            HOST_TAG: HOST,
            "dagster/root_run_id": root.run_id,
            "dagster/parent_run_id": root.run_id,
        },
    )
    root_run_id, runs = instance.get_run_group(child.run_id)
    assert root_run_id == root.run_id
    assert [(run.run_id, run.status) for run in runs] == [
        (root.run_id, PipelineRunStatus.SUCCESS),
        (child.run_id, PipelineRunStatus.FAILURE),
    ]
    assert instance.get_run_group("unknown") is None


def test_status_repaired_from_the_log_when_the_process_died_after_its_final_event(tmp_path):
    from dagster.core.events import DagsterEvent
    from dagster.core.events.log import DagsterEventRecord

    instance = DagsterInstance.ephemeral(str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    run = instance.create_run(
        pipeline_name="p", status=PipelineRunStatus.STARTED, tags={PID_TAG: str(gone.pid), HOST_TAG: HOST}
    )
    for event_type in ("PIPELINE_START", "PIPELINE_SUCCESS"):  # in the log, but the status write was lost
        instance.event_storage.store_event(
            DagsterEventRecord(
                None, event_type, 10, event_type, run.run_id, 1.0, None, "p", DagsterEvent(event_type, "p")
            )
        )
    assert instance.get_run_by_id(run.run_id).status == PipelineRunStatus.SUCCESS
    assert len(instance.all_logs(run.run_id)) == 2  # nothing written: the log already told
