"""Running one step of a run in a worker (a multiprocess pool worker, a Dask task, a Celery task).

The worker rebuilds the pipeline from its ``ExecutionTargetHandle`` and opens the instance from its
``InstanceRef``; both are loaded once per worker process and reused for every later step. The step
runs as a one-step plan of the existing run, so its events and compute logs go to that instance.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, NamedTuple

from dagster import check
from dagster.core.events import DagsterEvent, EngineEventData, StepFailureData
from dagster.serdes import serialize_dagster_namedtuple
from dagster.utils.error import SerializableErrorInfo


class StepTask(NamedTuple):
    """What a worker needs to run one step: where the code and instance are, the run and the step.

    ``retries`` is the run-config form of the step's retry policy (``Retries.to_config()``), already
    made ``deferred`` by the engine so that the engine, not the worker, schedules the retry.
    """

    handle_dict: dict
    instance_ref: Any
    pipeline_run: Any
    step_key: str
    retries: dict
    engine_name: str


_PIPELINES: dict[str, Any] = {}
# Instances this worker opened recently (serialized ref -> instance).
_INSTANCES: OrderedDict[str, Any] = OrderedDict()
_MAX_OPEN_INSTANCES = 4
# Full plans of the runs this worker served recently (run id -> plan); a step only needs a subset.
_PLANS: OrderedDict[str, Any] = OrderedDict()
_MAX_CACHED_PLANS = 8


def load_pipeline(handle_dict: dict) -> Any:
    """The pipeline a handle points to, loaded once per process."""
    key = json.dumps(handle_dict, sort_keys=True)
    pipeline_def = _PIPELINES.get(key)
    if pipeline_def is None:
        from dagster.core.definitions.handle import ExecutionTargetHandle

        pipeline_def = ExecutionTargetHandle.from_dict(handle_dict).build_pipeline_definition()
        _PIPELINES[key] = pipeline_def
    return pipeline_def


def open_instance(instance_ref: Any) -> Any:
    """The instance an ``InstanceRef`` describes, opened once per process."""
    key = serialize_dagster_namedtuple(instance_ref)
    instance = _INSTANCES.get(key)
    if instance is None:
        from dagster.core.instance import DagsterInstance

        instance = DagsterInstance.from_ref(instance_ref)
        _INSTANCES[key] = instance
        while len(_INSTANCES) > _MAX_OPEN_INSTANCES:
            _INSTANCES.popitem(last=False)
    else:
        _INSTANCES.move_to_end(key)
    return instance


def _plan_for_run(pipeline_def: Any, pipeline_run: Any) -> Any:
    plan = _PLANS.get(pipeline_run.run_id)
    if plan is not None:
        _PLANS.move_to_end(pipeline_run.run_id)
        return plan
    from dagster.core.execution.plan.plan import ExecutionPlan
    from dagster.core.system_config.objects import EnvironmentConfig

    if pipeline_run.solid_subset:
        pipeline_def = pipeline_def.build_sub_pipeline(pipeline_run.solid_subset)
    environment_config = EnvironmentConfig.build(
        pipeline_def, pipeline_run.environment_dict, mode=pipeline_run.mode
    )
    plan = ExecutionPlan.build(pipeline_def, environment_config, pipeline_run.mode)
    _PLANS[pipeline_run.run_id] = plan
    while len(_PLANS) > _MAX_CACHED_PLANS:
        _PLANS.popitem(last=False)
    return plan


def execute_step_in_worker(task: StepTask) -> Iterator[DagsterEvent]:
    """Run ``task.step_key`` of ``task.pipeline_run`` here, yielding its events (already stored)."""
    check.inst_param(task, "task", StepTask)
    from dagster.core.execution.api import execute_plan_iterator
    from dagster.core.execution.retries import Retries

    instance = open_instance(task.instance_ref)
    pipeline_def = load_pipeline(task.handle_dict)
    step_plan = _plan_for_run(pipeline_def, task.pipeline_run).build_subset_plan([task.step_key])
    yield instance.report_engine_event(
        f"[{task.engine_name}] Executing step {task.step_key} in subprocess",
        task.pipeline_run,
        EngineEventData.multiprocess(os.getpid(), [task.step_key]),
        step_key=task.step_key,
    )
    yield from execute_plan_iterator(
        step_plan, task.pipeline_run, instance, retries=Retries.from_config(task.retries)
    )


def worker_step_failure_event(
    pipeline_context: Any,
    step: Any,
    message: str,
    cls_name: str = "DagsterSubprocessError",
    cause: Any = None,
) -> DagsterEvent:
    """A STEP_FAILURE written by the engine for a step whose worker could not report one itself."""
    error = SerializableErrorInfo(message=message, stack=[], cls_name=cls_name, cause=cause)
    return DagsterEvent.step_failure_event(
        pipeline_context.for_step(step), StepFailureData(error=error, user_failure_data=None)
    )
