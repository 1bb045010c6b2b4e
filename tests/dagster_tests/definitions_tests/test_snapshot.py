"""Pipeline snapshots: the records Dagster 0.7.16 stored read back and re-serialize to the same id, and a
snapshot built from a definition describes its solids, wiring, types, modes and config schema."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import zlib

import pytest

from dagster import (
    InputDefinition,
    Int,
    ModeDefinition,
    OutputDefinition,
    String,
    composite_solid,
    lambda_solid,
    pipeline,
    resource,
    solid,
)
from dagster.core.snap import (
    CompositeSolidDefSnap,
    PipelineSnapshot,
    SolidDefSnap,
    create_pipeline_snapshot_id,
)
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple

# The read-only fixtures CI and developers keep beside the repository (../shared/fixtures).
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
FIXTURE_RUNS_DB = os.path.join(FIXTURES, "dagster-0.7.16-home", "history", "runs.db")


@pytest.fixture
def fixture_snapshots(tmp_path):
    copy = tmp_path / "runs.db"
    shutil.copy(FIXTURE_RUNS_DB, copy)
    with sqlite3.connect(copy) as conn:
        rows = conn.execute(
            "select snapshot_id, snapshot_body from snapshots where snapshot_type = 'PIPELINE'"
        ).fetchall()
    return [(snapshot_id, zlib.decompress(body).decode("utf8")) for snapshot_id, body in rows]


def test_dagster_0_7_snapshots_round_trip_to_the_same_id(fixture_snapshots):
    assert len(fixture_snapshots) == 2
    for snapshot_id, body in fixture_snapshots:
        snapshot = deserialize_json_to_dagster_namedtuple(body)
        assert isinstance(snapshot, PipelineSnapshot)
        assert serialize_dagster_namedtuple(snapshot) == body
        assert create_pipeline_snapshot_id(snapshot) == snapshot_id
    etl = next(
        deserialize_json_to_dagster_namedtuple(b) for _, b in fixture_snapshots if '"name": "etl"' in b
    )
    assert [s.solid_name for s in etl.dep_structure_snapshot.solid_invocation_snaps] == [
        "extract",
        "load",
        "transform",
    ]
    assert etl.get_solid_def_snap("extract").config_field_snap.default_value_as_json_str == '{"rows": 3}'


@resource(config={"url": String}, description="the db")
def db_resource(init_context):
    return None


@solid(
    config={"rows": Int},
    required_resource_keys={"db"},
    tags={"kind": "load"},
    output_defs=[OutputDefinition(Int, description="row count")],
)
def extract(context):
    return 1


@lambda_solid(
    input_defs=[InputDefinition("rows", Int, description="rows in")], output_def=OutputDefinition(Int)
)
def transform(rows):
    return rows


@composite_solid
def wrapped(rows: int) -> int:
    return transform(rows)


@pipeline(
    description="a pipeline",
    tags={"team": "data"},
    mode_defs=[ModeDefinition("prod", resource_defs={"db": db_resource})],
)
def snap_pipeline():
    wrapped(transform.alias("first")(extract()))


def test_snapshot_of_definition():
    snapshot = snap_pipeline.get_pipeline_snapshot()
    assert snapshot is snap_pipeline.get_pipeline_snapshot()
    assert snapshot.name == "snap_pipeline"
    assert snapshot.description == "a pipeline"
    assert snapshot.tags == {"team": "data"}

    definitions = snapshot.solid_definitions_snapshot
    assert [s.name for s in definitions.solid_def_snaps] == ["extract", "transform"]
    assert [s.name for s in definitions.composite_solid_def_snaps] == ["wrapped"]
    extract_snap = snapshot.get_solid_def_snap("extract")
    assert isinstance(extract_snap, SolidDefSnap)
    assert extract_snap.required_resource_keys == ["db"]
    assert extract_snap.tags == {"kind": "load"}
    assert extract_snap.output_def_snaps[0].description == "row count"
    assert extract_snap.config_field_snap.name == "config"
    wrapped_snap = snapshot.get_solid_def_snap("wrapped")
    assert isinstance(wrapped_snap, CompositeSolidDefSnap)
    assert [
        (m.mapped_solid_name, m.mapped_input_name, m.external_input_name)
        for m in wrapped_snap.input_mapping_snaps
    ] == [("transform", "rows", "rows")]
    assert [(m.mapped_solid_name, m.external_output_name) for m in wrapped_snap.output_mapping_snaps] == [
        ("transform", "result")
    ]

    invocations = {s.solid_name: s for s in snapshot.dep_structure_snapshot.solid_invocation_snaps}
    assert sorted(invocations) == ["extract", "first", "wrapped"]
    assert invocations["first"].solid_def_name == "transform"
    (dep,) = invocations["wrapped"].input_dep_snaps
    assert dep.input_name == "rows"
    assert [(o.solid_name, o.output_name) for o in dep.upstream_output_snaps] == [("first", "result")]

    (mode_snap,) = snapshot.mode_def_snaps
    assert mode_snap.name == "prod"
    assert [(r.name, r.description) for r in mode_snap.resource_def_snaps] == [("db", "the db")]
    assert [logger_snap.name for logger_snap in mode_snap.logger_def_snaps] == ["console"]
    root_key = snap_pipeline.get_environment_schema("prod").environment_type.key
    assert mode_snap.root_config_key == root_key
    assert snapshot.config_schema_snapshot.has_config_snap(root_key)
    assert {"Int", "String", "Any", "Nothing"} <= set(
        snapshot.dagster_type_namespace_snapshot.all_dagster_type_snaps_by_key
    )


def test_snapshot_serializes_and_id_is_sha1():
    snapshot = snap_pipeline.get_pipeline_snapshot()
    text = serialize_dagster_namedtuple(snapshot)
    assert deserialize_json_to_dagster_namedtuple(text) == snapshot
    assert snap_pipeline.get_pipeline_snapshot_id() == hashlib.sha1(text.encode("utf8")).hexdigest()


def test_active_repository_data_round_trips():
    from dagster import PresetDefinition, RepositoryDefinition
    from dagster.core.snap import ActiveRepositoryData, active_repository_data_from_def

    @pipeline(preset_defs=[PresetDefinition("quick", {"solids": {}}, solid_subset=["noop_solid"])])
    def with_preset():
        noop_solid()

    repo = RepositoryDefinition("repo", pipeline_defs=[with_preset])
    data = active_repository_data_from_def(repo)
    assert isinstance(data, ActiveRepositoryData)
    pipeline_data = data.get_active_pipeline_data("with_preset")
    assert pipeline_data.pipeline_snapshot == with_preset.get_pipeline_snapshot()
    assert [(p.name, p.solid_subset, p.mode) for p in pipeline_data.active_presets] == [
        ("quick", ["noop_solid"], "default")
    ]
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(data)) == data


@lambda_solid
def noop_solid():
    return None
