"""``SystemCronScheduler``: each running schedule is one line of the current user's crontab.

Starting schedule ``S`` of repository ``R`` writes the executable script
``<DAGSTER_HOME>/schedules/scripts/R.S.sh`` and the crontab line::

    <cron schedule> <script> > <DAGSTER_HOME>/schedules/logs/R/S/scheduler.log 2>&1 # dagster-schedule: R.S

The comment identifies the job (stop, count, debug). The script exports ``DAGSTER_HOME``, ``LANG``
and the schedule's ``environment_vars`` (cron starts jobs with an almost empty environment), then
runs one tick with ``dagster api launch_scheduled_execution``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections import Counter
from typing import Any

from dagster import check
from dagster.core.definitions.schedule import ENV_VAR_NAME
from dagster.core.scheduler import DagsterSchedulerError, Schedule, Scheduler
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster_cron.user_crontab import (
    edit_user_crontab,
    is_valid_cron_expression,
    parse_job,
    read_user_crontab,
)

__all__ = ["COMMENT_PREFIX", "SystemCronScheduler", "job_comment"]

COMMENT_PREFIX = "dagster-schedule: "
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def job_comment(repository_name: str, schedule_name: str) -> str:
    """The crontab comment that marks the job of one schedule."""
    return f"{COMMENT_PREFIX}{repository_name}.{schedule_name}"


def _is_job_of(line: str, comment: str) -> bool:
    job = parse_job(line)
    return job is not None and job.comment == comment


def _dagster_jobs(lines: list[str]) -> list[tuple[str, Any]]:
    """(line, parsed job) of every dagster-schedule job in ``lines``."""
    jobs = [(line, parse_job(line)) for line in lines]
    return [(line, job) for line, job in jobs if job is not None and job.comment.startswith(COMMENT_PREFIX)]


def _dagster_home(instance: Any) -> str:
    """The DAGSTER_HOME the cron job must use to reach this instance."""
    home = os.environ.get("DAGSTER_HOME")
    return os.path.abspath(os.path.expanduser(home)) if home else instance.root_directory


def _check_startable(repository_name: str, schedule: Schedule) -> None:
    """Refuse, before anything is written, what cron could not run correctly."""
    where = f'schedule "{schedule.name}" of repository "{repository_name}"'
    for kind, name in (("repository", repository_name), ("schedule", schedule.name)):
        if not _SAFE_NAME.fullmatch(name):
            raise DagsterSchedulerError(
                f'Cannot start {where}: the {kind} name "{name}" names a script file and a crontab '
                "comment, so it may only use letters, digits, '_', '-' and '.' (not first). Rename it."
            )
    if not is_valid_cron_expression(schedule.cron_schedule):
        raise DagsterSchedulerError(
            f'Cannot start {where}: cron does not accept the cron_schedule "{schedule.cron_schedule}". '
            'Fix it in the ScheduleDefinition (five fields, e.g. "0 * * * *"), then run `dagster schedule up`.'
        )
    for variable in schedule.environment_vars or {}:
        if not ENV_VAR_NAME.fullmatch(variable):
            raise DagsterSchedulerError(
                f'Cannot start {where}: "{variable}" in its environment_vars is not a valid environment '
                "variable name (letters, digits and '_', not starting with a digit)."
            )
    if not schedule.python_path or not schedule.repository_path:
        raise DagsterSchedulerError(
            f"Cannot start {where}: the stored schedule has no python_path/repository_path. "
            "Run `dagster schedule up` to store them."
        )
    dagster_command = _dagster_command(schedule)
    if not os.access(dagster_command, os.X_OK):
        raise DagsterSchedulerError(
            f"Cannot start {where}: the cron job would run {dagster_command}, which is not an executable "
            f"file. Run `dagster schedule up` with the Python environment that has dagster installed."
        )


def _check_cron_safe_path(path: str) -> None:
    if "#" in path or "\n" in path:
        raise DagsterSchedulerError(
            f"Cannot put the path {path!r} on a crontab line: cron reads '#' as a comment and a newline "
            "as the end of the job. Use a DAGSTER_HOME without these characters."
        )


def _dagster_command(schedule: Schedule) -> str:
    return os.path.join(os.path.dirname(schedule.python_path or ""), "dagster")


def _script_text(dagster_home: str, schedule: Schedule, logs_dir: str) -> str:
    """The bash script that cron runs for one tick of ``schedule``."""
    lines = [
        "#!/bin/bash",
        f"# Written by dagster_cron.SystemCronScheduler when schedule {schedule.name} was started.",
        f"export DAGSTER_HOME={shlex.quote(dagster_home)}",
        "export LANG=C.UTF-8",
        *(
            f"export {name}={shlex.quote(str(value))}"
            for name, value in sorted((schedule.environment_vars or {}).items())
        ),
        'export RUN_DATE=$(date "+%Y%m%dT%H%M%S")',
        f"LOGS_DIR={shlex.quote(logs_dir)}",
        " ".join(
            [
                shlex.quote(_dagster_command(schedule)),
                "api launch_scheduled_execution",
                shlex.quote(schedule.name),
                "-y",
                shlex.quote(schedule.repository_path or ""),
                "--output",
                f'"$LOGS_DIR/${{RUN_DATE}}_{schedule.name}.result"',
            ]
        ),
    ]
    return "\n".join(lines) + "\n"


def _write_executable(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}.tmp"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(partial, 0o755)
    os.replace(partial, path)


class SystemCronScheduler(Scheduler, ConfigurableClass):
    """Runs schedules from the current user's crontab (needs the ``crontab`` command and a running
    cron daemon). dagster.yaml: ``scheduler: {module: dagster_cron.cron_scheduler, class:
    SystemCronScheduler}``; it takes no config."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> SystemCronScheduler:
        return SystemCronScheduler(inst_data=inst_data)

    def _scripts_directory(self, instance: Any) -> str:
        return os.path.join(instance.schedules_directory(), "scripts")

    def _script_path(self, instance: Any, repository_name: str, schedule_name: str) -> str:
        return os.path.join(self._scripts_directory(instance), f"{repository_name}.{schedule_name}.sh")

    def get_logs_directory(self, instance: Any, repository: Any, schedule_name: str) -> str:
        return os.path.join(instance.schedules_directory(), "logs", repository.name, schedule_name)

    def get_logs_path(self, instance: Any, repository: Any, schedule_name: str) -> str:
        return os.path.join(self.get_logs_directory(instance, repository, schedule_name), "scheduler.log")

    def start_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
        """Write the schedule's script and replace its crontab job; exactly one job must result."""
        schedule = self._get_schedule(instance, repository, schedule_name)
        _check_startable(repository.name, schedule)
        script = self._script_path(instance, repository.name, schedule.name)
        logs_dir = self.get_logs_directory(instance, repository, schedule.name)
        logs_path = self.get_logs_path(instance, repository, schedule.name)
        for path in (script, logs_path):
            _check_cron_safe_path(path)
        os.makedirs(logs_dir, exist_ok=True)  # the job's `>` redirection needs it
        _write_executable(script, _script_text(_dagster_home(instance), schedule, logs_dir))
        comment = job_comment(repository.name, schedule.name)
        command = f"{shlex.quote(script)} > {shlex.quote(logs_path)} 2>&1".replace("%", "\\%")
        new_line = f"{schedule.cron_schedule} {command} # {comment}"

        def replace_job(lines: list[str]) -> list[str]:
            return [line for line in lines if not _is_job_of(line, comment)] + [new_line]

        jobs = [line for line in edit_user_crontab(replace_job) if _is_job_of(line, comment)]
        if len(jobs) != 1:
            raise DagsterSchedulerError(
                f'After starting schedule "{schedule.name}" the crontab has {len(jobs)} jobs with the comment '
                f'"{comment}" instead of 1: {jobs}. Inspect `crontab -l`, then run '
                f"`dagster schedule restart {schedule.name}`."
            )

    def stop_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
        """Remove the schedule's crontab job(s) and its script."""
        comment = job_comment(repository.name, schedule_name)
        edit_user_crontab(lambda lines: [line for line in lines if not _is_job_of(line, comment)])
        script = self._script_path(instance, repository.name, schedule_name)
        if os.path.exists(script):
            os.unlink(script)

    def running_schedule_count(self, repository_name: str, schedule_name: str) -> int:
        return self.running_schedule_counts([(repository_name, schedule_name)])[0]

    def running_schedule_counts(self, schedules: list[tuple[str, str]]) -> list[int]:
        """The enabled crontab jobs of each schedule, from one read of the crontab."""
        jobs = Counter(job.comment for _, job in _dagster_jobs(read_user_crontab()) if job.is_enabled())
        return [jobs[job_comment(repository_name, name)] for repository_name, name in schedules]

    def debug_info(self) -> str:
        """The crontab lines of all dagster schedules of this user."""
        lines = [line for line, _ in _dagster_jobs(read_user_crontab())]
        return "Running Cron Jobs:\n" + ("\n".join(lines) if lines else "(none)")

    def wipe(self, instance: Any) -> None:
        """Remove this instance's crontab jobs (those running one of its scripts), scripts and logs.
        Jobs of other instances of the same user stay."""
        scripts_dir = self._scripts_directory(instance)

        def runs_our_script(job: Any) -> bool:
            try:
                words = shlex.split(job.command or "")
            except ValueError:  # a hand-edited line with unbalanced quotes is not one of ours
                return False
            return bool(words) and os.path.dirname(words[0]) == scripts_dir

        def remove_our_jobs(lines: list[str]) -> list[str]:
            ours = {line for line, job in _dagster_jobs(lines) if runs_our_script(job)}
            return [line for line in lines if line not in ours]

        edit_user_crontab(remove_our_jobs)
        for directory in (scripts_dir, os.path.join(instance.schedules_directory(), "logs")):
            shutil.rmtree(directory, ignore_errors=True)
