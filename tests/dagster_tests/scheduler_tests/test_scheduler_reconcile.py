"""A repository's schedules, reconciled into a real on-disk instance and started and stopped."""

import pytest

from dagster import RepositoryDefinition, ScheduleDefinition, pipeline, solid
from dagster.core.instance import DagsterInstance
from dagster.core.scheduler import (
    DagsterScheduleDoesNotExist,
    DagsterSchedulerError,
    ScheduleStatus,
    get_schedule_change_set,
)


@solid
def noop(_):
    return 1


@pipeline
def nightly():
    noop()


def repository(*schedules):
    return RepositoryDefinition("repo", pipeline_defs=[nightly], schedule_defs=list(schedules))


@pytest.fixture
def instance(tmp_path):
    scheduler = {
        "module": "dagster.utils.test",
        "class": "FilesytemTestScheduler",
        "config": {"base_dir": str(tmp_path / "scheduler")},
    }
    inst = DagsterInstance.local_temp(str(tmp_path / "home"), overrides={"scheduler": scheduler})
    yield inst
    inst.dispose()


def test_new_schedules_are_stored_stopped_then_started_and_stopped(instance):
    repo = repository(ScheduleDefinition("every_minute", "* * * * *", "nightly"))
    instance.reconcile_scheduler_state("/usr/bin/python", "/repo/repository.yaml", repo)

    (stored,) = instance.all_schedules(repo)
    assert (stored.name, stored.status, stored.cron_schedule) == (
        "every_minute",
        ScheduleStatus.STOPPED,
        "* * * * *",
    )
    assert (stored.python_path, stored.repository_path) == ("/usr/bin/python", "/repo/repository.yaml")
    assert instance.running_schedule_count("repo", "every_minute") == 0

    started = instance.start_schedule_and_update_storage_state(repo, "every_minute")
    assert started.status == ScheduleStatus.RUNNING
    assert instance.get_schedule_by_name(repo, "every_minute").status == ScheduleStatus.RUNNING
    assert instance.running_schedule_count("repo", "every_minute") == 1
    with pytest.raises(DagsterSchedulerError, match='Schedule "every_minute" is already running'):
        instance.start_schedule_and_update_storage_state(repo, "every_minute")

    instance.stop_schedule_and_update_storage_state(repo, "every_minute")
    assert instance.get_schedule_by_name(repo, "every_minute").status == ScheduleStatus.STOPPED
    assert instance.running_schedule_count("repo", "every_minute") == 0


def test_changed_schedules_keep_their_status_and_removed_ones_are_deleted(instance):
    old_repo = repository(
        ScheduleDefinition("hourly", "0 * * * *", "nightly"),
        ScheduleDefinition("gone", "0 0 * * *", "nightly"),
    )
    instance.reconcile_scheduler_state("/py", "/repo.yaml", old_repo)
    instance.start_schedule_and_update_storage_state(old_repo, "hourly")
    instance.start_schedule_and_update_storage_state(old_repo, "gone")

    new_repo = repository(ScheduleDefinition("hourly", "30 * * * *", "nightly"))
    assert get_schedule_change_set(instance.all_schedules(new_repo), new_repo.schedule_defs) == [
        ("remove", "gone", []),
        ("change", "hourly", [("cron_schedule", ("0 * * * *", "30 * * * *"))]),
    ]
    instance.reconcile_scheduler_state("/py", "/repo.yaml", new_repo)

    (hourly,) = instance.all_schedules(new_repo)
    assert (hourly.name, hourly.cron_schedule, hourly.status) == (
        "hourly",
        "30 * * * *",
        ScheduleStatus.RUNNING,
    )
    assert instance.running_schedule_count("repo", "hourly") == 1
    assert instance.running_schedule_count("repo", "gone") == 0


def test_unknown_schedule_names_the_known_ones(instance):
    repo = repository(ScheduleDefinition("daily", "0 0 * * *", "nightly"))
    instance.reconcile_scheduler_state("/py", "/repo.yaml", repo)
    with pytest.raises(DagsterScheduleDoesNotExist, match=r"\"dialy\", which does not exist.*\['daily'\]"):
        instance.start_schedule_and_update_storage_state(repo, "dialy")
