"""The schedule half of ``DagsterInstance``: delegation to its schedule storage and scheduler."""

from __future__ import annotations

from typing import Any

from dagster.core.errors import DagsterInvariantViolationError


class InstanceSchedulesMixin:
    """Schedule methods of ``DagsterInstance``. Needs ``schedule_storage``, ``_scheduler`` and
    ``_local_artifact_storage`` on the instance."""

    schedule_storage: Any
    _scheduler: Any
    _local_artifact_storage: Any

    def _require_schedule_storage(self) -> Any:
        schedule_storage = self.schedule_storage
        if schedule_storage is None:
            raise DagsterInvariantViolationError(
                "This instance has no schedule storage (an ephemeral instance has none). "
                "Set DAGSTER_HOME to a directory to use a persistent instance, or add a "
                "`schedule_storage:` section to its dagster.yaml."
            )
        return schedule_storage

    def _require_scheduler(self) -> Any:
        if self._scheduler is None:
            raise DagsterInvariantViolationError(
                "This instance has no scheduler. Add a `scheduler:` section to $DAGSTER_HOME/dagster.yaml, "
                "for example `scheduler: {module: dagster_cron.cron_scheduler, class: SystemCronScheduler}`."
            )
        return self._scheduler

    def schedules_directory(self) -> str:
        return self._local_artifact_storage.schedules_dir

    def reconcile_scheduler_state(self, python_path: str, repository_path: str, repository: Any) -> None:
        return self._require_scheduler().reconcile_scheduler_state(
            self, repository, python_path, repository_path
        )

    def start_schedule_and_update_storage_state(self, repository: Any, schedule_name: str) -> Any:
        return self._require_scheduler().start_schedule_and_update_storage_state(
            self, repository, schedule_name
        )

    def stop_schedule_and_update_storage_state(self, repository: Any, schedule_name: str) -> Any:
        return self._require_scheduler().stop_schedule_and_update_storage_state(
            self, repository, schedule_name
        )

    def stop_schedule_and_delete_from_storage(self, repository: Any, schedule_name: str) -> Any:
        return self._require_scheduler().stop_schedule_and_delete_from_storage(
            self, repository, schedule_name
        )

    def running_schedule_count(self, repository_name: str, schedule_name: str) -> int:
        if self._scheduler is None:
            return 0
        return self._scheduler.running_schedule_count(repository_name, schedule_name)

    def scheduler_debug_info(self) -> Any:
        from dagster.core.scheduler import SchedulerDebugInfo, schedule_state_errors

        stored = self.all_schedules_info()
        return SchedulerDebugInfo(
            errors=[
                f"{error.message} Run `dagster schedule up` to fix it."
                for error in schedule_state_errors(self, stored)
            ],
            scheduler_config_info=self.info_str_for_component("Scheduler", self._scheduler),  # type: ignore[attr-defined]
            scheduler_info=self._scheduler.debug_info() if self._scheduler is not None else "",
            schedule_storage=[
                f"{repository_name}.{schedule.name}: {schedule.status.value}"
                for repository_name, schedule in stored
            ],
        )

    def create_schedule_tick(self, repository: Any, schedule_tick_data: Any) -> Any:
        return self._require_schedule_storage().create_schedule_tick(repository, schedule_tick_data)

    def claim_schedule_tick(self, repository: Any, schedule_tick_data: Any) -> tuple[Any, bool]:
        """See :meth:`ScheduleStorage.claim_schedule_tick`: the tick holding that scheduled time,
        and whether this call created it."""
        return self._require_schedule_storage().claim_schedule_tick(repository, schedule_tick_data)

    def update_schedule_tick(self, repository: Any, tick: Any) -> Any:
        return self._require_schedule_storage().update_schedule_tick(repository, tick)

    def get_schedule_ticks_by_schedule(self, repository: Any, schedule_name: str) -> list:
        return self._require_schedule_storage().get_schedule_ticks_by_schedule(repository, schedule_name)

    def get_schedule_tick_stats_by_schedule(self, repository: Any, schedule_name: str) -> Any:
        return self._require_schedule_storage().get_schedule_tick_stats_by_schedule(repository, schedule_name)

    def all_schedules_info(self) -> list:
        if self.schedule_storage is None:
            return []
        return self.schedule_storage.all_schedules_info()

    def all_schedules(self, repository: Any = None) -> list:
        if self.schedule_storage is None:
            return []
        return self.schedule_storage.all_schedules(repository)

    def get_schedule_by_name(self, repository: Any, schedule_name: str) -> Any:
        return self._require_schedule_storage().get_schedule_by_name(repository, schedule_name)

    def add_schedule(self, repository: Any, schedule: Any) -> Any:
        return self._require_schedule_storage().add_schedule(repository, schedule)

    def update_schedule(self, repository: Any, schedule: Any) -> Any:
        return self._require_schedule_storage().update_schedule(repository, schedule)

    def delete_schedule(self, repository: Any, schedule: Any) -> Any:
        return self._require_schedule_storage().delete_schedule(repository, schedule)

    def wipe_all_schedules(self) -> None:
        if self._scheduler is not None:
            self._scheduler.wipe(self)
        self._require_schedule_storage().wipe()

    def logs_directory_for_schedule(self, repository: Any, schedule_name: str) -> str:
        return self._require_scheduler().get_logs_directory(self, repository, schedule_name)

    def logs_path_for_schedule(self, repository: Any, schedule_name: str) -> str:
        return self._require_scheduler().get_logs_path(self, repository, schedule_name)
