"""``dagster-celery worker start | list | terminate``: run Celery workers that execute dagster steps.

Every command reads the celery executor config from the ``-y`` YAML file (the ``execution: celery:
config:`` part of a run config), validates it against the executor's own config schema, and turns
each mistake a user can make (a bad file, an unknown key, an unreachable broker, a bad option) into
one ``Error:`` message that says what is wrong, where, and how to fix it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from typing import Any

import click

from dagster.cli.errors import DagsterCliError
from dagster_celery.config import celery_settings
from dagster_celery.config_checks import celery_config_problem

CONFIG_MODULE = "dagster_celery_config"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "FATAL")
MAX_QUEUE_NAME_BYTES = 255
CONFIG_EXAMPLE = (
    "execution:\n  celery:\n    config:\n      broker: pyamqp://guest@127.0.0.1:5672//\n      backend: rpc://"
)
CONFIG_HELP = "YAML file holding the executor config (execution: celery: config: ...)."


def _read_yaml(config_yaml: str) -> Any:
    """The parsed ``-y`` file; an unreadable file or bad YAML (with its line and column) is a CLI error."""
    import yaml

    from dagster.core.definitions.handle import yaml_syntax_error_message

    if os.path.isdir(config_yaml):
        raise DagsterCliError(f"-y/--config-yaml {config_yaml} is a directory; name a YAML file.")
    try:
        with open(config_yaml, encoding="utf8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise DagsterCliError(
            f"Cannot read the config file {config_yaml} (given with -y/--config-yaml): {exc.strerror}. "
            "Check the path."
        ) from None
    except UnicodeDecodeError as exc:
        raise DagsterCliError(f"{config_yaml} is not a UTF-8 text file (byte {exc.start}).") from None
    except yaml.YAMLError as exc:
        raise DagsterCliError(yaml_syntax_error_message(config_yaml, exc)) from None


def _file_schema() -> Any:
    """The ``-y`` file's schema: a run config (other sections allowed) with a celery ``execution:``."""
    from dagster.config.config_type import Noneable
    from dagster.config.field import Field
    from dagster.config.field_utils import Permissive, Shape
    from dagster_celery.executor import celery_executor

    # ``celery:`` may be left empty (all defaults); ``execution:`` and ``celery:`` must be written.
    celery_entry = Noneable(Shape({"config": celery_executor.config_field}))
    execution = Shape({"celery": Field(celery_entry, is_required=True)})
    return Permissive({"execution": Field(execution, is_required=True)})


def _executor_config(config_yaml: str | None) -> dict:
    """The validated ``execution: {celery: {config: ...}}`` of a YAML file (empty without a file).

    Validation uses the celery executor's config schema, so unknown keys, wrong types and unset
    ``{env: VAR}`` sources are refused with their key path, and ``{env: VAR}`` values are resolved.
    """
    from dagster.config.validate import process_config
    from dagster.core.errors import DagsterInvalidConfigError

    if config_yaml is None:
        return {}
    document = _read_yaml(config_yaml)
    if not isinstance(document, dict):
        what = "an empty file" if document is None else f"a {type(document).__name__}"
        raise DagsterCliError(
            f"{config_yaml} must hold a YAML mapping with the celery executor config, but it is {what}. "
            f"Write it like this:\n{CONFIG_EXAMPLE}"
        )
    result = process_config(_file_schema(), document)
    if not result.success:
        error = DagsterInvalidConfigError(f"Invalid celery config in {config_yaml}", result.errors, document)
        _raise_config_error(config_yaml, error)
    config = dict((result.value["execution"]["celery"] or {}).get("config") or {})
    problem = celery_config_problem(config)
    if problem:
        raise DagsterCliError(f"{config_yaml}: {problem}")
    return config


def _raise_config_error(config_yaml: str, error: Any) -> None:
    from dagster.cli.errors import format_config_errors
    from dagster_celery.executor import CELERY_CONFIG

    raise DagsterCliError(
        format_config_errors(error, run_config=False)
        + f"\nFix {config_yaml}: the keys allowed under execution.celery.config are "
        f"{', '.join(sorted(CELERY_CONFIG))}. For example:\n{CONFIG_EXAMPLE}"
    )


def get_config_dir(config_yaml: str | None = None) -> str:
    """A directory holding the Celery config module (``dagster_celery_config.py``) for ``config_yaml``."""
    return _write_config_module(celery_settings(_executor_config(config_yaml)))


def _write_config_module(settings: dict) -> str:
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


def _app(config_yaml: str | None) -> Any:
    """The Celery app (a client, not a worker) for the config in ``config_yaml``."""
    return _app_for(celery_settings(_executor_config(config_yaml)))


def _app_for(settings: dict) -> Any:
    from dagster_celery.tasks import make_app

    return make_app(settings)


def _broker_error(config: dict, config_yaml: str | None, exc: BaseException) -> DagsterCliError:
    """The message for a broker that cannot be reached (or is named with an unknown transport)."""
    from kombu.utils.url import maybe_sanitize_url

    url = maybe_sanitize_url(celery_settings(config)["broker_url"])
    if config_yaml is None:
        source = "the default broker (no -y file given)"
    elif config.get("broker"):
        source = f"`broker:` in {config_yaml}"
    else:
        source = f"the default broker ({config_yaml} sets no `broker:`)"
    detail = str(exc).strip("'\" .") or type(exc).__name__
    return DagsterCliError(
        f"Cannot reach the Celery broker {url}, {source}: {detail}.\n"
        "Start the broker, or point at a running one: set `broker:` under execution.celery.config in "
        "the -y file, or set DAGSTER_CELERY_BROKER_HOST for the default "
        "pyamqp://guest@<host>:5672//."
    )


def _ping(config_yaml: str | None) -> tuple[Any, list[str]]:
    """The app for ``config_yaml`` and the sorted names of the workers that answer a ping."""
    return _ping_with(_executor_config(config_yaml), config_yaml)


def _ping_with(config: dict, config_yaml: str | None) -> tuple[Any, list[str]]:
    from kombu.exceptions import OperationalError

    app = _app_for(celery_settings(config))
    try:
        replies = app.control.ping(timeout=1.0) or []
    except (OperationalError, OSError, KeyError) as exc:
        raise _broker_error(config, config_yaml, exc) from None
    return app, sorted(name for reply in replies for name in reply)


def _check_before_detach(config: dict, config_yaml: str | None, name: str) -> None:
    """A detached worker reports nothing here: check the broker and the name before detaching."""
    _, running = _ping_with(config, config_yaml)
    clashing = [worker for worker in running if worker.split("@", 1)[0] == name]
    if clashing:
        raise DagsterCliError(
            f"A worker named {clashing[0]} is already running. Choose another name with -n, or stop it "
            f"first: dagster-celery worker terminate {name}" + (f" -y {config_yaml}" if config_yaml else "")
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Celery workers for the celery executor.

    \b
    Examples:
      dagster-celery worker start -y celery.yaml     # a worker for the broker in celery.yaml
      dagster-celery worker list -y celery.yaml
      dagster-celery worker terminate --all -y celery.yaml
    """


@main.group()
def worker() -> None:
    """Start, list and stop workers.

    \b
    Examples:
      dagster-celery worker start -n fast-worker -q fast
      dagster-celery worker list
    """


def _queues(values: tuple[str, ...]) -> list[str]:
    """The queue names of the ``-q`` options (each may be a comma-separated list), checked."""
    names = [name.strip() for value in values for name in value.split(",")]
    for name in names:
        problem = _queue_problem(name)
        if problem:
            raise click.BadParameter(
                f"{problem}. Give one queue per -q (or a comma-separated list), e.g. -q dagster -q fast.",
                param_hint="'-q' / '--queue'",
            )
    return names


def _queue_problem(name: str) -> str | None:
    if not name:
        return "a queue name is empty"
    if any(char.isspace() for char in name):
        return f'the queue name "{name}" contains white space'
    if len(name.encode()) > MAX_QUEUE_NAME_BYTES:
        return f'the queue name "{name[:20]}..." is longer than {MAX_QUEUE_NAME_BYTES} bytes'
    if name.startswith("amq."):
        return f'the queue name "{name}" starts with "amq.", which brokers reserve for themselves'
    return None


def _check_name(name: str | None) -> str:
    """The worker name: given (without a host part) or ``dagster-<6 hex digits>``."""
    if name is None:
        return f"dagster-{uuid.uuid4().hex[:6]}"
    if not name.strip() or "@" in name or any(char.isspace() for char in name):
        raise click.BadParameter(
            f'"{name}" is not a worker name: give a non-empty name without "@" or spaces (the host is '
            "added as NAME@host), e.g. -n fast-worker.",
            param_hint="'-n' / '--name'",
        )
    return name


def _check_includes(includes: list[str], where: str) -> None:
    """Every module a worker is told to import must be importable here (the worker would crash)."""
    for module in includes:
        if not _importable(module):
            raise DagsterCliError(
                f'Cannot import module "{module}" ({where}). Check the name, install its package, or run '
                "the command from the directory that holds it."
            )


def _importable(module: str) -> bool:
    """Whether ``module`` can be imported with the working directory on the path, as in the worker."""
    saved = list(sys.path)
    sys.path.insert(0, os.getcwd())
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
    finally:
        sys.path[:] = saved


def _with_config(fn: Callable) -> Callable:
    """The ``-y/--config-yaml`` option."""
    return click.option("--config-yaml", "-y", default=None, help=CONFIG_HELP)(fn)


@worker.command(
    name="start",
    short_help="Start a worker.",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.option("--name", "-n", default=None, help="Worker name (default: dagster-<6 hex digits>).")
@_with_config
@click.option(
    "--queue",
    "-q",
    multiple=True,
    help="Queue to consume (repeatable; default: the config's task_default_queue, dagster).",
)
@click.option("--background", "-d", is_flag=True, help="Detach: run the worker in the background.")
@click.option("--includes", "-i", multiple=True, help="Modules the worker imports.")
@click.option(
    "--loglevel",
    "-l",
    default="INFO",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    help="Log level (default: INFO).",
)
@click.argument("additional_args", nargs=-1, type=click.UNPROCESSED)
def start_worker(
    name: str | None,
    config_yaml: str | None,
    queue: tuple[str, ...],
    background: bool,
    includes: tuple[str, ...],
    loglevel: str,
    additional_args: tuple[str, ...],
) -> None:
    """Start a worker; other arguments go to `celery worker` (e.g. -c 2 for two pool processes).

    \b
    Examples:
      dagster-celery worker start                     # default broker, queue dagster
      dagster-celery worker start -n fast-worker -q fast -y celery.yaml -c 4
      dagster-celery worker start -d -l WARNING       # in the background
    """
    name = _check_name(name)
    queues = _queues(queue)
    config = _executor_config(config_yaml)
    includes = tuple(module.strip() for value in includes for module in value.split(",") if module.strip())
    _check_includes(list(includes), "given with -i/--includes")
    _check_includes(list(config.get("include") or []), f"`include:` in {config_yaml}")
    settings = celery_settings(config)
    if background:
        _check_before_detach(config, config_yaml, name)
    config_dir = _write_config_module(settings)
    command = [
        sys.executable, "-m", "celery", "-A", "dagster_celery.tasks", "--config", CONFIG_MODULE,
        "worker", "--prefetch-multiplier=1", "-n", f"{name}@%h", "-l", loglevel.upper(),
        "-Q", ",".join(queues or [settings["task_default_queue"]]),
    ]  # fmt: skip
    if includes:
        command += ["-I", ",".join(includes)]
    if background:
        command += _background_args(config_dir, name)
    command += list(additional_args)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [config_dir, env.get("PYTHONPATH")]))
    sys.stdout.flush()
    # The worker replaces this process, so stopping this process stops the worker.
    os.execvpe(command[0], command, env)


def _background_args(config_dir: str, name: str) -> list[str]:
    """The ``--detach`` arguments; says where the detached worker's log goes."""
    pidfile = os.path.join(config_dir, name + ".pid")
    logfile = os.path.join(config_dir, name + ".log")
    click.echo(f"Starting worker {name} in the background; its log: {logfile}")
    return ["--detach", f"--pidfile={pidfile}", f"--logfile={logfile}"]


@worker.command(name="list", short_help="List the running workers.")
@_with_config
def list_workers(config_yaml: str | None) -> None:
    """List the running workers (those that answer within a second).

    \b
    Examples:
      dagster-celery worker list
      dagster-celery worker list -y celery.yaml
    """
    _, names = _ping(config_yaml)
    if not names:
        click.echo("No running workers.")
    for name in names:
        click.echo(name)


@worker.command(name="terminate", short_help="Shut down workers.")
@click.argument("name", default="dagster")
@click.option("--all", "-a", "all_", is_flag=True, help="Terminate every worker.")
@_with_config
def terminate_worker(name: str, all_: bool, config_yaml: str | None) -> None:
    """Shut down the workers named NAME (NAME or NAME@host; default dagster), or all with --all.

    \b
    Examples:
      dagster-celery worker terminate fast-worker
      dagster-celery worker terminate --all -y celery.yaml
    """
    app, workers = _ping(config_yaml)
    targets = workers if all_ else [w for w in workers if name in (w, w.split("@", 1)[0])]
    if not targets:
        raise DagsterCliError(
            f'No running worker is named "{name}". Running: {", ".join(workers) or "none"}. '
            "`dagster-celery worker list` shows them; --all terminates every one."
            if not all_
            else "No running workers."
        )
    app.control.broadcast("shutdown", destination=targets)
    click.echo(json.dumps({"terminated": targets}))
