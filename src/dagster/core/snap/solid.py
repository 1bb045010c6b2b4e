"""Snapshots of solid and composite solid definitions."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.config.snap import ConfigFieldSnap, snap_from_field
from dagster.core.snap.dep_snapshot import DependencyStructureSnapshot, build_dep_structure_snapshot
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class InputDefSnap(
    NamedTuple("_InputDefSnap", [("name", str), ("dagster_type_key", str), ("description", "str | None")])
):
    pass


@whitelist_for_serdes
class OutputDefSnap(
    NamedTuple(
        "_OutputDefSnap",
        [("name", str), ("dagster_type_key", str), ("description", "str | None"), ("is_required", bool)],
    )
):
    pass


@whitelist_for_serdes
class InputMappingSnap(
    NamedTuple(
        "_InputMappingSnap",
        [("mapped_solid_name", str), ("mapped_input_name", str), ("external_input_name", str)],
    )
):
    pass


@whitelist_for_serdes
class OutputMappingSnap(
    NamedTuple(
        "_OutputMappingSnap",
        [("mapped_solid_name", str), ("mapped_output_name", str), ("external_output_name", str)],
    )
):
    pass


@whitelist_for_serdes
class SolidDefSnap(
    NamedTuple(
        "_SolidDefSnap",
        [
            ("name", str),
            ("input_def_snaps", list),
            ("output_def_snaps", list),
            ("description", "str | None"),
            ("tags", dict),
            ("required_resource_keys", list),
            ("config_field_snap", "ConfigFieldSnap | None"),
        ],
    )
):
    pass


@whitelist_for_serdes
class CompositeSolidDefSnap(
    NamedTuple(
        "_CompositeSolidDefSnap",
        [
            ("name", str),
            ("input_def_snaps", list),
            ("output_def_snaps", list),
            ("description", "str | None"),
            ("tags", dict),
            ("config_field_snap", "ConfigFieldSnap | None"),
            ("dep_structure_snapshot", DependencyStructureSnapshot),
            ("input_mapping_snaps", list),
            ("output_mapping_snaps", list),
        ],
    )
):
    pass


@whitelist_for_serdes
class SolidDefinitionsSnapshot(
    NamedTuple("_SolidDefinitionsSnapshot", [("solid_def_snaps", list), ("composite_solid_def_snaps", list)])
):
    """Every solid definition of a pipeline (composites' children included), sorted by name."""


def _input_snaps(solid_def: Any) -> list[InputDefSnap]:
    return [InputDefSnap(d.name, d.dagster_type.key, d.description) for d in solid_def.input_defs]


def _output_snaps(solid_def: Any) -> list[OutputDefSnap]:
    return [
        OutputDefSnap(d.name, d.dagster_type.key, d.description, d.is_required) for d in solid_def.output_defs
    ]


def _config_snap(config_field: Any) -> ConfigFieldSnap | None:
    return snap_from_field("config", config_field) if config_field is not None else None


def build_solid_def_snap(solid_def: Any) -> SolidDefSnap:
    return SolidDefSnap(
        name=solid_def.name,
        input_def_snaps=_input_snaps(solid_def),
        output_def_snaps=_output_snaps(solid_def),
        description=solid_def.description,
        tags=dict(solid_def.tags),
        required_resource_keys=sorted(solid_def.required_resource_keys),
        config_field_snap=_config_snap(solid_def.config_field),
    )


def build_composite_solid_def_snap(composite_def: Any) -> CompositeSolidDefSnap:
    return CompositeSolidDefSnap(
        name=composite_def.name,
        input_def_snaps=_input_snaps(composite_def),
        output_def_snaps=_output_snaps(composite_def),
        description=composite_def.description,
        tags=dict(composite_def.tags),
        config_field_snap=_config_snap(composite_def.config_field),
        dep_structure_snapshot=build_dep_structure_snapshot(composite_def),
        input_mapping_snaps=[
            InputMappingSnap(m.solid_name, m.input_name, m.definition.name)
            for m in composite_def.input_mappings
        ],
        output_mapping_snaps=[
            OutputMappingSnap(m.solid_name, m.output_name, m.definition.name)
            for m in composite_def.output_mappings
        ],
    )


def build_solid_definitions_snapshot(pipeline_def: Any) -> SolidDefinitionsSnapshot:
    solid_defs = sorted(pipeline_def.all_solid_defs, key=lambda d: d.name)
    return SolidDefinitionsSnapshot(
        solid_def_snaps=[build_solid_def_snap(d) for d in solid_defs if not d.is_composite],
        composite_solid_def_snaps=[build_composite_solid_def_snap(d) for d in solid_defs if d.is_composite],
    )
