"""Schedules: run a pipeline on a cron schedule with config and tags computed at each tick."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import check_user_tags, validate_tags
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.serdes import whitelist_for_serdes

# What a shell accepts as an environment variable name (schedules export theirs in scripts).
ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@whitelist_for_serdes
class ScheduleDefinitionData(
    NamedTuple(
        "ScheduleDefinitionData",
        [("name", str), ("cron_schedule", str), ("environment_vars", "dict | None")],
    )
):
    """What the scheduler stores about a schedule definition."""

    def __new__(cls, name: str, cron_schedule: str, environment_vars: dict | None = None):
        return super().__new__(
            cls,
            check.str_param(name, "name"),
            check.str_param(cron_schedule, "cron_schedule"),
            check.opt_dict_param(environment_vars, "environment_vars"),
        )


class ScheduleExecutionContext(
    NamedTuple("ScheduleExecutionContext", [("instance", Any), ("repository", Any)])
):
    """What schedule functions receive at each tick: the instance and the repository."""


def _default_environment_dict_fn(_context: Any) -> dict:
    return {}


def _default_tags_fn(_context: Any) -> dict:
    return {}


def _default_should_execute(_context: Any) -> bool:
    return True


def check_cron_schedule(cron_schedule: Any, owner: str) -> str:
    """A cron string with five fields that croniter accepts; otherwise a definition error."""
    from croniter import CroniterBadDateError, croniter

    if (
        not isinstance(cron_schedule, str)
        or len(cron_schedule.split()) != 5
        or not croniter.is_valid(cron_schedule)
    ):
        raise DagsterInvalidDefinitionError(
            f"Invalid cron_schedule {cron_schedule!r} for {owner}: expected a cron expression with five fields "
            '(minute hour day-of-month month day-of-week), for example "0 6 * * *" for 06:00 every day.'
        )
    try:
        croniter(cron_schedule, datetime.datetime(2000, 1, 1)).get_next(datetime.datetime)
    except CroniterBadDateError:
        raise DagsterInvalidDefinitionError(
            f"cron_schedule {cron_schedule!r} of {owner} names a day that never comes (such as February 30): "
            "the schedule would never run. Fix the day of the month or the month."
        ) from None
    return cron_schedule


def _check_environment_vars(environment_vars: Any, owner: str) -> dict[str, str]:
    """Environment variables the scheduler exports before a tick: valid names, string values."""
    if environment_vars is None:
        return {}
    if not isinstance(environment_vars, Mapping):
        raise DagsterInvalidDefinitionError(
            f"environment_vars of {owner} must be a dict of strings, got {environment_vars!r}."
        )
    for key, value in environment_vars.items():
        if not isinstance(key, str) or not ENV_VAR_NAME.fullmatch(key):
            raise DagsterInvalidDefinitionError(
                f"environment_vars of {owner} has the key {key!r}, which is not an environment variable name "
                "(letters, digits and underscores, not starting with a digit)."
            )
        if not isinstance(value, str):
            raise DagsterInvalidDefinitionError(
                f"environment_vars of {owner} maps {key!r} to {value!r}; values must be strings."
            )
    return dict(environment_vars)


class ScheduleDefinition:
    """A pipeline run on a cron schedule. ``environment_dict``/``environment_dict_fn`` and
    ``tags``/``tags_fn`` are alternatives; the functions receive a ``ScheduleExecutionContext``."""

    def __init__(
        self,
        name: str,
        cron_schedule: str,
        pipeline_name: str,
        environment_dict: dict | None = None,
        environment_dict_fn: Callable | None = None,
        tags: Mapping[str, str] | None = None,
        tags_fn: Callable | None = None,
        solid_subset: Sequence[str] | None = None,
        mode: str = "default",
        should_execute: Callable | None = None,
        environment_vars: dict | None = None,
    ):
        self._name = check.str_param(name, "name")
        owner = f'schedule "{name}"'
        check_cron_schedule(cron_schedule, owner)
        self._pipeline_name = check.str_param(pipeline_name, "pipeline_name")
        if environment_dict is not None and environment_dict_fn is not None:
            raise DagsterInvalidDefinitionError(
                f"{owner} received both environment_dict and environment_dict_fn. Give one of them."
            )
        if tags is not None and tags_fn is not None:
            raise DagsterInvalidDefinitionError(f"{owner} received both tags and tags_fn. Give one of them.")
        if environment_dict is not None:
            check.dict_param(environment_dict, "environment_dict")
            self._environment_dict_fn: Callable = lambda _context: environment_dict
        else:
            self._environment_dict_fn = check.opt_callable_param(
                environment_dict_fn, "environment_dict_fn", _default_environment_dict_fn
            )
        if tags is not None:
            static_tags = _string_tags(tags, owner)
            check_user_tags(static_tags, owner)
            self._tags_fn: Callable = lambda _context: static_tags
        else:
            self._tags_fn = check.opt_callable_param(tags_fn, "tags_fn", _default_tags_fn)
        self._should_execute = check.opt_callable_param(
            should_execute, "should_execute", _default_should_execute
        )
        self._solid_subset = (
            list(check.sequence_param(solid_subset, "solid_subset", of_type=str))
            if solid_subset is not None
            else None
        )
        self._mode = check.opt_str_param(mode, "mode", "default")
        self._schedule_definition_data = ScheduleDefinitionData(
            name=self._name,
            cron_schedule=cron_schedule,
            environment_vars=_check_environment_vars(environment_vars, owner),
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def cron_schedule(self) -> str:
        return self._schedule_definition_data.cron_schedule

    @property
    def environment_vars(self) -> dict:
        return self._schedule_definition_data.environment_vars

    @property
    def pipeline_name(self) -> str:
        return self._pipeline_name

    @property
    def solid_subset(self) -> list[str] | None:
        return self._solid_subset

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def selector(self) -> Any:
        from dagster.core.storage.pipeline_run import ExecutionSelector

        return ExecutionSelector(self._pipeline_name, self._solid_subset)

    @property
    def schedule_definition_data(self) -> ScheduleDefinitionData:
        return self._schedule_definition_data

    @property
    def environment_dict_fn(self) -> Callable:
        return self._environment_dict_fn

    @property
    def tags_fn(self) -> Callable:
        return self._tags_fn

    def get_environment_dict(self, context: ScheduleExecutionContext) -> dict:
        environment_dict = self._environment_dict_fn(context)
        if not isinstance(environment_dict, dict):
            raise DagsterInvariantViolationError(
                f'The environment_dict function of schedule "{self._name}" returned {environment_dict!r}; it must '
                "return a dict (the run config)."
            )
        return environment_dict

    def get_tags(self, context: ScheduleExecutionContext) -> dict[str, str]:
        """The user's tags (which may not use the ``dagster/`` prefix) plus ``dagster/schedule_name``."""
        from dagster.core.storage.tags import SCHEDULE_NAME_TAG

        owner = f'schedule "{self._name}"'
        tags = _string_tags(self._tags_fn(context) or {}, owner)
        check_user_tags(tags, owner)
        return {**tags, SCHEDULE_NAME_TAG: self._name}

    def should_execute(self, context: ScheduleExecutionContext) -> bool:
        return bool(self._should_execute(context))

    def __repr__(self) -> str:
        return f"ScheduleDefinition({self._name!r}, {self.cron_schedule!r}, pipeline={self._pipeline_name!r})"


def _string_tags(tags: Any, owner: str) -> dict[str, str]:
    if not isinstance(tags, Mapping):
        raise DagsterInvalidDefinitionError(f"Tags of {owner} must be a dict of strings, got {tags!r}.")
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise DagsterInvalidDefinitionError(
                f"Tags of {owner} must map strings to strings, got {key!r}: {value!r}. Convert the value to a "
                "string (e.g. json.dumps)."
            )
    return dict(validate_tags(tags, owner))


class SchedulerHandle:
    """The legacy ``@schedules`` result: the schedule definitions a repository's scheduler runs."""

    def __init__(self, schedule_defs: Sequence[ScheduleDefinition]):
        self._schedule_defs = list(
            check.sequence_param(schedule_defs, "schedule_defs", of_type=ScheduleDefinition)
        )

    @property
    def schedule_defs(self) -> list[ScheduleDefinition]:
        return self._schedule_defs

    def get_schedule_defs(self) -> list[ScheduleDefinition]:
        return list(self._schedule_defs)
