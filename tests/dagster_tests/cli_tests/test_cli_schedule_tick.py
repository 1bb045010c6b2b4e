"""`dagster api launch_scheduled_execution`, run as the cron scheduler's script runs it: a real
`dagster` process with DAGSTER_HOME set, writing its outcome to a result file in the logs directory."""

import json
import os
import re
import time

import pytest

from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.instance import DagsterInstance
from dagster.core.scheduler import ScheduleTickStatus
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .helpers import assert_no_package_traceback, run_dagster

REPO_FILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scheduler_tests", "scheduled_repo.py"
)
RUN_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def code_dir(tmp_path):
    """A directory with a repository.yaml pointing at the test repository of scheduler_tests."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "repository.yaml").write_text(f"repository:\n  file: {REPO_FILE}\n  fn: define_repo\n")
    return str(code)


@pytest.fixture
def result_path(tmp_path):
    """Where the cron script asks for the result: <logs_dir>/<RUN_DATE>_<schedule>.result."""
    return str(tmp_path / "logs" / "greetings" / "20200102T080000_tick.result")


def tick(schedule_name, code_dir, home, result_path):
    return run_dagster(
        [
            "api",
            "launch_scheduled_execution",
            schedule_name,
            "-y",
            os.path.join(code_dir, "repository.yaml"),
            "--output",
            result_path,
        ],
        cwd=code_dir,
        home=home,
    )


def read_result(path):
    with open(path, encoding="utf8") as handle:
        return json.load(handle)


def stored_ticks(home, schedule_name):
    repository = ExecutionTargetHandle.for_repo_python_file(
        REPO_FILE, "define_repo"
    ).build_repository_definition()
    instance = DagsterInstance.from_config(home)
    try:
        return instance.get_schedule_ticks_by_schedule(repository, schedule_name)
    finally:
        instance.dispose()


def test_a_tick_runs_the_pipeline_records_the_run_and_writes_the_result(code_dir, dagster_home, result_path):
    done = tick("morning_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 0, done.stderr
    match = re.fullmatch(
        f'Schedule "morning_greeting" created run ({RUN_ID}) of pipeline "greeting_pipeline": SUCCESS\n',
        done.stdout,
    )
    assert match, done.stdout
    run_id = match.group(1)
    assert read_result(result_path) == {
        "tick_status": "SUCCESS",
        "run_id": run_id,
        "run_status": "SUCCESS",
        "error": None,
        "already_ticked": False,
    }

    listed = run_dagster(["run", "list"], cwd=code_dir, home=dagster_home)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == (
        f"Run: {run_id}\n     Pipeline: greeting_pipeline\n     Status: SUCCESS\n     Mode: default\n"
        "     Tags: owner=ops, team=greeters\n"
    )

    (stored,) = stored_ticks(dagster_home, "morning_greeting")
    assert (stored.status, stored.run_id) == (ScheduleTickStatus.SUCCESS, run_id)
    instance = DagsterInstance.from_config(dagster_home)
    try:
        assert instance.get_run_by_id(run_id).tags["dagster/schedule_name"] == "morning_greeting"
    finally:
        instance.dispose()


def test_a_second_tick_for_the_same_time_does_nothing_and_says_so(code_dir, dagster_home, result_path):
    first = tick("morning_greeting", code_dir, dagster_home, result_path)
    first_run = read_result(result_path)["run_id"]
    again = tick("morning_greeting", code_dir, dagster_home, result_path)

    assert first.returncode == 0 and again.returncode == 0, again.stderr
    assert re.fullmatch(
        rf'Schedule "morning_greeting" already ticked for \d{{4}}-\d\d-\d\d 08:00 \(SUCCESS, run {first_run}\): '
        r"nothing to do\. A scheduled time runs once\.\n",
        again.stdout,
    ), again.stdout
    assert read_result(result_path) == {
        "tick_status": "SUCCESS",
        "run_id": first_run,
        "run_status": "SUCCESS",
        "error": None,
        "already_ticked": True,
    }
    assert [stored.run_id for stored in stored_ticks(dagster_home, "morning_greeting")] == [first_run]


def test_without_y_the_repository_yaml_of_the_working_directory_is_used(code_dir, dagster_home):
    done = run_dagster(
        ["api", "launch_scheduled_execution", "weekend_greeting"], cwd=code_dir, home=dagster_home
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        'Schedule "weekend_greeting" skipped: its should_execute returned False, so no run was created.\n'
    )
    (stored,) = stored_ticks(dagster_home, "weekend_greeting")
    assert stored.status == ScheduleTickStatus.SKIPPED


def test_a_skipped_tick_exits_0_and_says_so_in_the_result(code_dir, dagster_home, result_path):
    done = tick("weekend_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 0, done.stderr
    assert read_result(result_path) == {
        "tick_status": "SKIPPED",
        "run_id": None,
        "run_status": None,
        "error": None,
        "already_ticked": False,
    }
    listed = run_dagster(["run", "list"], cwd=code_dir, home=dagster_home)
    assert "Run:" not in listed.stdout


def test_a_failing_environment_dict_fn_makes_a_failed_run_that_never_executed(
    code_dir, dagster_home, result_path
):
    done = tick("unconfigured_greeting", code_dir, dagster_home, result_path)

    reason = (
        'ScheduleExecutionError: Error in the environment_dict_fn of schedule "unconfigured_greeting". '
        "Caused by ValueError: no greeting configured for today"
    )
    assert done.returncode == 0, done.stderr
    match = re.fullmatch(
        f'Schedule "unconfigured_greeting" created run ({RUN_ID}) of pipeline "greeting_pipeline": FAILURE. '
        f"It was not executed: {re.escape(reason)}\n",
        done.stdout,
    )
    assert match, done.stdout
    assert read_result(result_path) == {
        "tick_status": "SUCCESS",
        "run_id": match.group(1),
        "run_status": "FAILURE",
        "error": reason,
        "already_ticked": False,
    }


def test_invalid_config_names_the_config_path_in_the_result(code_dir, dagster_home, result_path):
    done = tick("misconfigured_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 0, done.stderr
    result = read_result(result_path)
    assert (result["tick_status"], result["run_status"]) == ("SUCCESS", "FAILURE")
    assert result["error"].startswith(
        "DagsterInvalidConfigError: Error in config for pipeline greeting_pipeline"
    )
    assert "root:solids:greet:config:greeting" in result["error"]
    assert "greeting:" not in done.stderr  # the solid never ran, so it never logged its greeting


def test_a_crashing_should_execute_fails_the_tick_with_exit_code_1(code_dir, dagster_home, result_path):
    done = tick("holiday_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        'Error: Schedule "holiday_greeting" did not run: Error in the should_execute function of schedule '
        '"holiday_greeting". Caused by RuntimeError: holiday calendar is missing\n'
    )
    assert read_result(result_path) == {
        "tick_status": "FAILURE",
        "run_id": None,
        "run_status": None,
        "error": 'ScheduleExecutionError: Error in the should_execute function of schedule "holiday_greeting". '
        "Caused by RuntimeError: holiday calendar is missing",
        "already_ticked": False,
    }
    (stored,) = stored_ticks(dagster_home, "holiday_greeting")
    assert stored.status == ScheduleTickStatus.FAILURE
    assert stored.error.cause.message == "RuntimeError: holiday calendar is missing\n"


def test_an_unknown_schedule_lists_the_defined_ones(code_dir, dagster_home, result_path):
    done = tick("evening_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 1
    assert done.stderr == (
        'Error: Schedule "evening_greeting" did not run: Repository "greetings" has no schedule named '
        '"evening_greeting". Its schedules are: "morning_greeting", "weekend_greeting", '
        '"unconfigured_greeting", "untagged_greeting", "misconfigured_greeting", "holiday_greeting", '
        '"daily_greeting".\n'
    )
    assert read_result(result_path)["tick_status"] == "FAILURE"
    assert stored_ticks(dagster_home, "evening_greeting") == []


def test_without_dagster_home_there_is_nowhere_to_record_the_tick(code_dir, result_path):
    done = tick("morning_greeting", code_dir, None, result_path)

    assert done.returncode == 1
    assert done.stderr.startswith(
        'Error: Schedule "morning_greeting" did not run: This instance has no schedule storage (an ephemeral '
        "instance has none). Set DAGSTER_HOME to a directory"
    )
    assert_no_package_traceback(done.stderr)
    assert read_result(result_path)["error"].startswith(
        "DagsterInvariantViolationError: This instance has no"
    )


def test_a_missing_repository_yaml_is_named(code_dir, dagster_home, result_path):
    done = run_dagster(
        [
            "api",
            "launch_scheduled_execution",
            "morning_greeting",
            "-y",
            "nowhere.yaml",
            "--output",
            result_path,
        ],
        cwd=code_dir,
        home=dagster_home,
    )

    assert done.returncode == 1
    assert done.stderr == (
        'Error: Schedule "morning_greeting" did not run: Repository yaml "nowhere.yaml" does not exist '
        "(given with -y/--repository-yaml).\n"
    )


def test_with_a_run_launcher_the_tick_launches_the_run_and_returns(code_dir, dagster_home, result_path):
    with open(os.path.join(dagster_home, "dagster.yaml"), "w", encoding="utf8") as handle:
        handle.write(
            "run_launcher:\n  module: dagster.core.launcher.subprocess_launcher\n  class: SubprocessRunLauncher\n"
        )

    done = tick("morning_greeting", code_dir, dagster_home, result_path)

    assert done.returncode == 0, done.stderr
    result = read_result(result_path)
    assert result["tick_status"] == "SUCCESS"
    assert result["run_status"] in ("NOT_STARTED", "STARTED", "SUCCESS")  # the launched process runs on
    instance = DagsterInstance.from_config(dagster_home)
    try:
        deadline = time.monotonic() + 120
        while instance.get_run_by_id(result["run_id"]).status != PipelineRunStatus.SUCCESS:
            assert time.monotonic() < deadline, instance.get_run_by_id(result["run_id"])
            time.sleep(0.1)
        run = instance.get_run_by_id(result["run_id"])
        assert run.tags["dagster/schedule_name"] == "morning_greeting"
        greetings = [
            record.user_message for record in instance.all_logs(run.run_id) if record.dagster_event is None
        ]
        assert "greeting: good morning" in greetings
    finally:
        instance.dispose()
