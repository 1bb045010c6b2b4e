"""Definitions: solids, pipelines, modes, resources and the values user code yields.

Names are imported lazily from the modules that define them (so that importing one definitions
module does not import them all).
"""

from __future__ import annotations

import importlib
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dagster.core.definitions' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"dagster.core.definitions.{module}"), name)
    globals()[name] = value
    return value
