"""Hostile conditions on a default SQLite instance: clear errors naming the file and the fix, and
nothing already stored lost. Real files, real processes; the full-disk and read-only tests need
root (a tmpfs, another user) and fail rather than skip without it under CI=true."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator

import pytest

from conftest import require_root
from dagster.core.errors import DagsterInstanceSchemaError
from dagster.core.instance import DagsterInstance
from dagster.core.instance.ref import InstanceRef
from dagster.core.storage.pipeline_run import PipelineRunStatus

DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")

REPO = textwrap.dedent(
    """
    from dagster import RepositoryDefinition, pipeline, solid

    def _step(index):
        @solid(name=f"step_{index}")
        def step(context, value):
            context.log.info(f"step {index} got {value}")
            return value + 1
        return step

    @solid
    def first(context):
        return 0

    STEPS = [_step(index) for index in range(60)]

    @pipeline
    def chain():
        value = first()
        for step in STEPS:
            value = step(value)

    def define_repo():
        return RepositoryDefinition("resilience", pipeline_defs=[chain])
    """
)


@pytest.fixture
def project() -> Iterator[str]:
    """A directory (readable by every user) with the repository and an instance home."""
    path = tempfile.mkdtemp(prefix="dagster-resilience-", dir="/tmp")
    os.chmod(path, 0o755)
    with open(os.path.join(path, "repo.py"), "w") as handle:
        handle.write(REPO)
    with open(os.path.join(path, "repository.yaml"), "w") as handle:
        handle.write("repository:\n  file: repo.py\n  fn: define_repo\n")
    os.mkdir(os.path.join(path, "home"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _dagster(
    project: str, *args: str, home: str | None = None, bound_by_permissions: bool = False
) -> subprocess.CompletedProcess:
    # Root without the capabilities that override file permissions: file modes bind it as they bind
    # any user, while the checkout (wherever CI put it, however restricted) stays readable to it.
    prefix = (
        ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
        if bound_by_permissions
        else []
    )
    env = dict(os.environ, DAGSTER_HOME=home or os.path.join(project, "home"))
    return subprocess.run(
        [*prefix, DAGSTER, *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


def _assert_clear_error(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: "), result.stderr
    for phrase in phrases:
        assert phrase in last, last


def _digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_directories_that_are_files_are_named(project: str) -> None:
    home = os.path.join(project, "home")
    open(os.path.join(home, "history"), "w").close()
    _assert_clear_error(_dagster(project, "run", "list"), f"{home}/history is a file", "Move the file aside")

    os.remove(os.path.join(home, "history"))
    os.mkdir(os.path.join(home, "history"))
    open(os.path.join(home, "history", "runs"), "w").close()
    result = _dagster(project, "pipeline", "execute", "chain")
    _assert_clear_error(result, f"{home}/history/runs is a file", "event log directory")


@pytest.mark.parametrize(
    "damage", ["random bytes", "text file", "truncated"], ids=["random", "text", "truncated"]
)
def test_damaged_run_database_is_named_and_left_alone(project: str, damage: str) -> None:
    assert _dagster(project, "pipeline", "execute", "chain").returncode == 0
    path = os.path.join(project, "home", "history", "runs.db")
    if damage == "random bytes":
        with open(path, "wb") as handle:
            handle.write(os.urandom(40_000))
    elif damage == "text file":
        with open(path, "w") as handle:
            handle.write("not a database\n")
    else:
        os.truncate(path, os.path.getsize(path) // 2)
    before = _digest(path)
    for args in (["run", "list"], ["pipeline", "execute", "chain"], ["instance", "migrate"]):
        _assert_clear_error(_dagster(project, *args), f"Cannot use the database {path}", f"mv {path}")
    assert _digest(path) == before


def test_damaged_event_pages_give_a_clear_error_when_read(project: str) -> None:
    for _ in range(3):
        assert _dagster(project, "pipeline", "execute", "chain").returncode == 0
    path = os.path.join(project, "home", "history", "runs", "events.db")
    with open(path, "r+b") as handle:  # the schema (page 1) stays readable; rows are damaged
        handle.seek(os.path.getsize(path) // 2)
        handle.write(os.urandom(16 * 1024))
    instance = DagsterInstance.from_ref(InstanceRef.from_dir(os.path.join(project, "home")))
    try:
        with pytest.raises(DagsterInstanceSchemaError, match="damaged or is not a SQLite database"):
            for run in instance.get_runs():
                instance.all_logs(run.run_id)
    finally:
        instance.dispose()


def test_read_only_home_names_the_user_and_the_fix(project: str) -> None:
    require_root("dropping the capabilities that override file permissions")
    assert _dagster(project, "pipeline", "execute", "chain").returncode == 0
    home = os.path.join(project, "home")
    subprocess.run(["chmod", "-R", "a+rX,a-w", home], check=True)
    try:
        result = _dagster(project, "run", "list", bound_by_permissions=True)
        _assert_clear_error(result, "User root cannot write", "runs.db", "DAGSTER_HOME")
        result = _dagster(project, "pipeline", "execute", "chain", bound_by_permissions=True)
        _assert_clear_error(result, "User root cannot write")
    finally:
        subprocess.run(["chmod", "-R", "u+w", home], check=True)
    assert _dagster(project, "run", "list").returncode == 0


@pytest.fixture
def small_disk(project: str) -> Iterator[str]:
    """The instance home on a 3 MiB tmpfs, unmounted afterwards."""
    require_root("mounting a tmpfs")
    home = os.path.join(project, "home")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", home], check=True)
    try:
        yield home
    finally:
        subprocess.run(["umount", home], check=True)


def test_full_disk_fails_clearly_and_keeps_every_stored_event(project: str, small_disk: str) -> None:
    failed = None
    for _ in range(30):
        result = _dagster(project, "pipeline", "execute", "chain")
        if result.returncode != 0:
            failed = result
            break
    assert failed is not None, "the 3 MiB disk never filled up"
    _assert_clear_error(failed, "is full", "free some space")

    # Reading works while the disk is still full (the dead run cannot be repaired yet).
    instance = DagsterInstance.from_ref(InstanceRef.from_dir(small_disk))
    try:
        runs = instance.get_runs()
        counts = {run.run_id: len(instance.all_logs(run.run_id)) for run in runs}
        assert counts
        # A write that failed for lack of space left no lock behind for other processes.
        other = sqlite3.connect(os.path.join(small_disk, "history", "runs", "events.db"), timeout=0.5)
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        other.close()

        subprocess.run(["mount", "-o", "remount,size=16m", small_disk], check=True)
        for run in instance.get_runs():
            assert run.status in (PipelineRunStatus.SUCCESS, PipelineRunStatus.FAILURE)
            assert len(instance.all_logs(run.run_id)) >= counts.get(run.run_id, 0)
    finally:
        instance.dispose()
    for name in ("history/runs.db", "history/runs/events.db"):
        check = sqlite3.connect(os.path.join(small_disk, name))
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        check.close()
