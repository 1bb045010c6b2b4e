"""A YAML skeleton of a pipeline's run config, with a placeholder value for every field.

Placeholders: ``''`` for String, ``0`` for Int, ``0.0`` for Float, ``True`` for Bool, ``AnyType`` for
Any, ``[]`` for arrays and the enum values joined by ``|``. Dagster 0.7 crashed on Float, Noneable
and ScalarUnion types; here a Noneable field shows its inner type's placeholder and a ScalarUnion
its scalar placeholder.
"""

from __future__ import annotations

from typing import Any

from dagster import check

_SCALAR_PLACEHOLDERS = {"INT": 0, "STRING": "", "FLOAT": 0.0, "BOOL": True}


def scaffold_pipeline_config(
    pipeline_def: Any, skip_non_required: bool = True, mode: str | None = None
) -> dict:
    """The run config skeleton of ``pipeline_def`` in ``mode`` (default mode when ``None``)."""
    from dagster.core.definitions.pipeline import PipelineDefinition

    check.inst_param(pipeline_def, "pipeline_def", PipelineDefinition)
    mode_name = mode or pipeline_def.get_default_mode_name()
    environment_type = pipeline_def.get_environment_schema(mode_name).environment_type
    return scaffold_type(environment_type, skip_non_required=skip_non_required)


def scaffold_type(config_type: Any, skip_non_required: bool = True) -> Any:
    """The placeholder value for ``config_type`` (a dict for shapes and selectors)."""
    from dagster.config.config_type import ConfigType, ConfigTypeKind

    check.inst_param(config_type, "config_type", ConfigType)
    kind = config_type.kind
    if ConfigTypeKind.has_fields(kind):
        scaffold = {}
        for name, field in config_type.fields.items():
            if skip_non_required and not field.is_required:
                continue
            scaffold[name] = scaffold_type(field.config_type, skip_non_required)
        return scaffold
    if kind == ConfigTypeKind.ANY:
        return "AnyType"
    if kind == ConfigTypeKind.SCALAR:
        return _SCALAR_PLACEHOLDERS[config_type.scalar_kind.value]
    if kind == ConfigTypeKind.ARRAY:
        return []
    if kind == ConfigTypeKind.NONEABLE:
        return scaffold_type(config_type.inner_type, skip_non_required)
    if kind == ConfigTypeKind.SCALAR_UNION:
        return scaffold_type(config_type.scalar_type, skip_non_required)
    if kind == ConfigTypeKind.ENUM:
        return "|".join(config_type.config_values)
    check.failed(f"Unsupported config type kind {kind}")
