"""Stored schedule records: a schedule's state and the ticks (cron firings) recorded for it.

Serdes names and fields are those of Dagster 0.7 (``dagster.core.scheduler``, which re-exports them).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from dagster import check
from dagster.serdes import whitelist_for_serdes
from dagster.utils.error import SerializableErrorInfo


@whitelist_for_serdes
class ScheduleStatus(Enum):
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    ENDED = "ENDED"


@whitelist_for_serdes
class Schedule(
    NamedTuple(
        "_Schedule",
        [
            ("schedule_definition_data", Any),
            ("status", ScheduleStatus),
            ("python_path", "str | None"),
            ("repository_path", "str | None"),
        ],
    )
):
    """A schedule as the instance knows it: its definition data (``ScheduleDefinitionData(name,
    cron_schedule, environment_vars)``), whether it is running, and how the scheduler runs it."""

    def __new__(
        cls,
        schedule_definition_data: Any,
        status: ScheduleStatus,
        python_path: str | None = None,
        repository_path: str | None = None,
    ):
        return super().__new__(
            cls,
            schedule_definition_data,
            check.inst_param(status, "status", ScheduleStatus),
            check.opt_str_param(python_path, "python_path"),
            check.opt_str_param(repository_path, "repository_path"),
        )

    @property
    def name(self) -> str:
        return self.schedule_definition_data.name

    @property
    def cron_schedule(self) -> str:
        return self.schedule_definition_data.cron_schedule

    @property
    def environment_vars(self) -> dict | None:
        return self.schedule_definition_data.environment_vars

    def with_status(self, status: ScheduleStatus) -> Schedule:
        return self._replace(status=check.inst_param(status, "status", ScheduleStatus))


@whitelist_for_serdes
class ScheduleTickStatus(Enum):
    STARTED = "STARTED"
    SKIPPED = "SKIPPED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@whitelist_for_serdes
class ScheduleTickData(
    NamedTuple(
        "_ScheduleTickData",
        [
            ("schedule_name", str),
            ("cron_schedule", str),
            ("timestamp", float),
            ("status", ScheduleTickStatus),
            ("run_id", "str | None"),
            ("error", "SerializableErrorInfo | None"),
        ],
    )
):
    """One firing of a schedule. ``run_id`` is set only on SUCCESS, ``error`` only on FAILURE."""

    def __new__(
        cls,
        schedule_name: str,
        cron_schedule: str,
        timestamp: float,
        status: ScheduleTickStatus,
        run_id: str | None = None,
        error: SerializableErrorInfo | None = None,
    ):
        check.inst_param(status, "status", ScheduleTickStatus)
        check.invariant(
            run_id is None or status == ScheduleTickStatus.SUCCESS,
            f"A schedule tick carries a run_id only when it succeeded (status is {status.value}).",
        )
        check.invariant(
            error is None or status == ScheduleTickStatus.FAILURE,
            f"A schedule tick carries an error only when it failed (status is {status.value}).",
        )
        return super().__new__(
            cls,
            check.str_param(schedule_name, "schedule_name"),
            check.str_param(cron_schedule, "cron_schedule"),
            float(check.numeric_param(timestamp, "timestamp")),
            status,
            check.opt_str_param(run_id, "run_id"),
            check.opt_inst_param(error, "error", SerializableErrorInfo),
        )

    def with_status(
        self,
        status: ScheduleTickStatus,
        run_id: str | None = None,
        error: SerializableErrorInfo | None = None,
    ) -> ScheduleTickData:
        return ScheduleTickData(self.schedule_name, self.cron_schedule, self.timestamp, status, run_id, error)


class ScheduleTick(NamedTuple("_ScheduleTick", [("tick_id", int), ("schedule_tick_data", ScheduleTickData)])):
    """A stored tick: its id in schedule storage and its data."""

    def __new__(cls, tick_id: int, schedule_tick_data: ScheduleTickData):
        return super().__new__(
            cls,
            check.int_param(tick_id, "tick_id"),
            check.inst_param(schedule_tick_data, "schedule_tick_data", ScheduleTickData),
        )

    def with_status(
        self,
        status: ScheduleTickStatus,
        run_id: str | None = None,
        error: SerializableErrorInfo | None = None,
    ) -> ScheduleTick:
        return ScheduleTick(self.tick_id, self.schedule_tick_data.with_status(status, run_id, error))

    @property
    def schedule_name(self) -> str:
        return self.schedule_tick_data.schedule_name

    @property
    def cron_schedule(self) -> str:
        return self.schedule_tick_data.cron_schedule

    @property
    def timestamp(self) -> float:
        return self.schedule_tick_data.timestamp

    @property
    def status(self) -> ScheduleTickStatus:
        return self.schedule_tick_data.status

    @property
    def run_id(self) -> str | None:
        return self.schedule_tick_data.run_id

    @property
    def error(self) -> SerializableErrorInfo | None:
        return self.schedule_tick_data.error


@whitelist_for_serdes
class ScheduleTickStatsSnapshot(
    NamedTuple(
        "_ScheduleTickStatsSnapshot",
        [("ticks_started", int), ("ticks_succeeded", int), ("ticks_skipped", int), ("ticks_failed", int)],
    )
):
    def __new__(cls, ticks_started: int, ticks_succeeded: int, ticks_skipped: int, ticks_failed: int):
        return super().__new__(
            cls,
            check.int_param(ticks_started, "ticks_started"),
            check.int_param(ticks_succeeded, "ticks_succeeded"),
            check.int_param(ticks_skipped, "ticks_skipped"),
            check.int_param(ticks_failed, "ticks_failed"),
        )
