"""The multiprocess engine: steps run in parallel in a pool of worker processes.

Workers rebuild the pipeline from the run's ``ExecutionTargetHandle`` and open the instance from its
``InstanceRef`` once, then run step after step; each step writes its events and compute logs to the
instance. The parent launches steps as their inputs become ready (at most ``max_concurrent`` at once)
and passes the workers' events on. SIGTERM is handled like Ctrl-C while the engine runs: workers are
stopped, running steps and the run are marked failed with an engine event saying why.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from dagster.core.engine.engine_base import Engine
from dagster.core.engine.multiprocess_pool import ENGINE_NAME, acquire_pool
from dagster.core.engine.worker_dispatch import dispatch_steps
from dagster.core.errors import DagsterUnmetExecutorRequirementsError
from dagster.core.events import DagsterEvent, EngineEventData, format_duration


class TerminationRequested(KeyboardInterrupt):
    """Raised in the parent when it receives SIGTERM during a multiprocess run."""


def check_multiprocess_requirements(pipeline_context: Any, executor_name: str = "multiprocess") -> Any:
    """The handle workers reload the pipeline from; raises when the run cannot use worker processes."""
    if not pipeline_context.instance.is_persistent:
        raise DagsterUnmetExecutorRequirementsError(
            f"The {executor_name} executor needs a persistent DagsterInstance (workers report their "
            "events to it), but the run uses an ephemeral one. Set $DAGSTER_HOME and pass "
            "instance=DagsterInstance.get()."
        )
    if not pipeline_context.intermediates_manager.is_persistent:
        raise DagsterUnmetExecutorRequirementsError(
            f"The {executor_name} executor needs a persistent system storage (workers pass outputs "
            "through it), but the run keeps them in memory. Add `storage: {filesystem: {}}` to the run config."
        )
    handle = getattr(pipeline_context.executor_config, "handle", None)
    if handle is None:
        raise DagsterUnmetExecutorRequirementsError(
            f'The {executor_name} executor cannot run pipeline "{pipeline_context.pipeline_def.name}": '
            "workers must load it again, so it has to be loaded through an ExecutionTargetHandle "
            "(e.g. ExecutionTargetHandle.for_pipeline_fn(fn).build_pipeline_definition())."
        )
    return handle


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises ``TerminationRequested`` in the main thread (if it had no handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        raise TerminationRequested("the parent process received SIGTERM")

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class MultiprocessEngine(Engine):
    """Runs steps in up to ``max_concurrent`` reusable worker processes."""

    @staticmethod
    def execute(pipeline_context: Any, execution_plan: Any) -> Iterator[DagsterEvent]:
        handle = check_multiprocess_requirements(pipeline_context)
        executor_config = pipeline_context.executor_config
        step_keys = execution_plan.step_keys_to_execute
        size = max(1, min(executor_config.max_concurrent, len(step_keys)))
        widest_level = max((len(level) for level in execution_plan.execution_step_levels()), default=1)
        pid = os.getpid()
        start = time.perf_counter()
        yield DagsterEvent.engine_event(
            pipeline_context,
            f"Executing steps using multiprocess engine: parent process (pid: {pid})",
            EngineEventData.multiprocess(pid, step_keys),
        )
        if step_keys:
            pool = acquire_pool(pipeline_context, handle, size)
            with sigterm_as_interrupt():
                try:
                    yield from pool.start_workers(min(size, widest_level))
                except BaseException:
                    pool.stop()
                    raise
                yield from dispatch_steps(
                    pipeline_context, execution_plan, executor_config.retries, pool, ENGINE_NAME
                )
        elapsed = format_duration((time.perf_counter() - start) * 1000)
        yield DagsterEvent.engine_event(
            pipeline_context,
            f"Multiprocess engine: parent process exiting after {elapsed} (pid: {pid})",
            EngineEventData.multiprocess(pid),
        )
