"""The schedule storage plug-in interface, keyed by ``(repository.name, schedule_name)``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from dagster.core.storage.schedules.records import (
    Schedule,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
)


class ScheduleStorage(ABC):
    """Stores each repository's schedules and the ticks recorded when they fire.

    ``repository`` arguments are ``RepositoryDefinition``s; only their ``name`` is used.
    """

    @abstractmethod
    def all_schedules(self, repository: Any = None) -> list[Schedule]:
        """Every stored schedule (of one repository if given), in the order they were added."""

    @abstractmethod
    def get_schedule_by_name(self, repository: Any, schedule_name: str) -> Schedule | None: ...

    @abstractmethod
    def add_schedule(self, repository: Any, schedule: Schedule) -> None:
        """Store a new schedule; one with the same name in the repository is an error."""

    @abstractmethod
    def update_schedule(self, repository: Any, schedule: Schedule) -> None:
        """Replace a stored schedule (matched by name); an unknown schedule is an error."""

    @abstractmethod
    def delete_schedule(self, repository: Any, schedule: Schedule) -> None: ...

    @abstractmethod
    def create_schedule_tick(self, repository: Any, schedule_tick_data: ScheduleTickData) -> ScheduleTick:
        """Record a tick; returns it with its new id."""

    @abstractmethod
    def claim_schedule_tick(
        self, repository: Any, schedule_tick_data: ScheduleTickData
    ) -> tuple[ScheduleTick, bool]:
        """Record ``schedule_tick_data`` (the tick of one scheduled time) unless the schedule already
        has a tick at that time that did not fail. Returns the tick that holds the time and whether
        it is the new one. Processes claiming the same time at once get one new tick between them."""

    @abstractmethod
    def update_schedule_tick(self, repository: Any, tick: ScheduleTick) -> None: ...

    @abstractmethod
    def get_schedule_ticks_by_schedule(self, repository: Any, schedule_name: str) -> list[ScheduleTick]:
        """The schedule's ticks, newest first."""

    @abstractmethod
    def get_schedule_tick_stats_by_schedule(
        self, repository: Any, schedule_name: str
    ) -> ScheduleTickStatsSnapshot:
        """How many of the schedule's ticks are in each status."""

    @abstractmethod
    def wipe(self) -> None:
        """Delete every schedule and tick."""

    def dispose(self) -> None:
        """Release connections; the storage must not be used afterwards."""
        return None
