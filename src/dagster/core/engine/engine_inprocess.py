"""The default engine: every step in this process, one after another, in topological order."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from dagster.core.engine.engine_base import Engine
from dagster.core.events import DagsterEvent, EngineEventData, format_duration
from dagster.core.execution.plan.execute_plan import inner_plan_execution_iterator


class InProcessEngine(Engine):
    """Runs the plan in the current process, retrying steps in place when they ask for it."""

    @staticmethod
    def execute(pipeline_context: Any, execution_plan: Any) -> Iterator[DagsterEvent]:
        step_keys = execution_plan.step_keys_to_execute
        pid = os.getpid()
        yield DagsterEvent.engine_event(
            pipeline_context,
            f"Executing steps in process (pid: {pid})",
            EngineEventData.in_process(pid, step_keys),
        )
        start = time.perf_counter()
        yield from inner_plan_execution_iterator(
            pipeline_context, execution_plan, pipeline_context.executor_config.retries
        )
        yield DagsterEvent.engine_event(
            pipeline_context,
            f"Finished steps in process (pid: {pid}) in {format_duration((time.perf_counter() - start) * 1000)}",
            EngineEventData.in_process(
                pid, step_keys, marker_end=getattr(pipeline_context.executor_config, "marker_to_close", None)
            ),
        )
