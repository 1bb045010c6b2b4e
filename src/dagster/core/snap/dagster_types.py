"""Snapshots of the Dagster types a pipeline uses."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.core.types.dagster_type import DagsterTypeKind
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class DagsterTypeSnap(
    NamedTuple(
        "_DagsterTypeSnap",
        [
            ("kind", DagsterTypeKind),
            ("key", str),
            ("name", "str | None"),
            ("display_name", str),
            ("description", "str | None"),
            ("is_builtin", bool),
            ("type_param_keys", list),
            ("input_hydration_schema_key", "str | None"),
            ("output_materialization_schema_key", "str | None"),
        ],
    )
):
    pass


@whitelist_for_serdes
class DagsterTypeNamespaceSnapshot(
    NamedTuple("_DagsterTypeNamespaceSnapshot", [("all_dagster_type_snaps_by_key", dict)])
):
    def get_dagster_type_snap(self, key: str) -> DagsterTypeSnap:
        return self.all_dagster_type_snaps_by_key[key]


def build_dagster_type_snap(dagster_type: Any) -> DagsterTypeSnap:
    hydration = dagster_type.input_hydration_config
    materialization = dagster_type.output_materialization_config
    return DagsterTypeSnap(
        kind=dagster_type.kind,
        key=dagster_type.key,
        name=dagster_type.name,
        display_name=dagster_type.display_name,
        description=dagster_type.description,
        is_builtin=dagster_type.is_builtin,
        type_param_keys=list(dagster_type.type_param_keys),
        input_hydration_schema_key=hydration.schema_type.key if hydration is not None else None,
        output_materialization_schema_key=materialization.schema_type.key
        if materialization is not None
        else None,
    )


def build_dagster_type_namespace_snapshot(dagster_types: Any) -> DagsterTypeNamespaceSnapshot:
    by_key = {t.key: build_dagster_type_snap(t) for t in dagster_types}
    return DagsterTypeNamespaceSnapshot({key: by_key[key] for key in sorted(by_key)})
