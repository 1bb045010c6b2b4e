"""How the CLI reports a user's mistake: one clear message on stderr, a non-zero exit, no traceback of ours."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click


class DagsterCliError(click.ClickException):
    """A user-facing failure: printed as ``Error: <message>`` and exit code 1."""


def format_config_errors(error: Any, config_sources: list[str] | None = None, run_config: bool = True) -> str:
    """A ``DagsterInvalidConfigError`` as a numbered list of paths and fixes.

    ``run_config=False`` (e.g. an invalid dagster.yaml) leaves out the advice about the run config.
    """
    errors = list(getattr(error, "errors", []) or [])
    messages = [getattr(item, "message", None) or str(item) for item in errors] or [str(error)]
    preamble = str(error).splitlines()[0] if str(error) else "Invalid run config"
    if len(messages) == 1 and messages[0].strip() in preamble:
        lines = [preamble]  # a single error already stated in full by the preamble
    else:
        lines = [f"{preamble} ({len(messages)} error{'s' if len(messages) != 1 else ''}):"]
        lines += [f"  {index}. {message}" for index, message in enumerate(messages, start=1)]
    if not run_config:
        return "\n".join(lines)
    where = f" in {', '.join(config_sources)}" if config_sources else ""
    lines.append(
        f"Fix the run config{where}. `dagster pipeline scaffold_config <pipeline>` prints a skeleton of it."
    )
    return "\n".join(lines)


def user_errors_as_cli_errors(fn: Callable) -> Callable:
    """Turn the errors a user can cause (``DagsterError``) into a one-line-per-fact CLI error."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dagster.core.errors import DagsterError, DagsterInvalidConfigError

        try:
            return fn(*args, **kwargs)
        except DagsterInvalidConfigError as exc:
            # Run configs are validated (and reported with their files) where runs are created; one
            # reaching here is another config (dagster.yaml, a plug-in's config, a Field default).
            raise DagsterCliError(format_config_errors(exc, run_config=False)) from exc
        except DagsterError as exc:
            raise DagsterCliError(str(exc)) from exc

    return wrapper
