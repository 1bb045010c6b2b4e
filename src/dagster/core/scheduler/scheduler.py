"""The Scheduler plug-in: keeps the schedules a repository defines running on some clock.

Implementations (``dagster_cron.SystemCronScheduler``, ``dagster.utils.test.FilesytemTestScheduler``)
only start and stop one schedule; this base class keeps the instance's schedule storage in step
with the repository (``reconcile_scheduler_state``) and with what is running.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, NamedTuple

from dagster import check
from dagster.core.errors import DagsterError
from dagster.core.storage.schedules.records import (
    Schedule,
    ScheduleStatus,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
    ScheduleTickStatus,
)

__all__ = [
    "DagsterScheduleDoesNotExist",
    "DagsterScheduleReconciliationError",
    "DagsterSchedulerError",
    "Schedule",
    "ScheduleChange",
    "ScheduleStateError",
    "ScheduleStatus",
    "ScheduleTick",
    "ScheduleTickData",
    "ScheduleTickStatsSnapshot",
    "ScheduleTickStatus",
    "Scheduler",
    "SchedulerDebugInfo",
    "get_schedule_change_set",
    "schedule_state_errors",
]


class DagsterSchedulerError(DagsterError):
    """A scheduler could not do what it was asked (for example start a running schedule)."""


class DagsterScheduleDoesNotExist(DagsterSchedulerError):
    """A schedule name is not in the instance's schedule storage."""


class DagsterScheduleReconciliationError(DagsterSchedulerError):
    """Some schedules could not be brought in step with the repository; ``errors`` lists them."""

    def __init__(self, message: str, errors: list[Exception]):
        self.errors = errors
        details = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{message}\n{details}" if details else message)


class SchedulerDebugInfo(
    NamedTuple(
        "SchedulerDebugInfo",
        [
            ("errors", list),
            ("scheduler_config_info", str),
            ("scheduler_info", str),
            ("schedule_storage", list),
        ],
    )
):
    """What ``dagster schedule debug`` prints: problems found, the scheduler's config and state."""


class ScheduleStateError(NamedTuple):
    """A stored schedule whose jobs in the scheduler disagree with its status: a RUNNING schedule
    needs exactly one job, a STOPPED one none."""

    repository_name: str
    schedule_name: str
    status: ScheduleStatus
    job_count: int

    @property
    def message(self) -> str:
        where = f'Schedule "{self.schedule_name}" of repository "{self.repository_name}"'
        if self.job_count > 1:
            return (
                f"{where} is {self.status.value} in storage but has {self.job_count} jobs in the scheduler."
            )
        if self.status == ScheduleStatus.RUNNING:
            return f"{where} is RUNNING in storage but not in the scheduler."
        return f"{where} is {self.status.value} in storage but has a job in the scheduler."


def schedule_state_errors(instance: Any, stored: list[tuple[str, Schedule]]) -> list[ScheduleStateError]:
    """The ``(repository name, schedule)`` pairs of ``stored`` whose scheduler jobs disagree with
    their status."""
    if not stored or instance.scheduler is None:
        counts = [0] * len(stored)
    else:  # one look at the scheduler's jobs for all of them (the cron scheduler reads its crontab once)
        counts = instance.scheduler.running_schedule_counts([(repo, s.name) for repo, s in stored])
    return [
        ScheduleStateError(repository_name, schedule.name, schedule.status, jobs)
        for (repository_name, schedule), jobs in zip(stored, counts)
        if jobs != (1 if schedule.status == ScheduleStatus.RUNNING else 0)
    ]


class ScheduleChange(NamedTuple):
    """One difference between stored schedules and a repository's definitions."""

    kind: str  # "add", "change" or "remove"
    name: str
    changes: list  # [(field, (old, new))] for "change"


def get_schedule_change_set(old_schedules: list, new_schedule_defs: list) -> list[ScheduleChange]:
    """The adds, changes (cron schedule or environment variables) and removals, sorted by name."""
    old_by_name = {schedule.name: schedule for schedule in old_schedules}
    new_by_name = {definition.name: definition for definition in new_schedule_defs}
    change_set = []
    for name in sorted(set(old_by_name) | set(new_by_name)):
        if name not in old_by_name:
            change_set.append(ScheduleChange("add", name, []))
        elif name not in new_by_name:
            change_set.append(ScheduleChange("remove", name, []))
        else:
            old, new = old_by_name[name], new_by_name[name]
            changes = [
                (field, (getattr(old, field), getattr(new, field)))
                for field in ("cron_schedule", "environment_vars")
                if (getattr(old, field) or None) != (getattr(new, field) or None)
            ]
            if changes:
                change_set.append(ScheduleChange("change", name, changes))
    return change_set


class Scheduler(ABC):
    """Starts and stops schedules. Implement the abstract methods; the rest is shared."""

    @abstractmethod
    def debug_info(self) -> str:
        """Human-readable state of the scheduler (e.g. its cron lines)."""

    @abstractmethod
    def start_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
        """Make the schedule fire on its cron schedule."""

    @abstractmethod
    def stop_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
        """Make the schedule stop firing (no error if it was not running)."""

    @abstractmethod
    def running_schedule_count(self, repository_name: str, schedule_name: str) -> int:
        """How many live jobs the scheduler has for this schedule (1 when healthy and running)."""

    def running_schedule_counts(self, schedules: list[tuple[str, str]]) -> list[int]:
        """``running_schedule_count`` of each ``(repository name, schedule name)``; a scheduler whose
        jobs are read from one place overrides it to read them once."""
        return [self.running_schedule_count(repository_name, name) for repository_name, name in schedules]

    @abstractmethod
    def get_logs_path(self, instance: Any, repository: Any, schedule_name: str) -> str:
        """The file the schedule's firings log to."""

    @abstractmethod
    def get_logs_directory(self, instance: Any, repository: Any, schedule_name: str) -> str:
        """The directory of the schedule's logs."""

    @abstractmethod
    def wipe(self, instance: Any) -> None:
        """Remove every job, script and log this scheduler made."""

    def _get_schedule(self, instance: Any, repository: Any, schedule_name: str) -> Schedule:
        schedule = instance.get_schedule_by_name(repository, schedule_name)
        if schedule is None:
            known = sorted(s.name for s in instance.all_schedules(repository))
            raise DagsterScheduleDoesNotExist(
                f'You have attempted to use schedule "{schedule_name}", which does not exist in repository '
                f'"{repository.name}". Known schedules: {known}. Run `dagster schedule up` after defining it.'
            )
        return schedule

    def fix_schedule_state(self, instance: Any, repository: Any, error: ScheduleStateError) -> None:
        """Make the scheduler agree with the stored status of one schedule of ``repository``: its
        jobs are removed, and a RUNNING schedule gets one again."""
        self.stop_schedule(instance, repository, error.schedule_name)
        if error.status == ScheduleStatus.RUNNING:
            self.start_schedule(instance, repository, error.schedule_name)

    def reconcile_scheduler_state(
        self, instance: Any, repository: Any, python_path: str, repository_path: str
    ) -> None:
        """Store new definitions as STOPPED, refresh changed ones (restarting those RUNNING), and
        stop and delete schedules the repository no longer defines."""
        check.str_param(python_path, "python_path")
        check.str_param(repository_path, "repository_path")
        errors: list[Exception] = []
        stored = {schedule.name: schedule for schedule in instance.all_schedules(repository)}
        for definition in repository.schedule_defs:
            existing = stored.get(definition.name)
            if existing is None:
                instance.add_schedule(
                    repository,
                    Schedule(
                        definition.schedule_definition_data,
                        ScheduleStatus.STOPPED,
                        python_path,
                        repository_path,
                    ),
                )
                continue
            refreshed = Schedule(
                definition.schedule_definition_data, existing.status, python_path, repository_path
            )
            instance.update_schedule(repository, refreshed)
            if refreshed.status == ScheduleStatus.RUNNING:
                try:
                    self.stop_schedule(instance, repository, definition.name)
                    self.start_schedule(instance, repository, definition.name)
                except DagsterError as error:
                    errors.append(error)
        defined = {definition.name for definition in repository.schedule_defs}
        for name in sorted(set(stored) - defined):
            try:
                self.stop_schedule_and_delete_from_storage(instance, repository, name)
            except DagsterError as error:
                errors.append(error)
        if errors:
            raise DagsterScheduleReconciliationError(
                f'Some schedules of repository "{repository.name}" could not be reconciled:', errors
            )

    def start_schedule_and_update_storage_state(
        self, instance: Any, repository: Any, schedule_name: str
    ) -> Schedule:
        schedule = self._get_schedule(instance, repository, schedule_name)
        if schedule.status == ScheduleStatus.RUNNING:
            raise DagsterSchedulerError(
                f'Schedule "{schedule_name}" is already running. Use `dagster schedule restart '
                f"{schedule_name}` to restart it."
            )
        self.start_schedule(instance, repository, schedule_name)
        started = schedule.with_status(ScheduleStatus.RUNNING)
        instance.update_schedule(repository, started)
        return started

    def stop_schedule_and_update_storage_state(
        self, instance: Any, repository: Any, schedule_name: str
    ) -> Schedule:
        schedule = self._get_schedule(instance, repository, schedule_name)
        self.stop_schedule(instance, repository, schedule_name)
        stopped = schedule.with_status(ScheduleStatus.STOPPED)
        instance.update_schedule(repository, stopped)
        return stopped

    def stop_schedule_and_delete_from_storage(
        self, instance: Any, repository: Any, schedule_name: str
    ) -> Schedule:
        schedule = self._get_schedule(instance, repository, schedule_name)
        self.stop_schedule(instance, repository, schedule_name)
        instance.delete_schedule(repository, schedule)
        return schedule
