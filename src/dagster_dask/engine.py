"""The Dask engine: each step is a Dask task, submitted when its upstream steps have succeeded.

A step is submitted only once its upstream steps have ended (the shared dispatch loop decides), so
its task does not depend on their futures: it runs the step in the Dask worker (which reloads the
pipeline from its handle and the instance from its ref, once per worker process) and returns the
step's events, which the worker has already written to the instance. Each future is dropped as soon
as its result is read. Holding finished futures, or passing them as dependencies, would make Dask
run a finished step again when the worker that held its result died.

A local cluster (no ``address`` or ``scheduler_file``) fails a task whose worker died at once
(``distributed.scheduler.allowed-failures: 0``) instead of running the step again on up to three
more workers; a remote scheduler keeps its own setting. A step whose task ended without a result has
its compute log marked complete by the shared dispatch loop, as its worker could not do it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from typing import Any

from dagster import check
from dagster.core.engine.engine_base import Engine
from dagster.core.engine.engine_multiprocess import check_multiprocess_requirements
from dagster.core.engine.worker_dispatch import StepLauncher, StepUpdate, dispatch_steps
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.events import DagsterEvent, EngineEventData, format_duration
from dagster.core.execution.retries import Retries
from dagster.core.execution.worker_step import StepTask, execute_step_in_worker

DASK_RESOURCE_REQUIREMENTS_KEY = "dagster-dask/resource_requirements"
ENGINE_NAME = "DaskEngine"


def get_dask_resource_requirements(tags: dict) -> dict:
    """The Dask worker resources a step needs, from its solid tag ``dagster-dask/resource_requirements``.

    The tag holds a JSON object, e.g. ``'{"GPU": 1, "MEMORY": 10e9}'``.
    """
    check.dict_param(tags, "tags", key_type=str)
    value = tags.get(DASK_RESOURCE_REQUIREMENTS_KEY)
    if value is None:
        return {}
    try:
        requirements = json.loads(value) if isinstance(value, str) else value
    except ValueError as exc:
        raise DagsterInvalidDefinitionError(
            f'The tag "{DASK_RESOURCE_REQUIREMENTS_KEY}" must be a JSON object like \'{{"GPU": 1}}\'; '
            f"got {value!r} ({exc})."
        ) from exc
    if not isinstance(requirements, dict):
        raise DagsterInvalidDefinitionError(
            f'The tag "{DASK_RESOURCE_REQUIREMENTS_KEY}" must be a JSON object like \'{{"GPU": 1}}\'; '
            f"got {value!r}."
        )
    return requirements


def run_step_task(task: StepTask) -> tuple[int, str, list]:
    """The Dask task: run one step here; return (pid, host, events)."""
    return os.getpid(), socket.gethostname(), list(execute_step_in_worker(task))


def _task_error(future: Any, step_key: str) -> str:
    """Why a step's Dask task ended without a result (it raised, was cancelled, or its worker died)."""
    if future.status == "cancelled":
        return f"The Dask task of step {step_key} was cancelled (the scheduler or its worker went away)."
    exc = future.exception()
    if type(exc).__name__ == "KilledWorker":
        return (
            f"The Dask worker running step {step_key} died before the step finished (killed, out of "
            f"memory, or the step ended its process). Dask: {exc}"
        )
    return f"The Dask task of step {step_key} failed: {type(exc).__name__}: {exc}"


class _DaskLauncher(StepLauncher):
    def __init__(self, pipeline_context: Any, client: Any, handle: Any):
        self._context = pipeline_context
        self._client = client
        self._handle_dict = handle.to_dict()
        self._instance_ref = pipeline_context.instance.get_ref()
        self._pending: dict[Any, tuple[int, str, float]] = {}  # future -> token, step key, start
        self._attempts: dict[str, int] = {}

    def free_slots(self) -> int:
        # Dask schedules what is submitted; everything ready goes to it at once.
        return 1 << 20

    def launch(self, token: int, step: Any, retries: Retries) -> Iterator[DagsterEvent]:
        import time

        attempt = self._attempts.get(step.key, 0)
        self._attempts[step.key] = attempt + 1
        run = self._context.pipeline_run
        key = f"{run.pipeline_name}.{step.key}.{run.run_id}" + (f".retry-{attempt}" if attempt else "")
        task = StepTask(
            self._handle_dict, self._instance_ref, run, step.key, retries.to_config(), ENGINE_NAME
        )
        future = self._client.submit(
            run_step_task,
            task,
            key=key,
            pure=False,
            resources=get_dask_resource_requirements(step.tags) or None,
        )
        self._pending[future] = (token, step.key, time.perf_counter())
        yield DagsterEvent.engine_event(
            self._context,
            f"Submitted step {step.key} to Dask as task {key}",
            EngineEventData(),
            step_key=step.key,
        )

    def poll(self, timeout: float | None) -> Iterator[StepUpdate]:
        import time

        from distributed import wait

        try:
            done, _ = wait(list(self._pending), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return
        for future in done:
            token, key, started = self._pending.pop(future)
            if future.status != "finished":
                error = _task_error(future, key)
                yield StepUpdate(token, key, finished=True, error=error, close_log=True)
                continue
            pid, host, events = future.result()
            future.release()  # the result is read: Dask may forget it
            for event in events:
                yield StepUpdate(token, key, event=event)
            elapsed = format_duration((time.perf_counter() - started) * 1000)
            yield StepUpdate(
                token,
                key,
                event=DagsterEvent.engine_event(
                    self._context,
                    f"Step {key} finished in process (pid: {pid}) on {host} after {elapsed}.",
                    EngineEventData.multiprocess(pid, [key]),
                    step_key=key,
                ),
                finished=True,
            )

    def stop(self) -> None:
        if self._pending:
            self._client.cancel(list(self._pending))
            self._pending = {}


def _local_cluster_settings(is_local: bool) -> Any:
    """Dask settings for the local cluster the client starts: a task whose worker died is not run again."""
    import contextlib

    if not is_local:
        return contextlib.nullcontext()
    import dask

    return dask.config.set({"distributed.scheduler.allowed-failures": 0})


class DaskEngine(Engine):
    """Runs steps as tasks of a Dask cluster, through a ``dask.distributed.Client``."""

    @staticmethod
    def execute(pipeline_context: Any, execution_plan: Any) -> Iterator[DagsterEvent]:
        from distributed import Client

        handle = check_multiprocess_requirements(pipeline_context, "dask")
        dask_config = pipeline_context.executor_config
        client_kwargs = dask_config.build_dict(pipeline_context.pipeline_def.name)
        with _local_cluster_settings(dask_config.is_local), Client(**client_kwargs) as client:
            yield DagsterEvent.engine_event(
                pipeline_context,
                f"Executing steps on Dask (scheduler: {client.scheduler.address})",
                EngineEventData.multiprocess(os.getpid(), execution_plan.step_keys_to_execute),
            )
            launcher = _DaskLauncher(pipeline_context, client, handle)
            yield from dispatch_steps(
                pipeline_context, execution_plan, dask_config.retries, launcher, ENGINE_NAME
            )
