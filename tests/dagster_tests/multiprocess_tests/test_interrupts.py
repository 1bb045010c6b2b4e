"""Interrupting the parent of a multiprocess run: real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from dagster.core.instance import DagsterInstance

from .helpers import step_events, wait_until_gone, worker_pids

pytestmark = pytest.mark.slow

SCRIPT = os.path.join(os.path.dirname(__file__), "run_sleepers.py")


def _events(instance, run_id):
    return [record.dagster_event for record in instance.all_logs(run_id) if record.dagster_event is not None]


def _wait_for_running_steps(instance, count, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = instance.get_runs()
        if runs:
            events = _events(instance, runs[0].run_id)
            if len(step_events(events, "STEP_START")) >= count:
                return runs[0].run_id
        time.sleep(0.1)
    raise AssertionError(f"{count} steps did not start within {timeout}s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_interrupting_the_parent_stops_workers_and_fails_the_run(tmp_path, signum):
    home = str(tmp_path)
    parent = subprocess.Popen([sys.executable, SCRIPT, home], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        instance = DagsterInstance.local_temp(home)
        run_id = _wait_for_running_steps(instance, 2)
        workers = worker_pids(_events(instance, run_id))
        assert len(workers) == 2
        parent.send_signal(signum)
        stdout, stderr = parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    assert parent.returncode == 3, stderr.decode()
    assert b"interrupted" in stdout
    assert wait_until_gone(workers) == []

    events = _events(instance, run_id)
    assert instance.get_run_by_id(run_id).status.value == "FAILURE"
    stopped = [e.message for e in events if "MultiprocessEngine stopped because" in (e.message or "")]
    assert len(stopped) == 1
    expected_reason = "SIGTERM" if signum == signal.SIGTERM else "KeyboardInterrupt"
    assert expected_reason in stopped[0]
    failures = step_events(events, "STEP_FAILURE")
    assert set(failures) == {"sleep_0.compute", "sleep_1.compute"}
    assert "was interrupted" in failures["sleep_0.compute"].event_specific_data.error.message
    assert "sleep_2.compute" not in step_events(events, "STEP_START")


def test_workers_do_not_outlive_a_killed_parent(tmp_path):
    home = str(tmp_path)
    parent = subprocess.Popen(
        [sys.executable, SCRIPT, home], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        instance = DagsterInstance.local_temp(home)
        run_id = _wait_for_running_steps(instance, 2)
        workers = worker_pids(_events(instance, run_id))
        parent.kill()
        parent.wait(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    # The steps sleep 60 s: the workers leave because their parent is gone, not because they finished.
    assert wait_until_gone(workers, timeout=10) == []
