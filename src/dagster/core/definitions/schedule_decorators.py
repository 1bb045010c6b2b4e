"""``@schedule`` and the date-partitioned schedule decorators (``@daily_schedule``...), plus the
legacy ``@schedules``. Importable from ``dagster.core.definitions.decorators`` as in Dagster 0.7."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.partition import (
    PartitionScheduleDefinition,
    PartitionSetDefinition,
    _call_list,
    date_partition_range,
)
from dagster.core.definitions.schedule import ScheduleDefinition, SchedulerHandle
from dagster.core.errors import DagsterInvalidDefinitionError


def schedule(
    cron_schedule: str,
    pipeline_name: str,
    name: str | None = None,
    tags: Mapping[str, str] | None = None,
    tags_fn: Callable | None = None,
    solid_subset: Sequence[str] | None = None,
    mode: str = "default",
    should_execute: Callable | None = None,
    environment_vars: dict | None = None,
) -> Callable[[Callable], ScheduleDefinition]:
    """The decorated ``fn(context)`` returns the run config at each tick; the name defaults to the fn's."""

    def decorate(fn: Callable) -> ScheduleDefinition:
        return ScheduleDefinition(
            name=name or fn.__name__,
            cron_schedule=cron_schedule,
            pipeline_name=pipeline_name,
            environment_dict_fn=fn,
            tags=tags,
            tags_fn=tags_fn,
            solid_subset=solid_subset,
            mode=mode,
            should_execute=should_execute,
            environment_vars=environment_vars,
        )

    return decorate


def _partition_schedule(
    kind: str,
    pipeline_name: str,
    start_date: datetime.datetime,
    name: str | None,
    cron_schedule: str,
    delta: Any,
    fmt: str,
    tags_fn_for_date: Callable | None,
    solid_subset: Sequence[str] | None,
    mode: str,
    should_execute: Callable | None,
    environment_vars: dict | None,
) -> Callable[[Callable], PartitionScheduleDefinition]:
    check.str_param(pipeline_name, "pipeline_name")
    if not isinstance(start_date, datetime.datetime):
        raise DagsterInvalidDefinitionError(
            f"@{kind}_schedule for pipeline {pipeline_name!r}: start_date must be a datetime.datetime, got "
            f"{start_date!r}."
        )

    def decorate(fn: Callable) -> PartitionScheduleDefinition:
        schedule_name = name or fn.__name__
        partition_set = PartitionSetDefinition(
            name=f"{pipeline_name}_{kind}",
            pipeline_name=pipeline_name,
            partition_fn=date_partition_range(start_date, delta=delta, fmt=fmt),
            solid_subset=solid_subset,
            mode=mode,
            environment_dict_fn_for_partition=lambda partition: fn(partition.value),
            tags_fn_for_partition=(lambda partition: tags_fn_for_date(partition.value))
            if tags_fn_for_date
            else (lambda _partition: {}),
        )
        return partition_set.create_schedule_definition(
            schedule_name,
            cron_schedule,
            should_execute=should_execute,
            environment_vars=environment_vars,
        )

    return decorate


def _check_time(execution_time: Any, kind: str) -> datetime.time:
    if not isinstance(execution_time, datetime.time):
        raise DagsterInvalidDefinitionError(
            f"@{kind}_schedule: execution_time must be a datetime.time, got {execution_time!r}."
        )
    return execution_time


def daily_schedule(
    pipeline_name: str,
    start_date: datetime.datetime,
    name: str | None = None,
    execution_time: datetime.time = datetime.time(0, 0),
    tags_fn_for_date: Callable | None = None,
    solid_subset: Sequence[str] | None = None,
    mode: str = "default",
    should_execute: Callable | None = None,
    environment_vars: dict | None = None,
) -> Callable[[Callable], PartitionScheduleDefinition]:
    """Once a day at ``execution_time``; the fn receives the partition's datetime (the previous day)."""
    time = _check_time(execution_time, "daily")
    return _partition_schedule(
        "daily",
        pipeline_name,
        start_date,
        name,
        f"{time.minute} {time.hour} * * *",
        datetime.timedelta(days=1),
        "%Y-%m-%d",
        tags_fn_for_date,
        solid_subset,
        mode,
        should_execute,
        environment_vars,
    )


def hourly_schedule(
    pipeline_name: str,
    start_date: datetime.datetime,
    name: str | None = None,
    execution_time: datetime.time = datetime.time(0, 0),
    tags_fn_for_date: Callable | None = None,
    solid_subset: Sequence[str] | None = None,
    mode: str = "default",
    should_execute: Callable | None = None,
    environment_vars: dict | None = None,
) -> Callable[[Callable], PartitionScheduleDefinition]:
    """Every hour at minute ``execution_time.minute`` (its hour is ignored)."""
    time = _check_time(execution_time, "hourly")
    if time.hour != 0:
        warnings.warn(
            f"@hourly_schedule for pipeline {pipeline_name!r}: the hour of execution_time ({time.hour}) is "
            "ignored; only its minute is used.",
            stacklevel=2,
        )
    return _partition_schedule(
        "hourly",
        pipeline_name,
        start_date,
        name,
        f"{time.minute} * * * *",
        datetime.timedelta(hours=1),
        "%Y-%m-%d-%H:%M",
        tags_fn_for_date,
        solid_subset,
        mode,
        should_execute,
        environment_vars,
    )


def weekly_schedule(
    pipeline_name: str,
    start_date: datetime.datetime,
    name: str | None = None,
    execution_day_of_week: int = 0,
    execution_time: datetime.time = datetime.time(0, 0),
    tags_fn_for_date: Callable | None = None,
    solid_subset: Sequence[str] | None = None,
    mode: str = "default",
    should_execute: Callable | None = None,
    environment_vars: dict | None = None,
) -> Callable[[Callable], PartitionScheduleDefinition]:
    """Once a week on ``execution_day_of_week`` (0 = Sunday, as in cron) at ``execution_time``."""
    time = _check_time(execution_time, "weekly")
    if (
        not isinstance(execution_day_of_week, int)
        or isinstance(execution_day_of_week, bool)
        or not 0 <= execution_day_of_week <= 6
    ):
        raise DagsterInvalidDefinitionError(
            f"@weekly_schedule for pipeline {pipeline_name!r}: execution_day_of_week must be an int from 0 "
            f"(Sunday) to 6 (Saturday), got {execution_day_of_week!r}."
        )
    return _partition_schedule(
        "weekly",
        pipeline_name,
        start_date,
        name,
        f"{time.minute} {time.hour} * * {execution_day_of_week}",
        datetime.timedelta(weeks=1),
        "%Y-%m-%d",
        tags_fn_for_date,
        solid_subset,
        mode,
        should_execute,
        environment_vars,
    )


def monthly_schedule(
    pipeline_name: str,
    start_date: datetime.datetime,
    name: str | None = None,
    execution_day_of_month: int = 1,
    execution_time: datetime.time = datetime.time(0, 0),
    tags_fn_for_date: Callable | None = None,
    solid_subset: Sequence[str] | None = None,
    mode: str = "default",
    should_execute: Callable | None = None,
    environment_vars: dict | None = None,
) -> Callable[[Callable], PartitionScheduleDefinition]:
    """Once a month on ``execution_day_of_month`` (1-31) at ``execution_time``."""
    from dateutil.relativedelta import relativedelta

    time = _check_time(execution_time, "monthly")
    if (
        not isinstance(execution_day_of_month, int)
        or isinstance(execution_day_of_month, bool)
        or not 1 <= execution_day_of_month <= 31
    ):
        raise DagsterInvalidDefinitionError(
            f"@monthly_schedule for pipeline {pipeline_name!r}: execution_day_of_month must be an int from 1 to "
            f"31, got {execution_day_of_month!r}."
        )
    return _partition_schedule(
        "monthly",
        pipeline_name,
        start_date,
        name,
        f"{time.minute} {time.hour} {execution_day_of_month} * *",
        relativedelta(months=1),
        "%Y-%m",
        tags_fn_for_date,
        solid_subset,
        mode,
        should_execute,
        environment_vars,
    )


def schedules(name: Any = None) -> Any:
    """Legacy decorator: a function returning ``[ScheduleDefinition]`` becomes a ``SchedulerHandle``.

    Works bare and called (the called form returned None in Dagster 0.7).
    """
    if callable(name):
        return SchedulerHandle(_call_list(name, ScheduleDefinition, "@schedules"))

    def decorate(fn: Callable) -> SchedulerHandle:
        return SchedulerHandle(_call_list(fn, ScheduleDefinition, "@schedules"))

    return decorate
