"""``dagster api snapshot pipeline|repository``: print what a process that loaded the user's code knows
about it (pipeline snapshots and presets) as serialized JSON, for another process to read."""

from __future__ import annotations

from typing import Any

import click

from dagster.cli.errors import user_errors_as_cli_errors
from dagster.cli.load_handle import (
    handle_for_pipeline_cli_args,
    handle_for_repo_cli_args,
    pipeline_target_command,
    repository_target_argument,
)
from dagster.cli.run_config import parse_solid_subset


def create_api_cli_group() -> click.Group:
    snapshot = click.Group(name="snapshot", help="Print serialized snapshots of pipelines and repositories.")
    snapshot.add_command(snapshot_pipeline_command)
    snapshot.add_command(snapshot_repository_command)
    group = click.Group(
        name="api", help="Commands that other processes call to learn about user code (JSON out)."
    )
    group.add_command(snapshot)
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
    from dagster.core.snap.active_data import active_pipeline_data_from_def
    from dagster.serdes import serialize_dagster_namedtuple

    pipeline_def = handle_for_pipeline_cli_args(cli_args).build_pipeline_definition()
    from dagster.cli.pipeline import sub_pipeline

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
