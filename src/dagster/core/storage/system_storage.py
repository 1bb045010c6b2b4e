"""The built-in system storages: ``in_memory`` (the default) and ``filesystem``.

``filesystem`` writes each intermediate to ``<base>/storage/<run_id>/intermediates/<step_key>/<output>``
and files to ``<base>/storage/<run_id>/files``, where ``<base>`` is the instance's root, or the
storage's ``base_dir`` config when given.
"""

from __future__ import annotations

import os

from dagster.config.field import Field
from dagster.config.source import StringSource
from dagster.core.definitions.system_storage import SystemStorageData, system_storage
from dagster.core.storage.file_manager import LocalFileManager
from dagster.core.storage.init import InitSystemStorageContext
from dagster.core.storage.intermediate_store import build_fs_intermediate_store
from dagster.core.storage.intermediates_manager import (
    InMemoryIntermediatesManager,
    IntermediateStoreIntermediatesManager,
)

__all__ = [
    "SystemStorageData",
    "create_mem_system_storage_data",
    "default_system_storage_defs",
    "fs_system_storage",
    "mem_system_storage",
]


def create_mem_system_storage_data(init_context: InitSystemStorageContext) -> SystemStorageData:
    """Intermediates in a dict; files still go to the instance's file directory for the run."""
    return SystemStorageData(
        intermediates_manager=InMemoryIntermediatesManager(),
        file_manager=LocalFileManager.for_instance(init_context.instance, init_context.run_id),
    )


@system_storage(name="in_memory", is_persistent=False, required_resource_keys=set())
def mem_system_storage(init_context: InitSystemStorageContext) -> SystemStorageData:
    return create_mem_system_storage_data(init_context)


@system_storage(
    name="filesystem",
    is_persistent=True,
    config={"base_dir": Field(StringSource, is_required=False)},
    required_resource_keys=set(),
)
def fs_system_storage(init_context: InitSystemStorageContext) -> SystemStorageData:
    run_id = init_context.run_id
    base_dir = (init_context.system_storage_config or {}).get("base_dir")
    if base_dir:
        base_dir = os.path.abspath(os.path.expanduser(base_dir))

        def root_for_run_id(for_run_id: str) -> str:
            return os.path.join(base_dir, "storage", for_run_id)

        file_manager = LocalFileManager(os.path.join(base_dir, "storage", run_id, "files"))
    else:
        root_for_run_id = init_context.instance.intermediates_directory
        file_manager = LocalFileManager.for_instance(init_context.instance, run_id)
    intermediate_store = build_fs_intermediate_store(
        root_for_run_id, run_id, init_context.type_storage_plugin_registry
    )
    return SystemStorageData(
        intermediates_manager=IntermediateStoreIntermediatesManager(intermediate_store),
        file_manager=file_manager,
    )


default_system_storage_defs = [mem_system_storage, fs_system_storage]
