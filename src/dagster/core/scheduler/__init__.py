"""``dagster.core.scheduler``: the Scheduler interface and the schedule records it manages."""

from dagster.core.scheduler.scheduler import (
    DagsterScheduleDoesNotExist,
    DagsterScheduleReconciliationError,
    DagsterSchedulerError,
    Schedule,
    ScheduleChange,
    Scheduler,
    SchedulerDebugInfo,
    ScheduleStatus,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
    ScheduleTickStatus,
    get_schedule_change_set,
)

__all__ = [
    "DagsterScheduleDoesNotExist",
    "DagsterScheduleReconciliationError",
    "DagsterSchedulerError",
    "Schedule",
    "ScheduleChange",
    "ScheduleStatus",
    "ScheduleTick",
    "ScheduleTickData",
    "ScheduleTickStatsSnapshot",
    "ScheduleTickStatus",
    "Scheduler",
    "SchedulerDebugInfo",
    "get_schedule_change_set",
]
