"""One schedule tick, end to end: what happens each time a schedule fires.

``launch_scheduled_execution(instance, repository, schedule_name)``:

1. claims the schedule's latest scheduled time (the cron time at or before now, to the minute) by
   recording a STARTED tick for it in the instance's schedule storage. A time already held by a tick
   that did not fail is not run again: cron firing twice, or two schedulers, never make two runs;
2. asks the schedule's ``should_execute``; False → the tick is SKIPPED and no run is made;
3. computes the run config (``environment_dict_fn``) and tags (``tags_fn``). What these raise is
   collected, not raised, and so is a run config that does not validate;
4. creates the run, tagged with the pipeline's tags and the schedule's (``dagster/schedule_name``,
   and the partition tags of a partition schedule). With collected errors, each becomes an ERROR
   engine event of the run and the run is marked failed without executing. Otherwise the run goes
   to the instance's run launcher, or, with none configured, executes in this process;
5. the tick becomes SUCCESS with the run id. Anything raised on the way (``should_execute`` failing,
   an unknown pipeline, a launcher refusing the run) makes it FAILURE with the error, and is re-raised.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from dagster.core.definitions.schedule import ScheduleExecutionContext
from dagster.core.errors import (
    DagsterError,
    DagsterInvalidConfigError,
    ScheduleExecutionError,
    user_code_error_boundary,
)
from dagster.core.storage.pipeline_run import PipelineRun
from dagster.core.storage.schedules.records import ScheduleTick, ScheduleTickData, ScheduleTickStatus
from dagster.utils.error import SerializableErrorInfo, serializable_error_info_from_exc_info

__all__ = ["ScheduledExecutionResult", "error_summary", "launch_scheduled_execution"]


class ScheduledExecutionResult(NamedTuple):
    """What one tick did: the stored tick (SUCCESS or SKIPPED), the run as stored when the tick
    ended (None when skipped), and the errors that kept the run from executing (empty if none).
    With ``already_ticked``, an earlier tick held the scheduled time: ``tick`` and ``run`` are its."""

    tick: ScheduleTick
    run: PipelineRun | None
    errors: list[SerializableErrorInfo]
    already_ticked: bool = False


def launch_scheduled_execution(
    instance: Any, repository: Any, schedule_name: str, tick_time: float | None = None
) -> ScheduledExecutionResult:
    """Fire schedule ``schedule_name`` of ``repository`` once on ``instance`` for its scheduled time
    ``tick_time`` (default: the latest at or before now); see the module docstring.

    Raises before recording a tick when the repository has no such schedule or the instance has no
    schedule storage (an ephemeral instance).
    """
    schedule_def = repository.get_schedule_def(schedule_name)
    if tick_time is None:
        tick_time = latest_scheduled_time(schedule_def.cron_schedule, time.time())
    tick, claimed = instance.claim_schedule_tick(
        repository,
        ScheduleTickData(
            schedule_name=schedule_def.name,
            cron_schedule=schedule_def.cron_schedule,
            timestamp=tick_time,
            status=ScheduleTickStatus.STARTED,
        ),
    )
    if not claimed:
        run = instance.get_run_by_id(tick.run_id) if tick.run_id else None
        return ScheduledExecutionResult(tick, run, [], already_ticked=True)
    try:
        return _complete_tick(instance, repository, schedule_def, tick)
    except BaseException:
        error = serializable_error_info_from_exc_info(sys.exc_info())
        instance.update_schedule_tick(repository, tick.with_status(ScheduleTickStatus.FAILURE, error=error))
        raise


def latest_scheduled_time(cron_schedule: str, now: float) -> float:
    """The latest time at or before ``now`` that ``cron_schedule`` names, as cron reads it: whole
    minutes of the local time.

    Around daylight saving changes it follows cron: a wall time skipped when clocks go forward is
    run at the end of the gap; a wall time that happens twice when clocks go back runs once, or
    twice when the minute or hour field is a wildcard (``30 * * * *`` runs in both 1:30s).
    """
    from croniter import croniter

    wall = datetime.fromtimestamp(now).replace(second=0, microsecond=0, fold=0)
    fields = cron_schedule.split()
    repeats = fields[0].startswith("*") or fields[1].startswith("*")
    previous = croniter(cron_schedule, wall)
    candidate = wall if croniter.match(cron_schedule, wall) else previous.get_prev(datetime)
    while True:
        for instant in _instants(candidate, repeats):
            if instant <= now:
                return instant
        candidate = previous.get_prev(datetime)


def _instants(wall: datetime, repeats: bool) -> list[float]:
    """The times (latest first) at which local wall time ``wall`` is a scheduled time."""
    first, second = wall.replace(fold=0).timestamp(), wall.replace(fold=1).timestamp()
    if datetime.fromtimestamp(first) != wall:  # skipped by a clock change: the end of the gap
        instant = second
        while datetime.fromtimestamp(instant) < wall:
            instant += 60
        return [instant]
    if first == second or not repeats:
        return [first]
    return [second, first]


def error_summary(error: SerializableErrorInfo) -> str:
    """An error and its causes on one line: ``ScheduleExecutionError: ... Caused by ValueError: boom``."""
    parts = []
    current: SerializableErrorInfo | None = error
    while current is not None:
        head, separator, tail = current.message.partition(": ")
        if separator and current.cls_name and head.endswith("." + current.cls_name) and " " not in head:
            head = current.cls_name  # "dagster.core.errors.X: ..." reads as "X: ..."
        parts.append(" ".join(f"{head}{separator}{tail}".split()))
        current = current.cause
    return " Caused by ".join(parts)


def _complete_tick(
    instance: Any, repository: Any, schedule_def: Any, tick: ScheduleTick
) -> ScheduledExecutionResult:
    context = ScheduleExecutionContext(instance, repository)
    with user_code_error_boundary(
        ScheduleExecutionError,
        lambda: f'Error in the should_execute function of schedule "{schedule_def.name}".',
    ):
        should_execute = schedule_def.should_execute(context)
    if not should_execute:
        skipped = tick.with_status(ScheduleTickStatus.SKIPPED)
        instance.update_schedule_tick(repository, skipped)
        return ScheduledExecutionResult(skipped, None, [])

    errors: list[SerializableErrorInfo] = []
    environment_dict = _collect_errors(
        errors, schedule_def.name, "environment_dict_fn", lambda: schedule_def.get_environment_dict(context)
    )
    schedule_tags = _collect_errors(
        errors, schedule_def.name, "tags_fn", lambda: schedule_def.get_tags(context)
    )
    pipeline_def = repository.get_pipeline(schedule_def.pipeline_name)
    tags = {
        **(pipeline_def.tags or {}),
        **(schedule_tags if schedule_tags is not None else _schedule_name_tag(schedule_def)),
        **_execution_target_tags(instance, repository, schedule_def),
    }
    run = _create_run(instance, pipeline_def, schedule_def, environment_dict, tags, errors)
    if errors:
        _fail_without_executing(
            instance,
            run,
            errors,
            f'Schedule "{schedule_def.name}" could not make a runnable run (see the errors above), so it '
            "was not executed.",
        )
    else:
        _launch_or_execute(instance, pipeline_def, run)
    succeeded = tick.with_status(ScheduleTickStatus.SUCCESS, run_id=run.run_id)
    instance.update_schedule_tick(repository, succeeded)
    return ScheduledExecutionResult(succeeded, instance.get_run_by_id(run.run_id), errors)


def _collect_errors(
    errors: list[SerializableErrorInfo], schedule_name: str, fn_name: str, compute: Callable[[], Any]
) -> Any:
    """``compute()``, or None with the error it raised appended to ``errors``."""
    try:
        with user_code_error_boundary(
            ScheduleExecutionError,
            lambda: f'Error in the {fn_name} of schedule "{schedule_name}".',
        ):
            return compute()
    except DagsterError:
        errors.append(serializable_error_info_from_exc_info(sys.exc_info()))
        return None


def _schedule_name_tag(schedule_def: Any) -> dict[str, str]:
    from dagster.core.storage.tags import SCHEDULE_NAME_TAG

    return {SCHEDULE_NAME_TAG: schedule_def.name}


def _execution_target_tags(instance: Any, repository: Any, schedule_def: Any) -> dict[str, str]:
    """With a run launcher, the tag saying where the pipeline's code is, when the repository was
    loaded through a handle (a repository.yaml, file or module): a launched run is loaded again
    in another process."""
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.launcher.subprocess_launcher import SubprocessRunLauncher

    if instance.run_launcher is None:
        return {}
    handle, _ = ExecutionTargetHandle.get_handle(repository)
    if handle is None:
        return {}
    target = handle.with_pipeline_name(schedule_def.pipeline_name).with_solid_subset(
        schedule_def.solid_subset
    )
    return SubprocessRunLauncher.tags_for_handle(target)


def _create_run(
    instance: Any,
    pipeline_def: Any,
    schedule_def: Any,
    environment_dict: dict | None,
    tags: dict[str, str],
    errors: list[SerializableErrorInfo],
) -> PipelineRun:
    """The NOT_STARTED run, with its plan snapshot when the run config validates; a config that
    does not is added to ``errors``. Without a computed run config, it is not validated."""
    if environment_dict is not None:
        try:
            return instance.create_run_for_pipeline(
                pipeline_def=pipeline_def,
                environment_dict=environment_dict,
                mode=schedule_def.mode,
                solid_subset=schedule_def.solid_subset,
                tags=tags,
            )
        except DagsterInvalidConfigError:
            errors.append(serializable_error_info_from_exc_info(sys.exc_info()))
    subset = schedule_def.solid_subset
    return instance.create_run(
        pipeline_name=pipeline_def.name,
        environment_dict=environment_dict or {},
        mode=schedule_def.mode,
        solid_subset=subset,
        tags=tags,
        pipeline_snapshot=(
            pipeline_def.build_sub_pipeline(subset) if subset else pipeline_def
        ).get_pipeline_snapshot(),
    )


def _fail_without_executing(
    instance: Any, run: PipelineRun, errors: list[SerializableErrorInfo], reason: str
) -> None:
    """Record each error as an ERROR engine event of ``run``, then mark it failed for ``reason``."""
    from dagster.core.events import EngineEventData

    for error in errors:
        instance.report_engine_event(error_summary(error), run, EngineEventData(error=error))
    instance.report_run_failed(run, reason)


def _launch_or_execute(instance: Any, pipeline_def: Any, run: PipelineRun) -> None:
    """Hand the run to the instance's run launcher; with none, execute it here until it ends."""
    from dagster.core.execution.api import execute_run

    if instance.run_launcher is not None:
        try:
            instance.launch_run(run.run_id)
        except Exception:
            error = serializable_error_info_from_exc_info(sys.exc_info())
            _fail_without_executing(instance, run, [error], "The run launcher could not launch it.")
            raise
        return
    execute_run(pipeline_def, run, instance, raise_on_error=False)
    instance.fail_run_left_unstarted(run)
