"""``dagster api ...``: commands other processes call.

``snapshot pipeline|repository`` print what a process that loaded the user's code knows about it
(pipeline snapshots and presets) as serialized JSON. ``launch_scheduled_execution`` runs one tick of a
schedule: the script the cron scheduler writes calls it each time the schedule fires.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import Any

import click

from dagster.cli.errors import DagsterCliError, user_errors_as_cli_errors
from dagster.cli.load_handle import (
    handle_for_repo_cli_args,
    handle_for_repository_yaml_arg,
    load_pipeline_from_cli_args,
    pipeline_target_command,
    repository_target_argument,
)
from dagster.cli.run_config import get_cli_instance, parse_solid_subset


def create_api_cli_group() -> click.Group:
    snapshot = click.Group(name="snapshot", help="Print serialized snapshots of pipelines and repositories.")
    snapshot.add_command(snapshot_pipeline_command)
    snapshot.add_command(snapshot_repository_command)
    group = click.Group(
        name="api",
        help="Commands that other processes call: snapshots of user code (JSON out) and schedule ticks.",
    )
    group.add_command(snapshot)
    group.add_command(launch_scheduled_execution_command)
    return group


@click.command(
    name="pipeline",
    help="Print the serialized ActivePipelineData (snapshot and presets) of a pipeline.\n\n"
    "\b\nExample:\n  dagster api snapshot pipeline sales_csv_pipeline -s read_sales",
)
@click.option("--solid-subset", "-s", help="Snapshot only these solids, comma separated, e.g. -s load,clean.")
@pipeline_target_command
@user_errors_as_cli_errors
def snapshot_pipeline_command(solid_subset: str | None, **cli_args: Any) -> None:
    from dagster.cli.pipeline import sub_pipeline
    from dagster.core.snap.active_data import active_pipeline_data_from_def
    from dagster.serdes import serialize_dagster_namedtuple

    _, pipeline_def = load_pipeline_from_cli_args(cli_args)

    pipeline_def = sub_pipeline(pipeline_def, parse_solid_subset(solid_subset))
    click.echo(serialize_dagster_namedtuple(active_pipeline_data_from_def(pipeline_def)))


@click.command(
    name="repository",
    help="Print the serialized ActiveRepositoryData (every pipeline's snapshot and presets).\n\n"
    "\b\nExample:\n  dagster api snapshot repository -y repository.yaml",
)
@repository_target_argument
@user_errors_as_cli_errors
def snapshot_repository_command(**cli_args: Any) -> None:
    from dagster.core.snap.active_data import active_repository_data_from_def
    from dagster.serdes import serialize_dagster_namedtuple

    repository = handle_for_repo_cli_args(cli_args).build_repository_definition()
    click.echo(serialize_dagster_namedtuple(active_repository_data_from_def(repository)))


@click.command(
    name="launch_scheduled_execution",
    help="Run one tick of a schedule: record the tick in the instance ($DAGSTER_HOME), and unless the "
    "schedule's should_execute says no, create its run and hand it to the instance's run launcher (or, "
    "with none, execute it in this process). Prints one line saying what happened. The cron "
    "scheduler's script calls this each time the schedule fires.\n\n"
    "Exit code: 0 when the tick succeeded or was skipped (even if its run failed), 1 when it failed "
    "(or could not start, e.g. an unknown schedule).\n\n"
    "A tick is for the schedule's latest scheduled time (to the minute); a time that already has a "
    "tick that did not fail is not run again (exit code 0, already_ticked in the result).\n\n"
    "--output writes the outcome as JSON: tick_status (SUCCESS, SKIPPED or FAILURE), run_id, "
    "run_status and error (each null when it does not apply), and already_ticked.\n\n"
    "\b\nExample:\n  dagster api launch_scheduled_execution daily_report -y repository.yaml "
    "--output tick.result",
)
@click.argument("schedule_name")
@click.option(
    "--repository-yaml",
    "-y",
    type=click.Path(),
    help="Path to the repository.yaml of the repository (default: ./repository.yaml).",
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the outcome as JSON to this file.")
def launch_scheduled_execution_command(
    schedule_name: str, repository_yaml: str | None, output: str | None
) -> None:
    from dagster.core.errors import DagsterError
    from dagster.core.scheduler.execution import error_summary, launch_scheduled_execution
    from dagster.utils.error import serializable_error_info_from_exc_info

    outcome: dict[str, Any] = {
        "tick_status": None,
        "run_id": None,
        "run_status": None,
        "error": None,
        "already_ticked": False,
    }
    try:
        handle = handle_for_repository_yaml_arg(repository_yaml)
        result = launch_scheduled_execution(
            get_cli_instance(), handle.build_repository_definition(), schedule_name
        )
    except Exception as exc:
        outcome["tick_status"] = "FAILURE"
        outcome["error"] = error_summary(serializable_error_info_from_exc_info(sys.exc_info()))
        _write_outcome(output, outcome)
        if isinstance(exc, click.ClickException):
            raise DagsterCliError(f'Schedule "{schedule_name}" did not run: {exc.format_message()}') from exc
        if isinstance(exc, DagsterError):
            raise DagsterCliError(f'Schedule "{schedule_name}" did not run: {_failure_message(exc)}') from exc
        raise  # not a mistake of the user's: keep the traceback
    run = result.run
    outcome.update(
        tick_status=result.tick.status.value,
        run_id=run.run_id if run is not None else None,
        run_status=run.status.value if run is not None else None,
        error="; ".join(error_summary(error) for error in result.errors) or None,
        already_ticked=result.already_ticked,
    )
    _write_outcome(output, outcome)
    if result.already_ticked:
        click.echo(_describe_earlier_tick(schedule_name, result))
    else:
        click.echo(_describe(schedule_name, result.run, outcome["error"]))


def _failure_message(exc: Exception) -> str:
    """The error's message, followed by what the user's code raised when it is a user code error."""
    from dagster.core.errors import DagsterUserCodeExecutionError

    message = str(exc).strip()
    if isinstance(exc, DagsterUserCodeExecutionError):
        raised = exc.user_exception
        message = f"{message} Caused by {type(raised).__name__}: {raised}"
    return message


def _describe(schedule_name: str, run: Any, errors: str | None) -> str:
    if run is None:
        return (
            f'Schedule "{schedule_name}" skipped: its should_execute returned False, so no run was created.'
        )
    line = f'Schedule "{schedule_name}" created run {run.run_id} of pipeline "{run.pipeline_name}": {run.status.value}'
    return f"{line}. It was not executed: {errors}" if errors else line


def _describe_earlier_tick(schedule_name: str, result: Any) -> str:
    when = datetime.fromtimestamp(result.tick.timestamp).strftime("%Y-%m-%d %H:%M")
    outcome = result.tick.status.value + (f", run {result.run.run_id}" if result.run is not None else "")
    return (
        f'Schedule "{schedule_name}" already ticked for {when} ({outcome}): nothing to do. '
        "A scheduled time runs once."
    )


def _write_outcome(output: str | None, outcome: dict[str, Any]) -> None:
    if output is None:
        return
    try:
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        with open(output, "w", encoding="utf8") as handle:
            json.dump(outcome, handle)
            handle.write("\n")
    except OSError as exc:
        raise DagsterCliError(
            f'Cannot write the result file "{output}" (given with --output): {exc}'
        ) from exc
