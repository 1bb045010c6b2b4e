"""`dagster schedule ...` in real processes with SystemCronScheduler, the generated script run as cron
runs it, and the real cron daemon firing a schedule."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from dagster.core.instance import DagsterInstance

from .helpers import cron_daemon_running, edit_crontab_lines, lines_mentioning, run_dagster


def dagster_ok(args, repo_dir, home, stdin=None) -> str:
    result = run_dagster(args, repo_dir, home, stdin)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def job_line(home, repo_name, schedule_name, cron):
    script = f"{home}/schedules/scripts/{repo_name}.{schedule_name}.sh"
    log = f"{home}/schedules/logs/{repo_name}/{schedule_name}/scheduler.log"
    return f"{cron} {script} > {log} 2>&1 # dagster-schedule: {repo_name}.{schedule_name}"


def test_schedule_commands_keep_the_crontab_in_step(dagster_home, repo_dir, repo_name):
    minute = job_line(dagster_home, repo_name, "every_minute", "* * * * *")
    hourly = job_line(dagster_home, repo_name, "hourly", "0 * * * *")
    assert dagster_ok(["schedule", "up"], repo_dir, dagster_home) == "+ every_minute (add)\n+ hourly (add)\n"
    assert lines_mentioning(repo_name) == []

    started = dagster_ok(["schedule", "start", "--start-all"], repo_dir, dagster_home)
    assert started == "Started schedule every_minute\nStarted schedule hourly\n"
    assert lines_mentioning(repo_name) == [minute, hourly]
    assert (
        dagster_ok(["schedule", "list", "--running", "--name"], repo_dir, dagster_home)
        == "every_minute\nhourly\n"
    )

    debug = dagster_ok(["schedule", "debug"], repo_dir, dagster_home)
    assert "Errors (Run `dagster schedule up` to resolve)\nNone\n" in debug
    scheduler_info = debug.split("Scheduler Info\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert scheduler_info[0] == "Running Cron Jobs:"
    assert [line for line in scheduler_info if repo_name in line] == [minute, hourly]

    assert (
        dagster_ok(["schedule", "restart", "hourly"], repo_dir, dagster_home) == "Restarted schedule hourly\n"
    )
    assert lines_mentioning(repo_name) == [minute, hourly]
    assert dagster_ok(["schedule", "logs", "hourly"], repo_dir, dagster_home).strip() == (
        f"{dagster_home}/schedules/logs/{repo_name}/hourly/scheduler.log"
    )

    assert (
        dagster_ok(["schedule", "stop", "every_minute"], repo_dir, dagster_home)
        == "Stopped schedule every_minute\n"
    )
    assert lines_mentioning(repo_name) == [hourly]
    assert not os.path.exists(f"{dagster_home}/schedules/scripts/{repo_name}.every_minute.sh")

    wiped = dagster_ok(["schedule", "wipe"], repo_dir, dagster_home, stdin="DELETE\n")
    assert "Wiped all schedules and schedule cron jobs." in wiped
    assert lines_mentioning(repo_name) == []
    assert not os.path.exists(f"{dagster_home}/schedules/scripts")
    assert dagster_ok(["schedule", "list", "--name"], repo_dir, dagster_home) == ""


def test_debug_reports_a_running_schedule_whose_job_was_removed_and_up_restores_it(
    dagster_home, repo_dir, repo_name
):
    dagster_ok(["schedule", "up"], repo_dir, dagster_home)
    dagster_ok(["schedule", "start", "hourly"], repo_dir, dagster_home)
    edit_crontab_lines(lambda line: f"dagster-schedule: {repo_name}.hourly" not in line)
    lost = f'Schedule "hourly" of repository "{repo_name}" is RUNNING in storage but not in the scheduler.'
    assert lost in dagster_ok(["schedule", "debug"], repo_dir, dagster_home)

    assert f"! fixed: {lost}\n" in dagster_ok(["schedule", "up"], repo_dir, dagster_home)
    assert lines_mentioning(repo_name) == [job_line(dagster_home, repo_name, "hourly", "0 * * * *")]
    assert "Errors (Run `dagster schedule up` to resolve)\nNone\n" in dagster_ok(
        ["schedule", "debug"], repo_dir, dagster_home
    )


def start_every_minute(repo_dir, home, repo_name) -> str:
    """Store and start the every-minute schedule; return its script."""
    dagster_ok(["schedule", "up"], repo_dir, home)
    dagster_ok(["schedule", "start", "every_minute"], repo_dir, home)
    return f"{home}/schedules/scripts/{repo_name}.every_minute.sh"


def schedule_runs(home) -> list:
    return DagsterInstance.from_config(home).get_runs()


def test_the_script_run_with_cron_like_environment_creates_a_run(dagster_home, repo_dir, repo_name, tmp_path):
    script = start_every_minute(repo_dir, dagster_home, repo_name)
    cron_env = ["env", "-i", f"HOME={tmp_path}", "PATH=/usr/bin:/bin", "SHELL=/bin/sh"]
    ran = subprocess.run([*cron_env, "bash", script], cwd="/", capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr

    # Match the run by id: a cron daemon on this machine may also fire the every-minute job meanwhile.
    created = re.fullmatch(
        r'Schedule "every_minute" created run (\S+) of pipeline "ticking": SUCCESS\n', ran.stdout
    )
    assert created, ran.stdout
    run = DagsterInstance.from_config(dagster_home).get_run_by_id(created.group(1))
    assert (run.pipeline_name, run.status.value) == ("ticking", "SUCCESS")
    assert run.tags["dagster/schedule_name"] == "every_minute"
    logs_dir = f"{dagster_home}/schedules/logs/{repo_name}/every_minute"
    outcomes = []
    for name in os.listdir(logs_dir):
        if name.endswith("_every_minute.result"):
            with open(os.path.join(logs_dir, name)) as handle:
                outcomes.append(json.load(handle))
    assert ("SUCCESS", "SUCCESS") in [
        (outcome["tick_status"], outcome["run_status"])
        for outcome in outcomes
        if outcome["run_id"] == run.run_id
    ]


@pytest.mark.slow
def test_the_cron_daemon_fires_the_schedule(cron_daemon, dagster_home, repo_dir, repo_name):
    start_every_minute(repo_dir, dagster_home, repo_name)
    # Cron fires at the next minute boundary; on a loaded machine the job's own start-up (a new
    # interpreter importing dagster and the repository) can take several seconds more, and a job
    # added in the last moments of a minute may only be read at the following one.
    deadline = time.monotonic() + 150
    while not [run for run in schedule_runs(dagster_home) if run.status.value == "SUCCESS"]:
        log = f"{dagster_home}/schedules/logs/{repo_name}/every_minute/scheduler.log"
        assert time.monotonic() < deadline, (
            f"no run within 150 s; cron running: {cron_daemon_running()}; crontab lines: "
            f"{lines_mentioning(repo_name)}; scheduler.log: "
            + (open(log).read() if os.path.exists(log) else "(not written: cron did not run the job)")
        )
        time.sleep(1)
    dagster_ok(["schedule", "stop", "every_minute"], repo_dir, dagster_home)
    assert lines_mentioning(repo_name) == []
    assert {run.tags["dagster/schedule_name"] for run in schedule_runs(dagster_home)} == {"every_minute"}
