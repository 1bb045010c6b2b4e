"""Making Python classes usable as Dagster types, so that the class itself works as a type
argument or annotation (``def solid_fn(context, frame: DataFrame)``)."""

from __future__ import annotations

from typing import Any

from dagster import check
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.types.config_schema import InputHydrationConfig, OutputMaterializationConfig
from dagster.core.types.dagster_type import DagsterType, PythonObjectDagsterType, register_python_type
from dagster.core.types.marshal import SerializationStrategy


def make_python_type_usable_as_dagster_type(python_type: type, dagster_type: DagsterType) -> None:
    """Let ``python_type`` stand for ``dagster_type`` wherever a Dagster type is expected.

    A class can be mapped to one Dagster type only (mapping it again to the same type is fine)."""
    register_python_type(python_type, dagster_type)


def _register_class(
    bare_cls: type,
    name: str | None,
    description: str | None,
    input_hydration_config: InputHydrationConfig | None,
    output_materialization_config: OutputMaterializationConfig | None,
    serialization_strategy: SerializationStrategy | None,
    auto_plugins: list | None,
) -> type:
    if not isinstance(bare_cls, type):
        raise DagsterInvalidDefinitionError(
            f"@usable_as_dagster_type / as_dagster_type apply to classes only, got {bare_cls!r}."
        )
    dagster_type = PythonObjectDagsterType(
        bare_cls,
        name=name,
        description=description,
        input_hydration_config=input_hydration_config,
        output_materialization_config=output_materialization_config,
        serialization_strategy=serialization_strategy,
        auto_plugins=auto_plugins,
    )
    register_python_type(bare_cls, dagster_type)
    return bare_cls


def usable_as_dagster_type(
    name: Any = None,
    description: str | None = None,
    input_hydration_config: InputHydrationConfig | None = None,
    output_materialization_config: OutputMaterializationConfig | None = None,
    serialization_strategy: SerializationStrategy | None = None,
    auto_plugins: list | None = None,
) -> Any:
    """Class decorator, bare (``@usable_as_dagster_type``) or called: registers a
    ``PythonObjectDagsterType`` for the class (named after it unless ``name`` is given) and returns
    the class unchanged."""
    if isinstance(name, type):
        return _register_class(name, None, None, None, None, None, None)
    check.opt_str_param(name, "name")

    def wrap(bare_cls: type) -> type:
        return _register_class(
            bare_cls,
            name,
            description,
            input_hydration_config,
            output_materialization_config,
            serialization_strategy,
            auto_plugins,
        )

    return wrap


def as_dagster_type(
    existing_type: type,
    name: str | None = None,
    description: str | None = None,
    input_hydration_config: InputHydrationConfig | None = None,
    output_materialization_config: OutputMaterializationConfig | None = None,
    serialization_strategy: SerializationStrategy | None = None,
    auto_plugins: list | None = None,
) -> type:
    """Register an existing class (one you cannot decorate) as a Dagster type; returns the class."""
    return _register_class(
        existing_type,
        name,
        description,
        input_hydration_config,
        output_materialization_config,
        serialization_strategy,
        auto_plugins,
    )


__all__ = ["as_dagster_type", "make_python_type_usable_as_dagster_type", "usable_as_dagster_type"]
