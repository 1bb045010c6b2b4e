"""Initialize a run's resources, and tear them down (in reverse order) when the run ends.

A resource function either returns the resource or is a generator that yields it exactly once;
code after its ``yield`` is teardown and runs after the run, even when the run failed. Only the
resources that the steps to execute (and the system storage) need are initialized.
"""

from __future__ import annotations

import inspect
import logging
import sys
import time
from collections.abc import Generator, Iterator
from typing import Any

from dagster import check
from dagster.core.errors import (
    DagsterError,
    DagsterInvariantViolationError,
    DagsterResourceFunctionError,
    DagsterUserCodeExecutionError,
    user_code_error_boundary,
)
from dagster.core.events import DagsterEvent, DagsterEventType, EngineEventData, format_duration
from dagster.core.execution.context.init import InitResourceContext
from dagster.core.execution.context.system import ScopedResourcesBuilder
from dagster.utils.error import serializable_error_info_from_exc_info


class EventGenerationManager:
    """Drives a generator that yields setup events, then one object, then teardown events.

    ``generate_setup_events()`` yields the events before the object and keeps the object for
    ``get_object()``; ``generate_teardown_events()`` resumes the generator for the rest. If the
    consumer stops early, ``close()`` runs the teardown without yielding (its events are still
    logged, because events are logged when they are built).
    """

    def __init__(self, generator: Generator, object_cls: type):
        self.generator = check.generator_param(generator, "generator")
        self.object_cls = object_cls
        self.object = None
        self._done = False

    def generate_setup_events(self) -> Iterator[DagsterEvent]:
        for item in self.generator:
            if isinstance(item, self.object_cls):
                self.object = item
                return
            yield item
        self._done = True

    def get_object(self) -> Any:
        if self.object is None:
            raise DagsterInvariantViolationError(
                f"Initialization did not produce a {self.object_cls.__name__}: call generate_setup_events first."
            )
        return self.object

    def generate_teardown_events(self) -> Iterator[DagsterEvent]:
        if self._done:
            return
        self._done = True
        yield from self.generator

    def close(self) -> None:
        """Run whatever teardown is left, discarding the events (they were logged already)."""
        for _ in self.generate_teardown_events():
            pass


def resource_initialization_manager(
    pipeline_def: Any,
    environment_config: Any,
    pipeline_run: Any,
    log_manager: Any,
    resource_keys_to_init: set[str] | frozenset,
    mode_def: Any = None,
) -> EventGenerationManager:
    return EventGenerationManager(
        resource_initialization_event_generator(
            pipeline_def, environment_config, pipeline_run, log_manager, resource_keys_to_init, mode_def
        ),
        ScopedResourcesBuilder,
    )


def resource_initialization_event_generator(
    pipeline_def: Any,
    environment_config: Any,
    pipeline_run: Any,
    log_manager: Any,
    resource_keys_to_init: set[str] | frozenset,
    mode_def: Any = None,
) -> Generator[Any, None, None]:
    """Yield init ENGINE_EVENTs, then a ``ScopedResourcesBuilder``; on resumption, tear down.

    Resources are initialized in the order of their keys and torn down in the reverse order. A
    failing resource function raises ``DagsterResourceFunctionError`` after the
    "Initialization of resources [...] failed." event and after tearing down the ones already made.
    """
    mode_def = mode_def or pipeline_def.get_mode_definition(pipeline_run.mode)
    keys = sorted(key for key in mode_def.resource_defs if key in resource_keys_to_init)
    if not keys:
        yield ScopedResourcesBuilder()
        return

    pipeline_name = pipeline_def.name
    yield DagsterEvent.resource_init_start(pipeline_name, log_manager, keys)
    instances: dict[str, Any] = {}
    init_times: dict[str, str] = {}
    generators: list[tuple[str, Generator]] = []
    try:
        for key in keys:
            resource_def = mode_def.resource_defs[key]
            resource_config = environment_config.resources.get(key, {}).get("config")
            context = InitResourceContext(
                resource_config,
                pipeline_def,
                resource_def,
                pipeline_run.run_id,
                log_manager.with_tags(resource_name=key, resource_fn_name=_fn_name(resource_def.resource_fn)),
            )
            start = time.perf_counter()
            generator = single_resource_event_generator(context, key, resource_def)
            instances[key] = next(generator)
            generators.append((key, generator))
            init_times[key] = format_duration((time.perf_counter() - start) * 1000.0)
    except DagsterError as error:
        exc_info = (
            error.original_exc_info if isinstance(error, DagsterUserCodeExecutionError) else sys.exc_info()
        )
        yield DagsterEvent.resource_init_failure(
            pipeline_name, log_manager, keys, serializable_error_info_from_exc_info(exc_info)
        )
        yield from _teardown(pipeline_name, log_manager, generators)
        raise

    yield DagsterEvent.resource_init_success(pipeline_name, log_manager, instances, init_times)
    try:
        yield ScopedResourcesBuilder(instances)
    except GeneratorExit:
        # The consumer stopped early (an error, raise_on_error): tear down without yielding.
        for _ in _teardown(pipeline_name, log_manager, generators):
            pass
        raise
    yield from _teardown(pipeline_name, log_manager, generators)


def single_resource_event_generator(
    context: InitResourceContext, resource_name: str, resource_def: Any
) -> Generator[Any, None, None]:
    """Yield the initialized resource once; on resumption run its teardown (if it has one)."""

    def message() -> str:
        exc = sys.exc_info()[1]
        return (
            f'Error executing the resource function of resource "{resource_name}" '
            f"({type(exc).__name__}: {exc}). Fix the resource function or its config "
            f"(resources:{resource_name}:config)."
        )

    with user_code_error_boundary(DagsterResourceFunctionError, message):
        produced = resource_def.resource_fn(context)
        if not inspect.isgenerator(produced):
            yield produced
            return
        try:
            resource = next(produced)
        except StopIteration:
            raise DagsterInvariantViolationError(
                f'The resource function of resource "{resource_name}" is a generator that did not '
                "yield: it must yield the resource exactly once."
            )
    yield resource

    def teardown_message() -> str:
        exc = sys.exc_info()[1]
        return f'Error in the teardown of resource "{resource_name}" ({type(exc).__name__}: {exc}).'

    with user_code_error_boundary(DagsterResourceFunctionError, teardown_message):
        try:
            next(produced)
        except StopIteration:
            return
    raise DagsterInvariantViolationError(
        f'The resource function of resource "{resource_name}" yielded more than once: a resource '
        "generator must yield exactly once (code after the yield is its teardown)."
    )


def _teardown(pipeline_name: str, log_manager: Any, generators: list) -> Iterator[DagsterEvent]:
    """Tear down in reverse order; every teardown runs even if an earlier one failed."""
    failed: list[str] = []
    errors = []
    for key, generator in reversed(generators):
        try:
            next(generator, None)
        except DagsterUserCodeExecutionError as error:
            failed.append(key)
            errors.append(serializable_error_info_from_exc_info(error.original_exc_info))
        except DagsterInvariantViolationError:
            failed.append(key)
            errors.append(serializable_error_info_from_exc_info(sys.exc_info()))
    if failed:
        event = DagsterEvent(
            DagsterEventType.ENGINE_EVENT.value,
            pipeline_name,
            logging_tags=log_manager.logging_tags,
            event_specific_data=EngineEventData(error=errors[0], marker_end="resources"),
            message=f"Teardown of resources [{', '.join(failed)}] failed.",
        )
        log_manager.log_dagster_event(event, level=logging.ERROR)
        yield event


def _fn_name(fn: Any) -> str:
    return getattr(fn, "__name__", type(fn).__name__)
