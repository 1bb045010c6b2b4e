"""The scheduling loop parallel engines share: hand ready steps to workers, collect their events.

An engine supplies a ``StepLauncher`` (a pool of processes, a Dask client, a Celery app). The loop
keeps the plan's state in an ``ActiveExecution``: it launches steps as their inputs become ready (at
most as many as the launcher has free slots), skips the downstream of failed or skipped steps exactly
as the in-process engine does, schedules retries, and fails a step whose worker ended without
reporting an outcome (it died, or the task raised). With ``raise_on_error`` (the default of
``execute_pipeline``), failed steps raise a ``DagsterSubprocessError`` once every step has ended,
since the user's exceptions were raised in other processes. If the run is interrupted (Ctrl-C, SIGTERM, or
the consumer closing the event stream), the launcher is stopped, every running step is marked failed
with a message saying why, and the interruption propagates.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, NamedTuple

from dagster.core.errors import DagsterInvariantViolationError, DagsterSubprocessError
from dagster.core.events import DagsterEvent, EngineEventData
from dagster.core.execution.plan.active import ActiveExecution
from dagster.core.execution.retries import Retries
from dagster.core.execution.worker_step import worker_step_failure_event

_STEP_OUTCOMES = frozenset({"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "STEP_UP_FOR_RETRY"})


class StepUpdate(NamedTuple):
    """Something a launcher learned about a launched step.

    ``event``: an event to pass on (from the worker, or an engine event the launcher made).
    ``finished``: the launch is over; if no outcome event came for it, ``error`` says why (or None
    for "ended without a result").
    ``close_log``: the worker may have ended without closing the step's compute log (it died, or
    its task never ran); the loop marks the log complete.
    """

    token: int
    step_key: str
    event: DagsterEvent | None = None
    finished: bool = False
    error: Any = None
    close_log: bool = False


class StepLauncher(ABC):
    """Where an engine runs steps. Each launch gets a token that its updates carry."""

    @abstractmethod
    def free_slots(self) -> int:
        """How many more steps may run now."""

    @abstractmethod
    def launch(self, token: int, step: Any, retries: Retries) -> Iterator[DagsterEvent]:
        """Start ``step`` (with the worker-side retry policy); yield engine events about it."""

    @abstractmethod
    def poll(self, timeout: float | None) -> Iterator[StepUpdate]:
        """Wait at most ``timeout`` seconds (None: until something happens) and report what happened."""

    @abstractmethod
    def stop(self) -> None:
        """Stop every running step and release the workers (idempotent)."""

    def finish(self) -> None:
        """The run's steps all ended normally; by default the same as ``stop``."""
        self.stop()


def dispatch_steps(
    pipeline_context: Any, execution_plan: Any, retries: Retries, launcher: StepLauncher, engine_name: str
) -> Iterator[DagsterEvent]:
    """Run the plan's steps through ``launcher``; yield every event, skips and failures included."""
    active = ActiveExecution(execution_plan, retries)
    failures: list = []  # STEP_FAILURE events, for raise_on_error
    running: dict[int, str] = {}  # token -> step key
    resolved: set[int] = set()  # tokens whose outcome event arrived
    next_token = 0
    try:
        while running or not active.is_complete:
            yield from _skip_events(pipeline_context, active)
            free = launcher.free_slots()
            if free > 0:
                for step in active.get_steps_to_execute(free):
                    next_token += 1
                    running[next_token] = step.key
                    yield from launcher.launch(next_token, step, retries.for_inner_plan())
            if not running:
                wait = active.seconds_until_next_retry()
                if wait is None and not active.is_complete:
                    raise DagsterInvariantViolationError(
                        f"{engine_name}: no step is running or ready, yet the plan is not complete "
                        "(steps waiting for upstream steps that will never run)."
                    )
                if wait is not None:
                    time.sleep(wait)
                continue
            for update in launcher.poll(active.seconds_until_next_retry()):
                event = update.event
                if event is not None:
                    if event.step_key == update.step_key and event.event_type_value in _STEP_OUTCOMES:
                        resolved.add(update.token)
                        active.handle_event(event)
                        if event.event_type_value == "STEP_FAILURE":
                            failures.append(event)
                    yield event
                if update.finished:
                    running.pop(update.token, None)
                    if update.close_log:
                        close_step_compute_log(pipeline_context, update.step_key)
                    if update.token not in resolved:
                        step = execution_plan.get_step_by_key(update.step_key)
                        message = update.error or (
                            f'Step "{update.step_key}" ended in its worker without reporting a result.'
                        )
                        failure = worker_step_failure_event(pipeline_context, step, str(message))
                        active.handle_event(failure)
                        failures.append(failure)
                        yield failure
                    resolved.discard(update.token)
    except BaseException as exc:  # interrupts and exits too: workers must not outlive the run
        launcher.stop()
        events = _interrupted(pipeline_context, execution_plan, running, resolved, exc, engine_name)
        if not isinstance(exc, GeneratorExit):
            yield from events
        raise
    launcher.finish()
    if failures and pipeline_context.raise_on_error:
        raise _failed_steps_error(failures, engine_name)


def _failed_steps_error(failures: list, engine_name: str) -> DagsterSubprocessError:
    """What ``raise_on_error`` raises: the user's errors happened in other processes."""
    infos = [event.event_specific_data.error for event in failures if event.event_specific_data.error]
    summary = "; ".join(
        f"{event.step_key} ({event.event_specific_data.error.message.strip().splitlines()[-1]})"
        if event.event_specific_data.error
        else event.step_key
        for event in failures
    )
    return DagsterSubprocessError(
        f"{len(failures)} step(s) failed in the workers of the {engine_name}: {summary}. "
        "Their errors are in subprocess_error_infos and in the STEP_FAILURE events; pass "
        "raise_on_error=False to get the result instead.",
        subprocess_error_infos=infos,
    )


def _interrupted(
    pipeline_context: Any,
    execution_plan: Any,
    running: dict[int, str],
    resolved: set[int],
    exc: BaseException,
    engine_name: str,
) -> list[DagsterEvent]:
    """Fail the steps that were running when the engine stopped; the events are already stored."""
    keys = sorted({key for token, key in running.items() if token not in resolved})
    if isinstance(exc, GeneratorExit):
        why = "the consumer of the run's events stopped reading them"
    elif isinstance(exc, KeyboardInterrupt):
        why = str(exc) or "it was interrupted (KeyboardInterrupt)"
    else:
        why = f"of an error in the engine: {type(exc).__name__}: {exc}"
    events = [
        DagsterEvent.engine_event(
            pipeline_context,
            f"{engine_name} stopped because {why}; its workers were stopped. "
            f"Steps interrupted: {', '.join(keys) if keys else 'none'}.",
            EngineEventData.interrupted(keys),
        )
    ]
    for key in keys:
        step = execution_plan.get_step_by_key(key)
        events.append(
            worker_step_failure_event(
                pipeline_context,
                step,
                f'Step "{key}" was interrupted: {engine_name} stopped because {why}.',
                cls_name="DagsterExecutionInterruptedError",
            )
        )
        close_step_compute_log(pipeline_context, key)
    return events


def close_step_compute_log(pipeline_context: Any, step_key: str) -> None:
    """Mark a step's compute log complete when its worker could not (it was stopped or died)."""
    manager = pipeline_context.instance.compute_log_manager
    on_finish = getattr(manager, "on_watch_finish", None)
    if on_finish is not None and manager.enabled(pipeline_context.pipeline_run, step_key):
        on_finish(pipeline_context.pipeline_run, step_key)


def _skip_events(pipeline_context: Any, active: ActiveExecution) -> Iterator[DagsterEvent]:
    """STEP_SKIPPED for every step whose upstream failed or was skipped, as the in-process engine
    logs it. Skipping a step can make its own downstream skippable, so this runs until none is left."""
    compute_log_manager = pipeline_context.instance.compute_log_manager
    pipeline_run = pipeline_context.pipeline_run
    while True:
        steps = active.get_steps_to_skip()
        if not steps:
            return
        failed_or_skipped = active.failed_or_skipped
        for step in steps:
            step_context = pipeline_context.for_step(step)
            with compute_log_manager.watch(pipeline_run, step.key):
                blocked = [
                    f"{handle.step_key}:{handle.output_name}"
                    for step_input in step.step_inputs
                    for handle in step_input.source_handles
                    if handle.step_key in failed_or_skipped
                ]
                step_context.log.info(
                    f'Dependencies for step "{step.key}" failed or were skipped: {", ".join(blocked)}. '
                    "Not executing."
                )
                yield DagsterEvent.step_skipped_event(step_context)
