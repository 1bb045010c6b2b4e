"""Loading input values from run config (``solids.<s>.inputs``), per type, with real files."""

from __future__ import annotations

import json
import pickle

import pytest

from dagster.config.field import Field
from dagster.config.field_utils import Selector
from dagster.config.validate import process_config
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.config_schema import input_hydration_config
from dagster.core.types.dagster_type import (
    Any,
    Bool,
    DagsterType,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    Path,
    PythonObjectDagsterType,
    String,
)
from dagster.core.types.python_dict import Dict, PythonDict
from dagster.core.types.python_set import PythonSet, Set
from dagster.core.types.python_tuple import PythonTuple, Tuple


def hydrate(dagster_type, config_value, context=None):
    hydration = dagster_type.input_hydration_config
    result = process_config(hydration.schema_type, config_value)
    assert result.success, [error.message for error in result.errors]
    return hydration.construct_from_config_value(context, result.value)


def rejected(dagster_type, config_value) -> list[str]:
    result = process_config(dagster_type.input_hydration_config.schema_type, config_value)
    assert not result.success
    return [error.message for error in result.errors]


@pytest.mark.parametrize(
    ("dagster_type", "value"),
    [(Int, 3), (Float, 2.5), (Bool, False), (String, "text"), (Path, "/tmp/file.csv")],
    ids=lambda v: getattr(v, "key", None),
)
def test_scalars_from_every_form(tmp_path, dagster_type, value):
    json_path = tmp_path / "value.json"
    json_path.write_text(json.dumps({"value": value}))
    pickle_path = tmp_path / "value.pkl"
    pickle_path.write_bytes(pickle.dumps(value))
    assert hydrate(dagster_type, value) == value
    assert hydrate(dagster_type, {"value": value}) == value
    assert hydrate(dagster_type, {"json": {"path": str(json_path)}}) == value
    assert hydrate(dagster_type, {"pickle": {"path": str(pickle_path)}}) == value


def test_scalar_schema_shape():
    schema = Int.input_hydration_config.schema_type
    assert schema.key.startswith("ScalarUnion.Int-Selector.")
    assert sorted(schema.non_scalar_type.fields) == ["json", "pickle", "value"]
    assert Int.input_hydration_config is not Float.input_hydration_config
    assert Path.input_hydration_config is String.input_hydration_config


def test_scalar_config_is_validated():
    assert rejected(Int, "three")
    assert rejected(Int, {"value": "three"})
    assert rejected(Int, {"value": 1, "json": {"path": "x"}})
    assert rejected(Int, {"json": {}})


def test_json_file_must_hold_a_value_key(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        hydrate(Int, {"json": {"path": str(path)}})
    assert str(exc_info.value) == (
        f'The JSON file "{path}" named in run config must hold an object with a "value" key, '
        'like {"value": 3}; it holds [1, 2].'
    )


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(FileNotFoundError, match="missing.json"):
        hydrate(Int, {"json": {"path": str(missing)}})


def test_any(tmp_path):
    pickle_path = tmp_path / "obj.pkl"
    pickle_path.write_bytes(pickle.dumps({"nested": [1, (2, 3)]}))
    assert hydrate(Any, {"value": {"a": [1, None]}}) == {"a": [1, None]}
    assert hydrate(Any, {"value": None}) is None
    assert hydrate(Any, {"pickle": {"path": str(pickle_path)}}) == {"nested": [1, (2, 3)]}
    assert rejected(Any, 3)


def test_list_and_optional(tmp_path):
    json_path = tmp_path / "two.json"
    json_path.write_text('{"value": 2}')
    assert hydrate(List[Int], [1, {"value": 5}, {"json": {"path": str(json_path)}}]) == [1, 5, 2]
    assert hydrate(List[Int], []) == []
    assert rejected(List[Int], [1, "x"])
    assert hydrate(Optional[Int], None) is None
    assert hydrate(Optional[Int], 4) == 4
    assert hydrate(Optional[List[String]], ["a"]) == ["a"]
    assert hydrate(List[Optional[Int]], [None, 1]) == [None, 1]


def test_collections():
    assert hydrate(PythonDict, {"a": 1, "b": {"c": [2]}}) == {"a": 1, "b": {"c": [2]}}
    assert rejected(PythonDict, [1])
    assert hydrate(PythonSet, [1, 2, 2]) == {1, 2}
    assert hydrate(Set[Int], [3, {"value": 4}]) == {3, 4}
    assert rejected(Set[Int], ["x"])
    assert hydrate(PythonTuple, [1, "a"]) == (1, "a")
    assert hydrate(Tuple[Int, String], [1, "a"]) == (1, "a")


def test_types_without_hydration():
    assert Nothing.input_hydration_config is None
    assert Dict[String, Int].input_hydration_config is None
    opaque = PythonObjectDagsterType(bytes, name="Blob")
    assert opaque.input_hydration_config is None
    assert List[opaque].input_hydration_config is None
    assert Optional[opaque].input_hydration_config is None
    assert Set[opaque].input_hydration_config is None


class Table:
    def __init__(self, name, rows):
        self.name = name
        self.rows = rows


def test_user_defined_hydration(tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("a\nb\nc\n")

    @input_hydration_config(Selector({"csv": {"path": str}, "inline": [str]}), required_resource_keys={"db"})
    def load_table(context, config_value):
        ((kind, spec),) = config_value.items()
        if kind == "csv":
            return Table(context, open(spec["path"]).read().split())
        return Table(context, list(spec))

    table_type = PythonObjectDagsterType(Table, input_hydration_config=load_table)
    assert table_type.required_resource_keys == frozenset({"db"})
    assert load_table.required_resource_keys() == frozenset({"db"})
    from_csv = hydrate(table_type, {"csv": {"path": str(csv)}}, context="ctx")
    assert (from_csv.name, from_csv.rows) == ("ctx", ["a", "b", "c"])
    assert hydrate(table_type, {"inline": ["x"]}).rows == ["x"]
    assert rejected(table_type, {"csv": {"path": 1}})


def test_user_defined_hydration_schema_forms():
    @input_hydration_config(int)
    def from_int(context, config_value):
        return config_value * 2

    @input_hydration_config(Field(str, description="a name"))
    def from_field(context, config_value):
        return config_value.upper()

    @input_hydration_config({"n": int})
    def from_dict(context, config_value):
        return config_value["n"]

    assert hydrate(DagsterType(lambda _, __: True, name="A", input_hydration_config=from_int), 4) == 8
    assert hydrate(DagsterType(lambda _, __: True, name="B", input_hydration_config=from_field), "x") == "X"
    assert hydrate(DagsterType(lambda _, __: True, name="C", input_hydration_config=from_dict), {"n": 1}) == 1


def test_user_defined_hydration_errors():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @input_hydration_config(str)
        def one_arg(config_value):
            return config_value

    assert str(exc_info.value) == (
        "The @input_hydration_config function must take exactly 2 positional arguments (context, config_value), "
        "but test_user_defined_hydration_errors.<locals>.one_arg has the signature (config_value)."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match="the config schema of @input_hydration_config"):
        input_hydration_config(object())
    with pytest.raises(
        DagsterInvalidDefinitionError, match="must be a set of resource key strings, got 'db'"
    ):
        input_hydration_config(str, required_resource_keys="db")
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"must be a set of resource key strings, got \{1\}"
    ):
        input_hydration_config(str, required_resource_keys={1})


def test_input_selector_schema(tmp_path):
    from dagster.core.types.config_schema import input_selector_schema

    @input_selector_schema(Selector({"inline": [int], "count": int}), required_resource_keys={"db"})
    def load(context, selector_key, selector_value):
        return (selector_key, selector_value)

    numbers = DagsterType(lambda _, __: True, name="Numbers", input_hydration_config=load)
    assert numbers.required_resource_keys == frozenset({"db"})
    assert hydrate(numbers, {"inline": [1, 2]}) == ("inline", [1, 2])
    assert hydrate(numbers, {"count": 3}) == ("count", 3)
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        input_selector_schema({"a": int})
    assert str(exc_info.value).startswith(
        "@input_selector_schema needs a Selector schema (Selector({...})), got"
    )
    assert str(exc_info.value).endswith("Use @input_hydration_config for other schemas.")
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"exactly 3 positional arguments \(context, selector_key"
    ):
        input_selector_schema(Selector({"a": int}))(lambda context, config_value: None)
