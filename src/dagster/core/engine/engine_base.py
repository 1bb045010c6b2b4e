"""The engine interface every executor's engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster.core.events import DagsterEvent
    from dagster.core.execution.context.system import SystemPipelineExecutionContext
    from dagster.core.execution.plan.plan import ExecutionPlan


class Engine(ABC):
    """Runs the steps of a plan and yields every ``DagsterEvent`` they produce, in order.

    ``execute`` receives the run's ``SystemPipelineExecutionContext`` (resources, storage, logging,
    the executor config with its retry policy) and the ``ExecutionPlan`` (already restricted to
    ``step_keys_to_execute``). It must not raise for a failing step: step failures are events.

    Parallel engines use ``dagster.core.execution.plan.active.ActiveExecution`` to know which steps
    are ready, skipped or waiting for a retry, and run each step elsewhere with
    ``execute_plan_iterator(plan.build_subset_plan([key]), run, instance, retries=retries.for_inner_plan())``.

    Example::

        class SerialEngine(Engine):
            @staticmethod
            def execute(pipeline_context, execution_plan):
                yield from inner_plan_execution_iterator(pipeline_context, execution_plan)
    """

    @staticmethod
    @abstractmethod
    def execute(
        pipeline_context: SystemPipelineExecutionContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        """Run the plan's steps; yield their events."""
