"""Resources: long-lived objects (connections, clients) built once per run and shared by solids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.core.definitions.utils import check_init_fn, config_field_from_spec


class ResourceDefinition:
    """``resource_fn(init_context)`` returns the resource, or yields it once (code after the yield is
    teardown, run at the end of the run even when it fails)."""

    def __init__(self, resource_fn: Callable, config: Any = None, description: str | None = None):
        owner = f"resource {getattr(resource_fn, '__name__', '')!r}".replace(" ''", "")
        self._resource_fn = check_init_fn(resource_fn, "resource function", owner)
        self._config_field = config_field_from_spec(config, owner)
        self._description = check.opt_str_param(description, "description")

    @property
    def resource_fn(self) -> Callable:
        return self._resource_fn

    @property
    def config_field(self) -> Any:
        return self._config_field

    @property
    def description(self) -> str | None:
        return self._description

    @staticmethod
    def none_resource(description: str | None = None) -> ResourceDefinition:
        """A resource whose value is ``None`` (a placeholder in test modes)."""
        return ResourceDefinition.hardcoded_resource(None, description)

    @staticmethod
    def hardcoded_resource(value: Any, description: str | None = None) -> ResourceDefinition:
        """A resource that is always ``value``."""
        return ResourceDefinition(lambda _init_context: value, description=description)

    @staticmethod
    def string_resource(description: str | None = None) -> ResourceDefinition:
        """A resource whose value is its (string) config."""
        return ResourceDefinition(
            lambda init_context: init_context.resource_config, config=str, description=description
        )

    def __repr__(self) -> str:
        return f"ResourceDefinition({getattr(self._resource_fn, '__name__', self._resource_fn)!r})"


def resource(config: Any = None, description: str | None = None) -> Any:
    """Decorator: build a ``ResourceDefinition`` from ``fn(init_context)``; usable bare or called."""
    if callable(config) and description is None and not _is_config_spec(config):
        return ResourceDefinition(resource_fn=config)

    def decorate(fn: Callable) -> ResourceDefinition:
        return ResourceDefinition(resource_fn=fn, config=config, description=description)

    return decorate


def _is_config_spec(obj: Any) -> bool:
    """Classes (``int``, ``str``...) and config types are callable but are schemas, not functions."""
    from dagster.config.config_type import ConfigType
    from dagster.config.field import Field

    return isinstance(obj, (type, ConfigType, Field))
