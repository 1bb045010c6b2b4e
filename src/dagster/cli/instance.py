"""``dagster instance info|migrate``: the instance of ``$DAGSTER_HOME`` and its storage schema."""

from __future__ import annotations

import os
from typing import Any

import click

from dagster.cli.errors import DagsterCliError, user_errors_as_cli_errors


def create_instance_cli_group() -> click.Group:
    group = click.Group(name="instance", help="Commands for working with the instance of $DAGSTER_HOME.")
    group.add_command(instance_info_command)
    group.add_command(instance_migrate_command)
    return group


@click.command(
    name="info",
    help="Print where the instance lives and its configured storages.\n\n\b\nExample:\n  dagster instance info",
)
@user_errors_as_cli_errors
def instance_info_command() -> None:
    from dagster.core.instance import DagsterInstance

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        click.echo(
            "$DAGSTER_HOME is not set; commands use an ephemeral, in-memory instance (nothing is kept)."
        )
        click.echo("Set DAGSTER_HOME to a directory to keep runs, e.g. export DAGSTER_HOME=~/dagster_home")
        return
    instance = DagsterInstance.get()
    click.echo(f"$DAGSTER_HOME: {home}\n")
    click.echo(instance.info_str())


@click.command(
    name="migrate",
    help="Upgrade the storage schema of the instance to this version (safe to run twice).\n\n"
    "\b\nExample:\n  DAGSTER_HOME=~/dagster_home dagster instance migrate",
)
@user_errors_as_cli_errors
def instance_migrate_command() -> None:
    from dagster.core.instance import DagsterInstance

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise DagsterCliError(
            "$DAGSTER_HOME is not set: there is no instance to migrate. Set it to your home directory."
        )
    instance = DagsterInstance.get()
    click.echo(f"$DAGSTER_HOME: {home}")
    click.echo(f"Schema version before: {schema_versions(instance)}")
    if any(_is_unversioned_07(storage) for storage in _storages(instance)):
        click.echo(
            "The database was made by Dagster 0.7, which recorded no schema version: "
            "migrating it from the Dagster 0.7 schema."
        )
    if schema_is_current(instance):
        click.echo("Nothing to do: every storage is already at the current schema.")
    else:
        instance.upgrade(click.echo)
    click.echo(f"Schema version after: {schema_versions(instance)}")
    click.echo("Migration complete.\n")
    click.echo(instance.info_str())


def schema_is_current(instance: Any) -> bool:
    """True when every SQL storage is at our head revision and no 0.7 event files wait for import."""
    from dagster.core.storage.sql import head_revision

    head = head_revision()
    for storage in _storages(instance):
        if storage is not None and hasattr(storage, "schema_revision") and storage.schema_revision() != head:
            return False
    legacy_run_files = getattr(instance.event_storage, "legacy_run_files", None)
    return not (legacy_run_files and legacy_run_files())


def schema_versions(instance: Any) -> str:
    """The schema revision of each of the instance's storages, for display (storages in memory have none)."""
    parts = []
    for label, storage in _labelled_storages(instance):
        if storage is None:
            continue
        if hasattr(storage, "schema_revision"):
            parts.append(f"{label} {_describe_revision(storage)}")
        else:
            parts.append(f"{label} n/a ({type(storage).__name__} has no schema)")
    return ", ".join(parts)


def _labelled_storages(instance: Any) -> list[tuple[str, Any]]:
    return [
        ("runs", instance.run_storage),
        ("event logs", instance.event_storage),
        ("schedules", instance.schedule_storage),
    ]


def _storages(instance: Any) -> list[Any]:
    return [storage for _, storage in _labelled_storages(instance)]


def _is_unversioned_07(storage: Any) -> bool:
    """A storage whose database Dagster 0.7 made without recording a revision (PostgreSQL)."""
    is_unversioned = getattr(storage, "is_unversioned_07", None)
    return is_unversioned is not None and is_unversioned()


def _describe_revision(storage: Any) -> str:
    """``<revision>``, marked when Dagster 0.7 wrote it; ``none (new)`` for a database not made yet."""
    from dagster.core.storage.sql import DAGSTER_07_REVISIONS

    revision = storage.schema_revision()
    if revision is None:
        return "Dagster 0.7 (no version recorded)" if _is_unversioned_07(storage) else "none (new)"
    notes = ["Dagster 0.7"] if revision in DAGSTER_07_REVISIONS else []
    legacy_run_files = getattr(storage, "legacy_run_files", None)
    waiting = len(legacy_run_files()) if legacy_run_files else 0
    if waiting:
        notes.append(f"{waiting} per-run event file{'s' if waiting != 1 else ''} to import")
    return f"{revision} ({', '.join(notes)})" if notes else revision
