"""A real Celery worker, started with ``dagster-celery worker start``, against the real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import yaml

from conftest import require_service

REDIS = "redis://127.0.0.1:6379/11"
# Each test session has its own queue, so that workers of other sessions never take its steps.
QUEUE = f"dagster-test-{uuid.uuid4().hex[:8]}"


def celery_executor_config() -> dict:
    return {"broker": REDIS, "backend": REDIS, "config_source": {"task_default_queue": QUEUE}}


def _children(pid: int) -> list[int]:
    pids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return pids


@pytest.fixture(scope="session")
def celery_config_yaml(tmp_path_factory):
    require_service("redis")
    path = tmp_path_factory.mktemp("celery") / "celery.yaml"
    path.write_text(yaml.safe_dump({"execution": {"celery": {"config": celery_executor_config()}}}))
    return str(path)


@pytest.fixture(scope="session")
def celery_worker(celery_config_yaml):
    """(worker name, pid, its pool process ids); the worker and its pool are stopped afterwards."""
    from dagster_celery.cli import _app

    name = f"dagster-test-{uuid.uuid4().hex[:6]}"
    command = [
        sys.executable, "-c", "from dagster_celery.cli import main; main()",
        "worker", "start", "-y", celery_config_yaml, "-n", name, "-l", "WARNING", "-c", "2", "-q", QUEUE,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pool: list[int] = []
    try:
        app = _app(celery_config_yaml)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(worker.startswith(f"{name}@") for reply in replies for worker in reply):
                break
            if process.poll() is not None:
                raise AssertionError(f"the celery worker exited: {process.stderr.read().decode()}")
        else:
            raise AssertionError("the celery worker did not answer within 60 s")
        pool = _children(process.pid)
        yield name, process.pid, pool
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    left = [pid for pid in pool if _alive(pid)]
    assert not left, f"celery pool processes left behind: {left}"


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return False
        except OSError:
            return False
        time.sleep(0.05)
    return True
