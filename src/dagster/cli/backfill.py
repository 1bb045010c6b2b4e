"""``dagster pipeline backfill``: launch one run per partition of a partition set.

The partition sets considered are the repository's own plus those behind its partition-based
schedules. Every run gets the partition's config and tags, ``dagster/backfill=<id>`` and the
``dagster/execution_target`` tag, and is handed to the instance's run launcher.
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import click
from click import UsageError

from dagster.cli.errors import DagsterCliError, format_config_errors
from dagster.cli.load_handle import handle_for_repo_cli_args, pipeline_name_from_cli_args
from dagster.cli.run_config import get_cli_instance, parse_tags


def _partition_sets(repository: Any) -> list:
    from dagster.core.definitions.partition import PartitionScheduleDefinition

    found = {partition_set.name: partition_set for partition_set in repository.partition_set_defs}
    for schedule_def in repository.schedule_defs:
        if isinstance(schedule_def, PartitionScheduleDefinition):
            partition_set = schedule_def.get_partition_set()
            found.setdefault(partition_set.name, partition_set)
    return list(found.values())


def _choose(what: str, names: list[str], given: str | None, noprompt: bool) -> str:
    if given is not None:
        if given not in names:
            raise UsageError(f'No {what} named "{given}". Choose one of: {", ".join(names)}.')
        return given
    if len(names) == 1:
        return names[0]
    if noprompt:
        raise UsageError(f"Name the {what} to backfill (--noprompt was given): one of {', '.join(names)}.")
    return click.prompt(f"Select a {what}", type=click.Choice(names))


def _select_partitions(
    partitions: list, names_arg: str | None, select_all: bool, start: str | None, end: str | None
) -> list:
    names = [partition.name for partition in partitions]
    chosen_ways = sum([bool(names_arg), select_all, bool(start or end)])
    if chosen_ways != 1:
        raise UsageError(
            "Select the partitions with exactly one of --all, -p/--partitions a,b, or --from/--to."
        )
    if select_all:
        return partitions
    if names_arg:
        wanted = [name.strip() for name in names_arg.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in names]
        if unknown:
            raise UsageError(f"Unknown partition(s) {', '.join(unknown)}. Partitions: {', '.join(names)}.")
        return [partition for partition in partitions if partition.name in wanted]
    for label, value in (("--from", start), ("--to", end)):
        if value is not None and value not in names:
            raise UsageError(f'{label} "{value}" is not a partition. Partitions: {", ".join(names)}.')
    first = names.index(start) if start is not None else 0
    last = names.index(end) if end is not None else len(names) - 1
    if first > last:
        raise UsageError(f'--from "{start}" comes after --to "{end}".')
    return partitions[first : last + 1]


def _given_pipeline_name(cli_args: dict) -> str | None:
    """The PIPELINE_NAME argument; a hint when a 0.7-style ``--all VALUE`` left an extra word."""
    names = cli_args.get("pipeline_name")
    if isinstance(names, (tuple, list)) and len(names) > 1 and cli_args.get("all"):
        raise UsageError(
            f"Expected at most one pipeline name, got {len(names)}: {' '.join(names)}. "
            "Here -a/--all is a flag and takes no value (Dagster 0.7 took one, e.g. `--all all`): drop the value."
        )
    return pipeline_name_from_cli_args(cli_args)


def execute_backfill_command(
    cli_args: dict, print_fn: Callable[[str], Any], instance: Any = None
) -> str | None:
    """Launch the selected partitions' runs; returns the backfill id (None if the user declined)."""
    from dagster.cli.execute import EXECUTION_TARGET_TAG
    from dagster.core.definitions.handle import get_pipeline_from_repository
    from dagster.core.errors import DagsterInvalidConfigError
    from dagster.core.storage.tags import BACKFILL_ID_TAG, CELERY_RUN_PRIORITY_TAG, SYSTEM_TAG_PREFIX

    instance = instance or get_cli_instance()
    if instance.run_launcher is None:
        raise UsageError(
            "A run launcher must be configured before running a backfill: add a `run_launcher:` section to "
            "$DAGSTER_HOME/dagster.yaml (e.g. module dagster.core.launcher.subprocess_launcher, class "
            "SubprocessRunLauncher)."
        )
    noprompt = bool(cli_args.get("noprompt"))
    user_tags = parse_tags(cli_args.get("tags"))
    reserved = sorted(key for key in user_tags if key.startswith(SYSTEM_TAG_PREFIX))
    if reserved:
        raise UsageError(
            f"--tags may not set {', '.join(reserved)}: tags starting with {SYSTEM_TAG_PREFIX} are set by "
            "dagster itself (the partition, partition set and backfill id). Choose another key."
        )
    given_pipeline_name = _given_pipeline_name(cli_args)
    repo_handle = handle_for_repo_cli_args(cli_args)
    repository = repo_handle.build_repository_definition()
    partition_sets = _partition_sets(repository)
    if not partition_sets:
        raise DagsterCliError(f'Repository "{repository.name}" defines no partition sets to backfill.')

    pipeline_names = sorted({partition_set.pipeline_name for partition_set in partition_sets})
    if given_pipeline_name is not None and given_pipeline_name not in pipeline_names:
        get_pipeline_from_repository(repository, given_pipeline_name)  # an unknown name: lists the pipelines
        raise UsageError(
            f'Pipeline "{given_pipeline_name}" has no partition sets to backfill. Pipelines with '
            f"partition sets: {', '.join(pipeline_names)}."
        )
    pipeline_name = _choose("pipeline", pipeline_names, given_pipeline_name, noprompt)
    pipeline_def = get_pipeline_from_repository(repository, pipeline_name)
    candidates = [ps for ps in partition_sets if ps.pipeline_name == pipeline_name]
    set_name = _choose(
        "partition set", [ps.name for ps in candidates], cli_args.get("partition_set"), noprompt
    )
    partition_set = next(ps for ps in candidates if ps.name == set_name)
    partitions = _select_partitions(
        partition_set.get_partitions(),
        cli_args.get("partitions"),
        bool(cli_args.get("all")),
        cli_args.get("from"),
        cli_args.get("to"),
    )

    print_fn(f"Pipeline: {pipeline_name}")
    print_fn(f"Partition set: {partition_set.name}")
    print_fn(f"Partitions:\n{_columns([partition.name for partition in partitions])}")
    if not noprompt and not click.confirm(
        f"Do you want to proceed with the backfill ({len(partitions)} partitions)?"
    ):
        print_fn("Aborted backfill.")
        return None

    backfill_id = uuid.uuid4().hex[:8]
    run_pipeline = (
        pipeline_def.build_sub_pipeline(partition_set.solid_subset)
        if partition_set.solid_subset
        else pipeline_def
    )
    target_handle = repo_handle.with_pipeline_name(pipeline_name).with_solid_subset(
        partition_set.solid_subset
    )
    base_tags = {BACKFILL_ID_TAG: backfill_id, EXECUTION_TARGET_TAG: json.dumps(target_handle.to_dict())}
    if cli_args.get("celery_base_priority") is not None:
        base_tags[CELERY_RUN_PRIORITY_TAG] = str(cli_args["celery_base_priority"])
    # The user's functions run for every partition before any run is launched: one that raises
    # leaves no half-done backfill.
    configured = [
        (partition, *_partition_run_config_and_tags(partition_set, partition)) for partition in partitions
    ]
    for partition, environment_dict, partition_tags in configured:
        try:
            run = instance.create_run_for_pipeline(
                pipeline_def=run_pipeline,
                environment_dict=environment_dict,
                mode=partition_set.mode,
                solid_subset=partition_set.solid_subset,
                tags={**(pipeline_def.tags or {}), **user_tags, **partition_tags, **base_tags},
            )
        except DagsterInvalidConfigError as exc:
            raise DagsterCliError(f'Partition "{partition.name}": {format_config_errors(exc)}') from exc
        instance.launch_run(run.run_id)
    print_fn(f"Launched backfill job `{backfill_id}`")
    return backfill_id


def _partition_run_config_and_tags(partition_set: Any, partition: Any) -> tuple[Any, dict]:
    """The run config and tags of one partition; what the user's functions raise becomes one error
    naming the partition and where in the user's code it was raised."""
    from dagster.core.errors import DagsterError

    try:
        return (
            partition_set.environment_dict_for_partition(partition),
            partition_set.tags_for_partition(partition),
        )
    except DagsterError:
        raise
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise DagsterCliError(
            f'Partition "{partition.name}" of partition set "{partition_set.name}": computing its run '
            f'config or tags raised {type(exc).__name__}: {exc} (File "{frame.filename}", line '
            f"{frame.lineno}, in {frame.name}). No run of the backfill was launched."
        ) from exc


def _columns(names: list[str], per_line: int = 4) -> str:
    width = max((len(name) for name in names), default=0) + 2
    rows = [names[i : i + per_line] for i in range(0, len(names), per_line)]
    return "\n".join("  " + "".join(name.ljust(width) for name in row).rstrip() for row in rows)
