"""One schedule tick at a time, on a real SQLite instance on disk: what each outcome leaves in the
schedule storage (the tick), the run storage (the run and its tags) and the event log."""

import datetime
import logging
import os
import sys
import time

import pytest

from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.errors import (
    DagsterInvariantViolationError,
    DagsterLaunchFailedError,
    ScheduleExecutionError,
)
from dagster.core.instance import DagsterInstance
from dagster.core.instance.run_liveness import PROCESS_TAGS
from dagster.core.scheduler import ScheduleTickStatus
from dagster.core.scheduler.execution import (
    error_summary,
    latest_scheduled_time,
    launch_scheduled_execution,
)
from dagster.core.storage.pipeline_run import PipelineRunStatus

REPO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scheduled_repo.py")
SUBPROCESS_LAUNCHER = {
    "module": "dagster.core.launcher.subprocess_launcher",
    "class": "SubprocessRunLauncher",
}


@pytest.fixture(autouse=True)
def restore_sys_path():
    """Loading the repository file puts its directory on sys.path; take it off again."""
    saved = list(sys.path)
    yield
    sys.path[:] = saved


@pytest.fixture
def repository():
    return ExecutionTargetHandle.for_repo_python_file(REPO_FILE, "define_repo").build_repository_definition()


@pytest.fixture
def instance(tmp_path):
    inst = DagsterInstance.local_temp(str(tmp_path / "home"))
    yield inst
    inst.dispose()


def event_types(instance, run_id):
    return [
        record.dagster_event.event_type_value for record in instance.all_logs(run_id) if record.dagster_event
    ]


def user_messages(instance, run_id):
    return [record.user_message for record in instance.all_logs(run_id) if record.dagster_event is None]


def error_events(instance, run_id):
    return [
        record
        for record in instance.all_logs(run_id)
        if record.dagster_event is not None and record.dagster_event.event_type_value == "ENGINE_EVENT"
    ]


def test_a_tick_runs_the_pipeline_with_the_schedules_config_and_tags(instance, repository):
    result = launch_scheduled_execution(instance, repository, "morning_greeting")

    (run,) = instance.get_runs()
    assert result.run == run
    assert run.pipeline_name == "greeting_pipeline"
    assert run.status == PipelineRunStatus.SUCCESS
    assert run.environment_dict == {"solids": {"greet": {"config": {"greeting": "good morning"}}}}
    # The instance adds PROCESS_TAGS (host, pid) when the run starts; the rest come from the definitions.
    defined_tags = {key: value for key, value in run.tags.items() if key not in PROCESS_TAGS}
    assert defined_tags == {"team": "greeters", "owner": "ops", "dagster/schedule_name": "morning_greeting"}
    assert run.pipeline_snapshot_id is not None and run.execution_plan_snapshot_id is not None
    assert "greeting: good morning" in user_messages(instance, run.run_id)
    assert event_types(instance, run.run_id)[-1] == "PIPELINE_SUCCESS"

    (tick,) = instance.get_schedule_ticks_by_schedule(repository, "morning_greeting")
    assert tick == result.tick
    assert (tick.status, tick.run_id, tick.error, tick.cron_schedule) == (
        ScheduleTickStatus.SUCCESS,
        run.run_id,
        None,
        "0 8 * * *",
    )
    assert result.errors == []


def test_each_scheduled_time_runs_once(instance, repository):
    first = launch_scheduled_execution(instance, repository, "morning_greeting")
    again = launch_scheduled_execution(instance, repository, "morning_greeting")

    assert not first.already_ticked and again.already_ticked
    assert again.tick == first.tick and again.run.run_id == first.run.run_id
    assert len(instance.get_runs()) == 1
    assert [
        tick.run_id for tick in instance.get_schedule_ticks_by_schedule(repository, "morning_greeting")
    ] == [first.run.run_id]


def test_the_tick_is_for_the_latest_scheduled_time_and_a_new_time_makes_a_new_run(instance, repository):
    first = launch_scheduled_execution(instance, repository, "morning_greeting")
    schedule = repository.get_schedule_def("morning_greeting")
    assert first.tick.timestamp == latest_scheduled_time(schedule.cron_schedule, time.time())
    assert first.tick.timestamp <= time.time() and first.tick.timestamp % 60 == 0

    earlier = launch_scheduled_execution(
        instance, repository, "morning_greeting", tick_time=first.tick.timestamp - 60
    )

    assert not earlier.already_ticked and earlier.run.run_id != first.run.run_id
    assert instance.get_schedule_tick_stats_by_schedule(repository, "morning_greeting").ticks_succeeded == 2


def test_latest_scheduled_time_reads_cron_as_local_wall_clock_minutes():
    now = datetime.datetime(2026, 3, 4, 10, 17, 42).timestamp()
    assert latest_scheduled_time("* * * * *", now) == datetime.datetime(2026, 3, 4, 10, 17).timestamp()
    assert latest_scheduled_time("0 * * * *", now) == datetime.datetime(2026, 3, 4, 10, 0).timestamp()
    assert latest_scheduled_time("30 11 * * *", now) == datetime.datetime(2026, 3, 3, 11, 30).timestamp()
    on_the_minute = datetime.datetime(2026, 3, 4, 10, 15).timestamp()
    assert latest_scheduled_time("*/5 * * * *", on_the_minute) == on_the_minute


def test_a_time_whose_tick_failed_can_run_again(instance, repository):
    with pytest.raises(ScheduleExecutionError):
        launch_scheduled_execution(instance, repository, "holiday_greeting", tick_time=600.0)
    with pytest.raises(ScheduleExecutionError):
        launch_scheduled_execution(instance, repository, "holiday_greeting", tick_time=600.0)

    statuses = [
        tick.status for tick in instance.get_schedule_ticks_by_schedule(repository, "holiday_greeting")
    ]
    assert statuses == [ScheduleTickStatus.FAILURE, ScheduleTickStatus.FAILURE]


def test_should_execute_false_skips_the_tick_and_makes_no_run(instance, repository):
    result = launch_scheduled_execution(instance, repository, "weekend_greeting")

    assert result.run is None
    assert instance.get_runs() == []
    (tick,) = instance.get_schedule_ticks_by_schedule(repository, "weekend_greeting")
    assert (tick.status, tick.run_id, tick.error) == (ScheduleTickStatus.SKIPPED, None, None)


def test_a_failing_environment_dict_fn_fails_the_run_without_executing_it(instance, repository):
    result = launch_scheduled_execution(instance, repository, "unconfigured_greeting")

    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    assert run.tags == {"team": "greeters", "dagster/schedule_name": "unconfigured_greeting"}
    assert run.execution_plan_snapshot_id is None  # no valid config, so no plan
    assert event_types(instance, run.run_id) == ["ENGINE_EVENT", "PIPELINE_FAILURE"]
    (error_event,) = error_events(instance, run.run_id)
    assert error_event.level == logging.ERROR
    assert error_event.message == (
        'ScheduleExecutionError: Error in the environment_dict_fn of schedule "unconfigured_greeting". '
        "Caused by ValueError: no greeting configured for today"
    )
    error = error_event.dagster_event.event_specific_data.error
    assert error.cls_name == "ScheduleExecutionError"
    assert error.cause.cls_name == "ValueError"
    assert any("no_greeting_configured" in frame for frame in error.cause.stack)

    # The tick did its job (it made the run, which carries the errors), as in Dagster 0.7.
    (tick,) = instance.get_schedule_ticks_by_schedule(repository, "unconfigured_greeting")
    assert (tick.status, tick.run_id) == (ScheduleTickStatus.SUCCESS, run.run_id)
    assert [error_summary(error) for error in result.errors] == [error_event.message]


def test_a_failing_tags_fn_fails_the_run_but_still_tags_it_with_the_schedule(instance, repository):
    launch_scheduled_execution(instance, repository, "untagged_greeting")

    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    assert run.tags == {"team": "greeters", "dagster/schedule_name": "untagged_greeting"}
    assert run.execution_plan_snapshot_id is not None  # the config itself was valid
    assert "greeting: hello" not in user_messages(instance, run.run_id)
    (error_event,) = error_events(instance, run.run_id)
    assert error_event.message.endswith("Caused by ConnectionError: tag service unreachable")


def test_invalid_run_config_is_reported_on_the_run_which_is_not_executed(instance, repository):
    result = launch_scheduled_execution(instance, repository, "misconfigured_greeting")

    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    assert run.environment_dict == {"solids": {"greet": {"config": {"greeting": 42}}}}
    assert event_types(instance, run.run_id) == ["ENGINE_EVENT", "PIPELINE_FAILURE"]
    (error_event,) = error_events(instance, run.run_id)
    assert error_event.message.startswith(
        "DagsterInvalidConfigError: Error in config for pipeline greeting_pipeline"
    )
    assert "root:solids:greet:config:greeting" in error_event.message
    failure = instance.all_logs(run.run_id)[-1]
    assert failure.message.endswith(
        'Schedule "misconfigured_greeting" could not make a runnable run (see the errors above), so it was '
        "not executed."
    )
    assert result.tick.status == ScheduleTickStatus.SUCCESS
    assert [error.cls_name for error in result.errors] == ["DagsterInvalidConfigError"]


def test_should_execute_raising_fails_the_tick_and_reraises(instance, repository):
    with pytest.raises(
        ScheduleExecutionError, match='Error in the should_execute function of schedule "holiday'
    ):
        launch_scheduled_execution(instance, repository, "holiday_greeting")

    assert instance.get_runs() == []
    (tick,) = instance.get_schedule_ticks_by_schedule(repository, "holiday_greeting")
    assert (tick.status, tick.run_id) == (ScheduleTickStatus.FAILURE, None)
    assert tick.error.cls_name == "ScheduleExecutionError"
    assert tick.error.cause.message == "RuntimeError: holiday calendar is missing\n"


def test_a_daily_schedule_runs_the_last_elapsed_day_and_tags_it(instance, repository):
    before = datetime.date.today() - datetime.timedelta(days=1)
    result = launch_scheduled_execution(instance, repository, "daily_greeting")
    after = datetime.date.today() - datetime.timedelta(days=1)

    run = result.run
    assert run.status == PipelineRunStatus.SUCCESS
    day = run.tags["dagster/partition"]
    assert day in {before.isoformat(), after.isoformat()}
    assert run.tags["dagster/partition_set"] == "greeting_pipeline_daily"
    assert run.tags["dagster/schedule_name"] == "daily_greeting"
    assert run.environment_dict == {"solids": {"greet": {"config": {"greeting": f"report for {day}"}}}}
    assert f"greeting: report for {day}" in user_messages(instance, run.run_id)
    assert result.tick.cron_schedule == "0 0 * * *"


def test_an_unknown_schedule_is_an_error_listing_the_schedules_and_records_no_tick(instance, repository):
    with pytest.raises(DagsterInvariantViolationError) as raised:
        launch_scheduled_execution(instance, repository, "evening_greeting")

    assert str(raised.value) == (
        'Repository "greetings" has no schedule named "evening_greeting". Its schedules are: '
        '"morning_greeting", "weekend_greeting", "unconfigured_greeting", "untagged_greeting", '
        '"misconfigured_greeting", "holiday_greeting", "daily_greeting".'
    )
    assert instance.get_schedule_ticks_by_schedule(repository, "evening_greeting") == []


def test_an_ephemeral_instance_cannot_record_ticks(repository):
    with pytest.raises(DagsterInvariantViolationError, match="This instance has no schedule storage"):
        launch_scheduled_execution(DagsterInstance.ephemeral(), repository, "morning_greeting")


def test_with_a_run_launcher_the_run_is_launched_in_another_process(tmp_path, repository):
    instance = DagsterInstance.local_temp(
        str(tmp_path / "home"), overrides={"run_launcher": SUBPROCESS_LAUNCHER}
    )
    try:
        result = launch_scheduled_execution(instance, repository, "morning_greeting")
        assert result.tick.status == ScheduleTickStatus.SUCCESS
        assert result.run.tags["dagster/execution_target"]  # where the child loads the pipeline from
        exit_codes = instance.run_launcher.join(timeout=120)

        assert exit_codes == {result.run.run_id: 0}
        run = instance.get_run_by_id(result.run.run_id)
        assert run.status == PipelineRunStatus.SUCCESS
        assert run.tags["dagster/pid"] != str(os.getpid())
        assert "greeting: good morning" in user_messages(instance, run.run_id)
    finally:
        instance.dispose()


def test_a_run_the_launcher_refuses_is_failed_and_so_is_the_tick(tmp_path):
    # Built by calling define_repo() directly, not through a handle: nothing says where its code is.
    module = ExecutionTargetHandle.for_repo_python_file(REPO_FILE, "define_repo").entrypoint.module
    repository = module.define_repo()
    instance = DagsterInstance.local_temp(
        str(tmp_path / "home"), overrides={"run_launcher": SUBPROCESS_LAUNCHER}
    )
    try:
        with pytest.raises(DagsterLaunchFailedError, match='has no "dagster/execution_target" tag'):
            launch_scheduled_execution(instance, repository, "morning_greeting")

        (run,) = instance.get_runs()
        assert run.status == PipelineRunStatus.FAILURE
        assert event_types(instance, run.run_id) == ["ENGINE_EVENT", "PIPELINE_FAILURE"]
        assert instance.all_logs(run.run_id)[-1].message.endswith("The run launcher could not launch it.")
        (tick,) = instance.get_schedule_ticks_by_schedule(repository, "morning_greeting")
        assert tick.status == ScheduleTickStatus.FAILURE
        assert tick.error.cls_name == "DagsterLaunchFailedError"
    finally:
        instance.dispose()
