"""The Celery engine: each ready step becomes a Celery task on its queue, with its priority.

The queue is the step's tag ``dagster-celery/queue`` (default ``dagster``); the priority is the step's
tag ``dagster-celery/priority`` (default 5) plus the run's tag ``dagster-celery/run_priority``
(default 0). Workers write the step's events to the instance and return them as the task's result.
A step whose task ended without a result (its worker process died) has its compute log marked
complete by the shared dispatch loop, as its worker could not do it.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from typing import Any

from dagster.core.engine.engine_base import Engine
from dagster.core.engine.engine_multiprocess import check_multiprocess_requirements
from dagster.core.engine.worker_dispatch import StepLauncher, StepUpdate, dispatch_steps
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.events import DagsterEvent, EngineEventData, format_duration
from dagster.core.execution.retries import Retries
from dagster.core.execution.worker_step import StepTask
from dagster.serdes import deserialize_json_to_dagster_namedtuple
from dagster_celery.config import (
    DEFAULT_PRIORITY,
    DEFAULT_QUEUE,
    PRIORITY_TAG,
    QUEUE_TAG,
    RUN_PRIORITY_TAG,
    TASK_NAME,
)
from dagster_celery.tasks import ENGINE_NAME, make_app, step_payload

# How often pending task results are checked.
_POLL_SECONDS = 0.01


def _int_tag(tags: dict, key: str, default: int, owner: str) -> int:
    value = tags.get(key)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DagsterInvalidDefinitionError(f'The tag "{key}" of {owner} must be an integer; got {value!r}.')


def step_priority(step: Any, run_tags: dict) -> int:
    """The step's Celery priority: its ``dagster-celery/priority`` plus the run's ``dagster-celery/run_priority``."""
    tags = step.tags or {}
    if "dagster/priority" in tags and PRIORITY_TAG not in tags:
        warnings.warn(
            f'Step "{step.key}" sets the tag "dagster/priority", which the celery executor does not read; '
            f'use "{PRIORITY_TAG}".',
            stacklevel=2,
        )
    return _int_tag(tags, PRIORITY_TAG, DEFAULT_PRIORITY, f'step "{step.key}"') + _int_tag(
        run_tags, RUN_PRIORITY_TAG, 0, "the run"
    )


def step_queue(step: Any, default_queue: str = DEFAULT_QUEUE) -> str:
    """The step's tag ``dagster-celery/queue``, else the app's ``task_default_queue``."""
    return (step.tags or {}).get(QUEUE_TAG, default_queue)


def _task_error(result: Any, step_key: str) -> str:
    """Why a step's Celery task ended without a result (its worker process died, or the task raised)."""
    error = result.result
    if type(error).__name__ == "WorkerLostError":
        return (
            f"The Celery task of step {step_key} failed: WorkerLostError: the worker process running it "
            f"died before the step finished (killed, out of memory, or the step ended its process). "
            f"Celery: {error}"
        )
    return f"The Celery task of step {step_key} failed: {type(error).__name__}: {error}\n{result.traceback or ''}"


class _CeleryLauncher(StepLauncher):
    def __init__(self, pipeline_context: Any, app: Any, handle: Any):
        self._context = pipeline_context
        self._app = app
        self._handle_dict = handle.to_dict()
        self._instance_ref = pipeline_context.instance.get_ref()
        self._pending: dict[Any, tuple[int, str, float]] = {}  # AsyncResult -> token, step key, start

    def free_slots(self) -> int:
        # The broker queues what is sent; workers take tasks as they free up.
        return 1 << 20

    def launch(self, token: int, step: Any, retries: Retries) -> Iterator[DagsterEvent]:
        run = self._context.pipeline_run
        task = StepTask(
            self._handle_dict, self._instance_ref, run, step.key, retries.to_config(), ENGINE_NAME
        )
        queue = step_queue(step, self._app.conf.task_default_queue or DEFAULT_QUEUE)
        priority = step_priority(step, run.tags)
        result = self._app.send_task(TASK_NAME, args=[step_payload(task)], queue=queue, priority=priority)
        self._pending[result] = (token, step.key, time.perf_counter())
        yield DagsterEvent.engine_event(
            self._context,
            f"Submitted step {step.key} to Celery as task {result.id} (queue: {queue}, priority: {priority})",
            EngineEventData(),
            step_key=step.key,
        )

    def poll(self, timeout: float | None) -> Iterator[StepUpdate]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            done = [result for result in self._pending if result.ready()]
            if done or (deadline is not None and time.monotonic() >= deadline):
                break
            time.sleep(_POLL_SECONDS)
        for result in done:
            token, key, started = self._pending.pop(result)
            if not result.successful():
                error = _task_error(result, key)
                yield StepUpdate(token, key, finished=True, error=error, close_log=True)
                result.forget()
                continue
            value = result.result
            result.forget()
            for serialized in value["events"]:
                yield StepUpdate(token, key, event=deserialize_json_to_dagster_namedtuple(serialized))
            elapsed = format_duration((time.perf_counter() - started) * 1000)
            yield StepUpdate(
                token,
                key,
                event=DagsterEvent.engine_event(
                    self._context,
                    f"Step {key} finished in process (pid: {value['pid']}) on {value['host']} after {elapsed}.",
                    EngineEventData.multiprocess(value["pid"], [key]),
                    step_key=key,
                ),
                finished=True,
            )

    def stop(self) -> None:
        for result in list(self._pending):
            result.revoke(terminate=True)
        self._pending = {}


class CeleryEngine(Engine):
    """Runs steps as Celery tasks through the broker the executor config names."""

    @staticmethod
    def execute(pipeline_context: Any, execution_plan: Any) -> Iterator[DagsterEvent]:
        handle = check_multiprocess_requirements(pipeline_context, "celery")
        celery_config = pipeline_context.executor_config
        app = make_app(celery_config.settings)
        yield DagsterEvent.engine_event(
            pipeline_context,
            f"Executing steps on Celery (broker: {app.conf.broker_url})",
            EngineEventData.multiprocess(os.getpid(), execution_plan.step_keys_to_execute),
        )
        launcher = _CeleryLauncher(pipeline_context, app, handle)
        yield from dispatch_steps(
            pipeline_context, execution_plan, celery_config.retries, launcher, ENGINE_NAME
        )
