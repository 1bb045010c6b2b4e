"""``InitSystemStorageContext``: what a system storage's creation function receives."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster import check
from dagster.core.storage.type_storage import TypeStoragePluginRegistry


class InitSystemStorageContext(
    NamedTuple(
        "_InitSystemStorageContext",
        [
            ("pipeline_def", Any),
            ("mode_def", Any),
            ("system_storage_def", Any),
            ("pipeline_run", Any),
            ("instance", Any),
            ("environment_config", Any),
            ("type_storage_plugin_registry", TypeStoragePluginRegistry),
            ("resources", Any),
            ("system_storage_config", dict),
        ],
    )
):
    """The run, its definitions and config, the instance, the storage's resources and its config."""

    def __new__(
        cls,
        pipeline_def: Any,
        mode_def: Any,
        system_storage_def: Any,
        pipeline_run: Any,
        instance: Any,
        environment_config: Any,
        type_storage_plugin_registry: TypeStoragePluginRegistry,
        resources: Any,
        system_storage_config: dict | None,
    ):
        return super().__new__(
            cls,
            pipeline_def,
            mode_def,
            system_storage_def,
            pipeline_run,
            instance,
            environment_config,
            check.inst_param(
                type_storage_plugin_registry, "type_storage_plugin_registry", TypeStoragePluginRegistry
            ),
            resources,
            check.opt_dict_param(system_storage_config, "system_storage_config"),
        )

    @property
    def run_id(self) -> str:
        return self.pipeline_run.run_id
