"""Dagster: define, validate, run and observe data pipelines (the Dagster 0.7 API).

Names are imported lazily on first use so that ``import dagster`` stays fast; ``from dagster
import solid`` and ``dagster.solid`` work as usual. The map below is the public surface: each name
and the module that defines it.
"""

from __future__ import annotations

import importlib
from typing import Any as _AnyType

from dagster.version import __version__

_EXPORTS: dict[str, str] = {}


def _export(module: str, *names: str) -> None:
    for name in names:
        _EXPORTS[name] = module


_export("dagster.builtins", "Any", "Bool", "Float", "Int", "String", "Nothing")
_export("dagster.config.field", "Field")
_export("dagster.config.field_utils", "Shape", "Permissive", "Selector")
_export("dagster.config.config_type", "Array", "Noneable", "Enum", "EnumValue", "ScalarUnion")
_export("dagster.config.source", "StringSource", "IntSource", "BoolSource")
_export(
    "dagster.core.types.dagster_type",
    "DagsterType",
    "PythonObjectDagsterType",
    "List",
    "Optional",
    "Path",
)
_export("dagster.core.types.python_dict", "Dict", "PythonDict")
_export("dagster.core.types.python_set", "Set", "PythonSet")
_export("dagster.core.types.python_tuple", "Tuple", "PythonTuple")
_export(
    "dagster.core.types.decorator",
    "usable_as_dagster_type",
    "as_dagster_type",
    "make_python_type_usable_as_dagster_type",
)
_export("dagster.core.types.config_schema", "input_hydration_config", "output_materialization_config")
_export("dagster.core.types.marshal", "SerializationStrategy", "PickleSerializationStrategy")
_export(
    "dagster.core.definitions.decorators",
    "solid",
    "lambda_solid",
    "composite_solid",
    "pipeline",
    "schedule",
    "schedules",
    "daily_schedule",
    "hourly_schedule",
    "weekly_schedule",
    "monthly_schedule",
)
_export("dagster.core.definitions.solid", "SolidDefinition", "CompositeSolidDefinition")
_export("dagster.core.definitions.input", "InputDefinition", "InputMapping")
_export("dagster.core.definitions.output", "OutputDefinition", "OutputMapping")
_export("dagster.core.definitions.config", "ConfigMapping")
_export(
    "dagster.core.definitions.dependency",
    "DependencyDefinition",
    "MultiDependencyDefinition",
    "SolidInvocation",
)
_export("dagster.core.definitions.pipeline", "PipelineDefinition")
_export("dagster.core.definitions.mode", "ModeDefinition")
_export("dagster.core.definitions.preset", "PresetDefinition")
_export("dagster.core.definitions.repository", "RepositoryDefinition")
_export("dagster.core.definitions.resource", "ResourceDefinition", "resource")
_export("dagster.core.definitions.logger", "LoggerDefinition", "logger")
_export(
    "dagster.core.definitions.executor",
    "ExecutorDefinition",
    "executor",
    "in_process_executor",
    "multiprocess_executor",
    "default_executors",
)
_export(
    "dagster.core.definitions.system_storage",
    "SystemStorageDefinition",
    "system_storage",
    "SystemStorageData",
)
_export(
    "dagster.core.storage.system_storage",
    "mem_system_storage",
    "fs_system_storage",
    "default_system_storage_defs",
)
_export("dagster.core.definitions.handle", "ExecutionTargetHandle")
_export(
    "dagster.core.definitions.events",
    "Output",
    "Materialization",
    "ExpectationResult",
    "TypeCheck",
    "Failure",
    "RetryRequested",
    "EventMetadataEntry",
    "TextMetadataEntryData",
    "UrlMetadataEntryData",
    "PathMetadataEntryData",
    "JsonMetadataEntryData",
    "MarkdownMetadataEntryData",
)
_export(
    "dagster.core.definitions.schedule",
    "ScheduleDefinition",
    "ScheduleExecutionContext",
)
_export("dagster.core.definitions.partition", "Partition", "PartitionSetDefinition", "repository_partitions")
_export(
    "dagster.core.execution.api",
    "execute_pipeline",
    "execute_pipeline_iterator",
    "execute_partition_set",
)
_export("dagster.core.execution.config", "RunConfig", "ExecutorConfig")
_export(
    "dagster.core.execution.results",
    "PipelineExecutionResult",
    "SolidExecutionResult",
    "CompositeSolidExecutionResult",
)
_export("dagster.core.execution.context.compute", "SolidExecutionContext")
_export("dagster.core.execution.context.system", "SystemComputeExecutionContext", "TypeCheckContext")
_export("dagster.core.execution.context.init", "InitResourceContext")
_export("dagster.core.execution.context.logger", "InitLoggerContext")
_export("dagster.core.engine.engine_base", "Engine")
_export("dagster.core.engine.init", "InitExecutorContext")
_export("dagster.core.storage.init", "InitSystemStorageContext")
_export("dagster.core.log_manager", "DagsterLogManager")
_export("dagster.core.events", "DagsterEvent", "DagsterEventType")
_export("dagster.core.instance", "DagsterInstance")
_export("dagster.core.storage.pipeline_run", "PipelineRun")
_export("dagster.core.storage.file_manager", "FileHandle", "LocalFileHandle")
_export(
    "dagster.utils.test",
    "execute_solid",
    "execute_solid_within_pipeline",
    "execute_solids_within_pipeline",
    "check_dagster_type",
)
_export("dagster.utils", "file_relative_path")
_export(
    "dagster.core.errors",
    "DagsterError",
    "DagsterInvalidDefinitionError",
    "DagsterInvalidConfigDefinitionError",
    "DagsterInvalidConfigError",
    "DagsterInvariantViolationError",
    "DagsterExecutionStepNotFoundError",
    "DagsterRunNotFoundError",
    "DagsterStepOutputNotFoundError",
    "DagsterSubprocessError",
    "DagsterTypeCheckDidNotPass",
    "DagsterUnknownResourceError",
    "DagsterUnmetExecutorRequirementsError",
    "DagsterEventLogInvalidForRun",
    "DagsterUserCodeExecutionError",
    "DagsterExecutionStepExecutionError",
    "DagsterResourceFunctionError",
    "DagsterConfigMappingFunctionError",
    "DagsterTypeCheckError",
)

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> _AnyType:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'dagster' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
