"""``dagster pipeline list|print|graphviz|execute|launch|scaffold_config``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import click

from dagster.cli.errors import DagsterCliError, user_errors_as_cli_errors
from dagster.cli.load_handle import (
    UsageError,
    handle_for_repo_cli_args,
    load_pipeline_from_cli_args,
    pipeline_target_command,
    repository_target_argument,
)
from dagster.cli.run_config import get_cli_instance, load_environment_files, parse_solid_subset, parse_tags

_TARGET_HELP = """
\b
Which pipeline: PIPELINE_NAME from ./repository.yaml (or -y other.yaml), or
-f file.py / -m module with -n fn, where fn is a @pipeline or returns a
pipeline (add PIPELINE_NAME when fn returns a repository).
"""


def create_pipeline_cli_group() -> click.Group:
    group = click.Group(name="pipeline", help="Commands for working with Dagster pipelines.")
    for command in (
        pipeline_list_command,
        pipeline_print_command,
        pipeline_graphviz_command,
        pipeline_execute_command,
        pipeline_launch_command,
        pipeline_scaffold_command,
        pipeline_backfill_command,
    ):
        group.add_command(command)
    return group


# ----- list -----


@click.command(
    name="list",
    help="List the pipelines of a repository, with their solids in execution order.\n\n"
    "\b\nExamples:\n  dagster pipeline list\n  dagster pipeline list -y path/to/repository.yaml\n"
    "  dagster pipeline list -f repo.py -n define_repo",
)
@repository_target_argument
@user_errors_as_cli_errors
def pipeline_list_command(**kwargs: Any) -> None:
    execute_list_command(kwargs, click.echo)


def execute_list_command(cli_args: dict, print_fn: Callable[[str], Any]) -> None:
    repository = handle_for_repo_cli_args(cli_args).build_repository_definition()
    title = f"Repository {repository.name}"
    print_fn(title)
    print_fn("*" * len(title))
    for index, pipeline_def in enumerate(repository.get_all_pipelines()):
        pipeline_title = f"Pipeline: {pipeline_def.name}"
        if index:
            print_fn("*" * len(pipeline_title))
        print_fn(pipeline_title)
        if pipeline_def.description:
            print_fn("Description:")
            print_fn(_indent(pipeline_def.description.strip(), 4))
        print_fn("Solids: (Execution Order)")
        for solid in pipeline_def.solids_in_topological_order:
            print_fn("    " + solid.name)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line.strip() for line in text.splitlines())


# ----- print -----


@click.command(
    name="print",
    help="Print a pipeline's solids (--verbose adds descriptions, inputs and outputs).\n"
    + _TARGET_HELP
    + "\b\nExamples:\n  dagster pipeline print hello_world_pipeline\n"
    "  dagster pipeline print --verbose -f hello_world.py -n hello_world_pipeline",
)
@click.option("--verbose", is_flag=True, help="Also print descriptions, inputs (with types) and outputs.")
@pipeline_target_command
@user_errors_as_cli_errors
def pipeline_print_command(verbose: bool, **cli_args: Any) -> None:
    execute_print_command(verbose, cli_args, click.echo)


def execute_print_command(verbose: bool, cli_args: dict, print_fn: Callable[[str], Any]) -> None:
    _, pipeline_def = load_pipeline_from_cli_args(cli_args)
    print_fn(f"Pipeline: {pipeline_def.name}")
    if verbose and pipeline_def.description:
        print_fn("Description:")
        print_fn(_indent(pipeline_def.description.strip(), 4))
    print_fn("Solids:")
    for solid in pipeline_def.solids_in_topological_order:
        _print_solid(solid, verbose, print_fn, 4)


def _print_solid(solid: Any, verbose: bool, print_fn: Callable[[str], Any], indent: int) -> None:
    pad = " " * indent
    print_fn(f"{pad}Solid: {solid.name}")
    if not verbose:
        return
    definition = solid.definition
    if definition.description:
        print_fn(f"{pad}    Description: {' '.join(definition.description.split())}")
    print_fn(f"{pad}    Inputs:")
    for input_def in definition.input_defs:
        print_fn(f"{pad}        Input: {input_def.name} ({input_def.dagster_type.display_name})")
    print_fn(f"{pad}    Outputs:")
    for output_def in definition.output_defs:
        print_fn(f"{pad}        Output: {output_def.name} ({output_def.dagster_type.display_name})")
    if hasattr(definition, "solids_in_topological_order"):
        print_fn(f"{pad}    Solids:")
        for inner in definition.solids_in_topological_order:
            _print_solid(inner, verbose, print_fn, indent + 8)


# ----- graphviz -----


@click.command(
    name="graphviz",
    help="Draw a pipeline's solids and their dependencies with Graphviz.\n"
    + _TARGET_HELP
    + "\b\nWith -o, the extension picks the format: .dot/.gv write the DOT text, .svg/.png/.pdf\n"
    "render it with Graphviz's `dot` program. Without -o, an SVG is rendered into a temporary\n"
    "file and opened with the system viewer (its path is printed when there is no viewer).\n"
    "\b\nExamples:\n  dagster pipeline graphviz composition_pipeline\n"
    "  dagster pipeline graphviz composition_pipeline -o composition.svg\n"
    "  dagster pipeline graphviz --only-solids -f hello_world.py -n hello_world_pipeline -o hello.dot",
)
@click.option("--only-solids", is_flag=True, help="Draw only the solids, not their inputs and outputs.")
@click.option(
    "--output",
    "-o",
    metavar="PATH",
    help="Write the graph to this file (.dot, .gv, .svg, .png or .pdf) instead of opening it.",
)
@pipeline_target_command
@user_errors_as_cli_errors
def pipeline_graphviz_command(only_solids: bool, output: str | None, **cli_args: Any) -> None:
    execute_graphviz_command(only_solids, output, cli_args, click.echo)


def execute_graphviz_command(
    only_solids: bool, output: str | None, cli_args: dict, print_fn: Callable[[str], Any]
) -> str:
    """Write the pipeline's graph to ``output``, or render and show it; returns the file written."""
    from dagster.cli.graphviz import check_output_path, pipeline_to_dot, show_graph, write_graph

    if output is not None:
        check_output_path(output)
    _, pipeline_def = load_pipeline_from_cli_args(cli_args)
    dot_text = pipeline_to_dot(pipeline_def, only_solids=only_solids)
    if output is not None:
        write_graph(dot_text, output)
        print_fn(f"Wrote the graph of pipeline {pipeline_def.name} to {output}")
        return output
    path, viewer = show_graph(dot_text, pipeline_def.name)
    if viewer is None:
        print_fn(f"Wrote the graph of pipeline {pipeline_def.name} to {path} (no viewer found to open it).")
    else:
        print_fn(f"Opening the graph of pipeline {pipeline_def.name} ({path}) with {viewer[0]}.")
    return path


# ----- scaffold_config -----


@click.command(
    name="scaffold_config",
    help="Print a YAML skeleton of a pipeline's run config, to fill in and pass with -e.\n"
    + _TARGET_HELP
    + "\b\nExamples:\n  dagster pipeline scaffold_config csv_pipeline > config.yaml\n"
    "  dagster pipeline scaffold_config -p csv_pipeline   # required fields only",
)
@click.option("--print-only-required", "-p", is_flag=True, help="Only the fields that must be given.")
@click.option(
    "--mode", "-d", help="The mode whose config to scaffold (default: the pipeline's default mode)."
)
@pipeline_target_command
@user_errors_as_cli_errors
def pipeline_scaffold_command(print_only_required: bool, mode: str | None, **kwargs: Any) -> None:
    execute_scaffold_command(kwargs, click.echo, print_only_required, mode=mode)


def execute_scaffold_command(
    cli_args: dict, print_fn: Callable[[str], Any], print_only_required: bool = True, mode: str | None = None
) -> None:
    import yaml

    from dagster.cli.config_scaffolder import scaffold_pipeline_config

    _, pipeline_def = load_pipeline_from_cli_args(cli_args)
    if mode is not None:
        _check_mode(pipeline_def, mode)
    config = scaffold_pipeline_config(pipeline_def, skip_non_required=print_only_required, mode=mode)
    print_fn(yaml.safe_dump(config, default_flow_style=False, sort_keys=False).rstrip())


# ----- execute -----

_RUN_OPTIONS_HELP = """
\b
Run config: -e files are read in order and merged (later files win on the
same key); globs are allowed. A preset (-p) brings its own config, mode and
solid subset, so it cannot be combined with -e.
"""


def _run_options(f: Callable) -> Callable:
    options = [
        click.option(
            "--env",
            "-e",
            multiple=True,
            type=click.STRING,
            help="Run config YAML file (repeatable, glob patterns allowed), e.g. -e base.yaml -e 'local/*.yaml'.",
        ),
        click.option(
            "--preset", "-p", help="Name of a preset of the pipeline (its config, mode and subset)."
        ),
        click.option("--mode", "-d", help="The mode to run in (required when the pipeline has several)."),
        click.option("--tags", help='Run tags as a JSON object, e.g. --tags \'{"team": "data"}\'.'),
        click.option(
            "--solid-subset", "-s", help="Run only these solids, comma separated, e.g. -s load,clean."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command(
    name="execute",
    help="Execute a pipeline in this process and store the run in $DAGSTER_HOME.\n"
    + _TARGET_HELP
    + _RUN_OPTIONS_HELP
    + "\b\nExamples:\n  dagster pipeline execute hello_world_pipeline\n"
    '  dagster pipeline execute csv_pipeline -e csv_pipeline.yaml --tags \'{"team": "data"}\'\n'
    "  dagster pipeline execute modes_pipeline -d test -e modes_pipeline.yaml\n"
    "  dagster pipeline execute presets_pipeline -p local\n"
    "  dagster pipeline execute -f hello_world.py -n hello_world_pipeline\n"
    "\b\nExit code: 0 when the run succeeds, 1 when it fails or cannot start, 2 on a usage error.",
)
@_run_options
@pipeline_target_command
@user_errors_as_cli_errors
def pipeline_execute_command(
    env: tuple,
    preset: str | None,
    mode: str | None,
    tags: str | None,
    solid_subset: str | None,
    **kwargs: Any,
) -> None:
    result = execute_execute_command(
        list(env),
        kwargs,
        mode=mode,
        tags=parse_tags(tags),
        preset=preset,
        solid_subset=parse_solid_subset(solid_subset),
    )
    if not result.success:
        raise SystemExit(1)


def execute_execute_command(
    env: list[str] | None,
    cli_args: dict,
    mode: str | None = None,
    tags: dict | None = None,
    preset: str | None = None,
    solid_subset: list[str] | None = None,
    instance: Any = None,
    echo: Callable[[str], Any] | None = None,
) -> Any:
    """Load the pipeline named by ``cli_args``, run it with the merged ``env`` files, print the run.

    Returns the execution result (``.success``, ``.run_id``).
    """
    from dagster.cli.execute import execute_and_print

    handle, pipeline_def = load_pipeline_from_cli_args(cli_args)
    environment_dict, files = load_environment_files(env or [])
    target = resolve_run_target(pipeline_def, environment_dict, bool(env), mode, preset, solid_subset)
    return execute_and_print(
        handle, target, tags or {}, instance or get_cli_instance(), echo, config_sources=files
    )


# ----- launch -----


@click.command(
    name="launch",
    help="Create a run and hand it to the instance's run launcher (configured in dagster.yaml).\n"
    + _TARGET_HELP
    + _RUN_OPTIONS_HELP
    + "\b\nExample:\n  dagster pipeline launch csv_pipeline -e csv_pipeline.yaml",
)
@_run_options
@pipeline_target_command
@user_errors_as_cli_errors
def pipeline_launch_command(
    env: tuple,
    preset: str | None,
    mode: str | None,
    tags: str | None,
    solid_subset: str | None,
    **kwargs: Any,
) -> None:
    execute_launch_command(
        list(env),
        kwargs,
        mode=mode,
        tags=parse_tags(tags),
        preset=preset,
        solid_subset=parse_solid_subset(solid_subset),
    )


def execute_launch_command(
    env: list[str] | None,
    cli_args: dict,
    mode: str | None = None,
    tags: dict | None = None,
    preset: str | None = None,
    solid_subset: list[str] | None = None,
    instance: Any = None,
    echo: Callable[[str], Any] | None = None,
) -> Any:
    """Create the run and launch it through ``instance.run_launcher``; returns the launched run.

    The run carries the ``dagster/execution_target`` tag (the handle's JSON), so a launcher that runs
    it in another process can load the pipeline.
    """
    from dagster.cli.errors import format_config_errors
    from dagster.cli.execute import EXECUTION_TARGET_TAG, create_run
    from dagster.core.errors import DagsterInvalidConfigError

    echo = echo or click.echo
    instance = instance or get_cli_instance()
    if instance.run_launcher is None:
        raise DagsterCliError(
            "This instance has no run launcher. Add one to $DAGSTER_HOME/dagster.yaml, e.g. `run_launcher: "
            "{module: dagster.core.launcher.subprocess_launcher, class: SubprocessRunLauncher}`, "
            "or run the pipeline in this process with `dagster pipeline execute`."
        )
    handle, pipeline_def = load_pipeline_from_cli_args(cli_args)
    environment_dict, files = load_environment_files(env or [])
    target = resolve_run_target(pipeline_def, environment_dict, bool(env), mode, preset, solid_subset)
    target_tag = {EXECUTION_TARGET_TAG: json.dumps(handle.with_solid_subset(target.solid_subset).to_dict())}
    try:
        run = create_run(instance, target, dict(tags or {}, **target_tag))
    except DagsterInvalidConfigError as exc:
        raise DagsterCliError(format_config_errors(exc, files)) from exc
    run = instance.launch_run(run.run_id)
    echo(
        f"Launched run {run.run_id} of pipeline {run.pipeline_name} with {type(instance.run_launcher).__name__}."
    )
    echo("Follow it with `dagster run list`.")
    return run


# ----- backfill -----


@click.command(
    name="backfill",
    help="Launch one run per partition of a partition set, through the instance's run launcher.\n\n"
    "\b\nSelect the partitions with exactly one of --all, -p a,b or --from/--to (inclusive).\n"
    "\b\nExamples:\n  dagster pipeline backfill daily_pipeline --all --noprompt\n"
    "  dagster pipeline backfill daily_pipeline --partition-set daily_set --from 2020-01-01 --to 2020-01-31",
)
@repository_target_argument
@click.argument("pipeline_name", nargs=-1)
@click.option("--partitions", "-p", help="Comma-separated partition names, e.g. -p 2020-01-01,2020-01-02.")
@click.option("--partition-set", help="Name of the partition set (asked for when the pipeline has several).")
@click.option("--all", "-a", "all", is_flag=True, help="Every partition of the set.")
@click.option("--from", "from", help="First partition name (inclusive).")
@click.option("--to", "to", help="Last partition name (inclusive).")
@click.option("--celery-base-priority", type=int, help="Run priority for the celery executor.")
@click.option("--tags", help='Extra run tags as a JSON object, e.g. --tags \'{"team": "data"}\'.')
@click.option("--noprompt", is_flag=True, help="Do not ask questions; fail when something is missing.")
@user_errors_as_cli_errors
def pipeline_backfill_command(**kwargs: Any) -> None:
    execute_backfill_command(kwargs, click.echo)


def execute_backfill_command(
    cli_args: dict, print_fn: Callable[[str], Any], instance: Any = None
) -> str | None:
    """Launch a backfill (see ``dagster.cli.backfill``); returns its id, or None if declined."""
    from dagster.cli.backfill import execute_backfill_command as execute_backfill

    return execute_backfill(cli_args, print_fn, instance)


# ----- shared -----


class RunTarget(NamedTuple):
    """What to run: the (sub-)pipeline, its run config, mode and solid subset."""

    pipeline_def: Any
    environment_dict: dict
    mode: str
    solid_subset: list | None


def _check_mode(pipeline_def: Any, mode: str) -> None:
    if not pipeline_def.has_mode_definition(mode):
        modes = ", ".join(pipeline_def.available_modes)
        raise DagsterCliError(f'Pipeline "{pipeline_def.name}" has no mode "{mode}". Its modes: {modes}.')


def resolve_run_target(
    pipeline_def: Any,
    environment_dict: dict,
    env_given: bool,
    mode: str | None,
    preset: str | None,
    solid_subset: list[str] | None,
) -> RunTarget:
    """Apply preset, mode and solid subset (checking each name) to the loaded pipeline."""
    if preset is not None:
        if env_given:
            raise UsageError(
                "Cannot use -p/--preset together with -e/--env: the preset brings its own config."
            )
        if not pipeline_def.has_preset(preset):
            names = ", ".join(p.name for p in pipeline_def.get_presets()) or "(none)"
            raise DagsterCliError(
                f'Pipeline "{pipeline_def.name}" has no preset "{preset}". Its presets: {names}.'
            )
        preset_def = pipeline_def.get_preset(preset)
        if mode is not None and mode != preset_def.mode:
            raise UsageError(f'Preset "{preset}" runs in mode "{preset_def.mode}"; drop -d/--mode {mode}.')
        if solid_subset is not None and preset_def.solid_subset is not None:
            raise UsageError(f'Preset "{preset}" has its own solid subset; drop -s/--solid-subset.')
        environment_dict = dict(preset_def.environment_dict or {})
        mode = preset_def.mode
        solid_subset = solid_subset if solid_subset is not None else preset_def.solid_subset
    if mode is None:
        if not pipeline_def.is_single_mode:
            modes = ", ".join(pipeline_def.available_modes)
            raise DagsterCliError(
                f'Pipeline "{pipeline_def.name}" has several modes; choose one with -d/--mode: {modes}.'
            )
        mode = pipeline_def.get_default_mode_name()
    _check_mode(pipeline_def, mode)
    return RunTarget(sub_pipeline(pipeline_def, solid_subset), environment_dict, mode, solid_subset)


def sub_pipeline(pipeline_def: Any, solid_subset: list[str] | None) -> Any:
    """``pipeline_def`` restricted to ``solid_subset`` (every name checked); itself when None."""
    if solid_subset is None:
        return pipeline_def
    unknown = [name for name in solid_subset if not pipeline_def.has_solid_named(name)]
    if unknown:
        names = ", ".join(solid.name for solid in pipeline_def.solids)
        raise DagsterCliError(
            f'Pipeline "{pipeline_def.name}" has no solid(s) {", ".join(unknown)}. Its solids: {names}.'
        )
    return pipeline_def.build_sub_pipeline(solid_subset)
