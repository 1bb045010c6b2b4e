"""Execute one step: load and type-check inputs, run the compute function, check and store outputs.

Every call into user code (compute, type checks, input hydration, output materialization) runs
inside ``user_code_error_boundary``. A step never raises for a user error: it yields a
``STEP_FAILURE`` event carrying the *user's* exception and traceback, and only re-raises when the
run was started with ``raise_on_error``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster.core.definitions.events import (
    ExpectationResult,
    Failure,
    Materialization,
    Output,
    RetryRequested,
)
from dagster.core.errors import (
    DagsterError,
    DagsterExecutionStepExecutionError,
    DagsterInputHydrationConfigError,
    DagsterInvariantViolationError,
    DagsterOutputMaterializationError,
    DagsterStepOutputNotFoundError,
    DagsterTypeCheckDidNotPass,
    DagsterTypeCheckError,
    DagsterUserCodeExecutionError,
    user_code_error_boundary,
)
from dagster.core.events import DagsterEvent
from dagster.core.execution.context.compute import SolidExecutionContext
from dagster.core.execution.plan.objects import (
    StepFailureData,
    StepInputData,
    StepOutputData,
    StepOutputHandle,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)
from dagster.core.execution.plan.objects import StepInputSourceType as _Source
from dagster.core.execution.retries import Retries
from dagster.core.storage.intermediates_manager import ObjectStoreOperation
from dagster.utils.error import serializable_error_info_from_exc_info

# Yielded up to dagster_event_sequence_for_step when the events held so far are stored and user
# code is about to run; never leaves this module.
_EVENTS_STORED = object()


def dagster_event_sequence_for_step(step_context: Any, retries: Retries) -> Iterator[DagsterEvent]:
    """The events of one attempt of a step, ending with SUCCESS, FAILURE or UP_FOR_RETRY.

    With ``raise_on_error`` the error is re-raised after its STEP_FAILURE event: the user's own
    exception for errors in user code, ``Failure`` as raised, other ``DagsterError``s as they are.

    The events of each stretch of framework code are stored together (see
    ``DagsterInstance.hold_events``): before the compute function runs, whenever the step goes back
    into it, before other user code (type checks, loading from config, materializations), and when
    the step ends. An event is yielded once it is stored.
    """
    instance = step_context.instance
    pending: list[DagsterEvent] = []
    instance.hold_events()
    try:
        for item in _attempt_events(step_context, retries):
            if item is _EVENTS_STORED:
                yield from pending
                pending.clear()
            else:
                pending.append(item)
    except BaseException as exc:
        instance.release_events()
        if not isinstance(exc, GeneratorExit):
            yield from pending
        raise
    instance.release_events()
    yield from pending


def _attempt_events(step_context: Any, retries: Retries) -> Iterator[Any]:
    step = step_context.step
    try:
        yield from _core_event_sequence_for_step(step_context, retries.get_attempt_count(step.key))
    except RetryRequested as retry_request:
        retry_info = serializable_error_info_from_exc_info(sys.exc_info())
        if retries.disabled:
            reason = (
                f'Step "{step.key}" raised RetryRequested but retries are disabled for this run. '
                "Enable them in the run config: execution: {in_process: {config: {retries: {enabled: {}}}}}."
            )
        elif retries.get_attempt_count(step.key) >= retry_request.max_retries:
            reason = f'Step "{step.key}" exceeded max_retries of {retry_request.max_retries}.'
        else:
            yield DagsterEvent.step_retry_event(
                step_context, StepRetryData(error=retry_info, seconds_to_wait=retry_request.seconds_to_wait)
            )
            return
        yield DagsterEvent.step_failure_event(
            step_context,
            StepFailureData(error=retry_info._replace(message=reason + "\n"), user_failure_data=None),
        )
        if step_context.raise_on_error:
            raise DagsterExecutionStepExecutionError(
                reason,
                user_exception=retry_request,
                original_exc_info=sys.exc_info(),
                step_key=step.key,
                solid_name=step.solid_handle_str,
                solid_def_name=step.solid.definition.name,
            ) from retry_request
    except Failure as failure:
        yield DagsterEvent.step_failure_event(
            step_context,
            StepFailureData(
                error=serializable_error_info_from_exc_info(sys.exc_info()),
                user_failure_data=UserFailureData(
                    label="intentional-failure",
                    description=failure.description,
                    metadata_entries=failure.metadata_entries,
                ),
            ),
        )
        if step_context.raise_on_error:
            raise
    except DagsterExecutionStepExecutionError as compute_error:
        # The compute function raised: record (and re-raise) the user's own exception, as 0.7 did.
        yield DagsterEvent.step_failure_event(
            step_context,
            StepFailureData(
                error=serializable_error_info_from_exc_info(compute_error.original_exc_info),
                user_failure_data=None,
            ),
        )
        if step_context.raise_on_error:
            raise compute_error.user_exception
    except DagsterUserCodeExecutionError:
        # A type check, input hydration or output materialization raised: the wrapper's message says
        # which input/output and config path; the user's exception is its cause.
        yield DagsterEvent.step_failure_event(
            step_context,
            StepFailureData(
                error=serializable_error_info_from_exc_info(sys.exc_info()), user_failure_data=None
            ),
        )
        if step_context.raise_on_error:
            raise
    except DagsterError:
        yield DagsterEvent.step_failure_event(
            step_context,
            StepFailureData(
                error=serializable_error_info_from_exc_info(sys.exc_info()), user_failure_data=None
            ),
        )
        if step_context.raise_on_error:
            raise


def _core_event_sequence_for_step(step_context: Any, previous_attempts: int) -> Iterator[Any]:
    step = step_context.step
    start = time.perf_counter()
    if previous_attempts:
        yield DagsterEvent.step_restarted_event(step_context, previous_attempts)
    else:
        yield DagsterEvent.step_start_event(step_context)

    inputs: dict[str, Any] = {}
    for step_input in step.step_inputs:
        if step_input.dagster_type.is_nothing:
            continue
        value = yield from _load_input(step_context, step_input)
        inputs[step_input.name] = value

    for step_input in step.step_inputs:
        if step_input.dagster_type.is_nothing:
            continue
        yield from _type_checked_input_event(step_context, step_input, inputs[step_input.name])

    seen_outputs: set[str] = set()
    compute_context = SolidExecutionContext(step_context.for_compute())
    for user_event in _user_event_sequence(step_context, compute_context, inputs):
        if user_event is _EVENTS_STORED:
            yield user_event
        elif isinstance(user_event, Output):
            name = user_event.output_name
            if name in seen_outputs:
                raise DagsterInvariantViolationError(
                    f'Compute function of solid "{step.solid_handle_str}" yielded output "{name}" more '
                    "than once. Yield each output at most once per run of the step."
                )
            seen_outputs.add(name)
            yield from _output_events(step_context, user_event)
        elif isinstance(user_event, Materialization):
            yield DagsterEvent.step_materialization(step_context, user_event)
        elif isinstance(user_event, ExpectationResult):
            yield DagsterEvent.step_expectation_result(step_context, user_event)
        else:
            raise DagsterInvariantViolationError(
                f'Compute function of solid "{step.solid_handle_str}" yielded {user_event!r} '
                f"(a {type(user_event).__name__}); it may only yield Output, Materialization or "
                "ExpectationResult."
            )

    for step_output in step.step_outputs:
        if step_output.name in seen_outputs or step_output.optional:
            continue
        if step_output.dagster_type.is_nothing:
            # A required Nothing output carries no value: it is produced implicitly.
            yield from _output_events(step_context, Output(None, step_output.name))
            continue
        raise DagsterStepOutputNotFoundError(
            f'Solid "{step.solid_handle_str}" (step "{step.key}") did not yield its required output '
            f'"{step_output.name}". Yield Output(value, "{step_output.name}") from the compute '
            "function, or declare the output with is_required=False.",
            step_key=step.key,
            output_name=step_output.name,
        )

    yield DagsterEvent.step_success_event(
        step_context, StepSuccessData(duration_ms=(time.perf_counter() - start) * 1000.0)
    )


def _user_event_sequence(step_context: Any, compute_context: SolidExecutionContext, inputs: dict):
    step = step_context.step
    solid_def = step.solid.definition

    def message() -> str:
        exc = sys.exc_info()[1]
        return (
            f'Error occurred during the execution of step "{step.key}" (solid "{step.solid_handle_str}", '
            f'definition "{solid_def.name}"): {type(exc).__name__}: {exc}'
        )

    instance = step_context.instance
    with user_code_error_boundary(
        DagsterExecutionStepExecutionError,
        message,
        control_flow_exceptions=(Failure, RetryRequested),
        step_key=step.key,
        solid_name=step.solid_handle_str,
        solid_def_name=solid_def.name,
    ):
        # Whatever user code logs goes to storage at once; the framework's own events in between
        # are held and stored together before user code runs again.
        instance.release_events()
        yield _EVENTS_STORED
        try:
            events = solid_def.compute_fn(compute_context, inputs)
        finally:
            instance.hold_events()
        if events is None:
            return
        if type(events) in (tuple, list):  # iterating these runs no user code
            yield from events
            return
        iterator = iter(events)
        while True:
            instance.release_events()
            yield _EVENTS_STORED
            try:
                event = next(iterator)
            except StopIteration:
                return
            finally:
                instance.hold_events()
            yield event


@contextmanager
def _events_stored_first(step_context: Any) -> Iterator[None]:
    """Around user code other than the compute function (a type check, loading an input from
    config, materializing an output): the events held so far are stored before it runs, what it
    logs is stored at once, and holding resumes after it. (Its events are yielded later, with the
    next group.)"""
    instance = step_context.instance
    instance.release_events()
    try:
        yield
    finally:
        instance.hold_events()


def _load_input(step_context: Any, step_input: Any):
    """Load one input's value (a generator: it yields object store events, returns the value)."""
    source = step_input.source_type
    if source is _Source.SINGLE_OUTPUT:
        value = yield from _load_intermediate(step_context, step_input, step_input.source_handles[0])
        return value
    if source is _Source.MULTIPLE_OUTPUTS:
        values = []
        for handle in step_input.source_handles:
            value = yield from _load_intermediate(step_context, step_input, handle)
            values.append(value)
        return values
    if source is _Source.CONFIG:
        hydration = step_input.dagster_type.input_hydration_config
        if hydration is None:
            raise DagsterInvariantViolationError(
                f'Input "{step_input.name}" of step "{step_context.step.key}" has a value in the run '
                f'config but its type "{step_input.dagster_type.display_name}" cannot be loaded from config.'
            )
        with user_code_error_boundary(
            DagsterInputHydrationConfigError,
            lambda: (
                f'Error occurred while loading input "{step_input.name}" of step "{step_context.step.key}" '
                f"from the run config (solids:{step_input.config_path}:inputs:{step_input.name}): "
                f"{sys.exc_info()[1]!r}"
            ),
        ):
            with _events_stored_first(step_context):
                return hydration.construct_from_config_value(step_context, step_input.config_data)
    return step_input.default_value


def _load_intermediate(step_context: Any, step_input: Any, handle: StepOutputHandle):
    result = step_context.intermediates_manager.get_intermediate(
        step_context, step_input.dagster_type, handle
    )
    if isinstance(result, ObjectStoreOperation):
        yield DagsterEvent.object_store_operation(
            step_context, ObjectStoreOperation.serializable(result, value_name=step_input.name)
        )
        return result.obj
    return result


def _type_check(step_context: Any, step_io: Any, value: Any, what: str):
    dagster_type = step_io.dagster_type
    if step_io.framework_checked:
        return dagster_type.type_check(None, value)
    type_context = step_context.for_type(dagster_type)
    with user_code_error_boundary(
        DagsterTypeCheckError,
        lambda: (
            f'Error occurred in the type check of type "{dagster_type.display_name}" for {what} of step '
            f'"{step_context.step.key}": {sys.exc_info()[1]!r}'
        ),
    ):
        with _events_stored_first(step_context):
            return dagster_type.type_check(type_context, value)


def _type_checked_input_event(step_context: Any, step_input: Any, value: Any) -> Iterator[DagsterEvent]:
    dagster_type = step_input.dagster_type
    type_check = _type_check(step_context, step_input, value, f'input "{step_input.name}"')
    yield DagsterEvent.step_input_event(
        step_context,
        StepInputData(
            input_name=step_input.name,
            type_check_data=TypeCheckData(
                success=type_check.success,
                label=step_input.name,
                description=type_check.description,
                metadata_entries=type_check.metadata_entries,
            ),
        ),
        dagster_type.display_name,
    )
    if not type_check.success:
        raise DagsterTypeCheckDidNotPass(
            _type_check_failure_message(step_context, "input", step_input.name, dagster_type, type_check),
            type_check.metadata_entries,
            dagster_type,
        )


def _type_check_failure_message(step_context, kind: str, name: str, dagster_type: Any, type_check) -> str:
    text = (
        f'Type check failed for step {kind} "{name}" of step "{step_context.step.key}" '
        f'(expected type "{dagster_type.display_name}")'
    )
    return text + (f": {type_check.description}" if type_check.description else ".")


def _output_events(step_context: Any, output: Output) -> Iterator[DagsterEvent]:
    step = step_context.step
    step_output = step.step_output_dict.get(output.output_name)
    if step_output is None:
        available = ", ".join(f'"{o.name}"' for o in step.step_outputs) or "none"
        raise DagsterInvariantViolationError(
            f'Compute function of solid "{step.solid_handle_str}" yielded an output named '
            f'"{output.output_name}", which the solid does not define. Its outputs are: {available}.'
        )
    dagster_type = step_output.dagster_type
    value = output.value
    type_check = _type_check(step_context, step_output, value, f'output "{output.output_name}"')
    handle = StepOutputHandle(step.key, output.output_name)
    yield DagsterEvent.step_output_event(
        step_context,
        StepOutputData(
            step_output_handle=handle,
            type_check_data=TypeCheckData(
                success=type_check.success,
                label=output.output_name,
                description=type_check.description,
                metadata_entries=type_check.metadata_entries,
            ),
        ),
        dagster_type.display_name,
    )
    if not type_check.success:
        raise DagsterTypeCheckDidNotPass(
            _type_check_failure_message(step_context, "output", output.output_name, dagster_type, type_check),
            type_check.metadata_entries,
            dagster_type,
        )
    operation = step_context.intermediates_manager.set_intermediate(step_context, dagster_type, handle, value)
    if isinstance(operation, ObjectStoreOperation):
        yield DagsterEvent.object_store_operation(
            step_context, ObjectStoreOperation.serializable(operation, value_name=output.output_name)
        )
    for config_value in step_output.materialization_configs:
        yield from _config_materializations(step_context, step_output, config_value, value)


def _config_materializations(step_context, step_output, config_value, value) -> Iterator[DagsterEvent]:
    materializer = step_output.dagster_type.output_materialization_config
    if materializer is None:
        raise DagsterInvariantViolationError(
            f'Output "{step_output.name}" of step "{step_context.step.key}" has an outputs: entry in the '
            f'run config but its type "{step_output.dagster_type.display_name}" cannot be materialized.'
        )
    with user_code_error_boundary(
        DagsterOutputMaterializationError,
        lambda: (
            f'Error occurred while materializing output "{step_output.name}" of step '
            f'"{step_context.step.key}" from the run config: {sys.exc_info()[1]!r}'
        ),
    ):
        with _events_stored_first(step_context):
            materializations = materializer.materialize_runtime_value(step_context, config_value, value)
    if isinstance(materializations, Materialization):
        materializations = [materializations]
    for materialization in materializations or ():
        if not isinstance(materialization, Materialization):
            raise DagsterInvariantViolationError(
                f'Materializing output "{step_output.name}" of step "{step_context.step.key}" returned '
                f"{materialization!r}; an output materialization config must return Materializations."
            )
        yield DagsterEvent.step_materialization(step_context, materialization)
