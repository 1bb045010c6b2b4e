"""SystemCronScheduler against the real crontab of the user running the tests."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from dagster.cli.load_handle import handle_for_repo_cli_args
from dagster.core.definitions.schedule import ScheduleDefinitionData
from dagster.core.errors import DagsterInvalidConfigError
from dagster.core.instance import DagsterInstance
from dagster.core.scheduler import DagsterSchedulerError, Schedule, ScheduleStatus
from dagster_cron import SystemCronScheduler

from .helpers import SCHEDULER_YAML, edit_crontab_lines, lines_mentioning, write_repo


def load(repo_dir):
    """The instance of $DAGSTER_HOME and the repository, with its schedules stored (STOPPED)."""
    repository_yaml = str(repo_dir / "repository.yaml")
    repository = handle_for_repo_cli_args({"repository_yaml": repository_yaml}).build_repository_definition()
    instance = DagsterInstance.get()
    instance.reconcile_scheduler_state(sys.executable, repository_yaml, repository)
    return instance, repository


def expected_line(home, repo_name, schedule_name, cron="* * * * *"):
    script = f"{home}/schedules/scripts/{repo_name}.{schedule_name}.sh"
    log = f"{home}/schedules/logs/{repo_name}/{schedule_name}/scheduler.log"
    return f"{cron} {script} > {log} 2>&1 # dagster-schedule: {repo_name}.{schedule_name}"


def test_instance_builds_the_scheduler_from_dagster_yaml(tmp_path):
    for module in ("dagster_cron.cron_scheduler", "dagster_cron"):
        home = tmp_path / module
        home.mkdir()
        (home / "dagster.yaml").write_text(SCHEDULER_YAML.replace("dagster_cron.cron_scheduler", module))
        scheduler = DagsterInstance.from_config(str(home)).scheduler
        assert type(scheduler) is SystemCronScheduler
        assert scheduler.inst_data.module_name == module
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "dagster.yaml").write_text(SCHEDULER_YAML + "  config:\n    cron_user: someone\n")
    with pytest.raises(DagsterInvalidConfigError, match="cron_user"):
        DagsterInstance.from_config(str(bad))


def test_start_writes_the_script_and_one_crontab_line(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    instance.start_schedule_and_update_storage_state(repository, "every_minute")

    assert lines_mentioning(repo_name) == [expected_line(dagster_home, repo_name, "every_minute")]
    script = f"{dagster_home}/schedules/scripts/{repo_name}.every_minute.sh"
    with open(script) as handle:
        assert handle.read() == textwrap.dedent(
            f"""\
            #!/bin/bash
            # Written by dagster_cron.SystemCronScheduler when schedule every_minute was started.
            export DAGSTER_HOME={dagster_home}
            export LANG=C.UTF-8
            export GREETING='it'"'"'s a tick'
            export RUN_DATE=$(date "+%Y%m%dT%H%M%S")
            LOGS_DIR={dagster_home}/schedules/logs/{repo_name}/every_minute
            {os.path.dirname(sys.executable)}/dagster api launch_scheduled_execution every_minute -y {repo_dir}/repository.yaml --output "$LOGS_DIR/${{RUN_DATE}}_every_minute.result"
            """
        )
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o755
    assert os.path.isdir(f"{dagster_home}/schedules/logs/{repo_name}/every_minute")

    scheduler = instance.scheduler
    assert scheduler.running_schedule_count(repo_name, "every_minute") == 1
    assert scheduler.running_schedule_count(repo_name, "hourly") == 0
    assert expected_line(dagster_home, repo_name, "every_minute") in scheduler.debug_info().splitlines()
    assert instance.get_schedule_by_name(repository, "every_minute").status == ScheduleStatus.RUNNING
    assert scheduler.get_logs_path(instance, repository, "every_minute") == (
        f"{dagster_home}/schedules/logs/{repo_name}/every_minute/scheduler.log"
    )


def test_start_replaces_existing_and_duplicate_jobs(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    comment = f"# dagster-schedule: {repo_name}.hourly"
    edit_crontab_lines(
        lambda line: True, [f"5 5 * * * /bin/false {comment}", f"6 6 * * * /bin/false {comment}"]
    )
    instance.scheduler.start_schedule(instance, repository, "hourly")
    instance.scheduler.start_schedule(instance, repository, "hourly")
    assert lines_mentioning(repo_name) == [expected_line(dagster_home, repo_name, "hourly", cron="0 * * * *")]


def test_stop_removes_the_job_and_script_and_nothing_else(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    others_line = f"0 0 1 1 * /bin/true # not ours {repo_name}"
    edit_crontab_lines(lambda line: True, [others_line])
    for name in ("every_minute", "hourly"):
        instance.start_schedule_and_update_storage_state(repository, name)

    instance.stop_schedule_and_update_storage_state(repository, "every_minute")

    hourly = expected_line(dagster_home, repo_name, "hourly", "0 * * * *")
    assert lines_mentioning(repo_name) == [others_line, hourly]
    assert not os.path.exists(f"{dagster_home}/schedules/scripts/{repo_name}.every_minute.sh")
    assert os.path.exists(f"{dagster_home}/schedules/scripts/{repo_name}.hourly.sh")
    assert instance.scheduler.running_schedule_count(repo_name, "every_minute") == 0
    instance.scheduler.stop_schedule(instance, repository, "every_minute")  # stopping again is a no-op
    assert lines_mentioning(repo_name) == [others_line, hourly]


def test_wipe_removes_this_instances_jobs_scripts_and_logs_only(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    elsewhere = f"0 0 1 1 * /elsewhere/schedules/scripts/{repo_name}_other.x.sh # dagster-schedule: {repo_name}_other.x"
    edit_crontab_lines(lambda line: True, [elsewhere])
    for name in ("every_minute", "hourly"):
        instance.start_schedule_and_update_storage_state(repository, name)
    assert len(lines_mentioning(repo_name)) == 3

    instance.wipe_all_schedules()

    assert lines_mentioning(repo_name) == [elsewhere]
    assert not os.path.exists(f"{dagster_home}/schedules/scripts")
    assert not os.path.exists(f"{dagster_home}/schedules/logs")
    assert instance.all_schedules(repository) == []


def test_an_invalid_cron_schedule_is_refused_before_the_crontab_is_touched(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    instance.add_schedule(
        repository,
        Schedule(
            ScheduleDefinitionData("broken", "61 * * * *", None),
            ScheduleStatus.STOPPED,
            sys.executable,
            str(repo_dir / "repository.yaml"),
        ),
    )
    with pytest.raises(DagsterSchedulerError) as error:
        instance.start_schedule_and_update_storage_state(repository, "broken")
    assert str(error.value) == (
        f'Cannot start schedule "broken" of repository "{repo_name}": cron does not accept the cron_schedule '
        '"61 * * * *". Fix it in the ScheduleDefinition (five fields, e.g. "0 * * * *"), then run '
        "`dagster schedule up`."
    )
    assert lines_mentioning(repo_name) == []
    assert not os.path.exists(f"{dagster_home}/schedules/scripts")
    assert instance.get_schedule_by_name(repository, "broken").status == ScheduleStatus.STOPPED


def test_a_bad_environment_variable_name_is_refused(dagster_home, repo_dir, repo_name):
    instance, repository = load(repo_dir)
    instance.add_schedule(
        repository,
        Schedule(
            ScheduleDefinitionData("bad_env", "0 0 * * *", {"NOT-A-NAME": "1"}),
            ScheduleStatus.STOPPED,
            sys.executable,
            str(repo_dir / "repository.yaml"),
        ),
    )
    with pytest.raises(DagsterSchedulerError, match='"NOT-A-NAME" in its environment_vars is not a valid'):
        instance.scheduler.start_schedule(instance, repository, "bad_env")
    assert lines_mentioning(repo_name) == []


def test_a_missing_crontab_command_says_to_install_cron(dagster_home, repo_dir, repo_name, tmp_path):
    instance, repository = load(repo_dir)
    empty_bin = tmp_path / "empty_bin"
    empty_bin.mkdir()
    code = textwrap.dedent(
        f"""
        from dagster.cli.load_handle import handle_for_repo_cli_args
        from dagster.core.instance import DagsterInstance
        from dagster.core.scheduler import DagsterSchedulerError

        handle = handle_for_repo_cli_args({{"repository_yaml": {str(repo_dir / "repository.yaml")!r}}})
        repository = handle.build_repository_definition()
        instance = DagsterInstance.get()
        try:
            instance.scheduler.start_schedule(instance, repository, "every_minute")
        except DagsterSchedulerError as error:
            print(error)
        """
    )
    env = dict(os.environ, PATH=str(empty_bin))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"SystemCronScheduler needs the `crontab` command, but it is not on PATH ({empty_bin}). Install cron "
        "(Debian/Ubuntu: `apt-get install cron`; `make install` does it when run as root), or configure "
        "another scheduler in dagster.yaml.\n"
    )
    assert lines_mentioning(repo_name) == []


START_AT = """
import sys, time
from dagster.cli.load_handle import handle_for_repo_cli_args
from dagster.core.instance import DagsterInstance

repository_yaml, schedule_name, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
repository = handle_for_repo_cli_args({"repository_yaml": repository_yaml}).build_repository_definition()
instance = DagsterInstance.get()
scheduler = instance.scheduler
scheduler.running_schedule_count("warm", "up")  # import python-crontab before the start line
time.sleep(max(0.0, start_at - time.time()))
scheduler.start_schedule(instance, repository, schedule_name)
"""


def test_concurrent_starts_from_many_processes_keep_every_job(dagster_home, tmp_path, repo_name):
    repo_dir = write_repo(tmp_path / "code", repo_name, extra_schedules=8)
    load(repo_dir)
    start_at = time.time() + 3
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                START_AT,
                str(repo_dir / "repository.yaml"),
                f"extra_{index}",
                str(start_at),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(8)
    ]
    for process in processes:
        assert process.wait(timeout=60) == 0, process.stderr.read()
        process.stderr.close()
    assert sorted(lines_mentioning(repo_name)) == sorted(
        expected_line(dagster_home, repo_name, f"extra_{index}", cron="0 0 * * *") for index in range(8)
    )
