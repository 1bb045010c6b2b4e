"""``PipelineSnapshot``: a pipeline's structure as serializable records (solids, wiring, types,
modes and the full config schema), stored with each run and read by the CLI, GraphQL and UI.

The record and field names are those Dagster 0.7.16 stored, so its snapshots read back unchanged
and re-serialize to the same id.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from dagster.config.snap import (
    ConfigFieldSnap,
    ConfigSchemaSnapshot,
    build_config_schema_snapshot,
    snap_from_field,
)
from dagster.core.snap.dagster_types import (
    DagsterTypeNamespaceSnapshot,
    build_dagster_type_namespace_snapshot,
)
from dagster.core.snap.dep_snapshot import DependencyStructureSnapshot, build_dep_structure_snapshot
from dagster.core.snap.solid import SolidDefinitionsSnapshot, build_solid_definitions_snapshot
from dagster.serdes import serialize_dagster_namedtuple, whitelist_for_serdes


@whitelist_for_serdes
class ResourceDefSnap(
    NamedTuple(
        "_ResourceDefSnap",
        [("name", str), ("description", "str | None"), ("config_field_snap", "ConfigFieldSnap | None")],
    )
):
    pass


@whitelist_for_serdes
class LoggerDefSnap(
    NamedTuple(
        "_LoggerDefSnap",
        [("name", str), ("description", "str | None"), ("config_field_snap", "ConfigFieldSnap | None")],
    )
):
    pass


@whitelist_for_serdes
class ModeDefSnap(
    NamedTuple(
        "_ModeDefSnap",
        [
            ("name", str),
            ("description", "str | None"),
            ("resource_def_snaps", list),
            ("logger_def_snaps", list),
            ("root_config_key", str),
        ],
    )
):
    pass


@whitelist_for_serdes
class PipelineSnapshot(
    NamedTuple(
        "_PipelineSnapshot",
        [
            ("name", str),
            ("description", "str | None"),
            ("tags", dict),
            ("config_schema_snapshot", ConfigSchemaSnapshot),
            ("dagster_type_namespace_snapshot", DagsterTypeNamespaceSnapshot),
            ("solid_definitions_snapshot", SolidDefinitionsSnapshot),
            ("dep_structure_snapshot", DependencyStructureSnapshot),
            ("mode_def_snaps", list),
        ],
    )
):
    """Everything about a pipeline's structure that the tools show, without its code."""

    @staticmethod
    def from_pipeline_def(pipeline_def: Any) -> PipelineSnapshot:
        config_types = []
        mode_def_snaps = []
        for mode_def in pipeline_def.mode_definitions:
            root_type = pipeline_def.get_environment_schema(mode_def.name).environment_type
            config_types.append(root_type)
            mode_def_snaps.append(_mode_def_snap(mode_def, root_type.key))
        dagster_types = pipeline_def.all_dagster_types()
        for dagster_type in dagster_types:
            for config in (dagster_type.input_hydration_config, dagster_type.output_materialization_config):
                if config is not None:
                    config_types.append(config.schema_type)
        for solid_def in pipeline_def.all_solid_defs:
            if solid_def.config_field is not None:
                config_types.append(solid_def.config_field.config_type)
        return PipelineSnapshot(
            name=pipeline_def.name,
            description=pipeline_def.description,
            tags=dict(pipeline_def.tags),
            config_schema_snapshot=build_config_schema_snapshot(config_types),
            dagster_type_namespace_snapshot=build_dagster_type_namespace_snapshot(dagster_types),
            solid_definitions_snapshot=build_solid_definitions_snapshot(pipeline_def),
            dep_structure_snapshot=build_dep_structure_snapshot(pipeline_def),
            mode_def_snaps=mode_def_snaps,
        )

    def get_mode_def_snap(self, name: str) -> ModeDefSnap:
        for mode_def_snap in self.mode_def_snaps:
            if mode_def_snap.name == name:
                return mode_def_snap
        raise KeyError(f'Pipeline snapshot "{self.name}" has no mode "{name}".')

    def get_solid_def_snap(self, name: str) -> Any:
        definitions = self.solid_definitions_snapshot
        for snap in definitions.solid_def_snaps + definitions.composite_solid_def_snaps:
            if snap.name == name:
                return snap
        raise KeyError(f'Pipeline snapshot "{self.name}" has no solid definition "{name}".')

    def has_solid_def_snap(self, name: str) -> bool:
        definitions = self.solid_definitions_snapshot
        return any(
            s.name == name for s in definitions.solid_def_snaps + definitions.composite_solid_def_snaps
        )


def _config_snap(config_field: Any) -> ConfigFieldSnap | None:
    return snap_from_field("config", config_field) if config_field is not None else None


def _mode_def_snap(mode_def: Any, root_config_key: str) -> ModeDefSnap:
    return ModeDefSnap(
        name=mode_def.name,
        description=mode_def.description,
        resource_def_snaps=[
            ResourceDefSnap(key, resource_def.description, _config_snap(resource_def.config_field))
            for key, resource_def in sorted(mode_def.resource_defs.items())
        ],
        logger_def_snaps=[
            LoggerDefSnap(key, logger_def.description, _config_snap(logger_def.config_field))
            for key, logger_def in sorted(mode_def.loggers.items())
        ],
        root_config_key=root_config_key,
    )


def create_pipeline_snapshot_id(snapshot: PipelineSnapshot) -> str:
    """The content address of a snapshot: sha1 hex of its serialized JSON."""
    return hashlib.sha1(serialize_dagster_namedtuple(snapshot).encode("utf-8")).hexdigest()
