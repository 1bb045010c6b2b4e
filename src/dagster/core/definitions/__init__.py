"""Definitions: solids, pipelines, modes, resources and the values user code yields.

Names are imported lazily from the modules that define them (so that importing one definitions
module does not import them all).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_EXPORTS = {
    "ConfigMapping": "config",
    "CompositeSolidDefinition": "solid",
    "DependencyDefinition": "dependency",
    "DependencyStructure": "dependency",
    "ExecutionTargetHandle": "handle",
    "ExecutorDefinition": "executor",
    "ExpectationResult": "events",
    "Failure": "events",
    "InputDefinition": "input",
    "InputMapping": "input",
    "LoaderEntrypoint": "handle",
    "LoggerDefinition": "logger",
    "Materialization": "events",
    "ModeDefinition": "mode",
    "MultiDependencyDefinition": "dependency",
    "Output": "events",
    "OutputDefinition": "output",
    "OutputMapping": "output",
    "Partition": "partition",
    "PartitionSetDefinition": "partition",
    "PipelineDefinition": "pipeline",
    "PresetDefinition": "preset",
    "RepositoryDefinition": "repository",
    "ResourceDefinition": "resource",
    "ScheduleDefinition": "schedule",
    "Solid": "dependency",
    "SolidDefinition": "solid",
    "SolidHandle": "dependency",
    "SolidInputHandle": "dependency",
    "SolidInvocation": "dependency",
    "SolidOutputHandle": "dependency",
    "SystemStorageData": "system_storage",
    "SystemStorageDefinition": "system_storage",
    "TypeCheck": "events",
    "composite_solid": "decorators",
    "create_environment_schema": "environment_configs",
    "create_environment_type": "environment_configs",
    "executor": "executor",
    "lambda_solid": "decorators",
    "logger": "logger",
    "pipeline": "decorators",
    "resource": "resource",
    "solid": "decorators",
    "system_storage": "system_storage",
}

__all__ = sorted(_EXPORTS)

# Names that are both a decorator exported here and a submodule of this package. Importing the
# submodule would otherwise bind the module over the name (`from dagster.core.definitions import
# solid` must give the decorator, as in 0.7); `from dagster.core.definitions.solid import X` still works.
_DECORATORS_NAMED_LIKE_SUBMODULES = frozenset(
    {"executor", "logger", "pipeline", "resource", "solid", "system_storage"}
)


class _DefinitionsModule(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DECORATORS_NAMED_LIKE_SUBMODULES and isinstance(value, types.ModuleType):
            return  # the import system binding a submodule: keep the decorator (resolved lazily below)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _DefinitionsModule


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dagster.core.definitions' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"dagster.core.definitions.{module}"), name)
    globals()[name] = value
    return value
