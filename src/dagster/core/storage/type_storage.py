"""Type storage plugins: how a Dagster type stores its values in a particular system storage.

A type lists plugin classes in ``auto_plugins``; for a run, the registry keeps, per type, the first
plugin compatible with the run's system storage. Types without one use their
``serialization_strategy`` through the object store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from dagster import check
from dagster.core.errors import DagsterInvalidDefinitionError


class TypeStoragePlugin(ABC):
    """Stores values of one Dagster type in the system storages it is compatible with.

    ``paths`` are the key components under the run's intermediates root
    (``[step_key, output_name]``); ``intermediate_store.set_object``/``get_object`` and
    ``intermediate_store.uri_for_paths`` do the actual storing.
    """

    @classmethod
    @abstractmethod
    def compatible_with_storage_def(cls, system_storage_def: Any) -> bool:
        """Whether this plugin can be used with ``system_storage_def``."""

    @classmethod
    @abstractmethod
    def set_object(
        cls, intermediate_store: Any, obj: Any, context: Any, dagster_type: Any, paths: list[str]
    ) -> Any:
        """Store ``obj``; return the ObjectStoreOperation that did it."""

    @classmethod
    @abstractmethod
    def get_object(cls, intermediate_store: Any, context: Any, dagster_type: Any, paths: list[str]) -> Any:
        """Load the value (or an ObjectStoreOperation carrying it)."""

    @classmethod
    def required_resource_keys(cls) -> frozenset:
        """Resources the plugin reads from ``context.resources`` (the steps using it get them)."""
        return frozenset()


class TypeStoragePluginRegistry:
    """The plugin to use for each Dagster type (by key) in one run."""

    def __init__(self, types_to_register: list[tuple[Any, type]] | None = None):
        self._plugins: dict[str, type] = {}
        for dagster_type, plugin in types_to_register or []:
            self.register_type(dagster_type, plugin)

    def register_type(self, dagster_type: Any, type_storage_plugin: type) -> None:
        check.subclass_param(type_storage_plugin, "type_storage_plugin", TypeStoragePlugin)
        key = dagster_type.key
        existing = self._plugins.get(key)
        if existing is not None and existing is not type_storage_plugin:
            raise DagsterInvalidDefinitionError(
                f'Dagster type "{dagster_type.display_name}" has two storage plugins for this storage: '
                f"{existing.__name__} and {type_storage_plugin.__name__}. Keep one in its auto_plugins."
            )
        self._plugins[key] = type_storage_plugin

    def is_registered(self, dagster_type: Any) -> bool:
        return dagster_type.key in self._plugins

    def get(self, key: str) -> type:
        return self._plugins[key]

    def check_for_unsupported_composite_overrides(self, dagster_type: Any) -> None:
        """Refuse a plugin on a type nested in a list or nullable type: the container is stored whole."""
        for inner in getattr(dagster_type, "inner_types", []):
            if self.is_registered(inner):
                raise check.NotImplementedCheckError(
                    f'Dagster type "{dagster_type.display_name}" contains "{inner.display_name}", which has '
                    f"a storage plugin ({self._plugins[inner.key].__name__}); plugins are not applied to "
                    "values nested in a List or Optional type. Store the values one per output instead."
                )

    def __len__(self) -> int:
        return len(self._plugins)


def plugin_for_storage(dagster_type: Any, system_storage_def: Any) -> type | None:
    """The first of ``dagster_type``'s ``auto_plugins`` compatible with ``system_storage_def``, or None."""
    for plugin in dagster_type.auto_plugins:
        if plugin.compatible_with_storage_def(system_storage_def):
            return plugin
    return None


def type_storage_plugin_resource_keys(dagster_type: Any, system_storage_def: Any) -> frozenset:
    """The resource keys that storing ``dagster_type`` needs in ``system_storage_def`` (its plugin's)."""
    if not dagster_type.auto_plugins:
        return frozenset()
    plugin = plugin_for_storage(dagster_type, system_storage_def)
    return frozenset(plugin.required_resource_keys()) if plugin is not None else frozenset()


def construct_type_storage_plugin_registry(
    pipeline_def: Any, system_storage_def: Any
) -> TypeStoragePluginRegistry:
    """The registry for a run of ``pipeline_def`` with ``system_storage_def``."""
    types_to_register = []
    for dagster_type in pipeline_def.all_dagster_types():
        plugin = plugin_for_storage(dagster_type, system_storage_def) if dagster_type.auto_plugins else None
        if plugin is not None:
            types_to_register.append((dagster_type, plugin))
    return TypeStoragePluginRegistry(types_to_register)
