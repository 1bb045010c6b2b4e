"""``dagster run list|wipe``: the runs stored in the instance of ``$DAGSTER_HOME``."""

from __future__ import annotations

from typing import Any

import click

from dagster.cli.errors import user_errors_as_cli_errors
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


@click.command(
    name="wipe",
    help="Delete every run and event log of the instance (asks to type DELETE first).\n\n"
    "\b\nExamples:\n  dagster run wipe\n  dagster run wipe --force   # no question",
)
@click.option("--force", "-f", is_flag=True, help="Do not ask for confirmation.")
@user_errors_as_cli_errors
def run_wipe_command(force: bool = False) -> None:
    instance = get_cli_instance()
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
