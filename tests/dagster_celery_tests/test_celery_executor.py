"""The celery executor with a real worker process and the real Redis broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from dagster import DagsterInvalidConfigError, RunConfig, execute_pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.pipeline_run import PipelineRunStatus
from dagster_celery.cli import get_config_dir

from . import pipelines
from .conftest import QUEUE, REDIS, celery_executor_config

pytestmark = [pytest.mark.slow, pytest.mark.redis]

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path))


def celery_config():
    return {
        **QUIET,
        "execution": {"celery": {"config": celery_executor_config()}},
        "storage": {"filesystem": {}},
    }


def loaded(pipeline_def):
    return ExecutionTargetHandle.for_pipeline_fn(pipeline_def).build_pipeline_definition()


def test_steps_run_in_the_celery_worker(instance, celery_worker):
    _name, worker_pid, pool_pids = celery_worker
    result = execute_pipeline(
        loaded(pipelines.celery_diamond),
        celery_config(),
        instance=instance,
        tags={"dagster-celery/run_priority": "1"},
    )
    assert result.success
    assert result.result_for_solid("add").output_value() == 4
    step_pid = result.result_for_solid("where_am_i").output_value()
    assert step_pid != os.getpid() and step_pid in pool_pids + [worker_pid]
    messages = [event.message for event in result.event_list]
    assert any("Submitted step where_am_i.compute to Celery" in m and "priority: 8" in m for m in messages)
    assert any(
        "Submitted step add.compute to Celery" in m and f"(queue: {QUEUE}, priority: 6)" in m
        for m in messages
    )
    assert "[CeleryEngine] Executing step add.compute in subprocess" in messages
    stored = [r.dagster_event.event_type_value for r in instance.all_logs(result.run_id) if r.dagster_event]
    assert stored.count("STEP_SUCCESS") == 5 and stored[-1] == "PIPELINE_SUCCESS"
    log = instance.compute_log_manager.read_logs_file(
        result.run_id, "where_am_i.compute", ComputeIOType.STDOUT
    )
    assert f"running in {step_pid}" in log.data


def test_the_compute_log_of_a_step_whose_worker_died_is_complete(instance, celery_worker):
    """The pool process running kill_own_worker dies: the step fails, its downstream is skipped, and
    a subscription to its stdout, opened before the run, gets the step's output and ends."""
    run_id = str(uuid.uuid4())
    chunks, completed = [], threading.Event()
    manager = instance.compute_log_manager
    manager.observable(run_id, "kill_own_worker.compute", ComputeIOType.STDOUT).subscribe(
        lambda chunk: chunks.append(chunk.data), on_completed=completed.set
    )
    result = execute_pipeline(
        loaded(pipelines.celery_worker_dies),
        celery_config(),
        run_config=RunConfig(run_id=run_id),
        instance=instance,
        raise_on_error=False,
    )
    stored = [r.dagster_event for r in instance.all_logs(run_id) if r.dagster_event]
    outcomes = {e.step_key: e.event_type_value for e in stored if e.step_key and e.is_step_event}
    assert outcomes == {
        "kill_own_worker.compute": "STEP_FAILURE",
        "add_one.compute": "STEP_SKIPPED",
        "emit_one.compute": "STEP_SUCCESS",
    }
    failure = result.result_for_solid("kill_own_worker").failure_data.error
    assert failure.message.startswith(
        "The Celery task of step kill_own_worker.compute failed: WorkerLostError: the worker process "
        "running it died before the step finished (killed, out of memory, or the step ended its "
        "process). Celery: Worker exited prematurely: signal 9 (SIGKILL)"
    )
    assert manager.is_watch_completed(run_id, "kill_own_worker.compute")
    assert completed.wait(5), "the subscription to the dead step's compute log never completed"
    assert "".join(chunks) == "about to kill worker\n"


def _refused_before_any_step(instance, config: dict, message: str) -> None:
    """The run fails in its initialization with ``message``; no step is submitted, none starts."""
    run_config = {**celery_config(), "execution": {"celery": {"config": config}}}
    with pytest.raises(DagsterInvalidConfigError) as raised:
        execute_pipeline(loaded(pipelines.celery_diamond), run_config, instance=instance)
    assert str(raised.value) == message
    result = execute_pipeline(
        loaded(pipelines.celery_diamond), run_config, instance=instance, raise_on_error=False
    )
    assert [e.event_type_value for e in result.event_list] == ["PIPELINE_INIT_FAILURE"]
    error = result.event_list[0].pipeline_init_failure_data.error
    assert error.message == f"dagster.core.errors.DagsterInvalidConfigError: {message}\n"
    stored = [r.dagster_event.event_type_value for r in instance.all_logs(result.run_id) if r.dagster_event]
    assert stored == ["PIPELINE_INIT_FAILURE"]
    # As in Dagster 0.7, a run that fails to initialize is left NOT_STARTED.
    assert instance.get_run_by_id(result.run_id).status == PipelineRunStatus.NOT_STARTED


def test_a_misspelt_config_source_setting_fails_the_run_before_any_step(instance):
    config = {**celery_executor_config(), "config_source": {"task_default_queu": QUEUE}}
    _refused_before_any_step(
        instance,
        config,
        'Error in config for pipeline "celery_diamond": execution.celery.config.config_source.task_default_queu '
        'is not a Celery setting. Did you mean "task_default_queue"? config_source takes Celery\'s lower-case '
        "setting names (e.g. task_default_queue, worker_concurrency); see "
        "https://docs.celeryq.dev/en/stable/userguide/configuration.html",
    )


def test_an_unknown_broker_scheme_fails_the_run_before_any_step(instance):
    from kombu.transport import TRANSPORT_ALIASES

    config = {**celery_executor_config(), "broker": "redsi://127.0.0.1:6379/11"}
    _refused_before_any_step(
        instance,
        config,
        'Error in config for pipeline "celery_diamond": execution.celery.config.broker '
        '"redsi://127.0.0.1:6379/11" is not a URL Celery can use: its scheme must be one of '
        f'{", ".join(sorted(TRANSPORT_ALIASES))}. Did you mean "redis://"? For example: '
        "pyamqp://guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0",
    )


def test_an_unknown_backend_scheme_fails_the_run_before_any_step(instance):
    from celery.app.backends import BACKEND_ALIASES

    config = {**celery_executor_config(), "backend": "reddis://127.0.0.1:6379/11"}
    _refused_before_any_step(
        instance,
        config,
        'Error in config for pipeline "celery_diamond": execution.celery.config.backend '
        '"reddis://127.0.0.1:6379/11" is not a URL Celery can use: its scheme must be one of '
        f'{", ".join(sorted(BACKEND_ALIASES))}. Did you mean "redis://"? For example: rpc://',
    )


def test_refuses_in_memory_storage(instance):
    config = {**celery_config(), "storage": {"in_memory": {}}}
    with pytest.raises(DagsterInvalidConfigError):
        execute_pipeline(loaded(pipelines.celery_diamond), config, instance=instance)


def test_refuses_an_ephemeral_instance():
    result = execute_pipeline(
        loaded(pipelines.celery_diamond),
        celery_config(),
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert [e.event_type_value for e in result.event_list] == ["PIPELINE_INIT_FAILURE"]


def test_config_dir_holds_the_worker_settings(celery_config_yaml):
    directory = get_config_dir(celery_config_yaml)
    with open(os.path.join(directory, "dagster_celery_config.py")) as handle:
        text = handle.read()
    assert f"broker_url = '{REDIS}'" in text and f"task_default_queue = '{QUEUE}'" in text
    assert "worker_prefetch_multiplier = 1" in text


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-c", "from dagster_celery.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_worker_list_shows_the_running_worker(celery_worker, celery_config_yaml):
    name, _pid, _pool = celery_worker
    listed = _cli("worker", "list", "-y", celery_config_yaml)
    assert listed.returncode == 0, listed.stderr
    assert any(line.startswith(f"{name}@") for line in listed.stdout.splitlines())


def test_terminate_names_the_workers_when_none_matches(celery_worker, celery_config_yaml):
    done = _cli("worker", "terminate", "no-such-worker", "-y", celery_config_yaml)
    assert done.returncode != 0
    assert 'No running worker is named "no-such-worker"' in done.stderr


def test_a_background_worker_is_terminated_by_name(celery_config_yaml):
    from dagster_celery.cli import _app

    name = f"dagster-bg-{uuid.uuid4().hex[:6]}"
    started = _cli(
        "worker", "start", "-y", celery_config_yaml, "-n", name, "-d", "-l", "WARNING", "-c", "1", "-q", QUEUE
    )
    assert started.returncode == 0, started.stderr
    pidfile = os.path.join(get_config_dir(celery_config_yaml), f"{name}.pid")
    app = _app(celery_config_yaml)
    pid = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            names = [w for reply in (app.control.ping(timeout=0.5) or []) for w in reply]
            if any(w.startswith(f"{name}@") for w in names):
                break
        else:
            raise AssertionError("the background worker did not answer within 60 s")
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        done = _cli("worker", "terminate", name, "-y", celery_config_yaml)
        assert done.returncode == 0, done.stderr
        assert name in done.stdout
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.1)
        assert not os.path.exists(f"/proc/{pid}")
    finally:
        if pid is not None and os.path.exists(f"/proc/{pid}"):
            os.kill(pid, signal.SIGKILL)
