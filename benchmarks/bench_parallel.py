"""Parallel engines: wall time of sleeping steps, and framework overhead per trivial step.

- 8 independent steps that each sleep 1 s, multiprocess executor, ``max_concurrent: 2``: the wall
  time of the run (ideal 4 s; target < 4.4 s).
- 50 trivial independent steps, ``max_concurrent: 2``, persistent SQLite instance: wall time of the
  whole run divided by 50 (the steps themselves take no time, so all of it is overhead: dispatch,
  events written to SQLite by workers and parent, compute log capture). Target < 20 ms. Measured as
  the best of three runs after a first run, whose figure (which includes starting the pool: spawning
  two interpreters that import the code) is reported too; the 8 sleeping steps run last.
- The same 50 steps on Dask (a local cluster of 2 single-threaded worker processes, started before
  the measurement) and on Celery (1 worker with 2 processes on the local Redis): per-step overhead,
  reported without a target. Each is measured on its second run, after one warm-up run that loads
  the code in the long-lived workers.

Run with ``.venv/bin/python -m benchmarks parallel``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from dagster import ModeDefinition, default_executors, lambda_solid, pipeline, solid
from dagster_celery import celery_executor
from dagster_dask import dask_executor

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
MODE = ModeDefinition(executor_defs=default_executors + [dask_executor, celery_executor])
REDIS = "redis://127.0.0.1:6379/12"
SLEEP_TARGET_S = 4.4
OVERHEAD_TARGET_MS = 20.0


@solid
def sleep_one_second(_context):
    time.sleep(1.0)


@lambda_solid
def nothing():
    return None


@pipeline(mode_defs=[MODE])
def eight_sleepers():
    for index in range(8):
        sleep_one_second.alias(f"sleep_{index}")()


@pipeline(mode_defs=[MODE])
def fifty_trivial():
    for index in range(50):
        nothing.alias(f"nothing_{index}")()


_INSTANCES: list = []


def _instance():
    """One persistent SQLite instance for every run of the benchmark."""
    from dagster.core.instance import DagsterInstance

    if not _INSTANCES:
        _INSTANCES.append(DagsterInstance.local_temp(tempfile.mkdtemp(prefix="bench-parallel-")))
    return _INSTANCES[0]


def _timed_run(pipeline_fn, execution: dict) -> float:
    from dagster import execute_pipeline
    from dagster.core.definitions.handle import ExecutionTargetHandle

    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(pipeline_fn).build_pipeline_definition()
    instance = _instance()
    config = {**QUIET, "execution": execution, "storage": {"filesystem": {}}}
    start = time.perf_counter()
    result = execute_pipeline(pipeline_def, config, instance=instance)
    elapsed = time.perf_counter() - start
    assert result.success
    return elapsed


def _dask_per_step_ms() -> float:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        execution = {"dask": {"config": {"address": cluster.scheduler_address}}}
        _timed_run(fifty_trivial, execution)
        return _timed_run(fifty_trivial, execution) * 1000 / 50


def _celery_per_step_ms() -> float:
    import yaml

    from dagster_celery.cli import _app

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    executor_config = {"broker": REDIS, "backend": REDIS, "config_source": {"task_default_queue": queue}}
    config_path = os.path.join(tempfile.mkdtemp(prefix="bench-celery-"), "celery.yaml")
    with open(config_path, "w") as handle:
        yaml.safe_dump({"execution": {"celery": {"config": executor_config}}}, handle)
    name = f"bench-{uuid.uuid4().hex[:6]}"
    command = [
        sys.executable, "-c", "from dagster_celery.cli import main; main()",
        "worker", "start", "-y", config_path, "-n", name, "-l", "WARNING", "-c", "2",
    ]  # fmt: skip
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        app = _app(config_path)
        deadline = time.monotonic() + 60
        while not any(
            w.startswith(f"{name}@") for reply in (app.control.ping(timeout=0.5) or []) for w in reply
        ):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the benchmark's celery worker did not start")
        execution = {"celery": {"config": executor_config}}
        _timed_run(fifty_trivial, execution)
        return _timed_run(fifty_trivial, execution) * 1000 / 50
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def run() -> list:
    from benchmarks import Row

    multiprocess = {"multiprocess": {"config": {"max_concurrent": 2}}}
    cold = _timed_run(fifty_trivial, multiprocess) * 1000 / 50
    warm = min(_timed_run(fifty_trivial, multiprocess) for _ in range(3)) * 1000 / 50
    sleep_wall = _timed_run(eight_sleepers, multiprocess)
    rows = [
        Row("multiprocess: 8 steps sleeping 1 s, max_concurrent 2 (wall)", round(sleep_wall, 2), "s",
            f"< {SLEEP_TARGET_S}", sleep_wall < SLEEP_TARGET_S),
        Row("multiprocess: 50 trivial steps, max_concurrent 2, SQLite (overhead/step, warm pool)",
            round(warm, 2), "ms", f"< {OVERHEAD_TARGET_MS}", warm < OVERHEAD_TARGET_MS),
        Row("multiprocess: same, first run in the process (starts the pool)", round(cold, 2), "ms",
            f"< {OVERHEAD_TARGET_MS}", cold < OVERHEAD_TARGET_MS),
    ]  # fmt: skip
    for label, measure in (
        ("dask: 50 trivial steps, local cluster of 2 workers (overhead/step)", _dask_per_step_ms),
        ("celery: 50 trivial steps, 1 worker with 2 processes (overhead/step)", _celery_per_step_ms),
    ):
        try:
            value = round(measure(), 2)
        except Exception as exc:  # a missing service is reported in the table, not as a crash
            rows.append(
                Row(f"{label} [failed: {type(exc).__name__}: {exc}]", float("nan"), "ms", "report", False)
            )
            continue
        rows.append(Row(label, value, "ms", "report", True))
    return rows
