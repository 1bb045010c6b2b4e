"""Build a run's context from its config: loggers, resources, system storage and executor.

``pipeline_initialization_event_generator`` yields the initialization events, then the
``SystemPipelineExecutionContext``; resumed after the run, it tears the resources down. A
``DagsterError`` raised while building (a logger, resource, storage or executor function failed, or
the executor cannot run here) becomes one ``PIPELINE_INIT_FAILURE`` event, re-raised when the run
asked for ``raise_on_error``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Generator
from typing import Any

from dagster.core.definitions.system_storage import check_system_storage_data
from dagster.core.errors import (
    DagsterError,
    DagsterInvariantViolationError,
    DagsterLoggerFunctionError,
    DagsterUserCodeExecutionError,
    user_code_error_boundary,
)
from dagster.core.events import DagsterEvent, PipelineInitFailureData
from dagster.core.execution.context.logger import InitLoggerContext
from dagster.core.execution.context.system import (
    SystemPipelineExecutionContext,
    SystemPipelineExecutionContextData,
)
from dagster.core.execution.resources_init import resource_initialization_manager
from dagster.core.log_manager import DagsterLogManager
from dagster.utils.error import serializable_error_info_from_exc_info


class DagsterInitializationFunctionError(DagsterUserCodeExecutionError):
    """A system storage or executor creation function raised while the run was being set up."""


def get_logging_tags(pipeline_run: Any, pipeline_def: Any) -> dict:
    """Run-level logging tags: the pipeline name plus the run's tags (as Dagster 0.7 shows them)."""
    return {"pipeline": pipeline_def.name, **pipeline_run.tags}


def create_loggers(pipeline_def: Any, mode_def: Any, environment_config: Any, run_id: str) -> list:
    """The python loggers configured under ``loggers:`` (the colored console logger at DEBUG if none)."""
    loggers = []
    for key, logger_config in (environment_config.loggers or {}).items():
        logger_def = mode_def.loggers.get(key)
        if logger_def is None:
            raise DagsterInvariantViolationError(
                f'Logger "{key}" is configured under loggers: but mode "{mode_def.name}" does not define '
                f"it. Defined loggers: {', '.join(sorted(mode_def.loggers)) or 'none'}."
            )
        config = (logger_config or {}).get("config")
        loggers.append(_build_logger(key, logger_def, config, pipeline_def, run_id))
    if not loggers:
        from dagster.loggers import colored_console_logger

        loggers.append(
            _build_logger(
                "console",
                colored_console_logger,
                {"log_level": "DEBUG", "name": "dagster"},
                pipeline_def,
                run_id,
            )
        )
    return loggers


def _build_logger(key: str, logger_def: Any, config: Any, pipeline_def: Any, run_id: str) -> logging.Logger:
    def message() -> str:
        exc = sys.exc_info()[1]
        return (
            f'Error executing the logger function of logger "{key}" ({type(exc).__name__}: {exc}). '
            f"Fix the logger function or its config (loggers:{key}:config)."
        )

    with user_code_error_boundary(DagsterLoggerFunctionError, message):
        logger = logger_def.logger_fn(InitLoggerContext(config, pipeline_def, logger_def, run_id))
    if not isinstance(logger, logging.Logger):
        raise DagsterInvariantViolationError(
            f'The logger function of logger "{key}" returned {logger!r}; it must return a logging.Logger.'
        )
    return logger


def create_log_manager(
    pipeline_def: Any, mode_def: Any, environment_config: Any, pipeline_run: Any, instance: Any
) -> DagsterLogManager:
    loggers = create_loggers(pipeline_def, mode_def, environment_config, pipeline_run.run_id)
    return DagsterLogManager(
        pipeline_run.run_id, get_logging_tags(pipeline_run, pipeline_def), loggers, instance=instance
    )


def required_resource_keys_to_init(execution_plan: Any, system_storage_def: Any) -> frozenset:
    """Resources the steps to execute need (solids, their input/output types) plus the storage's."""
    keys = set(system_storage_def.required_resource_keys or ())
    for step in execution_plan.execution_steps():
        keys.update(step.required_resource_keys)
    return frozenset(keys)


def pipeline_initialization_event_generator(
    execution_plan: Any,
    environment_config: Any,
    pipeline_run: Any,
    instance: Any,
    raise_on_error: bool = False,
) -> Generator[Any, None, None]:
    """Yield init events, then the run's context; after resumption yield the teardown events.

    When initialization fails, the only events are the resource events (if any) and
    ``PIPELINE_INIT_FAILURE``; no context is yielded.
    """
    pipeline_def = execution_plan.pipeline_def
    mode_def = pipeline_def.get_mode_definition(pipeline_run.mode)
    log_manager = None
    resources_manager = None
    try:
        log_manager = create_log_manager(pipeline_def, mode_def, environment_config, pipeline_run, instance)
        system_storage_def = mode_def.get_system_storage_def(environment_config.storage.system_storage_name)
        resources_manager = resource_initialization_manager(
            pipeline_def,
            environment_config,
            pipeline_run,
            log_manager,
            required_resource_keys_to_init(execution_plan, system_storage_def),
            mode_def,
        )
        yield from resources_manager.generate_setup_events()
        scoped_resources_builder = resources_manager.get_object()
        storage_data = _create_system_storage_data(
            pipeline_def, mode_def, system_storage_def, pipeline_run, instance, environment_config,
            scoped_resources_builder,
        )  # fmt: skip
        executor_config = _create_executor_config(
            pipeline_def, mode_def, system_storage_def, pipeline_run, instance, environment_config
        )
        context = SystemPipelineExecutionContext(
            SystemPipelineExecutionContextData(
                pipeline_run=pipeline_run,
                scoped_resources_builder=scoped_resources_builder,
                environment_config=environment_config,
                pipeline_def=pipeline_def,
                mode_def=mode_def,
                system_storage_def=system_storage_def,
                instance=instance,
                intermediates_manager=storage_data.intermediates_manager,
                file_manager=storage_data.file_manager,
                executor_config=executor_config,
                raise_on_error=raise_on_error,
            ),
            log_manager,
        )
    except DagsterError:
        if log_manager is None:
            log_manager = DagsterLogManager(
                pipeline_run.run_id, get_logging_tags(pipeline_run, pipeline_def), [], instance=instance
            )
        # The wrapper's message names the failing logger/resource/storage; its cause is the user's error.
        error_info = serializable_error_info_from_exc_info(sys.exc_info())
        yield DagsterEvent.pipeline_init_failure(
            pipeline_def.name, PipelineInitFailureData(error=error_info), log_manager
        )
        if resources_manager is not None:
            yield from resources_manager.generate_teardown_events()
        if raise_on_error:
            raise
        return

    try:
        yield context
    except GeneratorExit:
        resources_manager.close()
        raise
    yield from resources_manager.generate_teardown_events()


def _create_system_storage_data(
    pipeline_def, mode_def, system_storage_def, pipeline_run, instance, environment_config, resources_builder
):
    from dagster.core.storage.init import InitSystemStorageContext
    from dagster.core.storage.type_storage import construct_type_storage_plugin_registry

    context = InitSystemStorageContext(
        pipeline_def=pipeline_def,
        mode_def=mode_def,
        system_storage_def=system_storage_def,
        pipeline_run=pipeline_run,
        instance=instance,
        environment_config=environment_config,
        type_storage_plugin_registry=construct_type_storage_plugin_registry(pipeline_def, system_storage_def),
        resources=resources_builder.build(system_storage_def.required_resource_keys),
        system_storage_config=environment_config.storage.system_storage_config,
    )

    def message() -> str:
        exc = sys.exc_info()[1]
        return (
            f'Error creating system storage "{system_storage_def.name}" ({type(exc).__name__}: {exc}). '
            f"Check its config (storage:{system_storage_def.name}:config)."
        )

    with user_code_error_boundary(DagsterInitializationFunctionError, message):
        storage_data = system_storage_def.system_storage_creation_fn(context)
    return check_system_storage_data(storage_data, system_storage_def.name)


def _create_executor_config(
    pipeline_def, mode_def, system_storage_def, pipeline_run, instance, environment_config
):
    from dagster.core.engine.init import InitExecutorContext

    execution = environment_config.execution
    executor_def = mode_def.get_executor_def(execution.execution_engine_name)
    context = InitExecutorContext(
        pipeline=pipeline_def,
        mode_def=mode_def,
        executor_def=executor_def,
        pipeline_run=pipeline_run,
        environment_config=environment_config,
        executor_config=execution.execution_engine_config,
        system_storage_def=system_storage_def,
        instance=instance,
    )

    def message() -> str:
        exc = sys.exc_info()[1]
        return (
            f'Error creating executor "{executor_def.name}" ({type(exc).__name__}: {exc}). '
            f"Check its config (execution:{executor_def.name}:config)."
        )

    with user_code_error_boundary(DagsterInitializationFunctionError, message):
        return executor_def.executor_creation_fn(context)
