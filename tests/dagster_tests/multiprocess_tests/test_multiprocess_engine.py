"""The multiprocess engine with real worker processes and a persistent SQLite instance."""

from __future__ import annotations

import os
import signal

import pytest

from dagster import DagsterInvalidConfigError, execute_pipeline, pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.engine import multiprocess_pool
from dagster.core.errors import DagsterSubprocessError
from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType

from . import pipelines
from .helpers import QUIET, multiprocess_config, step_events, wait_until_gone, worker_pids


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path))


def loaded(pipeline_def):
    return ExecutionTargetHandle.for_pipeline_fn(pipeline_def).build_pipeline_definition()


def test_diamond_runs_in_workers_and_reports_where(instance):
    result = execute_pipeline(loaded(pipelines.diamond), multiprocess_config(), instance=instance)
    assert result.success
    assert result.result_for_solid("add").output_value() == 4
    messages = [event.message for event in result.event_list]
    assert f"Executing steps using multiprocess engine: parent process (pid: {os.getpid()})" in messages
    assert "Launching subprocess for add.compute" in messages
    assert "[MultiprocessEngine] Executing step add.compute in subprocess" in messages
    assert any(m.startswith("Multiprocess engine: parent process exiting after") for m in messages)
    workers = worker_pids(result.event_list)
    assert 1 <= len(workers) <= 2 and os.getpid() not in workers
    finished = [m for m in messages if m.startswith("Step add.compute finished in process (pid: ")]
    assert len(finished) == 1 and int(finished[0].split("pid: ")[1].split(")")[0]) in workers
    # Every event a worker wrote is in the instance, in the same run.
    stored = {
        record.dagster_event.event_type_value
        for record in instance.all_logs(result.run_id)
        if record.dagster_event is not None
    }
    assert {"STEP_START", "STEP_OUTPUT", "STEP_SUCCESS", "PIPELINE_SUCCESS"} <= stored
    assert instance.get_run_by_id(result.run_id).status.value == "SUCCESS"
    assert wait_until_gone(workers) == []


def test_workers_come_from_a_fork_server_yet_see_the_parent_s_environment(instance, monkeypatch, tmp_path):
    # The fork server outlives runs and was started with the environment of that moment; a worker
    # started later must see the parent's environment and directory of the moment it starts.
    execute_pipeline(loaded(pipelines.introspect), multiprocess_config(), instance=instance)
    multiprocess_pool.stop_idle_pools()
    monkeypatch.setenv("DAGSTER_TEST_GREETING", "hello from the parent")
    monkeypatch.chdir(tmp_path)

    result = execute_pipeline(loaded(pipelines.introspect), multiprocess_config(), instance=instance)
    seen = result.result_for_solid("where_am_i").output_value()
    assert seen["greeting"] == "hello from the parent"
    assert seen["cwd"] == str(tmp_path)
    # Forked by the fork server, not by this process, and no copy of this process's memory.
    assert seen["ppid"] not in (os.getpid(), 1)
    with open(f"/proc/{seen['ppid']}/cmdline", "rb") as cmdline:
        assert b"multiprocessing.forkserver" in cmdline.read()


def test_steps_run_at_the_same_time_in_different_workers(instance):
    # Each step waits until the other has started: this only finishes if they run in parallel.
    config = multiprocess_config(
        solids={
            "meet_a": {"config": {"me": "a", "partner": "b"}},
            "meet_b": {"config": {"me": "b", "partner": "a"}},
        }
    )
    result = execute_pipeline(loaded(pipelines.meet), config, instance=instance)
    assert result.success
    pids = {result.result_for_solid(name).output_value() for name in ("meet_a", "meet_b")}
    assert pids == set(worker_pids(result.event_list)) and len(pids) == 2


def test_workers_are_reused_across_steps(instance):
    config = multiprocess_config(solids={f"sleep_{index}": {"config": 0.1} for index in range(4)})
    result = execute_pipeline(loaded(pipelines.four_sleepers), config, instance=instance)
    assert result.success
    step_pids = [result.result_for_solid(f"sleep_{i}").output_value() for i in range(4)]
    # Four steps, at most two interpreters (started now, or kept from the previous test's run of
    # this file): some worker ran several steps.
    assert len(set(step_pids)) <= 2 and os.getpid() not in step_pids
    # Compute logs were captured in the workers, per step.
    stdout = instance.compute_log_manager.read_logs_file(
        result.run_id, "sleep_0.compute", ComputeIOType.STDOUT
    )
    assert f"pid={step_pids[0]}" in stdout.data


def test_skips_retries_and_failures_match_in_process(instance):
    pipeline_def = loaded(pipelines.mixed)
    result = execute_pipeline(pipeline_def, multiprocess_config(), instance=instance, raise_on_error=False)
    assert not result.success
    successes = step_events(result.event_list, "STEP_SUCCESS")
    skipped = step_events(result.event_list, "STEP_SKIPPED")
    failures = step_events(result.event_list, "STEP_FAILURE")
    assert set(successes) == {
        "only_one_output.compute",
        "other.compute",
        "after_present.compute",
        "flaky.compute",
    }
    assert set(skipped) == {"after_absent.compute", "after_explode.compute"}
    assert set(failures) == {"explode.compute"}
    assert "boom in a worker" in failures["explode.compute"].event_specific_data.error.message
    assert "STEP_UP_FOR_RETRY" in {
        e.event_type_value for e in result.event_list if e.step_key == "flaky.compute"
    }
    assert "STEP_RESTARTED" in {
        e.event_type_value for e in result.event_list if e.step_key == "flaky.compute"
    }
    assert result.result_for_solid("flaky").output_value() == "second time lucky"
    assert result.result_for_solid("after_present").output_value() == 6

    serial = execute_pipeline(
        pipeline_def, {**QUIET, "storage": {"filesystem": {}}}, instance=instance, raise_on_error=False
    )

    def step_event_set(events):
        return {(e.event_type_value, e.step_key) for e in events if e.is_step_event}

    assert step_event_set(serial.event_list) == step_event_set(result.event_list)


@pytest.mark.parametrize(
    "how, reason", [("exit", "exited with code 7"), ("kill", "killed by signal SIGKILL")]
)
def test_a_dying_worker_fails_its_step_and_the_run_goes_on(instance, how, reason):
    config = multiprocess_config(solids={"crash": {"config": how}, "survivor": {"config": 0.2}})
    result = execute_pipeline(loaded(pipelines.crashing), config, instance=instance, raise_on_error=False)
    assert not result.success
    failure = step_events(result.event_list, "STEP_FAILURE")["crash.compute"]
    message = failure.event_specific_data.error.message
    assert reason in message and 'running step "crash.compute"' in message
    assert "downstream.compute" in step_events(result.event_list, "STEP_SKIPPED")
    assert "survivor.compute" in step_events(result.event_list, "STEP_SUCCESS")
    assert instance.get_run_by_id(result.run_id).status.value == "FAILURE"
    assert wait_until_gone(worker_pids(result.event_list)) == []


def test_refuses_an_ephemeral_instance():
    result = execute_pipeline(
        loaded(pipelines.diamond),
        multiprocess_config(),
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert [e.event_type_value for e in result.event_list] == ["PIPELINE_INIT_FAILURE"]
    error = result.event_list[0].pipeline_init_failure_data.error
    assert "persistent DagsterInstance" in error.to_string()


def test_refuses_in_memory_storage_when_the_config_is_validated(instance):
    config = {**multiprocess_config(), "storage": {"in_memory": {}}}
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        execute_pipeline(loaded(pipelines.diamond), config, instance=instance)
    assert "multiprocess" in str(exc_info.value)
    assert instance.get_runs() == []


def test_refuses_a_pipeline_workers_cannot_reload(instance):
    @pipeline
    def built_here():
        pipelines.add_one(pipelines.emit_one())

    result = execute_pipeline(built_here, multiprocess_config(), instance=instance, raise_on_error=False)
    assert [e.event_type_value for e in result.event_list] == ["PIPELINE_INIT_FAILURE"]
    assert "ExecutionTargetHandle" in result.event_list[0].pipeline_init_failure_data.error.to_string()


def test_a_second_run_of_the_same_code_reuses_the_idle_workers(instance):
    config = multiprocess_config(solids={f"sleep_{index}": {"config": 0.0} for index in range(4)})
    pipeline_def = loaded(pipelines.four_sleepers)
    first = execute_pipeline(pipeline_def, config, instance=instance)
    second = execute_pipeline(pipeline_def, config, instance=instance)
    workers = worker_pids(first.event_list)
    assert len(workers) == 2
    assert worker_pids(second.event_list) == []  # no interpreter started for the second run
    second_pids = {second.result_for_solid(f"sleep_{i}").output_value() for i in range(4)}
    assert second_pids <= set(workers)
    # Idle workers stop on their own once nobody runs that code any more.
    assert wait_until_gone(workers, timeout=multiprocess_pool.IDLE_SECONDS + 10) == []


def test_raise_on_error_raises_a_subprocess_error_after_every_step_ended(instance):
    with pytest.raises(DagsterSubprocessError) as exc_info:
        execute_pipeline(loaded(pipelines.mixed), multiprocess_config(), instance=instance)
    assert "explode.compute (ValueError: boom in a worker)" in str(exc_info.value)
    assert [info.cls_name for info in exc_info.value.subprocess_error_infos] == ["ValueError"]
    run = instance.get_runs()[0]
    assert run.status.value == "FAILURE"
    stored = {
        r.dagster_event.step_key
        for r in instance.all_logs(run.run_id)
        if r.dagster_event and r.dagster_event.event_type_value == "STEP_SUCCESS"
    }
    assert "flaky.compute" in stored  # the other steps still ran


def test_an_idle_worker_that_died_between_runs_is_replaced(instance):
    config = multiprocess_config(solids={f"sleep_{index}": {"config": 0.0} for index in range(4)})
    pipeline_def = loaded(pipelines.four_sleepers)
    first = execute_pipeline(pipeline_def, config, instance=instance)
    victim, survivor = worker_pids(first.event_list)
    os.kill(victim, signal.SIGKILL)
    assert wait_until_gone([victim]) == []
    second = execute_pipeline(pipeline_def, config, instance=instance)
    assert second.success
    replacement = worker_pids(second.event_list)
    assert len(replacement) == 1 and replacement[0] not in (victim, survivor)
    assert wait_until_gone([survivor, *replacement], timeout=multiprocess_pool.IDLE_SECONDS + 10) == []


def test_a_worker_that_dies_before_taking_its_step_hands_the_step_to_a_new_one(instance, monkeypatch):
    # The kernel may report a killed worker alive for a moment (its other threads are still
    # exiting), so the pool can pick a dead idle worker. Its step never began: a new worker runs it.
    # The moment is too short to hit on purpose, so the victim's is_alive() is made to answer late.
    config = multiprocess_config(solids={f"sleep_{index}": {"config": 0.0} for index in range(4)})
    pipeline_def = loaded(pipelines.four_sleepers)
    first = execute_pipeline(pipeline_def, config, instance=instance)
    victim, survivor = worker_pids(first.event_list)
    [(pool, _until)] = multiprocess_pool._IDLE.values()
    [dead] = [worker for worker in pool._workers if worker.pid == victim]
    os.kill(victim, signal.SIGKILL)
    assert wait_until_gone([victim]) == []
    monkeypatch.setattr(dead.process, "is_alive", lambda: True)

    second = execute_pipeline(pipeline_def, config, instance=instance)

    assert second.success
    successes = [event.step_key for event in second.event_list if event.event_type_value == "STEP_SUCCESS"]
    assert sorted(successes) == [f"sleep_{index}.compute" for index in range(4)]
    [replacement] = worker_pids(second.event_list)
    assert replacement not in (victim, survivor)
    launches = [event for event in second.event_list if event.message.startswith("Launching subprocess")]
    handed_to = [launch_pid(event) for event in launches]
    assert handed_to.count(victim) == 1  # the step went to the dead worker, then to its replacement
    assert len(launches) == 5
    assert victim not in [worker.pid for worker in pool._workers]


def launch_pid(event) -> int:
    [pid] = [
        entry.entry_data.text for entry in event.event_specific_data.metadata_entries if entry.label == "pid"
    ]
    return int(pid)


def test_a_failure_skips_every_step_of_the_chain_below_it(instance):
    # Skipping "first" makes "second" skippable, and so on: the engine must follow the whole chain
    # even when no step is left running (it used to stop with "no step is running or ready").
    result = execute_pipeline(
        loaded(pipelines.failure_then_chain), multiprocess_config(), instance=instance, raise_on_error=False
    )
    assert not result.success
    assert set(step_events(result.event_list, "STEP_FAILURE")) == {"explode.compute"}
    assert set(step_events(result.event_list, "STEP_SKIPPED")) == {
        "first.compute",
        "second.compute",
        "third.compute",
    }
    assert instance.get_run_by_id(result.run_id).status.value == "FAILURE"
