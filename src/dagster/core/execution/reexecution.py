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

    Only runs with a ``previous_run_id`` copy. An output the previous run did not store (it was
    itself a re-execution of other steps) is looked for in that run's parent, and so on up to the
    root run; one stored by none of them is left out, and the step that needs it is then skipped
    with a message naming the missing input.
    """
    previous_run_id = pipeline_context.pipeline_run.previous_run_id
    if previous_run_id is None:
        return
    ancestors: list[str] | None = None  # read when a first output must be copied
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
                if ancestors is None:
                    ancestors = _ancestor_run_ids(pipeline_context.instance, previous_run_id)
                operation = _copy_from_nearest(intermediates_manager, step_context, ancestors, handle)
                if operation is None:
                    continue
                if isinstance(operation, ObjectStoreOperation):
                    yield DagsterEvent.object_store_operation(
                        step_context, ObjectStoreOperation.serializable(operation, value_name=step_input.name)
                    )


def _ancestor_run_ids(instance: Any, previous_run_id: str) -> list[str]:
    """``previous_run_id``, its parent, the parent's parent, ... up to the root run."""
    chain = [previous_run_id]
    run = instance.get_run_by_id(previous_run_id)
    while run is not None and run.parent_run_id and run.parent_run_id not in chain:
        chain.append(run.parent_run_id)
        run = instance.get_run_by_id(run.parent_run_id)
    return chain


def _copy_from_nearest(intermediates_manager: Any, step_context: Any, run_ids: list[str], handle: Any) -> Any:
    """Copy ``handle``'s output from the first run of ``run_ids`` that stored it. None (and a
    warning naming the runs searched) when none did."""
    first_error = None
    for run_id in run_ids:
        try:
            return intermediates_manager.copy_intermediate_from_run(step_context, run_id, handle)
        except DagsterStepOutputNotFoundError as error:
            first_error = first_error or error
    message = str(first_error)
    if len(run_ids) > 1:
        message += f" Its ancestors {', '.join(run_ids[1:])} did not store it either."
    step_context.log.warning(message)
    return None
