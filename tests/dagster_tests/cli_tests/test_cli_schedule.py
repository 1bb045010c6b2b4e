"""`dagster schedule ...` against a SQLite schedule storage and the test scheduler of dagster.utils.test."""

import os
import sys
import textwrap

import pytest
from click.testing import CliRunner

from dagster.cli import cli

from .helpers import run_dagster

REPO = """
from dagster import RepositoryDefinition, ScheduleDefinition, lambda_solid, pipeline


@lambda_solid
def tick():
    return 1


@pipeline
def ticking():
    tick()


def define_repo():
    return RepositoryDefinition(
        name="scheduled_repo",
        pipeline_defs=[ticking],
        schedule_defs=[
            ScheduleDefinition(name="{first}", cron_schedule="{cron}", pipeline_name="ticking"),
            ScheduleDefinition(name="hourly", cron_schedule="0 * * * *", pipeline_name="ticking"),
        ],
    )
"""


def write_repo(directory, first="every_minute", cron="* * * * *"):
    # Each real `dagster` command is a new process; in-process commands must not reuse the old module.
    sys.modules.pop("scheduled_repo", None)
    (directory / "scheduled_repo.py").write_text(
        textwrap.dedent(REPO.replace("{first}", first).replace("{cron}", cron))
    )


@pytest.fixture
def scheduled(tmp_path, monkeypatch, dagster_home):
    code = tmp_path / "code"
    code.mkdir()
    write_repo(code)
    (code / "repository.yaml").write_text("repository:\n  file: scheduled_repo.py\n  fn: define_repo\n")
    with open(os.path.join(dagster_home, "dagster.yaml"), "w") as handle:
        handle.write(
            "scheduler:\n  module: dagster.utils.test\n  class: FilesytemTestScheduler\n"
            f"  config:\n    base_dir: {tmp_path / 'scheduler'}\n"
        )
    monkeypatch.chdir(code)
    return code


def invoke(args, input=None):
    result = CliRunner().invoke(cli, ["schedule", *args], input=input)
    return result


def test_up_list_start_stop_restart_logs(scheduled, tmp_path):
    preview = invoke(["preview"])
    assert preview.exit_code == 0, preview.output
    assert preview.output == "+ every_minute (add)\n+ hourly (add)\n"
    assert invoke(["list", "--name"]).output == ""

    up = invoke(["up"])
    assert up.exit_code == 0, up.output
    assert up.output == "+ every_minute (add)\n+ hourly (add)\n"
    assert invoke(["up"]).output == "No changes to schedules.\n2 schedules unchanged\n"

    listed = invoke(["list"])
    assert listed.output.splitlines() == [
        "Repository scheduled_repo",
        "*" * len("Repository scheduled_repo"),
        "Schedule: every_minute [STOPPED]",
        "Cron Schedule: * * * * *",
        "Schedule: hourly [STOPPED]",
        "Cron Schedule: 0 * * * *",
    ]
    started = invoke(["start", "hourly"])
    assert started.exit_code == 0, started.output
    assert started.output == "Started schedule hourly\n"
    assert invoke(["list", "--running", "--name"]).output == "hourly\n"
    assert invoke(["list", "--stopped", "--name"]).output == "every_minute\n"

    again = invoke(["start", "hourly"])
    assert again.exit_code == 1
    assert again.output.startswith("Error: ")

    assert invoke(["restart", "hourly"]).output == "Restarted schedule hourly\n"
    not_running = invoke(["restart", "every_minute"])
    assert not_running.exit_code == 2
    assert "Cannot restart schedule every_minute: it is not running." in not_running.output

    assert invoke(["start", "--start-all"]).output == "Started schedule every_minute\n"
    assert invoke(["stop", "every_minute"]).output == "Stopped schedule every_minute\n"
    assert invoke(["list", "--running", "--name"]).output == "hourly\n"

    logs = invoke(["logs", "hourly"])
    assert logs.output.strip() == str(
        tmp_path / "scheduler" / "logs" / "scheduled_repo" / "hourly" / "scheduler.log"
    )

    unknown = invoke(["stop", "nope"])
    assert unknown.exit_code == 2
    assert 'No schedule named "nope"' in unknown.output


def test_up_updates_and_deletes(scheduled):
    assert invoke(["up"]).exit_code == 0
    write_repo(scheduled, first="renamed", cron="*/5 * * * *")
    plan = invoke(["preview"])
    assert plan.output == "+ renamed (add)\n- every_minute (delete)\n"
    write_repo(scheduled, first="every_minute", cron="*/5 * * * *")
    plan = invoke(["up"])
    assert plan.output == "~ every_minute (update)\n\tcron_schedule: * * * * * => */5 * * * *\n"
    assert "Cron Schedule: */5 * * * *" in invoke(["list"]).output


def test_wipe_and_debug(scheduled):
    assert invoke(["up"]).exit_code == 0
    refused = invoke(["wipe"], input="no\n")
    assert refused.exit_code == 1
    assert invoke(["list", "--name"]).output == "every_minute\nhourly\n"
    wiped = invoke(["wipe"], input="DELETE\n")
    assert wiped.exit_code == 0
    assert "Wiped all schedules and schedule cron jobs." in wiped.output
    assert invoke(["list", "--name"]).output == ""
    debug = invoke(["debug"])
    assert debug.exit_code == 0, debug.output
    for section in (
        "Errors (Run `dagster schedule up` to resolve)",
        "Scheduler Configuration",
        "Scheduler Info",
    ):
        assert section in debug.output


def test_needs_a_scheduler_and_schedules(scheduled, dagster_home, tmp_path, monkeypatch):
    os.unlink(os.path.join(dagster_home, "dagster.yaml"))
    no_scheduler = invoke(["list"])
    assert no_scheduler.exit_code == 2
    assert "A scheduler must be configured to run schedule commands." in no_scheduler.output

    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "plain_repo.py").write_text(
        "from dagster import RepositoryDefinition\n\ndef define_repo():\n    return RepositoryDefinition(name='plain')\n"
    )
    (plain / "repository.yaml").write_text("repository:\n  file: plain_repo.py\n  fn: define_repo\n")
    monkeypatch.chdir(plain)
    none_defined = invoke(["up"])
    assert none_defined.exit_code == 2
    assert "There are no schedules defined for repository plain." in none_defined.output


def test_schedule_commands_in_real_processes(scheduled, dagster_home):
    up = run_dagster(["schedule", "up"], str(scheduled), dagster_home)
    assert up.returncode == 0, up.stderr
    assert up.stdout == "+ every_minute (add)\n+ hourly (add)\n"
    started = run_dagster(["schedule", "start", "--start-all"], str(scheduled), dagster_home)
    assert started.returncode == 0, started.stderr
    assert started.stdout == "Started schedule every_minute\nStarted schedule hourly\n"
    listed = run_dagster(["schedule", "list", "--running", "--name"], str(scheduled), dagster_home)
    assert listed.stdout == "every_minute\nhourly\n"
    debug = run_dagster(["schedule", "debug"], str(scheduled), dagster_home)
    assert debug.returncode == 0, debug.stderr
    assert debug.stdout.startswith("Errors (Run `dagster schedule up` to resolve)\n")


def test_debug_names_schedules_the_scheduler_disagrees_with_and_up_fixes_them(scheduled, tmp_path):
    assert invoke(["up"]).exit_code == 0
    assert invoke(["start", "hourly"]).exit_code == 0
    running = tmp_path / "scheduler" / "running" / "scheduled_repo"
    (running / "hourly").unlink()  # the job of a running schedule went away
    (running / "every_minute").touch()  # a stopped schedule has a job
    lost = 'Schedule "hourly" of repository "scheduled_repo" is RUNNING in storage but not in the scheduler.'
    stray = 'Schedule "every_minute" of repository "scheduled_repo" is STOPPED in storage but has a job in the scheduler.'

    debug = invoke(["debug"]).output
    assert (
        f"{stray} Run `dagster schedule up` to fix it.\n{lost} Run `dagster schedule up` to fix it." in debug
    )
    assert invoke(["preview"]).output == (
        "No changes to schedules.\n2 schedules unchanged\n"
        f"! {stray} (`dagster schedule up` fixes it)\n! {lost} (`dagster schedule up` fixes it)\n"
    )
    assert sorted(path.name for path in running.iterdir()) == ["every_minute"], "preview changes nothing"

    up = invoke(["up"])
    assert up.exit_code == 0, up.output
    assert (
        up.output == f"No changes to schedules.\n2 schedules unchanged\n! fixed: {stray}\n! fixed: {lost}\n"
    )
    assert sorted(path.name for path in running.iterdir()) == ["hourly"]
    assert "Errors (Run `dagster schedule up` to resolve)\nNone\n" in invoke(["debug"]).output
    assert invoke(["up"]).output == "No changes to schedules.\n2 schedules unchanged\n"
