"""Create a run for a CLI target and execute it in this process, printing its events as they happen.

Console: the CLI prints its own readable stream (events and the user's log messages). Unless the run
config has a ``loggers:`` section, the default ``console`` logger is set to ``CRITICAL`` for the run
(Dagster 0.7 would print every event at DEBUG level to stderr as well, five lines each). A run config
that configures loggers gets exactly what it asks for.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

from dagster.cli.event_printer import EventPrinter

QUIET_CONSOLE_LOGGER = {"console": {"config": {"log_level": "CRITICAL"}}}
# The run tag a launcher reads to load the pipeline in another process (the handle's JSON).
EXECUTION_TARGET_TAG = "dagster/execution_target"


def run_config_for_cli(
    pipeline_def: Any, mode: str, environment_dict: dict, quiet_console: bool = True
) -> dict:
    """``environment_dict`` with the console logger quieted when the user configured no loggers."""
    if not quiet_console or "loggers" in environment_dict:
        return environment_dict
    if "console" not in pipeline_def.get_mode_definition(mode).loggers:
        return environment_dict
    return dict(environment_dict, loggers=QUIET_CONSOLE_LOGGER)


def create_run(instance: Any, target: Any, tags: dict, environment_dict: dict | None = None) -> Any:
    """The NOT_STARTED run for ``target`` (validates the run config: raises ``DagsterInvalidConfigError``)."""
    from dagster.utils import merge_dicts

    return instance.create_run_for_pipeline(
        pipeline_def=target.pipeline_def,
        environment_dict=target.environment_dict if environment_dict is None else environment_dict,
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


def _runs_out_of_process(environment_dict: dict) -> bool:
    """Whether the run config picks an executor other than in-process (its steps write from elsewhere)."""
    execution = environment_dict.get("execution") or {}
    return isinstance(execution, dict) and bool(execution) and "in_process" not in execution


class _EventFeed:
    """Delivers each event of a run to ``on_record`` once, in order.

    In-process runs: straight from this process's instance as events are handled. Runs whose steps
    execute in other processes (multiprocess, dask, celery): from the event log as it is written
    (a watch), and whatever the watch has not delivered yet when the run ends is read at ``close``.
    """

    def __init__(self, instance: Any, run_id: str, on_record: Callable[[Any], None], from_storage: bool):
        self._instance, self._run_id, self._on_record = instance, run_id, on_record
        self._from_storage = from_storage and instance.is_persistent
        self._lock = threading.Lock()
        self._delivered = 0
        self._closed = False
        if self._from_storage:
            instance.watch_event_logs(run_id, -1, self._deliver)
        else:
            instance.add_event_listener(run_id, on_record)

    def _deliver(self, record: Any) -> None:
        with self._lock:
            if not self._closed:
                self._delivered += 1
                self._on_record(record)

    def close(self) -> None:
        if not self._from_storage or self._closed:
            return
        self._instance.end_watch_event_logs(self._run_id, self._deliver)
        with self._lock:
            self._closed = True
            for record in self._instance.logs_after(self._run_id, self._delivered - 1):
                self._on_record(record)


def _status(instance: Any, run_id: str) -> str | None:
    run = instance.get_run_by_id(run_id)
    return run.status.value if run is not None else None


@contextmanager
def _console_stream() -> Iterator[TextIO]:
    """A stream to the console that stays there while steps capture fds 1 and 2 into compute logs."""
    stream = sys.stdout
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        yield stream  # not a real file (click's test runner, a notebook): nothing redirects it
        return
    stream.flush()
    private = os.fdopen(os.dup(fd), "w", buffering=1, encoding=stream.encoding or "utf-8", errors="replace")
    try:
        yield private
    finally:
        private.close()


def execute_and_print(
    handle: Any,
    target: Any,
    tags: dict,
    instance: Any,
    echo: Callable[[str], Any] | None = None,
    config_sources: list[str] | None = None,
) -> Any:
    """Run ``target`` on ``instance``; print each event and a summary; return the execution result."""
    from dagster.cli.errors import DagsterCliError, format_config_errors
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.errors import DagsterError, DagsterInvalidConfigError
    from dagster.core.execution.api import execute_run

    if target.solid_subset is not None:
        ExecutionTargetHandle.cache_handle(target.pipeline_def, handle, target.solid_subset)
    environment_dict = run_config_for_cli(target.pipeline_def, target.mode, target.environment_dict)
    try:
        pipeline_run = create_run(instance, target, tags, environment_dict)
    except DagsterInvalidConfigError as exc:
        raise DagsterCliError(format_config_errors(exc, config_sources)) from exc

    with _console_stream() as stream:
        printer = EventPrinter(echo or (lambda line: click.echo(line, file=stream)))

        def on_record(record: Any) -> None:
            if record.dagster_event is not None:
                printer(record.dagster_event)
            elif record.level >= logging.INFO:
                printer.log_message(record)

        feed = _EventFeed(instance, pipeline_run.run_id, on_record, _runs_out_of_process(environment_dict))
        try:
            result = execute_run(target.pipeline_def, pipeline_run, instance, raise_on_error=False)
        except KeyboardInterrupt:
            # Execution recorded the interruption (engine event, PIPELINE_FAILURE); show where it stopped.
            feed.close()
            printer.print_summary(
                pipeline_run.run_id,
                _status(instance, pipeline_run.run_id) or "FAILURE",
                _compute_log_location(instance, pipeline_run.run_id),
            )
            raise
        except Exception as exc:
            # The run recorded the error that interrupted it (an engine event and PIPELINE_FAILURE).
            # Once the console has shown that event, with the user's traceback, end like any
            # failed run instead of printing the same error again through our frames.
            feed.close()
            if isinstance(exc, DagsterError) or not printer.engine_error_shown:
                raise  # our errors say what to do (the CLI prints their message)
            printer.print_summary(
                pipeline_run.run_id,
                _status(instance, pipeline_run.run_id) or "FAILURE",
                _compute_log_location(instance, pipeline_run.run_id),
            )
            raise DagsterCliError(
                f"Run {pipeline_run.run_id} was interrupted by {type(exc).__name__}: {exc} "
                "(its traceback is shown above and kept in the run's event log)."
            ) from exc
        instance.fail_run_left_unstarted(pipeline_run)
        feed.close()
        final_run = instance.get_run_by_id(pipeline_run.run_id)
        status = (
            final_run.status.value if final_run is not None else ("SUCCESS" if result.success else "FAILURE")
        )
        printer.print_summary(
            pipeline_run.run_id, status, _compute_log_location(instance, pipeline_run.run_id)
        )
    return result
