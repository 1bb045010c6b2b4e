"""Create a run for a CLI target and execute it in this process, printing its events as they happen."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from dagster.cli.event_printer import EventPrinter


def create_run(instance: Any, target: Any, tags: dict) -> Any:
    """The NOT_STARTED run for ``target`` (validates the run config: raises ``DagsterInvalidConfigError``)."""
    from dagster.utils import merge_dicts

    return instance.create_run_for_pipeline(
        pipeline_def=target.pipeline_def,
        environment_dict=target.environment_dict,
        mode=target.mode,
        solid_subset=target.solid_subset,
        tags=merge_dicts(target.pipeline_def.tags or {}, tags),
    )


def _compute_log_location(instance: Any, run_id: str) -> str | None:
    """The directory holding the run's captured stdout/stderr, when this instance keeps them."""
    from dagster.core.storage.compute_log_manager import ComputeIOType

    if instance.is_ephemeral:
        return None
    path = instance.compute_log_manager.get_local_path(run_id, "any", ComputeIOType.STDOUT)
    if path is None:
        return type(instance.compute_log_manager).__name__
    return os.path.dirname(path)


def execute_and_print(
    handle: Any,
    target: Any,
    tags: dict,
    instance: Any,
    echo: Callable[[str], Any],
    config_sources: list[str] | None = None,
) -> Any:
    """Run ``target`` on ``instance``; print each event and a summary; return the execution result."""
    from dagster.cli.errors import DagsterCliError, format_config_errors
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.errors import DagsterInvalidConfigError
    from dagster.core.execution.api import execute_run

    if target.solid_subset is not None:
        ExecutionTargetHandle.cache_handle(target.pipeline_def, handle, target.solid_subset)
    try:
        pipeline_run = create_run(instance, target, tags)
    except DagsterInvalidConfigError as exc:
        raise DagsterCliError(format_config_errors(exc, config_sources)) from exc

    printer = EventPrinter(echo)

    def on_record(record: Any) -> None:
        if record.dagster_event is not None:
            printer(record.dagster_event)

    instance.add_event_listener(pipeline_run.run_id, on_record)
    result = execute_run(target.pipeline_def, pipeline_run, instance, raise_on_error=False)
    final_run = instance.get_run_by_id(pipeline_run.run_id)
    status = final_run.status.value if final_run is not None else ("SUCCESS" if result.success else "FAILURE")
    printer.print_summary(pipeline_run.run_id, status, _compute_log_location(instance, pipeline_run.run_id))
    return result
