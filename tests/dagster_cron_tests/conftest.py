"""Fixtures for SystemCronScheduler tests: a repository name of the test's own (its crontab lines
are removed afterwards), a DAGSTER_HOME naming SystemCronScheduler, and the cron daemon."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .helpers import (
    SCHEDULER_YAML,
    cron_daemon_running,
    edit_crontab_lines,
    lines_mentioning,
    require_crontab,
    write_repo,
)


@pytest.fixture
def repo_name() -> str:
    """A repository name of this test's own; its crontab lines are removed afterwards."""
    require_crontab()
    name = f"cron_test_{uuid.uuid4().hex[:10]}"
    yield name
    if lines_mentioning(name):
        edit_crontab_lines(lambda line: name not in line)


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> str:
    """A DAGSTER_HOME whose dagster.yaml names SystemCronScheduler."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(SCHEDULER_YAML)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return str(home)


@pytest.fixture
def repo_dir(tmp_path, repo_name) -> Path:
    """A directory with a repository.yaml whose repository defines two schedules."""
    return write_repo(tmp_path / "code", repo_name)


@pytest.fixture(scope="session")
def cron_daemon():
    """The machine's cron daemon, started here when it is not running. It is left running, as the
    system service it is: stopping it at the end of one test session would pull it from under
    another session (or another xdist worker) that found it running and is waiting on it."""
    require_crontab()
    if cron_daemon_running():
        yield
        return
    binary = shutil.which("cron") or "/usr/sbin/cron"
    if not os.path.exists(binary) or os.getuid() != 0:
        message = f"no cron daemon is running and this test cannot start {binary} (it needs root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    started = subprocess.run([binary], capture_output=True, text=True, check=False)  # cron daemonizes
    assert started.returncode == 0, f"{binary} failed to start: {started.stderr}"
    deadline = time.monotonic() + 10
    while not cron_daemon_running():
        assert time.monotonic() < deadline, f"{binary} did not write /run/crond.pid"
        time.sleep(0.1)
    yield
