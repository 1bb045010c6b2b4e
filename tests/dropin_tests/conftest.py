"""The Dagster 0.7.16 home fixture, copied per test, and helpers to run `dagster` against it.

The fixture lives beside the repository (``<repo>/../shared/fixtures``), where CI puts it too.
It is never touched in place: every test works on a copy in its own ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.abspath(os.path.join(REPO, "..", "shared", "fixtures"))
FIXTURE_HOME = os.path.join(FIXTURES, "dagster-0.7.16-home")
MANIFEST_PATH = os.path.join(FIXTURES, "dagster-0.7.16-home.manifest.json")
DAGSTER_SCRIPT = os.path.join(os.path.dirname(sys.executable), "dagster")
# Generous (a loaded 2-core CI machine starts interpreters slowly) but bounded.
COMMAND_TIMEOUT = 120


def _require_fixture() -> None:
    missing = [path for path in (FIXTURE_HOME, MANIFEST_PATH) if not os.path.exists(path)]
    if missing:
        pytest.fail(
            f"The Dagster 0.7.16 home fixture is missing: {', '.join(missing)}. These tests need "
            f"it at <repo>/../shared/fixtures (here {FIXTURES}); copy it there."
        )


@pytest.fixture(scope="session")
def manifest() -> list[dict]:
    _require_fixture()
    with open(MANIFEST_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def copy_fixture_home(target: str) -> str:
    """A writable copy of the fixture home (its files are read-only, like a backup's)."""
    _require_fixture()
    shutil.copytree(FIXTURE_HOME, target)
    for root, dirs, files in os.walk(target):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    os.chmod(target, 0o755)
    return target


@pytest.fixture
def old_home(tmp_path) -> str:
    """A fresh copy of the 0.7.16 home, not migrated."""
    return copy_fixture_home(str(tmp_path / "dagster_home"))


def digest(home: str) -> dict[str, str]:
    """sha256 of every file under ``home`` (SQLite's -wal/-shm files included), by relative path."""
    digests = {}
    for root, _dirs, files in os.walk(home):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                digests[os.path.relpath(path, home)] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def dagster_env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DAGSTER_HOME"] = home
    env.pop("DAGSTER_CLI_API_GRPC", None)
    return env


def run_dagster(args: list[str], home: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    """``dagster <args>`` as a real process with ``DAGSTER_HOME=home``."""
    return subprocess.run(
        [DAGSTER_SCRIPT, *args],
        cwd=cwd or home,
        env=dagster_env(home),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


def migrate(home: str) -> subprocess.CompletedProcess:
    result = run_dagster(["instance", "migrate"], home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_no_traceback(result)
    return result
