"""The ``dagster`` command line: ``dagster pipeline|run|instance|schedule ...``.

Each sub-command imports the heavy parts (definitions, execution, storage) inside its own body, so
``dagster --help`` and the start-up of every command stay fast.
"""

from __future__ import annotations

import sys

import click

from dagster.cli.api import create_api_cli_group
from dagster.cli.instance import create_instance_cli_group
from dagster.cli.pipeline import create_pipeline_cli_group
from dagster.cli.run import create_run_cli_group
from dagster.cli.schedule import create_schedule_cli_group
from dagster.version import __version__

__all__ = ["cli", "create_dagster_cli", "main"]


def create_dagster_cli() -> click.Group:
    commands = {
        "pipeline": create_pipeline_cli_group(),
        "run": create_run_cli_group(),
        "instance": create_instance_cli_group(),
        "schedule": create_schedule_cli_group(),
        "api": create_api_cli_group(),
    }

    @click.group(commands=commands, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(version=__version__, prog_name="dagster")
    def group() -> None:
        """Define, run and inspect Dagster pipelines from the command line.

        \b
        Examples:
          dagster pipeline list                       # pipelines of ./repository.yaml
          dagster pipeline execute hello_world_pipeline -e config.yaml
          dagster run list                            # runs stored in $DAGSTER_HOME
        """

    return group


cli = create_dagster_cli()


def main() -> None:
    """Entry point of the ``dagster`` console script."""
    # The working directory is importable, as it is for `python -m`: user code can import siblings.
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")
    cli(obj={}, prog_name="dagster")
