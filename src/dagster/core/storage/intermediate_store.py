"""Intermediate stores: a run's intermediate values in an object store.

Objects are keyed by paths under the run's root, ``root_for_run_id(run_id)``; step outputs live at
``paths_for_intermediate(step_key, output_name)`` = ``["intermediates", step_key, output_name]``.
With the instance's directories that is
``<base>/storage/<run_id>/intermediates/<step_key>/<output_name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.core.storage.object_store import (
    FilesystemObjectStore,
    InMemoryObjectStore,
    ObjectStore,
    ObjectStoreOperation,
)
from dagster.core.storage.type_storage import TypeStoragePluginRegistry


class IntermediateStore:
    """Reads and writes one run's intermediates, applying the type storage plugins."""

    def __init__(
        self,
        object_store: ObjectStore,
        root_for_run_id: Callable[[str], str],
        run_id: str,
        type_storage_plugin_registry: TypeStoragePluginRegistry | None = None,
    ):
        self.object_store = check.inst_param(object_store, "object_store", ObjectStore)
        self.root_for_run_id = check.callable_param(root_for_run_id, "root_for_run_id")
        self.run_id = check.str_param(run_id, "run_id")
        self.type_storage_plugin_registry = check.opt_inst_param(
            type_storage_plugin_registry,
            "type_storage_plugin_registry",
            TypeStoragePluginRegistry,
            default=TypeStoragePluginRegistry(),
        )
        self.root = self.root_for_run_id(run_id)

    @property
    def is_persistent(self) -> bool:
        return not isinstance(self.object_store, InMemoryObjectStore)

    def key_for_paths(self, paths: list[str]) -> str:
        return self.object_store.key_for_paths([self.root, *paths])

    def uri_for_paths(self, paths: list[str], protocol: str | None = None) -> str:
        return self.object_store.uri_for_key(self.key_for_paths(paths), protocol)

    # -- raw objects (what type storage plugins call) ---------------------------------------------

    def set_object(self, obj: Any, context: Any, dagster_type: Any, paths: list[str]) -> ObjectStoreOperation:
        return self.object_store.set_object(
            self.key_for_paths(paths), obj, serialization_strategy=dagster_type.serialization_strategy
        )

    def get_object(self, context: Any, dagster_type: Any, paths: list[str]) -> ObjectStoreOperation:
        return self.object_store.get_object(
            self.key_for_paths(paths), serialization_strategy=dagster_type.serialization_strategy
        )

    def has_object(self, context: Any, paths: list[str]) -> bool:
        return self.object_store.has_object(self.key_for_paths(paths))

    def rm_object(self, context: Any, paths: list[str]) -> None:
        """Remove the object at ``paths`` (nothing happens if there is none)."""
        self.object_store.rm_object(self.key_for_paths(paths))

    def copy_object_from_run(self, context: Any, run_id: str, paths: list[str]) -> ObjectStoreOperation:
        """Copy the object at ``paths`` of run ``run_id`` into this run."""
        source = self.object_store.key_for_paths([self.root_for_run_id(run_id), *paths])
        return self.object_store.cp_object(source, self.key_for_paths(paths))

    def copy_object_from_prev_run(
        self, context: Any, previous_run_id: str, paths: list[str]
    ) -> ObjectStoreOperation:
        """Same as :meth:`copy_object_from_run` (the name Dagster 0.7 used)."""
        return self.copy_object_from_run(context, previous_run_id, paths)

    def has_object_in_run(self, context: Any, run_id: str, paths: list[str]) -> bool:
        return self.object_store.has_object(
            self.object_store.key_for_paths([self.root_for_run_id(run_id), *paths])
        )

    # -- typed values (what intermediates managers call) ------------------------------------------

    def has_plugin(self, dagster_type: Any) -> bool:
        """Whether values of ``dagster_type`` go through a type storage plugin in this run."""
        registry = self.type_storage_plugin_registry
        return bool(len(registry)) and registry.is_registered(dagster_type)

    def set_value(self, obj: Any, context: Any, dagster_type: Any, paths: list[str]) -> Any:
        """Store ``obj`` through the type's storage plugin if it has one, else its serialization strategy."""
        plugin = self._plugin(dagster_type)
        if plugin is not None:
            return plugin.set_object(self, obj, context, dagster_type, paths)
        return self.set_object(obj, context, dagster_type, paths)

    def get_value(self, context: Any, dagster_type: Any, paths: list[str]) -> Any:
        """The ObjectStoreOperation that read the value, or what the type's storage plugin returned."""
        plugin = self._plugin(dagster_type)
        if plugin is not None:
            return plugin.get_object(self, context, dagster_type, paths)
        return self.get_object(context, dagster_type, paths)

    def _plugin(self, dagster_type: Any) -> type | None:
        registry = self.type_storage_plugin_registry
        if not len(registry):
            return None
        if registry.is_registered(dagster_type):
            return registry.get(dagster_type.key)
        registry.check_for_unsupported_composite_overrides(dagster_type)
        return None

    # -- step outputs ---------------------------------------------------------------------------

    @staticmethod
    def paths_for_intermediate(step_key: str, output_name: str = "result") -> list[str]:
        return ["intermediates", step_key, output_name]

    def get_intermediate(
        self, context: Any, step_key: str, dagster_type: Any = None, output_name: str = "result"
    ) -> Any:
        """Read the stored output ``output_name`` of ``step_key`` (``dagster_type`` as a solid would give it)."""
        from dagster.core.types.dagster_type import resolve_dagster_type

        return self.get_value(
            context, resolve_dagster_type(dagster_type), self.paths_for_intermediate(step_key, output_name)
        )

    def has_intermediate(self, context: Any, step_key: str, output_name: str = "result") -> bool:
        return self.has_object(context, self.paths_for_intermediate(step_key, output_name))

    def rm_intermediate(self, context: Any, step_key: str, output_name: str = "result") -> None:
        self.rm_object(context, self.paths_for_intermediate(step_key, output_name))


def build_fs_intermediate_store(
    root_for_run_id: Callable[[str], str],
    run_id: str,
    type_storage_plugin_registry: TypeStoragePluginRegistry | None = None,
) -> IntermediateStore:
    """An intermediate store of files under ``root_for_run_id(run_id)``."""
    return IntermediateStore(FilesystemObjectStore(), root_for_run_id, run_id, type_storage_plugin_registry)
