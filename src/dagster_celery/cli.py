"""``dagster-celery worker start | list | terminate``: run Celery workers that execute dagster steps."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import uuid

import click
import yaml

from dagster_celery.config import celery_settings

CONFIG_MODULE = "dagster_celery_config"


def _executor_config(config_yaml: str | None) -> dict:
    """The ``execution: {celery: {config: ...}}`` part of a YAML file (empty without a file)."""
    if config_yaml is None:
        return {}
    try:
        with open(config_yaml) as handle:
            document = yaml.safe_load(handle) or {}
    except OSError as exc:
        raise click.UsageError(f"Cannot read the config file {config_yaml}: {exc.strerror}.")
    except yaml.YAMLError as exc:
        raise click.UsageError(f"The config file {config_yaml} is not valid YAML: {exc}")
    celery = (document.get("execution") or {}).get("celery")
    if celery is None:
        raise click.UsageError(
            f"The config file {config_yaml} has no `execution: celery:` section; write the executor config "
            "there, e.g.\nexecution:\n  celery:\n    config:\n      broker: redis://127.0.0.1:6379/0"
        )
    return (celery or {}).get("config") or {}


def get_config_dir(config_yaml: str | None = None) -> str:
    """A directory holding the Celery config module (``dagster_celery_config.py``) for ``config_yaml``."""
    settings = celery_settings(_executor_config(config_yaml))
    text = "".join(f"{name} = {value!r}\n" for name, value in sorted(settings.items()))
    digest = hashlib.sha1(text.encode()).hexdigest()[:12]
    directory = os.path.join(tempfile.gettempdir(), "dagster-celery", digest)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{CONFIG_MODULE}.py")
    temp_path = f"{path}.{os.getpid()}.tmp"
    with open(temp_path, "w") as handle:
        handle.write('"""Celery settings written by dagster-celery."""\n' + text)
    os.replace(temp_path, path)
    return directory


def _app(config_yaml: str | None):
    from dagster_celery.tasks import make_app

    return make_app(celery_settings(_executor_config(config_yaml)))


@click.group()
def main() -> None:
    """Celery workers for the celery executor."""


@main.group()
def worker() -> None:
    """Start, list and stop workers."""


@worker.command(
    name="start",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.option("--name", "-n", default=None, help="Worker name (default: dagster-<6 hex digits>).")
@click.option("--config-yaml", "-y", default=None, help="YAML file with execution: celery: config.")
@click.option(
    "--queue",
    "-q",
    multiple=True,
    help="Queue to consume (repeatable; default: the config's task_default_queue, dagster).",
)
@click.option("--background", "-d", is_flag=True, help="Detach: run the worker in the background.")
@click.option("--includes", "-i", multiple=True, help="Modules the worker imports.")
@click.option("--loglevel", "-l", default="INFO", help="Celery log level.")
@click.argument("additional_args", nargs=-1, type=click.UNPROCESSED)
def start_worker(name, config_yaml, queue, background, includes, loglevel, additional_args) -> None:
    """Start a worker; extra arguments go to `celery worker` (e.g. -c 2)."""
    config_dir = get_config_dir(config_yaml)
    default_queue = celery_settings(_executor_config(config_yaml))["task_default_queue"]
    name = name or f"dagster-{uuid.uuid4().hex[:6]}"
    command = [
        sys.executable, "-m", "celery", "-A", "dagster_celery.tasks", "--config", CONFIG_MODULE,
        "worker", "--prefetch-multiplier=1", "-n", f"{name}@%h", "-l", loglevel,
    ]  # fmt: skip
    if queue:
        command += ["-Q", ",".join(queue)]
    else:
        command += ["-Q", default_queue]
    if includes:
        command += ["-I", ",".join(includes)]
    if background:
        command += [
            "--detach",
            f"--pidfile={os.path.join(config_dir, name + '.pid')}",
            f"--logfile={os.path.join(config_dir, name + '.log')}",
        ]
    command += list(additional_args)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [config_dir, env.get("PYTHONPATH")]))
    sys.stdout.flush()
    # The worker replaces this process, so stopping this process stops the worker.
    os.execvpe(command[0], command, env)


@worker.command(name="list")
@click.option("--config-yaml", "-y", default=None, help="YAML file with execution: celery: config.")
def list_workers(config_yaml) -> None:
    """List the running workers (their names and whether they answer)."""
    replies = _app(config_yaml).control.ping(timeout=1.0) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        click.echo("No running workers.")
    for name in names:
        click.echo(name)


@worker.command(name="terminate")
@click.argument("name", default="dagster")
@click.option("--all", "-a", "all_", is_flag=True, help="Terminate every worker.")
@click.option("--config-yaml", "-y", default=None, help="YAML file with execution: celery: config.")
def terminate_worker(name, all_, config_yaml) -> None:
    """Shut down the worker(s) named NAME (NAME@host), or all with --all."""
    app = _app(config_yaml)
    replies = app.control.ping(timeout=1.0) or []
    workers = sorted(worker_name for reply in replies for worker_name in reply)
    targets = workers if all_ else [w for w in workers if w.split("@", 1)[0] == name]
    if not targets:
        raise click.ClickException(
            f'No running worker is named "{name}". Running: {", ".join(workers) or "none"}.'
            if not all_
            else "No running workers."
        )
    app.control.broadcast("shutdown", destination=targets)
    click.echo(json.dumps({"terminated": targets}))
