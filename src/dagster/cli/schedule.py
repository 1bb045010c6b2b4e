"""``dagster schedule up|preview|list|start|stop|restart|logs|wipe|debug``.

Schedules are defined in the repository (``RepositoryDefinition(schedule_defs=...)``); the instance
keeps their state (RUNNING/STOPPED) in its schedule storage and runs them with its scheduler
(``scheduler:`` in dagster.yaml). ``up`` reconciles the stored schedules with the definitions.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from click import UsageError

from dagster.cli.errors import user_errors_as_cli_errors
from dagster.cli.run_config import get_cli_instance

_YAML_OPTION = click.option(
    "--repository-yaml",
    "-y",
    type=click.Path(),
    help="Path to the repository.yaml of the repository (default: ./repository.yaml).",
)


def create_schedule_cli_group() -> click.Group:
    group = click.Group(name="schedule", help="Commands for working with the schedules of a repository.")
    for command in (
        schedule_up_command,
        schedule_preview_command,
        schedule_list_command,
        schedule_start_command,
        schedule_stop_command,
        schedule_restart_command,
        schedule_logs_command,
        schedule_wipe_command,
        schedule_debug_command,
    ):
        group.add_command(command)
    return group


class _ScheduleTarget:
    """The repository (with schedules), its repository.yaml path, and the instance (with a scheduler)."""

    def __init__(self, repository_yaml: str | None):
        from dagster.cli.load_handle import handle_for_repository_yaml_arg

        handle = handle_for_repository_yaml_arg(repository_yaml)
        self.repository_path: str = handle.data.repository_yaml
        self.repository = handle.build_repository_definition()
        if not self.repository.schedule_defs:
            raise UsageError(f"There are no schedules defined for repository {self.repository.name}.")
        self.instance = get_cli_instance()
        if self.instance.scheduler is None:
            raise UsageError(
                "A scheduler must be configured to run schedule commands. Add a `scheduler:` section to "
                "$DAGSTER_HOME/dagster.yaml, e.g. `scheduler: {module: dagster_cron.cron_scheduler, "
                "class: SystemCronScheduler}`."
            )

    def stored(self) -> dict[str, Any]:
        return {schedule.name: schedule for schedule in self.instance.all_schedules(self.repository)}

    def stored_schedule(self, name: str) -> Any:
        schedule = self.stored().get(name)
        if schedule is None:
            defined = [schedule_def.name for schedule_def in self.repository.schedule_defs]
            hint = " Run `dagster schedule up` first." if name in defined else ""
            raise UsageError(
                f'No schedule named "{name}" in the instance for repository {self.repository.name}.{hint} '
                f"Stored schedules: {', '.join(sorted(self.stored())) or '(none)'}."
            )
        return schedule


def _print_plan(target: _ScheduleTarget) -> bool:
    """Print what ``up`` changes (adds, updates with their cron diff, removals); False if nothing."""
    from dagster.core.scheduler import get_schedule_change_set

    stored = list(target.stored().values())
    changes = get_schedule_change_set(stored, target.repository.schedule_defs)
    if not changes:
        click.echo("No changes to schedules.")
        click.echo(f"{len(stored)} schedules unchanged")
        return False
    order = {"add": 0, "change": 1, "remove": 2}
    for change in sorted(changes, key=lambda change: (order[change.kind], change.name)):
        if change.kind == "add":
            click.echo(click.style(f"+ {change.name} (add)", fg="green"))
        elif change.kind == "change":
            click.echo(click.style(f"~ {change.name} (update)", fg="yellow"))
            for field, (old, new) in change.changes:
                click.echo(f"\t{field}: {old} => {new}")
        else:
            click.echo(click.style(f"- {change.name} (delete)", fg="red"))
    return True


@click.command(
    name="preview",
    help="Show what `dagster schedule up` would change.\n\n\b\nExample:\n  dagster schedule preview",
)
@_YAML_OPTION
@user_errors_as_cli_errors
def schedule_preview_command(repository_yaml: str | None) -> None:
    target = _ScheduleTarget(repository_yaml)
    _print_plan(target)
    _fix_schedule_state(target, preview=True)


@click.command(
    name="up",
    help="Store the repository's schedules in the instance: add new ones (STOPPED), update changed "
    "ones (keeping their state), delete removed ones; then fix schedules whose jobs in the scheduler "
    "disagree with their state (see `dagster schedule debug`).\n\n\b\nExamples:\n  dagster schedule up\n"
    "  dagster schedule up --preview",
)
@_YAML_OPTION
@click.option("--preview", is_flag=True, help="Only show the changes.")
@user_errors_as_cli_errors
def schedule_up_command(repository_yaml: str | None, preview: bool) -> None:
    target = _ScheduleTarget(repository_yaml)
    if _print_plan(target) and not preview:
        target.instance.reconcile_scheduler_state(
            python_path=sys.executable, repository_path=target.repository_path, repository=target.repository
        )
    _fix_schedule_state(target, preview)


def _fix_schedule_state(target: _ScheduleTarget, preview: bool) -> None:
    """Bring the scheduler's jobs in line with the stored status of the repository's schedules (a
    job removed by hand, a duplicate, a job left behind), printing each fix."""
    from dagster.core.scheduler import schedule_state_errors

    repository = target.repository
    stored = [(repository.name, schedule) for schedule in target.instance.all_schedules(repository)]
    for error in schedule_state_errors(target.instance, stored):
        if preview:
            click.echo(click.style(f"! {error.message} (`dagster schedule up` fixes it)", fg="yellow"))
            continue
        target.instance.scheduler.fix_schedule_state(target.instance, repository, error)
        click.echo(click.style(f"! fixed: {error.message}", fg="yellow"))


@click.command(
    name="list",
    help="List the stored schedules with their state and cron schedule.\n\n\b\nExamples:\n"
    "  dagster schedule list\n  dagster schedule list --running --name",
)
@_YAML_OPTION
@click.option("--running", is_flag=True, help="Only running schedules.")
@click.option("--stopped", is_flag=True, help="Only stopped schedules.")
@click.option("--name", is_flag=True, help="Only print the names.")
@user_errors_as_cli_errors
def schedule_list_command(repository_yaml: str | None, running: bool, stopped: bool, name: bool) -> None:
    target = _ScheduleTarget(repository_yaml)
    schedules = sorted(target.stored().values(), key=lambda schedule: schedule.name)
    if running:
        schedules = [schedule for schedule in schedules if schedule.status.value == "RUNNING"]
    if stopped:
        schedules = [schedule for schedule in schedules if schedule.status.value == "STOPPED"]
    if name:
        for schedule in schedules:
            click.echo(schedule.name)
        return
    title = f"Repository {target.repository.name}"
    click.echo(title)
    click.echo("*" * len(title))
    if not schedules:
        click.echo("No schedules stored: run `dagster schedule up`.")
    for schedule in schedules:
        color = "green" if schedule.status.value == "RUNNING" else "red"
        click.echo(f"Schedule: {schedule.name} [{click.style(schedule.status.value, fg=color)}]")
        click.echo(f"Cron Schedule: {schedule.cron_schedule}")


@click.command(
    name="start",
    help="Start a stored schedule (or all with --start-all).\n\n\b\nExamples:\n"
    "  dagster schedule start daily_report\n  dagster schedule start --start-all",
)
@_YAML_OPTION
@click.argument("schedule_name", required=False)
@click.option("--start-all", is_flag=True, help="Start every stopped schedule.")
@user_errors_as_cli_errors
def schedule_start_command(repository_yaml: str | None, schedule_name: str | None, start_all: bool) -> None:
    target = _ScheduleTarget(repository_yaml)
    if start_all:
        names = [
            name for name, schedule in sorted(target.stored().items()) if schedule.status.value != "RUNNING"
        ]
    elif schedule_name:
        target.stored_schedule(schedule_name)
        names = [schedule_name]
    else:
        click.echo("Noop: give a schedule name or --start-all (see `dagster schedule list`).")
        return
    for name in names:
        target.instance.start_schedule_and_update_storage_state(target.repository, name)
        click.echo(f"Started schedule {name}")


@click.command(
    name="stop",
    help="Stop a running schedule.\n\n\b\nExample:\n  dagster schedule stop daily_report",
)
@_YAML_OPTION
@click.argument("schedule_name")
@user_errors_as_cli_errors
def schedule_stop_command(repository_yaml: str | None, schedule_name: str) -> None:
    target = _ScheduleTarget(repository_yaml)
    target.stored_schedule(schedule_name)
    target.instance.stop_schedule_and_update_storage_state(target.repository, schedule_name)
    click.echo(f"Stopped schedule {schedule_name}")


@click.command(
    name="restart",
    help="Stop and start a running schedule (or every running one).\n\n\b\nExamples:\n"
    "  dagster schedule restart daily_report\n  dagster schedule restart --restart-all-running",
)
@_YAML_OPTION
@click.argument("schedule_name", required=False)
@click.option("--restart-all-running", is_flag=True, help="Restart every running schedule.")
@user_errors_as_cli_errors
def schedule_restart_command(
    repository_yaml: str | None, schedule_name: str | None, restart_all_running: bool
) -> None:
    target = _ScheduleTarget(repository_yaml)
    if restart_all_running:
        names = [
            name for name, schedule in sorted(target.stored().items()) if schedule.status.value == "RUNNING"
        ]
    elif schedule_name:
        if target.stored_schedule(schedule_name).status.value != "RUNNING":
            raise UsageError(
                f"Cannot restart schedule {schedule_name}: it is not running. "
                f"Start it with `dagster schedule start {schedule_name}`."
            )
        names = [schedule_name]
    else:
        click.echo("Noop: give a schedule name or --restart-all-running (see `dagster schedule list`).")
        return
    for name in names:
        target.instance.stop_schedule_and_update_storage_state(target.repository, name)
        target.instance.start_schedule_and_update_storage_state(target.repository, name)
        click.echo(f"Restarted schedule {name}")


@click.command(
    name="logs",
    help="Print the path of a schedule's log file.\n\n\b\nExample:\n  tail -f $(dagster schedule logs daily_report)",
)
@_YAML_OPTION
@click.argument("schedule_name")
@user_errors_as_cli_errors
def schedule_logs_command(repository_yaml: str | None, schedule_name: str) -> None:
    target = _ScheduleTarget(repository_yaml)
    target.stored_schedule(schedule_name)
    click.echo(target.instance.logs_path_for_schedule(target.repository, schedule_name))


@click.command(
    name="wipe",
    help="Delete every stored schedule and stop them in the scheduler (asks to type DELETE).\n\n"
    "\b\nExample:\n  dagster schedule wipe",
)
@_YAML_OPTION
@user_errors_as_cli_errors
def schedule_wipe_command(repository_yaml: str | None) -> None:
    target = _ScheduleTarget(repository_yaml)
    answer = click.prompt(
        "Are you sure you want to delete all schedules and schedule cron jobs? Type DELETE",
        default="",
        show_default=False,
    )
    if answer != "DELETE":
        click.echo("Exiting without deleting all schedules and schedule cron jobs.")
        raise SystemExit(1)
    target.instance.wipe_all_schedules()
    click.echo("Wiped all schedules and schedule cron jobs.")


@click.command(
    name="debug",
    help="Print the scheduler's state and any disagreement with the stored schedules.\n\n"
    "\b\nExample:\n  dagster schedule debug",
)
@user_errors_as_cli_errors
def schedule_debug_command() -> None:
    info = get_cli_instance().scheduler_debug_info()
    click.echo("Errors (Run `dagster schedule up` to resolve)")
    click.echo("\n".join(info.errors) if info.errors else "None")
    click.echo("\nScheduler Configuration")
    click.echo(info.scheduler_config_info.rstrip())
    click.echo("\nScheduler Info")
    click.echo(info.scheduler_info or "None")
    click.echo("\nScheduler Storage Info")
    click.echo("\n".join(info.schedule_storage) if info.schedule_storage else "None")
