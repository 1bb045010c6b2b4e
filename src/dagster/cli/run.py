"""``dagster run list|wipe``: the runs stored in the instance of ``$DAGSTER_HOME``."""

from __future__ import annotations

from typing import Any

import click

from dagster.cli.errors import DagsterCliError, user_errors_as_cli_errors
from dagster.cli.run_config import get_cli_instance


def create_run_cli_group() -> click.Group:
    group = click.Group(name="run", help="Commands for working with the runs stored in $DAGSTER_HOME.")
    group.add_command(run_list_command)
    group.add_command(run_wipe_command)
    return group


@click.command(
    name="list",
    help="List the runs of the instance, newest first.\n\n\b\nExamples:\n  dagster run list\n  dagster run list --limit 5",
)
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many runs.")
@user_errors_as_cli_errors
def run_list_command(limit: int | None = None) -> None:
    instance = get_cli_instance()
    runs = instance.get_runs(limit=limit)
    if instance.is_ephemeral:
        click.echo(
            "$DAGSTER_HOME is not set: this is an empty, in-memory instance. Set DAGSTER_HOME to keep runs."
        )
    for run in runs:
        _print_run(run)


def _print_run(run: Any) -> None:
    click.echo(f"Run: {run.run_id}")
    click.echo(f"     Pipeline: {run.pipeline_name}")
    click.echo(f"     Status: {run.status.value}")
    if run.mode:
        click.echo(f"     Mode: {run.mode}")
    user_tags = sorted((key, value) for key, value in run.tags.items() if not key.startswith("dagster/"))
    if user_tags:
        click.echo(f"     Tags: {', '.join(f'{key}={value}' for key, value in user_tags)}")


# How many still-running runs a refusal or warning names; the rest are counted.
_RUNS_NAMED = 5


class RunsStillRunningError(DagsterCliError):
    """``run wipe`` refused because runs are executing: exit code 2, as for other refused usage."""

    exit_code = 2


@click.command(
    name="wipe",
    help="Delete every run and event log of the instance (asks to type DELETE first). Refuses while "
    "runs are still executing (STARTED), unless --force.\n\n"
    "\b\nExamples:\n  dagster run wipe\n  dagster run wipe --force   # no question, even with running runs",
)
@click.option(
    "--force", "-f", is_flag=True, help="Do not ask for confirmation, and wipe even runs still executing."
)
@user_errors_as_cli_errors
def run_wipe_command(force: bool = False) -> None:
    instance = get_cli_instance()
    running = started_runs(instance)
    if running and not force:
        raise RunsStillRunningError(_refusal(running))
    if not force:
        answer = click.prompt(
            "Are you sure you want to delete all run history and event logs? Type DELETE",
            default="",
            show_default=False,
        )
        if answer != "DELETE":
            click.echo("Exiting without deleting all run history and event logs.")
            raise SystemExit(1)
    instance.wipe()
    click.echo("Deleted all run history and event logs.")
    if running:
        click.echo(_forced_warning(running), err=True)


def started_runs(instance: Any) -> list[Any]:
    """The runs still executing: STARTED, and (reading them marks a run whose process died as
    FAILURE) not known to be dead."""
    from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus

    started = PipelineRunStatus.STARTED
    return [run for run in instance.get_runs(PipelineRunsFilter(status=started)) if run.status is started]


def _describe_runs(runs: list[Any]) -> list[str]:
    """One line per run (at most ``_RUNS_NAMED``): id, pipeline and, where known, its process."""
    lines = []
    for run in runs[:_RUNS_NAMED]:
        pid, host = run.tags.get("dagster/pid"), run.tags.get("dagster/host")
        process = f", pid {pid} on host {host}" if pid and host else ""
        lines.append(f"  {run.run_id} (pipeline {run.pipeline_name}{process})")
    if len(runs) > _RUNS_NAMED:
        lines.append(f"  ... and {len(runs) - _RUNS_NAMED} more")
    return lines


def _count(runs: list[Any]) -> str:
    return f"{len(runs)} run{'s' if len(runs) != 1 else ''}"


def _refusal(runs: list[Any]) -> str:
    return "\n".join(
        [
            f"{_count(runs)} {'is' if len(runs) == 1 else 'are'} still running (status STARTED):",
            *_describe_runs(runs),
            "Wiping now would delete them while their processes go on writing events for runs that "
            "no longer exist.",
            "Wait for them to finish, or stop them (e.g. `kill <pid>`), then run `dagster run wipe` "
            "again; `dagster run wipe --force` wipes them anyway.",
        ]
    )


def _forced_warning(runs: list[Any]) -> str:
    return "\n".join(
        [
            f"Warning: --force wiped {_count(runs)} that {'was' if len(runs) == 1 else 'were'} still "
            "running (status STARTED):",
            *_describe_runs(runs),
            "Their processes may go on writing events for runs that no longer exist: stop them "
            "(e.g. `kill <pid>`).",
        ]
    )
