"""Run the steps of a plan one after another in this process (used by the in-process engine and by
workers that run a one-step plan on behalf of a parallel engine)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from dagster.core.events import DagsterEvent
from dagster.core.execution.plan.execute_step import dagster_event_sequence_for_step
from dagster.core.execution.retries import Retries


def inner_plan_execution_iterator(
    pipeline_context: Any, execution_plan: Any, retries: Retries | None = None
) -> Iterator[DagsterEvent]:
    """Yield the events of every step to execute, in topological order.

    A step whose upstream step failed or was skipped in this run, or whose upstream output is not
    in the intermediates (an optional output that was not yielded, or a step outside the subset
    that never stored it), is skipped. A step that asks for a retry is re-run here after its wait,
    unless retries are deferred to an outer engine.
    """
    retries = retries if retries is not None else pipeline_context.retries
    compute_log_manager = pipeline_context.instance.compute_log_manager
    pipeline_run = pipeline_context.pipeline_run
    intermediates_manager = pipeline_context.intermediates_manager
    failed_or_skipped: set[str] = set()

    for step in execution_plan.execution_steps():
        step_context = pipeline_context.for_step(step)
        with compute_log_manager.watch(pipeline_run, step.key):
            blocked = _blocked_inputs(step, failed_or_skipped)
            if blocked:
                step_context.log.info(
                    f'Dependencies for step "{step.key}" failed or were skipped: {", ".join(blocked)}. '
                    "Not executing."
                )
                failed_or_skipped.add(step.key)
                yield DagsterEvent.step_skipped_event(step_context)
                continue
            missing = _missing_inputs(step_context, step, intermediates_manager)
            if missing:
                step_context.log.info(
                    f'Not all inputs of step "{step.key}" are available: no value stored for '
                    f"{', '.join(missing)}. Not executing."
                )
                failed_or_skipped.add(step.key)
                yield DagsterEvent.step_skipped_event(step_context)
                continue
            while True:
                retry_event = None
                for event in dagster_event_sequence_for_step(step_context, retries):
                    if event.event_type_value == "STEP_FAILURE":
                        failed_or_skipped.add(step.key)
                    elif event.event_type_value == "STEP_UP_FOR_RETRY":
                        retry_event = event
                    yield event
                if retry_event is None or retries.deferred:
                    break
                seconds_to_wait = retry_event.event_specific_data.seconds_to_wait
                if seconds_to_wait:
                    time.sleep(seconds_to_wait)
                retries.mark_attempt(step.key)


def _blocked_inputs(step: Any, failed_or_skipped: set[str]) -> list[str]:
    if not failed_or_skipped:
        return []
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
