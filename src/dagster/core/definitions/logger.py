"""Loggers: python ``logging.Logger`` factories selected per mode and configured in the run config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.core.definitions.resource import _is_config_spec
from dagster.core.definitions.utils import check_init_fn, config_field_from_spec


class LoggerDefinition:
    """``logger_fn(init_context)`` returns a ``logging.Logger``; ``init_context.logger_config`` is its config."""

    def __init__(self, logger_fn: Callable, config: Any = None, description: str | None = None):
        owner = f"logger {getattr(logger_fn, '__name__', '')!r}".replace(" ''", "")
        self._logger_fn = check_init_fn(logger_fn, "logger function", owner)
        self._config_field = config_field_from_spec(config, owner)
        self._description = check.opt_str_param(description, "description")

    @property
    def logger_fn(self) -> Callable:
        return self._logger_fn

    @property
    def config_field(self) -> Any:
        return self._config_field

    @property
    def description(self) -> str | None:
        return self._description

    def __repr__(self) -> str:
        return f"LoggerDefinition({getattr(self._logger_fn, '__name__', self._logger_fn)!r})"


def logger(config: Any = None, description: str | None = None) -> Any:
    """Decorator: build a ``LoggerDefinition`` from ``fn(init_context)``; usable bare or called."""
    if callable(config) and description is None and not _is_config_spec(config):
        return LoggerDefinition(logger_fn=config)

    def decorate(fn: Callable) -> LoggerDefinition:
        return LoggerDefinition(logger_fn=fn, config=config, description=description)

    return decorate
