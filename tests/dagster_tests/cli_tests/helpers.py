"""Helpers shared by the CLI tests: run `dagster` as a real process, check for leaked tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

DAGSTER_SCRIPT = os.path.join(os.path.dirname(sys.executable), "dagster")


def run_dagster(
    args: list[str], cwd: str, home: str | None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """``dagster <args>`` as a real process (no TTY: no colours)."""
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)
    if home is not None:
        env["DAGSTER_HOME"] = home
    return subprocess.run(
        [DAGSTER_SCRIPT, *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def assert_no_package_traceback(output: str) -> None:
    """A user mistake is reported without a traceback through our package."""
    assert "Traceback" not in output or "dagster/core" not in output.split("Traceback", 1)[1], output
    assert "src/dagster/" not in output, output
