"""Run the steps of a plan one after another in this process (used by the in-process engine and by
workers that run a one-step plan on behalf of a parallel engine)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from dagster.core.events import DagsterEvent
from dagster.core.execution.plan.active import ActiveExecution
from dagster.core.execution.plan.execute_step import dagster_event_sequence_for_step
from dagster.core.execution.retries import Retries


def inner_plan_execution_iterator(
    pipeline_context: Any, execution_plan: Any, retries: Retries | None = None
) -> Iterator[DagsterEvent]:
    """Yield the events of every step to execute, in topological order.

    A step whose upstream step failed or was skipped in this run, or whose upstream output is not
    in the intermediates (an optional output that was not yielded, or a step outside the subset
    that never stored it), is skipped. A step that asks for a retry runs again after its wait
    (other ready steps run meanwhile), unless retries are deferred to an outer engine.
    """
    retries = retries if retries is not None else pipeline_context.retries
    compute_log_manager = pipeline_context.instance.compute_log_manager
    pipeline_run = pipeline_context.pipeline_run
    intermediates_manager = pipeline_context.intermediates_manager
    active = ActiveExecution(execution_plan, retries)

    while not active.is_complete:
        for step in active.get_steps_to_skip():
            step_context = pipeline_context.for_step(step)
            with compute_log_manager.watch(pipeline_run, step.key):
                blocked = _blocked_inputs(step, active.failed_or_skipped)
                step_context.log.info(
                    f'Dependencies for step "{step.key}" failed or were skipped: {", ".join(blocked)}. '
                    "Not executing."
                )
                yield DagsterEvent.step_skipped_event(step_context)

        steps = active.get_steps_to_execute()
        if not steps:
            wait = active.seconds_until_next_retry()
            if wait is not None:
                time.sleep(wait)
            continue

        for step in steps:
            step_context = pipeline_context.for_step(step)
            with compute_log_manager.watch(pipeline_run, step.key):
                missing = _missing_inputs(step_context, step, intermediates_manager)
                if missing:
                    step_context.log.info(
                        f'Not all inputs of step "{step.key}" are available: no value stored for '
                        f"{', '.join(missing)}. Not executing."
                    )
                    active.mark_skipped(step.key)
                    yield DagsterEvent.step_skipped_event(step_context)
                    continue
                for event in dagster_event_sequence_for_step(step_context, retries):
                    active.handle_event(event)
                    yield event


def _blocked_inputs(step: Any, failed_or_skipped: set[str]) -> list[str]:
    return [
        f"{handle.step_key}:{handle.output_name}"
        for step_input in step.step_inputs
        for handle in step_input.source_handles
        if handle.step_key in failed_or_skipped
    ]


def _missing_inputs(step_context: Any, step: Any, intermediates_manager: Any) -> list[str]:
    missing = []
    for step_input in step.step_inputs:
        for handle in step_input.source_handles:
            if not intermediates_manager.has_intermediate(step_context, handle):
                missing.append(f'input "{step_input.name}" (from {handle.step_key}:{handle.output_name})')
    return missing
