"""Entry points: run a pipeline (or a run, or a plan) and get its events or its result.

``execute_pipeline`` validates the config and builds the plan before anything is recorded, creates
the run in the instance (with its snapshots), then runs it in this process. The event stream of a
run is: initialization events (resources), ``PIPELINE_START``, the engine's events (one compute step
per solid), ``PIPELINE_SUCCESS`` or ``PIPELINE_FAILURE``, then teardown events if any.
"""

from __future__ import annotations

import contextlib
import random
import string
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from dagster import check
from dagster.core.errors import (
    DagsterInvariantViolationError,
    DagsterRunNotFoundError,
)
from dagster.core.events import DagsterEvent, DagsterEventType, EngineEventData
from dagster.core.execution.config import RunConfig
from dagster.core.execution.context.system import SystemPipelineExecutionContext
from dagster.core.execution.context_creation_pipeline import pipeline_initialization_event_generator
from dagster.core.execution.plan.plan import ExecutionPlan
from dagster.core.execution.reexecution import copy_required_intermediates_for_execution
from dagster.core.instance.run_liveness import current_process_tags
from dagster.utils.error import serializable_error_info_from_exc_info


def _pipeline_def(pipeline: Any) -> Any:
    from dagster.core.definitions.pipeline import PipelineDefinition

    if isinstance(pipeline, PipelineDefinition):
        return pipeline
    build = getattr(pipeline, "build_pipeline_definition", None)
    if callable(build):
        return build()
    raise DagsterInvariantViolationError(
        f"Expected a PipelineDefinition (e.g. a function decorated with @pipeline), got {pipeline!r}."
    )


def _resolve_mode(pipeline_def: Any, mode: str | None) -> str:
    if mode is None:
        if not pipeline_def.is_single_mode:
            raise DagsterInvariantViolationError(
                f'Pipeline "{pipeline_def.name}" has several modes '
                f"({', '.join(pipeline_def.available_modes)}): pass mode=<name> to choose one."
            )
        return pipeline_def.get_default_mode_name()
    if not pipeline_def.has_mode_definition(mode):
        raise DagsterInvariantViolationError(
            f'Pipeline "{pipeline_def.name}" has no mode "{mode}". '
            f"Available modes: {', '.join(pipeline_def.available_modes)}."
        )
    return mode


def _build_environment_config(pipeline_def: Any, environment_dict: dict | None, mode: str) -> Any:
    from dagster.core.system_config.objects import EnvironmentConfig

    return EnvironmentConfig.build(pipeline_def, environment_dict, mode=mode)


def create_execution_plan(
    pipeline: Any,
    environment_dict: dict | None = None,
    run_config: RunConfig | None = None,
    mode: str | None = None,
) -> ExecutionPlan:
    """Validate ``environment_dict`` and build the plan (restricted to ``run_config.step_keys_to_execute``)."""
    pipeline_def = _pipeline_def(pipeline)
    environment_dict = check.opt_dict_param(environment_dict, "environment_dict", key_type=str)
    run_config = check.opt_inst_param(run_config, "run_config", RunConfig, RunConfig())
    if mode is not None and run_config.mode is not None and mode != run_config.mode:
        raise DagsterInvariantViolationError(
            f'Conflicting modes: mode="{mode}" but run_config.mode="{run_config.mode}". Pass only one.'
        )
    mode = _resolve_mode(pipeline_def, mode or run_config.mode)
    environment_config = _build_environment_config(pipeline_def, environment_dict, mode)
    plan = ExecutionPlan.build(pipeline_def, environment_config, mode)
    if run_config.step_keys_to_execute is not None:
        plan = plan.build_subset_plan(run_config.step_keys_to_execute)
    return plan


class _RunArgs:
    """The checked and merged arguments of ``execute_pipeline`` / ``execute_pipeline_iterator``."""

    def __init__(self, pipeline, environment_dict, mode, preset, tags, run_config, instance):
        pipeline_def = _pipeline_def(pipeline)
        environment_dict = check.opt_dict_param(environment_dict, "environment_dict", key_type=str)
        run_config = check.opt_inst_param(run_config, "run_config", RunConfig, RunConfig())
        check.opt_str_param(mode, "mode")
        check.opt_str_param(preset, "preset")
        tags = check.opt_dict_param(tags, "tags", key_type=str)
        solid_subset = None

        if mode is not None and preset is not None:
            raise DagsterInvariantViolationError(
                f'Both mode ("{mode}") and preset ("{preset}") were given: a preset selects its own mode. '
                "Pass only one of them."
            )
        if run_config.mode is not None:
            warnings.warn(
                "RunConfig.mode is deprecated: pass mode= to execute_pipeline instead.",
                DeprecationWarning,
                stacklevel=4,
            )
            if mode is not None and mode != run_config.mode:
                raise DagsterInvariantViolationError(
                    f'Conflicting modes: mode="{mode}" but run_config.mode="{run_config.mode}". Pass only one.'
                )
            mode = mode or run_config.mode
        if run_config.tags:
            warnings.warn(
                "RunConfig.tags is deprecated: pass tags= to execute_pipeline instead.",
                DeprecationWarning,
                stacklevel=4,
            )

        if preset is not None:
            preset_def = pipeline_def.get_preset(preset)
            if preset_def.mode is not None:
                if mode is not None and mode != preset_def.mode:
                    raise DagsterInvariantViolationError(
                        f'Preset "{preset}" uses mode "{preset_def.mode}" but mode "{mode}" was given.'
                    )
                mode = preset_def.mode
            if environment_dict and environment_dict != (preset_def.environment_dict or {}):
                raise DagsterInvariantViolationError(
                    f'Preset "{preset}" supplies the run config; do not also pass environment_dict '
                    "(or use preset_def.with_additional_config)."
                )
            environment_dict = dict(preset_def.environment_dict or {})
            solid_subset = preset_def.solid_subset

        if solid_subset is not None:
            pipeline_def = pipeline_def.build_sub_pipeline(solid_subset)

        self.pipeline_def = pipeline_def
        self.environment_dict = environment_dict
        self.mode = _resolve_mode(pipeline_def, mode)
        self.tags = {**(pipeline_def.tags or {}), **run_config.tags, **tags}
        self.run_config = run_config
        self.solid_subset = solid_subset
        if instance is None:
            from dagster.core.instance import DagsterInstance

            instance = DagsterInstance.ephemeral()
        self.instance = instance


def _create_run(args: _RunArgs, executes_now: bool = False) -> tuple[Any, ExecutionPlan]:
    """Validate config, build the plan, check re-execution, and record the run (NOT_STARTED).

    ``executes_now``: this process executes the run at once, so the run is created already tagged
    with this process (saving ``take_run_for_execution`` its write)."""
    from dagster.core.storage.tags import PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG

    pipeline_def, run_config, instance = args.pipeline_def, args.run_config, args.instance
    environment_config = _build_environment_config(pipeline_def, args.environment_dict, args.mode)
    if environment_config.execution.execution_engine_name == "multiprocess":
        from dagster.core.engine.multiprocess_pool import start_fork_server

        start_fork_server()  # its workers' imports overlap with recording the run
    plan = ExecutionPlan.build(pipeline_def, environment_config, args.mode)
    if run_config.step_keys_to_execute is not None:
        plan = plan.build_subset_plan(run_config.step_keys_to_execute)

    tags = args.tags
    root_run_id = parent_run_id = None
    previous_run_id = run_config.previous_run_id
    if previous_run_id is not None:
        previous_run = instance.get_run_by_id(previous_run_id)
        if previous_run is None:
            raise DagsterRunNotFoundError(
                f'Cannot re-execute from run "{previous_run_id}": no such run in this instance.',
                invalid_run_id=previous_run_id,
            )
        if not plan.artifacts_persisted:
            raise DagsterInvariantViolationError(
                f'Cannot re-execute run "{previous_run_id}" with in-memory system storage: its outputs '
                "were not persisted. Use persistent storage for both runs, e.g. "
                "environment_dict={'storage': {'filesystem': {}}}."
            )
        parent_run_id = previous_run_id
        root_run_id = previous_run.root_run_id or previous_run_id
        tags = {**tags, PARENT_RUN_ID_TAG: parent_run_id, ROOT_RUN_ID_TAG: root_run_id}
    if executes_now and instance.is_persistent:
        tags = {**tags, **current_process_tags()}

    pipeline_run = instance.create_run_for_pipeline(
        pipeline_def=pipeline_def,
        execution_plan=plan,
        run_id=run_config.run_id,
        environment_dict=args.environment_dict,
        mode=args.mode,
        solid_subset=args.solid_subset,
        step_keys_to_execute=run_config.step_keys_to_execute,
        tags=tags,
        root_run_id=root_run_id,
        parent_run_id=parent_run_id,
    )
    return pipeline_run, plan


def execute_pipeline_iterator(
    pipeline: Any,
    environment_dict: dict | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: dict | None = None,
    run_config: RunConfig | None = None,
    instance: Any = None,
) -> Iterator[DagsterEvent]:
    """Run a pipeline in this process, yielding its events as they happen (never raises for step errors)."""
    args = _RunArgs(pipeline, environment_dict, mode, preset, tags, run_config, instance)
    pipeline_run, plan = _create_run(args)
    return _execute_run_iterable(plan, pipeline_run, args.instance, raise_on_error=False)


def execute_pipeline(
    pipeline: Any,
    environment_dict: dict | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: dict | None = None,
    run_config: RunConfig | None = None,
    instance: Any = None,
    raise_on_error: bool = True,
) -> Any:
    """Run a pipeline in this process and return its ``PipelineExecutionResult``.

    With ``raise_on_error`` (the default), an exception raised by a solid is re-raised as the
    original exception once its events are recorded; ``Failure`` and Dagster errors as they are.
    """
    args = _RunArgs(pipeline, environment_dict, mode, preset, tags, run_config, instance)
    pipeline_run, plan = _create_run(args, executes_now=True)
    return _run_to_result(
        plan, pipeline_run, args.instance, check.bool_param(raise_on_error, "raise_on_error")
    )


def _run_to_result(plan: ExecutionPlan, pipeline_run: Any, instance: Any, raise_on_error: bool) -> Any:
    from dagster.core.execution.results import PipelineExecutionResult

    holder: dict[str, SystemPipelineExecutionContext] = {}
    event_list = list(_execute_run_iterable(plan, pipeline_run, instance, raise_on_error, holder))
    return PipelineExecutionResult(
        plan.pipeline_def, pipeline_run.run_id, event_list, _reconstruct_context_fn(holder)
    )


def _reconstruct_context_fn(holder: dict) -> Callable:
    """``reconstruct_context()`` for results: a context manager yielding the run's context, whose
    system storage still holds the outputs (in memory or on disk)."""

    @contextlib.contextmanager
    def reconstruct_context():
        context = holder.get("context")
        if context is None:
            raise DagsterInvariantViolationError(
                "The run never started (its initialization failed), so it has no stored outputs."
            )
        yield context

    return reconstruct_context


def _pipeline_run_for(pipeline_def: Any, pipeline_run: Any) -> tuple[Any, ExecutionPlan]:
    if pipeline_run.pipeline_name != pipeline_def.name:
        raise DagsterInvariantViolationError(
            f'Run "{pipeline_run.run_id}" is a run of pipeline "{pipeline_run.pipeline_name}", '
            f'not of "{pipeline_def.name}".'
        )
    if pipeline_run.is_finished:
        raise DagsterInvariantViolationError(
            f'Run "{pipeline_run.run_id}" has already finished ({pipeline_run.status.value}); a run executes '
            "once. To run it again, re-execute it as a new run with RunConfig(previous_run_id=...)."
        )
    if pipeline_run.solid_subset:
        pipeline_def = pipeline_def.build_sub_pipeline(pipeline_run.solid_subset)
    mode = _resolve_mode(pipeline_def, pipeline_run.mode)
    environment_config = _build_environment_config(pipeline_def, pipeline_run.environment_dict, mode)
    plan = ExecutionPlan.build(pipeline_def, environment_config, mode)
    if pipeline_run.step_keys_to_execute is not None:
        plan = plan.build_subset_plan(pipeline_run.step_keys_to_execute)
    return pipeline_def, plan


def execute_run_iterator(pipeline: Any, pipeline_run: Any, instance: Any) -> Iterator[DagsterEvent]:
    """Execute an already-created run (e.g. one made by ``create_run_for_pipeline``), yielding events."""
    _, plan = _pipeline_run_for(_pipeline_def(pipeline), pipeline_run)
    return _execute_run_iterable(plan, pipeline_run, instance, raise_on_error=False)


def execute_run(pipeline: Any, pipeline_run: Any, instance: Any, raise_on_error: bool = False) -> Any:
    """Execute an already-created run and return its ``PipelineExecutionResult``."""
    _, plan = _pipeline_run_for(_pipeline_def(pipeline), pipeline_run)
    return _run_to_result(plan, pipeline_run, instance, raise_on_error)


def _execute_run_iterable(
    plan: ExecutionPlan, pipeline_run: Any, instance: Any, raise_on_error: bool, holder: dict | None = None
) -> Iterator[DagsterEvent]:
    # Before loggers, resources and storage initialize (which may be slow): if this process dies
    # before PIPELINE_START, readers of the instance see it and fail the run (see run_liveness).
    instance.take_run_for_execution(pipeline_run)
    initialization = pipeline_initialization_event_generator(
        plan, plan.environment_config, pipeline_run, instance, raise_on_error
    )
    try:
        for item in initialization:
            if isinstance(item, SystemPipelineExecutionContext):
                if holder is not None:
                    holder["context"] = item
                yield from _pipeline_execution_iterator(item, plan)
            else:
                yield item
    finally:
        initialization.close()


def _pipeline_execution_iterator(
    pipeline_context: SystemPipelineExecutionContext, execution_plan: ExecutionPlan
) -> Iterator[DagsterEvent]:
    """PIPELINE_START, re-execution copies, the engine's events, then PIPELINE_SUCCESS/FAILURE.

    If anything raises (a broken logger, an interrupt, a framework error, or a step error re-raised
    under ``raise_on_error``), the run is still recorded as failed before the error propagates.
    """
    pipeline_success = True
    closed = False
    # Under raise_on_error a step re-raises its error right after its STEP_FAILURE event.
    last_was_step_failure = False
    try:
        yield DagsterEvent.pipeline_start(pipeline_context)
        yield from copy_required_intermediates_for_execution(pipeline_context, execution_plan)
        engine = pipeline_context.executor_config.get_engine()
        for event in engine.execute(pipeline_context, execution_plan):
            last_was_step_failure = event.event_type_value == "STEP_FAILURE"
            if last_was_step_failure:
                pipeline_success = False
            yield event
    except GeneratorExit:
        closed = True
        pipeline_success = False
        raise
    except (Exception, KeyboardInterrupt):
        pipeline_success = False
        if not (pipeline_context.raise_on_error and last_was_step_failure):
            exc_type, exc_value = sys.exc_info()[:2]
            error_info = serializable_error_info_from_exc_info(sys.exc_info())
            if issubclass(exc_type, KeyboardInterrupt):
                message = "The run was interrupted (KeyboardInterrupt)."
            else:
                detail = f": {exc_value}" if str(exc_value) else ""
                message = f"An unexpected error interrupted the run: {exc_type.__name__}{detail}"
            yield _emit_resiliently(
                pipeline_context,
                lambda target: DagsterEvent.engine_event(
                    target, message, EngineEventData.engine_error(error_info)
                ),
            )
        raise
    finally:
        if closed:
            _emit_resiliently(pipeline_context, DagsterEvent.pipeline_failure)
        elif pipeline_success:
            yield DagsterEvent.pipeline_success(pipeline_context)
        else:
            yield _emit_resiliently(pipeline_context, DagsterEvent.pipeline_failure)


class _LogTarget:
    """The two attributes event constructors read from a context: the pipeline and the log manager."""

    __slots__ = ("pipeline_def", "log")

    def __init__(self, pipeline_def: Any, log: Any):
        self.pipeline_def = pipeline_def
        self.log = log


def _emit_resiliently(pipeline_context: SystemPipelineExecutionContext, make_event: Callable) -> DagsterEvent:
    """Record an event in the instance even if a configured python logger raises.

    The event goes to the instance first, then to each python logger on its own; a logger that
    raises is skipped (it may be the very reason the run is failing).
    """
    from dagster.core.log_manager import DagsterLogManager

    log = pipeline_context.log
    to_instance = DagsterLogManager(log.run_id, log.logging_tags, [], instance=log.instance)
    event = make_event(_LogTarget(pipeline_context.pipeline_def, to_instance))
    for python_logger in log.loggers:
        try:
            DagsterLogManager(log.run_id, log.logging_tags, [python_logger]).log_dagster_event(event)
        except Exception:  # a broken logger must not stop the run from being recorded as failed
            continue
    return event


def execute_plan_iterator(
    execution_plan: ExecutionPlan,
    pipeline_run: Any,
    instance: Any,
    environment_dict: dict | None = None,
    retries: Any = None,
) -> Iterator[DagsterEvent]:
    """Run the steps of a plan for an existing run, without pipeline start/end events.

    This is what workers of parallel engines run: a plan restricted to one step, writing to the
    run's intermediates and event log.
    """
    check.inst_param(execution_plan, "execution_plan", ExecutionPlan)
    if environment_dict is not None and environment_dict != (pipeline_run.environment_dict or {}):
        raise DagsterInvariantViolationError(
            "execute_plan_iterator got an environment_dict that differs from the run's; the plan was "
            "built from the run's config."
        )
    from dagster.core.execution.plan.execute_plan import inner_plan_execution_iterator

    initialization = pipeline_initialization_event_generator(
        execution_plan, execution_plan.environment_config, pipeline_run, instance, raise_on_error=False
    )
    try:
        for item in initialization:
            if isinstance(item, SystemPipelineExecutionContext):
                yield from inner_plan_execution_iterator(
                    item, execution_plan, retries if retries is not None else item.retries
                )
            else:
                yield item
    finally:
        initialization.close()


def execute_plan(
    execution_plan: ExecutionPlan,
    instance: Any,
    pipeline_run: Any,
    environment_dict: dict | None = None,
    retries: Any = None,
) -> list[DagsterEvent]:
    """``execute_plan_iterator`` collected into a list."""
    return list(execute_plan_iterator(execution_plan, pipeline_run, instance, environment_dict, retries))


def step_output_event_filter(pipe_iterator: Iterator[DagsterEvent]) -> Iterator[DagsterEvent]:
    """Only the STEP_OUTPUT events of an event stream."""
    for event in pipe_iterator:
        if event.event_type_value == DagsterEventType.STEP_OUTPUT.value:
            yield event


def execute_partition_set(partition_set: Any, partition_filter: Callable, instance: Any = None) -> list:
    """Create and launch one run per selected partition (a backfill); returns the launched runs.

    Each run is recorded in the instance before it is launched (Dagster 0.7 launched runs that it
    had never stored, which only worked with launchers that tolerated it).
    """
    from dagster.core.instance import DagsterInstance
    from dagster.core.storage.pipeline_run import PipelineRun

    check.callable_param(partition_filter, "partition_filter")
    instance = instance if instance is not None else DagsterInstance.get()
    if instance.run_launcher is None:
        raise DagsterInvariantViolationError(
            "execute_partition_set launches runs through the instance's run launcher, and this "
            "instance has none. Configure run_launcher: in dagster.yaml."
        )
    partitions = partition_filter(partition_set.get_partitions())
    backfill_id = "".join(random.choice(string.ascii_lowercase) for _ in range(8))
    launched = []
    for partition in partitions:
        # The partition set's tags already include dagster/partition and dagster/partition_set.
        tags = {
            **PipelineRun.tags_for_backfill_id(backfill_id),
            **partition_set.tags_for_partition(partition),
        }
        run = instance.create_run(
            pipeline_name=partition_set.pipeline_name,
            environment_dict=partition_set.environment_dict_for_partition(partition),
            mode=partition_set.mode or "default",
            solid_subset=partition_set.solid_subset,
            tags=tags,
        )
        launched.append(instance.launch_run(run.run_id))
    return launched
