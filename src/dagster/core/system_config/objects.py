"""``EnvironmentConfig``: a run config validated against its pipeline+mode schema and parsed.

Composite config mappings are already applied: every solid, at any depth, has its processed
config under its full handle string (``"comp.inner"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from dagster import check
from dagster.config.validate import process_config
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.errors import (
    DagsterConfigMappingFunctionError,
    DagsterInvalidConfigError,
    user_code_error_boundary,
)

DEFAULT_EXECUTOR_NAME = "in_process"
DEFAULT_STORAGE_NAME = "in_memory"


class SolidConfig(NamedTuple("_SolidConfig", [("config", Any), ("inputs", dict), ("outputs", list)])):
    """The processed ``config``, ``inputs`` and ``outputs`` entries of one solid."""

    def __new__(cls, config: Any = None, inputs: dict | None = None, outputs: list | None = None):
        return super().__new__(cls, config, inputs or {}, outputs or [])

    @staticmethod
    def from_dict(config: Mapping) -> SolidConfig:
        return SolidConfig(config.get("config"), config.get("inputs"), config.get("outputs"))


class ExecutionConfig(
    NamedTuple("_ExecutionConfig", [("execution_engine_name", str), ("execution_engine_config", dict)])
):
    """The selected executor and its processed config."""

    def __new__(cls, execution_engine_name: str, execution_engine_config: dict | None = None):
        return super().__new__(
            cls,
            check.str_param(execution_engine_name, "execution_engine_name"),
            dict(execution_engine_config or {}),
        )

    @staticmethod
    def from_dict(config: Mapping) -> ExecutionConfig:
        ((name, value),) = config.items()
        return ExecutionConfig(name, (value or {}).get("config"))


class StorageConfig(
    NamedTuple("_StorageConfig", [("system_storage_name", str), ("system_storage_config", dict)])
):
    """The selected system storage and its processed config."""

    def __new__(cls, system_storage_name: str, system_storage_config: dict | None = None):
        return super().__new__(
            cls,
            check.str_param(system_storage_name, "system_storage_name"),
            dict(system_storage_config or {}),
        )

    @staticmethod
    def from_dict(config: Mapping) -> StorageConfig:
        ((name, value),) = config.items()
        return StorageConfig(name, (value or {}).get("config"))


class EnvironmentConfig(
    NamedTuple(
        "_EnvironmentConfig",
        [
            ("solids", dict),
            ("execution", ExecutionConfig),
            ("storage", StorageConfig),
            ("resources", dict),
            ("loggers", dict),
            ("original_config_dict", Any),
            ("mode", "str | None"),
        ],
    )
):
    """A validated run config. Build it with :meth:`EnvironmentConfig.build`."""

    def __new__(
        cls,
        solids: dict | None = None,
        execution: ExecutionConfig | None = None,
        storage: StorageConfig | None = None,
        resources: dict | None = None,
        loggers: dict | None = None,
        original_config_dict: Any = None,
        mode: str | None = None,
    ):
        return super().__new__(
            cls,
            solids or {},
            execution or ExecutionConfig(DEFAULT_EXECUTOR_NAME),
            storage or StorageConfig(DEFAULT_STORAGE_NAME),
            resources or {},
            loggers or {},
            original_config_dict,
            mode,
        )

    @staticmethod
    def build(
        pipeline_def: Any, environment_dict: Mapping | None = None, mode: str | None = None
    ) -> EnvironmentConfig:
        """Validate ``environment_dict`` for ``pipeline_def`` in ``mode`` and parse it.

        Raises ``DagsterInvalidConfigError("Error in config for pipeline <name>", errors, ...)`` listing
        every error with its path.
        """
        mode_def = pipeline_def.get_mode_definition(mode)
        if environment_dict is None:
            environment_dict = {}
        if not isinstance(environment_dict, Mapping):
            raise DagsterInvalidConfigError(
                f"Error in config for pipeline {pipeline_def.name}: the run config must be a dict, got "
                f"{type(environment_dict).__name__}",
                [],
                environment_dict,
            )
        schema = pipeline_def.get_environment_schema(mode_def.name)
        result = process_config(schema.environment_type, _with_selector_defaults(environment_dict, mode_def))
        if not result.success:
            raise DagsterInvalidConfigError(
                f"Error in config for pipeline {pipeline_def.name}", result.errors, environment_dict
            )
        value = result.value
        solids: dict[str, SolidConfig] = {}
        _collect_solid_configs(pipeline_def, pipeline_def.solids, value.get("solids") or {}, None, solids)
        resources = {
            key: {"config": (value.get("resources") or {}).get(key, {}).get("config")}
            for key in mode_def.resource_defs
        }
        loggers = {
            key: {"config": (entry or {}).get("config")}
            for key, entry in (value.get("loggers") or {}).items()
        }
        execution = ExecutionConfig.from_dict(value["execution"])
        storage = StorageConfig.from_dict(value["storage"])
        _check_executor_storage(pipeline_def, mode_def, execution, storage, environment_dict)
        return EnvironmentConfig(
            solids=solids,
            execution=execution,
            storage=storage,
            resources=resources,
            loggers=loggers,
            original_config_dict=environment_dict,
            mode=mode_def.name,
        )


def _check_executor_storage(
    pipeline_def: Any,
    mode_def: Any,
    execution: ExecutionConfig,
    storage: StorageConfig,
    environment_dict: Any,
) -> None:
    """An executor that runs steps in other processes cannot work with a storage that lives in this one."""
    executor_def = mode_def.get_executor_def(execution.execution_engine_name)
    storage_def = mode_def.get_system_storage_def(storage.system_storage_name)
    if executor_def.requires_persistent_storage and not storage_def.is_persistent:
        persistent = [s.name for s in mode_def.system_storage_defs if s.is_persistent]
        fix = (
            f"Select a persistent one, e.g. `storage: {{{persistent[0]}: {{}}}}`."
            if persistent
            else f'Mode "{mode_def.name}" has no persistent system storage: add one (e.g. fs_system_storage).'
        )
        raise DagsterInvalidConfigError(
            f"Error in config for pipeline {pipeline_def.name}: the {executor_def.name} executor runs steps in other "
            f'processes, so it needs a persistent system storage, but the run config selects "{storage_def.name}", '
            f"which keeps values in this process only. {fix}",
            [],
            environment_dict,
        )


def _default_name(preferred: str, defs: list) -> str:
    names = [d.name for d in defs]
    return preferred if preferred in names else names[0]


def _with_selector_defaults(environment_dict: Mapping, mode_def: Any) -> Mapping:
    """Select the default executor / storage when the run config leaves ``execution`` / ``storage`` out."""
    missing_execution = environment_dict.get("execution") is None
    missing_storage = environment_dict.get("storage") is None
    if not (missing_execution or missing_storage):
        return environment_dict
    filled = dict(environment_dict)
    if missing_execution:
        filled["execution"] = {_default_name(DEFAULT_EXECUTOR_NAME, mode_def.executor_defs): {}}
    if missing_storage:
        filled["storage"] = {_default_name(DEFAULT_STORAGE_NAME, mode_def.system_storage_defs): {}}
    return filled


def _collect_solid_configs(
    pipeline_def: Any,
    solids: list,
    config_dict: Mapping,
    parent: SolidHandle | None,
    out: dict[str, SolidConfig],
) -> None:
    for solid in solids:
        handle = SolidHandle(solid.name, parent)
        entry = config_dict.get(solid.name) or {}
        out[handle.to_string()] = SolidConfig.from_dict(entry)
        definition = solid.definition
        if not definition.is_composite:
            continue
        if definition.has_config_mapping:
            children = _apply_config_mapping(pipeline_def, solid, handle, entry.get("config"))
        else:
            children = entry.get("solids") or {}
        _collect_solid_configs(pipeline_def, definition.solids, children, handle, out)


def _apply_config_mapping(pipeline_def: Any, solid: Any, handle: SolidHandle, config: Any) -> Mapping:
    """Run the composite's ``config_fn`` and validate what it returns against its children's schema."""
    from dagster.core.definitions.environment_configs import composite_children_shape

    definition = solid.definition
    with user_code_error_boundary(
        DagsterConfigMappingFunctionError,
        lambda: (
            f'The config mapping function (config_fn) of composite solid "{handle.to_string()}" (definition '
            f'"{definition.name}") in pipeline "{pipeline_def.name}" raised an exception.'
        ),
    ):
        mapped = definition.config_mapping.config_fn(config)
    children_shape = composite_children_shape(definition)
    result = process_config(children_shape, mapped if mapped is not None else {})
    if not result.success:
        stack = ":".join(["root", "solids"] + [f"{name}:solids" for name in handle.path[:-1]] + [handle.name])
        raise DagsterInvalidConfigError(
            f'In pipeline {pipeline_def.name} at stack {stack}: Solid "{handle.to_string()}" with definition '
            f'"{definition.name}" has a configuration error: its config_fn returned config that does not match '
            "the schema of its children. The error paths below are relative to what config_fn returned; fix "
            "config_fn",
            result.errors,
            mapped,
        )
    return result.value
