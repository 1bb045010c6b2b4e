"""Helpers for SystemCronScheduler tests, which use the real `crontab` command and the real crontab
of the user running the tests.

Each test works with a repository of its own, named ``cron_test_<random>``, and a finalizer removes
every crontab line that mentions it (and only those), so a test never leaves a job behind nor
touches other lines. Without the `crontab` command the tests are skipped, and under CI they fail
(`make install` installs cron).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import require_command
from dagster_cron.user_crontab import crontab_lock_path

DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")

SCHEDULER_YAML = "scheduler:\n  module: dagster_cron.cron_scheduler\n  class: SystemCronScheduler\n"

REPO_TEMPLATE = """
from dagster import RepositoryDefinition, ScheduleDefinition, lambda_solid, pipeline


@lambda_solid
def tick():
    return 1


@pipeline
def ticking():
    tick()


def define_repo():
    return RepositoryDefinition(
        name="{repo_name}",
        pipeline_defs=[ticking],
        schedule_defs=[
            ScheduleDefinition(
                name="every_minute",
                cron_schedule="* * * * *",
                pipeline_name="ticking",
                environment_vars={{"GREETING": "it's a tick"}},
            ),
            ScheduleDefinition(name="hourly", cron_schedule="0 * * * *", pipeline_name="ticking"),
        ]
        + [
            ScheduleDefinition(name=f"extra_{{index}}", cron_schedule="0 0 * * *", pipeline_name="ticking")
            for index in range({extra_schedules})
        ],
    )
"""


def require_crontab() -> None:
    require_command("crontab", "cron")


def crontab_lines() -> list[str]:
    """The non-empty lines of the user's crontab, as `crontab -l` prints them."""
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        assert "no crontab for" in listed.stderr, listed.stderr
        return []
    return [line for line in listed.stdout.splitlines() if line.strip()]


def lines_mentioning(marker: str) -> list[str]:
    return [line for line in crontab_lines() if marker in line]


def edit_crontab_lines(keep_line, extra: list[str] = ()) -> None:
    """Rewrite the user's crontab with plain `crontab`, under the scheduler's lock: keep the lines
    for which ``keep_line`` is true, then append ``extra``."""
    descriptor = os.open(crontab_lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        lines = [line for line in crontab_lines() if keep_line(line)] + list(extra)
        text = "".join(f"{line}\n" for line in lines)
        subprocess.run(["crontab", "-"], input=text, text=True, check=True)
    finally:
        os.close(descriptor)


def write_repo(code: Path, repo_name: str, extra_schedules: int = 0) -> Path:
    """Write the repository ``repo_name`` (schedules every_minute, hourly and ``extra_<i>``) and its
    repository.yaml into ``code``."""
    code.mkdir(exist_ok=True)
    module = f"{repo_name}_defs"
    source = REPO_TEMPLATE.format(repo_name=repo_name, extra_schedules=extra_schedules)
    (code / f"{module}.py").write_text(textwrap.dedent(source))
    (code / "repository.yaml").write_text(f"repository:\n  file: {module}.py\n  fn: define_repo\n")
    return code


def run_dagster(
    args: list[str], cwd: Path, home: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """``dagster <args>`` as a real process with ``DAGSTER_HOME=home``."""
    env = dict(os.environ, DAGSTER_HOME=home)
    return subprocess.run(
        [DAGSTER, *args], cwd=str(cwd), env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def cron_daemon_running() -> bool:
    try:
        with open("/run/crond.pid") as handle:
            pid = int(handle.read().split()[0])
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip() == "cron"
    except (OSError, ValueError, IndexError):
        return False
