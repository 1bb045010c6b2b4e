"""Config type snapshots (serializable, by key) and the type printer."""

from __future__ import annotations

import enum
import json
import os

from dagster import Enum, EnumValue, Field, Noneable, Permissive, ScalarUnion, Selector, Shape, StringSource
from dagster.config.config_type import ConfigIntInstance, ConfigScalarKind, ConfigTypeKind
from dagster.config.print_type import print_config_type_to_string
from dagster.config.snap import (
    ConfigEnumValueSnap,
    ConfigFieldSnap,
    ConfigSchemaSnapshot,
    ConfigTypeSnap,
    build_config_schema_snapshot,
    snap_from_config_type,
)
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple, unpack_value


def roundtrip(record):
    return deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(record))


def test_scalar_snap():
    snap = snap_from_config_type(ConfigIntInstance)
    assert snap == ConfigTypeSnap(
        kind=ConfigTypeKind.SCALAR,
        key="Int",
        given_name="Int",
        description="A 64-bit integer (not a bool).",
        type_param_keys=None,
        enum_values=None,
        fields=None,
        scalar_kind=ConfigScalarKind.INT,
    )
    assert roundtrip(snap) == snap


def test_shape_snap_fields_sorted_with_defaults():
    schema = Shape(
        {
            "z": Field(int, default_value=3, description="zed"),
            "a": [str],
            "m": Field(Noneable(int), is_required=False),
        },
        description="a shape",
    )
    snap = snap_from_config_type(schema)
    assert snap.kind == ConfigTypeKind.STRICT_SHAPE
    assert snap.key == schema.key
    assert snap.description == "a shape"
    assert snap.fields == [
        ConfigFieldSnap("a", "Array.String", True, False, None, None),
        ConfigFieldSnap("m", "Noneable.Int", False, False, None, None),
        ConfigFieldSnap("z", "Int", False, True, "3", "zed"),
    ]
    assert snap.field_names == ["a", "m", "z"]
    assert snap.get_field("z").default_value_as_json_str == "3"
    assert roundtrip(snap) == snap
    assert snap_from_config_type(schema) is snap  # memoized


def test_parameterized_and_enum_snaps():
    array_snap = snap_from_config_type(Noneable([int]))
    assert array_snap.type_param_keys == ["Array.Int"]
    assert array_snap.inner_type_key == "Array.Int"
    union = snap_from_config_type(ScalarUnion(int, {"v": int}))
    assert union.scalar_type_key == "Int"
    assert union.non_scalar_type_key == Shape({"v": int}).key
    enum_snap = snap_from_config_type(Enum("E", [EnumValue("A", description="first"), EnumValue("B")]))
    assert enum_snap.enum_values == [ConfigEnumValueSnap("A", "first"), ConfigEnumValueSnap("B", None)]
    assert roundtrip(enum_snap) == enum_snap


def test_schema_snapshot_contains_every_nested_type_once():
    schema = Shape({"a": [Noneable(int)], "b": Selector({"c": StringSource, "d": Permissive()}), "e": int})
    snapshot = build_config_schema_snapshot([schema])
    assert isinstance(snapshot, ConfigSchemaSnapshot)
    assert set(snapshot.all_config_keys) == {
        schema.key,
        "Int",
        "Noneable.Int",
        "Array.Noneable.Int",
        schema.fields["b"].config_type.key,
        "StringSourceType",
        "String",
        StringSource.non_scalar_type.key,
        "Permissive",
    }
    assert snapshot.all_config_keys == sorted(snapshot.all_config_keys)
    assert snapshot.get_config_snap("Int").scalar_kind == ConfigScalarKind.INT
    assert snapshot.has_config_snap(schema.key)
    assert roundtrip(snapshot) == snapshot


def test_print_single_line():
    schema = Shape({"b": Field(str, is_required=False), "a": int, "n": Noneable(int)})
    assert print_config_type_to_string(schema, with_lines=False) == "{ a: Int b?: String n: Int? }"
    assert print_config_type_to_string(Shape({}), with_lines=False) == "{}"
    assert print_config_type_to_string(ConfigIntInstance) == "Int"
    assert print_config_type_to_string(Noneable([Noneable(str)]), with_lines=False) == "[String?]?"


class Mood(enum.Enum):
    HAPPY = 1


def test_print_multi_line_nested():
    schema = Shape(
        {
            "solids": {"s": {"config": {"rows": int, "mood": Enum.from_python_enum(Mood)}}},
            "tags": [{"k": str}],
            "src": ScalarUnion(str, {"path": str}),
        }
    )
    assert print_config_type_to_string(schema) == "\n".join(
        [
            "{",
            "  solids: {",
            "    s: {",
            "      config: {",
            "        mood: Mood",
            "        rows: Int",
            "      }",
            "    }",
            "  }",
            "  src: (String | {",
            "    path: String",
            "  })",
            "  tags: [{",
            "    k: String",
            "  }]",
            "}",
        ]
    )


# The config_schema_snapshot part of a pipeline snapshot stored by Dagster 0.7.16 (taken from the
# runs.db of a real 0.7.16 DAGSTER_HOME).
FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "config_schema_snapshot_0_7_16.json")


def test_reads_config_snapshots_stored_by_dagster_0_7():
    with open(FIXTURE, encoding="utf8") as handle:
        stored = json.load(handle)
    schema = unpack_value(stored)
    assert isinstance(schema, ConfigSchemaSnapshot)
    assert len(schema.all_config_snaps_by_key) == len(stored["all_config_snaps_by_key"])
    int_snap = schema.get_config_snap("Int")
    assert int_snap.kind == ConfigTypeKind.SCALAR and int_snap.scalar_kind == ConfigScalarKind.INT
    for snap in schema.all_config_snaps_by_key.values():
        assert isinstance(snap, ConfigTypeSnap)
        for field in snap.fields or []:
            assert isinstance(field, ConfigFieldSnap)
            assert schema.has_config_snap(field.type_key)
    # and it serializes back to what was stored
    assert json.loads(serialize_dagster_namedtuple(schema)) == stored
