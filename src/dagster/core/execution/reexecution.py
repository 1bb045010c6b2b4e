"""Re-execution: before the steps of a re-executed run start, copy the stored outputs they need
from the previous run into this run's intermediates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dagster.core.errors import DagsterStepOutputNotFoundError
from dagster.core.events import DagsterEvent
from dagster.core.storage.intermediates_manager import ObjectStoreOperation


def copy_required_intermediates_for_execution(
    pipeline_context: Any, execution_plan: Any
) -> Iterator[DagsterEvent]:
    """Copy every output that a step to execute reads from a step that will not run.

    Only runs with a ``previous_run_id`` copy; an output the previous run did not store is left
    out, and the step that needs it is then skipped with a message naming the missing input.
    """
    previous_run_id = pipeline_context.pipeline_run.previous_run_id
    if previous_run_id is None:
        return
    executing = set(execution_plan.step_keys_to_execute)
    intermediates_manager = pipeline_context.intermediates_manager
    copied = set()
    for step in execution_plan.execution_steps():
        step_context = None
        for step_input in step.step_inputs:
            for handle in step_input.source_handles:
                if handle.step_key in executing or handle in copied:
                    continue
                copied.add(handle)
                step_context = step_context or pipeline_context.for_step(step)
                if intermediates_manager.has_intermediate(step_context, handle):
                    continue
                try:
                    operation = intermediates_manager.copy_intermediate_from_run(
                        step_context, previous_run_id, handle
                    )
                except DagsterStepOutputNotFoundError as error:
                    step_context.log.warning(str(error))
                    continue
                if isinstance(operation, ObjectStoreOperation):
                    yield DagsterEvent.object_store_operation(
                        step_context, ObjectStoreOperation.serializable(operation, value_name=step_input.name)
                    )
