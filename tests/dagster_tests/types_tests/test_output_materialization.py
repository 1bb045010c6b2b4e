"""Materializing outputs where run config says (``solids.<s>.outputs``), with real files."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from dagster.config.validate import process_config
from dagster.core.definitions.events import EventMetadataEntry, Materialization
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.config_schema import output_materialization_config
from dagster.core.types.dagster_type import (
    Any,
    Bool,
    Float,
    Int,
    List,
    Optional,
    Path,
    PythonObjectDagsterType,
    String,
)
from dagster.core.types.python_dict import PythonDict


def materialize(dagster_type, config_value, value, context=None):
    materialization = dagster_type.output_materialization_config
    result = process_config(materialization.schema_type, config_value)
    assert result.success, [error.message for error in result.errors]
    return materialization.materialize_runtime_value(context, result.value, value)


@pytest.mark.parametrize(
    ("dagster_type", "value"),
    [(Int, 7), (Float, 0.25), (Bool, True), (String, "s"), (Path, "/x"), (Any, {"k": [1, None]})],
    ids=lambda v: getattr(v, "key", None),
)
def test_builtin_json_and_pickle(tmp_path, dagster_type, value):
    json_path = str(tmp_path / "out.json")
    assert materialize(dagster_type, {"json": {"path": json_path}}, value) == [
        Materialization.file(json_path)
    ]
    with open(json_path) as json_file:
        assert json.load(json_file) == {"value": value}
    pickle_path = str(tmp_path / "out.pkl")
    assert materialize(dagster_type, {"pickle": {"path": pickle_path}}, value) == [
        Materialization.file(pickle_path)
    ]
    with open(pickle_path, "rb") as pickle_file:
        assert pickle.load(pickle_file) == value
    assert sorted(os.listdir(tmp_path)) == ["out.json", "out.pkl"]  # no temp files left behind


def test_materialization_record(tmp_path):
    path = str(tmp_path / "result.json")
    (materialization,) = materialize(Int, {"json": {"path": path}}, 1)
    assert materialization.label == "result.json"
    assert materialization.metadata_entries == [EventMetadataEntry.fspath(path)]


def test_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text('{"value": 1}')
    with pytest.raises(TypeError):
        materialize(Any, {"json": {"path": str(path)}}, object())
    assert path.read_text() == '{"value": 1}'
    assert os.listdir(tmp_path) == ["keep.json"]


def test_output_schema_is_validated():
    schema = Int.output_materialization_config.schema_type
    assert sorted(schema.fields) == ["json", "pickle"]
    assert not process_config(schema, {"value": 1}).success
    assert not process_config(schema, {"json": {"path": 3}}).success
    assert Int.output_materialization_config is Any.output_materialization_config


def test_types_without_materialization():
    for dagster_type in (List[Int], Optional[Int], PythonDict):
        assert dagster_type.output_materialization_config is None


class Report:
    def __init__(self, text):
        self.text = text


def test_user_defined_materialization_forms(tmp_path):
    @output_materialization_config({"path": str}, required_resource_keys={"fs"})
    def single(context, config_value, runtime_value):
        with open(config_value["path"], "w") as out:
            out.write(runtime_value.text)
        return Materialization.file(config_value["path"], description=context)

    @output_materialization_config({"dir": str})
    def several(context, config_value, runtime_value):
        for name in ("a", "b"):
            yield Materialization(
                label=name, metadata_entries=[EventMetadataEntry.text(runtime_value.text, "t")]
            )

    @output_materialization_config(str)
    def as_list(context, config_value, runtime_value):
        return [Materialization(config_value)]

    path = str(tmp_path / "report.txt")
    report_type = PythonObjectDagsterType(Report, output_materialization_config=single)
    assert report_type.required_resource_keys == frozenset({"fs"})
    assert materialize(report_type, {"path": path}, Report("hi"), context="ctx") == [
        Materialization.file(path, description="ctx")
    ]
    assert (tmp_path / "report.txt").read_text() == "hi"
    labels = [
        m.label
        for m in materialize(
            PythonObjectDagsterType(Report, output_materialization_config=several), {"dir": "d"}, Report("x")
        )
    ]
    assert labels == ["a", "b"]
    assert materialize(
        PythonObjectDagsterType(Report, output_materialization_config=as_list), "m", Report("x")
    ) == [Materialization("m")]


@pytest.mark.parametrize(
    ("returned", "shown"),
    [
        (None, "None of type NoneType"),
        ("written", "'written' of type str"),
        ([Materialization("ok"), 3], "3 of type int"),
    ],
)
def test_user_materialization_must_return_materializations(returned, shown):
    @output_materialization_config(str)
    def write(context, config_value, runtime_value):
        return returned

    report_type = PythonObjectDagsterType(Report, output_materialization_config=write)
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        materialize(report_type, "x", Report("r"))
    assert str(exc_info.value) == (
        'The output materialization function "test_user_materialization_must_return_materializations.<locals>.write" '
        "must return a Materialization (or an iterable of them) describing what it wrote, e.g. "
        f"Materialization.file(path); it returned {shown}."
    )


def test_user_materialization_arity():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @output_materialization_config(str)
        def two_args(context, config_value):
            return []

    assert str(exc_info.value) == (
        "The @output_materialization_config function must take exactly 3 positional arguments "
        "(context, config_value, runtime_value), but test_user_materialization_arity.<locals>.two_args has the "
        "signature (context, config_value)."
    )


def test_output_selector_schema(tmp_path):
    from dagster.config.field_utils import Selector
    from dagster.core.types.config_schema import output_selector_schema

    @output_selector_schema(Selector({"text": {"path": str}}))
    def write(context, selector_key, selector_value, runtime_value):
        (tmp_path / "out.txt").write_text(f"{selector_key}:{runtime_value.text}")
        return Materialization.file(selector_value["path"])

    report_type = PythonObjectDagsterType(Report, output_materialization_config=write)
    path = str(tmp_path / "out.txt")
    assert materialize(report_type, {"text": {"path": path}}, Report("r")) == [Materialization.file(path)]
    assert (tmp_path / "out.txt").read_text() == "text:r"
    with pytest.raises(
        DagsterInvalidDefinitionError, match="Use @output_materialization_config for other schemas"
    ):
        output_selector_schema(str)
