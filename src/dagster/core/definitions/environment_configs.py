"""The run config schema (``environment_dict``) of a pipeline in one mode.

::

    {
      solids:     { <solid entries> }                        # required iff an entry is required
      resources:  { <key>: { config: <resource config> } }   # resources that declare config
      loggers?:   { <key>?: { config?: <logger config> } }
      execution?: Selector{ <executor name>: { config?: ... } }
      storage?:   Selector{ <storage name>:  { config?: ... } }
    }

A leaf solid's entry is ``{config, inputs, outputs?}`` (only the parts it has); a composite's is
``{inputs, outputs?, solids: {children}}``, or ``{config, inputs, outputs?}`` when it maps its
config onto its children. Schemas are built once per pipeline and mode (see
``PipelineDefinition.get_environment_schema``); solid entries are cached per definition.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, NamedTuple

from dagster.config.config_type import Array, ConfigType
from dagster.config.field import Field
from dagster.config.field_utils import Selector, Shape
from dagster.config.snap import iterate_config_types
from dagster.core.definitions.dependency import DependencyStructure, Solid

# Per solid definition: {frozenset of configurable input names: entry Field or None}.
_ENTRY_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Per composite definition: the Shape of its children's entries.
_CHILDREN_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# The ``outputs`` field by (output name, materialization schema) pairs: most solids share one.
_OUTPUTS_CACHE: dict[tuple, Field] = {}

_EMPTY_SHAPE_FIELD = None


def _empty_field() -> Field:
    global _EMPTY_SHAPE_FIELD
    if _EMPTY_SHAPE_FIELD is None:
        _EMPTY_SHAPE_FIELD = Field(Shape({}))
    return _EMPTY_SHAPE_FIELD


class EnvironmentSchema(
    NamedTuple(
        "_EnvironmentSchema",
        [
            ("environment_type", ConfigType),
            ("config_type_dict_by_name", dict),
            ("config_type_dict_by_key", dict),
        ],
    )
):
    """The root run config type of a pipeline+mode and every config type reachable from it."""

    def has_config_type(self, name: str) -> bool:
        return name in self.config_type_dict_by_name

    def config_type_named(self, name: str) -> ConfigType:
        return self.config_type_dict_by_name[name]

    def config_type_keyed(self, key: str) -> ConfigType:
        return self.config_type_dict_by_key[key]

    def all_config_types(self) -> Iterable[ConfigType]:
        return self.config_type_dict_by_key.values()


def create_environment_schema(pipeline_def: Any, mode: str | None = None) -> EnvironmentSchema:
    environment_type = create_environment_type(pipeline_def, mode)
    by_key: dict[str, ConfigType] = {}
    by_name: dict[str, ConfigType] = {}
    for config_type in iterate_config_types([environment_type]):
        by_key[config_type.key] = config_type
        if config_type.given_name:
            by_name[config_type.given_name] = config_type
    return EnvironmentSchema(environment_type, by_name, by_key)


def create_environment_type(pipeline_def: Any, mode: str | None = None) -> ConfigType:
    """The root ``Shape`` of the run config of ``pipeline_def`` in ``mode`` (default: its only mode)."""
    mode_def = pipeline_def.get_mode_definition(mode)
    solids_shape = define_solid_dictionary_cls(pipeline_def.solids, pipeline_def.dependency_structure, None)
    fields = {
        "solids": Field(solids_shape),
        "resources": Field(_resources_shape(mode_def)),
        "loggers": Field(_loggers_shape(mode_def), is_required=False),
        "execution": Field(_selector(mode_def.executor_defs), is_required=False),
        "storage": Field(_selector(mode_def.system_storage_defs), is_required=False),
    }
    return Shape(fields)


def _config_entry(config_field: Any) -> Field:
    return Field(Shape({"config": config_field})) if config_field is not None else _empty_field()


def _selector(defs: Iterable[Any]) -> Selector:
    return Selector({d.name: _config_entry(d.config_field) for d in defs})


def _resources_shape(mode_def: Any) -> Shape:
    return Shape(
        {
            key: Field(Shape({"config": resource_def.config_field}))
            for key, resource_def in mode_def.resource_defs.items()
            if resource_def.config_field is not None
        }
    )


def _loggers_shape(mode_def: Any) -> Shape:
    return Shape(
        {
            key: Field(_config_entry(logger_def.config_field).config_type, is_required=False)
            for key, logger_def in mode_def.loggers.items()
        }
    )


def define_solid_dictionary_cls(
    solids: Iterable[Solid], dependency_structure: DependencyStructure, container_def: Any
) -> Shape:
    """The Shape of ``solids:`` for these solids (a pipeline's, or a composite's children)."""
    fields = {}
    for solid in solids:
        configurable = _configurable_inputs(solid, dependency_structure, container_def)
        entry = solid_entry_field(solid.definition, configurable)
        if entry is not None:
            fields[solid.name] = entry
    return Shape(fields)


def _configurable_inputs(
    solid: Solid, dependency_structure: DependencyStructure, container_def: Any
) -> frozenset:
    names = []
    for handle in solid.input_handles():
        if dependency_structure.has_deps(handle):
            continue
        if container_def is not None and container_def.mapped_input(solid.name, handle.input_def.name):
            continue
        if handle.input_def.dagster_type.input_hydration_config is None:
            continue
        names.append(handle.input_def.name)
    return frozenset(names)


def solid_entry_field(solid_def: Any, configurable_inputs: frozenset) -> Field | None:
    """The ``solids.<name>`` field of one solid, or None when the solid has nothing to configure."""
    per_def = _ENTRY_CACHE.get(solid_def)
    if per_def is None:
        per_def = _ENTRY_CACHE[solid_def] = {}
    if configurable_inputs in per_def:
        return per_def[configurable_inputs]
    fields: dict[str, Field] = {}
    if solid_def.is_composite:
        if solid_def.has_config_mapping:
            if solid_def.config_field is not None:
                fields["config"] = solid_def.config_field
        else:
            children = composite_children_shape(solid_def)
            if children.fields:
                fields["solids"] = Field(children)
    elif solid_def.config_field is not None:
        fields["config"] = solid_def.config_field
    inputs = _inputs_field(solid_def, configurable_inputs)
    if inputs is not None:
        fields["inputs"] = inputs
    outputs = _outputs_field(solid_def)
    if outputs is not None:
        fields["outputs"] = outputs
    entry = Field(Shape(fields)) if fields else None
    per_def[configurable_inputs] = entry
    return entry


def composite_children_shape(composite_def: Any) -> Shape:
    """The Shape of a composite's ``solids:`` (also what its config mapping must produce)."""
    shape = _CHILDREN_CACHE.get(composite_def)
    if shape is None:
        shape = _CHILDREN_CACHE[composite_def] = define_solid_dictionary_cls(
            composite_def.solids, composite_def.dependency_structure, composite_def
        )
    return shape


def _inputs_field(solid_def: Any, configurable_inputs: frozenset) -> Field | None:
    if not configurable_inputs:
        return None
    fields = {}
    for input_def in solid_def.input_defs:
        if input_def.name in configurable_inputs:
            schema = input_def.dagster_type.input_hydration_config.schema_type
            fields[input_def.name] = Field(schema, is_required=not input_def.has_default_value)
    return Field(Shape(fields))


def _outputs_field(solid_def: Any) -> Field | None:
    schemas = tuple(
        (output_def.name, output_def.dagster_type.output_materialization_config.schema_type)
        for output_def in solid_def.output_defs
        if output_def.dagster_type.output_materialization_config is not None
    )
    if not schemas:
        return None
    field = _OUTPUTS_CACHE.get(schemas)
    if field is None:
        shape = Shape({name: Field(schema, is_required=False) for name, schema in schemas})
        field = _OUTPUTS_CACHE[schemas] = Field(Array(shape), is_required=False)
    return field
