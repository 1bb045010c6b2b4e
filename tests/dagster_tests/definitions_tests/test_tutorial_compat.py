"""Definitions written the way the Dagster 0.7 tutorial and API reference write them load unchanged
(and run). Only the file paths differ: the cereal data is written to a temporary directory."""

from __future__ import annotations

import csv

import pytest

from dagster import (
    Bool,
    DependencyDefinition,
    Field,
    InputDefinition,
    Int,
    ModeDefinition,
    Output,
    OutputDefinition,
    PipelineDefinition,
    PresetDefinition,
    PythonObjectDagsterType,
    RepositoryDefinition,
    Selector,
    SolidInvocation,
    String,
    composite_solid,
    execute_pipeline,
    input_hydration_config,
    lambda_solid,
    pipeline,
    resource,
    solid,
    usable_as_dagster_type,
)

CEREALS = [
    {"name": "100% Bran", "mfr": "N", "type": "C", "calories": "70"},
    {"name": "All-Bran", "mfr": "K", "type": "C", "calories": "70"},
    {"name": "Apple Jacks", "mfr": "K", "type": "C", "calories": "110"},
    {"name": "Cream of Wheat", "mfr": "N", "type": "H", "calories": "100"},
    {"name": "Maypo", "mfr": "A", "type": "H", "calories": "100"},
]


@pytest.fixture
def cereal_csv(tmp_path):
    path = tmp_path / "cereal.csv"
    with open(path, "w", newline="", encoding="utf8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CEREALS[0]))
        writer.writeheader()
        writer.writerows(CEREALS)
    return str(path)


# Tutorial: a pipeline of one solid, then config on an input.


@solid
def read_csv(context, csv_path: str):
    with open(csv_path) as fd:
        lines = [row for row in csv.DictReader(fd)]
    context.log.info(f"Read {len(lines)} lines")
    return lines


@solid(config={"reverse": Field(Bool, default_value=False, is_required=False)})
def sort_by_calories(context, cereals):
    sorted_cereals = sorted(
        cereals, key=lambda cereal: int(cereal["calories"]), reverse=context.solid_config["reverse"]
    )
    context.log.info("Least caloric cereal: {least_caloric}".format(least_caloric=sorted_cereals[0]["name"]))
    return [cereal["name"] for cereal in sorted_cereals]


@pipeline
def config_pipeline():
    sort_by_calories(read_csv())


def test_config_pipeline(cereal_csv):
    environment_dict = {
        "solids": {
            "read_csv": {"inputs": {"csv_path": {"value": cereal_csv}}},
            "sort_by_calories": {"config": {"reverse": True}},
        }
    }
    result = execute_pipeline(config_pipeline, environment_dict=environment_dict)
    assert result.success
    assert result.result_for_solid("sort_by_calories").output_value()[0] == "Apple Jacks"


# Tutorial: multiple and optional outputs.


@solid(
    output_defs=[
        OutputDefinition(name="hot_cereals", dagster_type=list, is_required=False),
        OutputDefinition(name="cold_cereals", dagster_type=list, is_required=False),
    ]
)
def split_cereals(context, cereals):
    hot_cereals = [cereal for cereal in cereals if cereal["type"] == "H"]
    cold_cereals = [cereal for cereal in cereals if cereal["type"] == "C"]
    if hot_cereals:
        yield Output(hot_cereals, "hot_cereals")
    if cold_cereals:
        yield Output(cold_cereals, "cold_cereals")


@solid
def count_hot(context, hot_cereals: list) -> int:
    return len(hot_cereals)


@solid
def count_cold(context, cold_cereals: list) -> int:
    return len(cold_cereals)


@pipeline
def multiple_outputs_pipeline():
    hot_cereals, cold_cereals = split_cereals(read_csv())
    count_hot(hot_cereals)
    count_cold(cold_cereals)


def test_multiple_outputs_pipeline(cereal_csv):
    result = execute_pipeline(
        multiple_outputs_pipeline,
        {"solids": {"read_csv": {"inputs": {"csv_path": {"value": cereal_csv}}}}},
    )
    assert result.success
    assert result.result_for_solid("count_hot").output_value() == 2
    assert result.result_for_solid("count_cold").output_value() == 3


# Tutorial: custom types with input hydration config.

SimpleDataFrame = PythonObjectDagsterType(
    python_type=list,
    name="SimpleDataFrame",
    description="A naive representation of a data frame, e.g., as returned by csv.DictReader.",
)


@input_hydration_config(Selector({"csv": Field(String)}))
def less_simple_data_frame_input_hydration_config(context, selector):
    with open(selector["csv"]) as fd:
        lines = [row for row in csv.DictReader(fd)]
    context.log.info(f"Read {len(lines)} lines")
    return LessSimpleDataFrame(lines)


@usable_as_dagster_type(
    name="LessSimpleDataFrame",
    description="A more sophisticated data frame that type checks its structure.",
    input_hydration_config=less_simple_data_frame_input_hydration_config,
)
class LessSimpleDataFrame(list):
    pass


@solid
def sort_by_calories_typed(context, cereals: LessSimpleDataFrame):
    sorted_cereals = sorted(cereals, key=lambda cereal: cereal["calories"])
    return sorted_cereals[0]["name"]


@pipeline
def custom_type_pipeline():
    sort_by_calories_typed()


def test_custom_type_pipeline(cereal_csv):
    result = execute_pipeline(
        custom_type_pipeline,
        {"solids": {"sort_by_calories_typed": {"inputs": {"cereals": {"csv": cereal_csv}}}}},
    )
    assert result.success
    assert result.result_for_solid("sort_by_calories_typed").output_value() == "Cream of Wheat"


# Tutorial: resources, modes and presets.


class LocalWarehouse:
    def __init__(self):
        self.rows = []

    def update_normalized_cereals(self, records):
        self.rows.extend(records)


@resource(config={"conn_str": Field(String)})
def local_warehouse_resource(context):
    return LocalWarehouse()


@solid(required_resource_keys={"warehouse"})
def normalize_calories(context, cereals):
    columns_to_normalize = ["calories"]
    normalized = [dict(cereal, **{c: float(cereal[c]) for c in columns_to_normalize}) for cereal in cereals]
    context.resources.warehouse.update_normalized_cereals(normalized)
    return len(normalized)


def write_preset(tmp_path, cereal_csv):
    path = tmp_path / "resources_dev.yaml"
    path.write_text(
        "resources:\n  warehouse:\n    config:\n      conn_str: ':memory:'\n"
        f"solids:\n  read_csv:\n    inputs:\n      csv_path:\n        value: {cereal_csv}\n"
    )
    return str(path)


def test_modes_resources_presets(tmp_path, cereal_csv):
    preset_file = write_preset(tmp_path, cereal_csv)

    @pipeline(
        mode_defs=[
            ModeDefinition(name="unittest", resource_defs={"warehouse": local_warehouse_resource}),
            ModeDefinition(name="dev", resource_defs={"warehouse": local_warehouse_resource}),
        ],
        preset_defs=[
            PresetDefinition.from_files("dev", mode="dev", environment_files=[preset_file]),
        ],
    )
    def modes_pipeline():
        normalize_calories(read_csv())

    assert modes_pipeline.available_modes == ["unittest", "dev"]
    result = execute_pipeline(modes_pipeline, preset="dev")
    assert result.success
    assert result.result_for_solid("normalize_calories").output_value() == 5


# Tutorial: composite solids.


@composite_solid
def load_and_sort():
    return sort_by_calories(read_csv())


@pipeline
def composed_pipeline():
    load_and_sort()


def test_composite_pipeline(cereal_csv):
    result = execute_pipeline(
        composed_pipeline,
        {
            "solids": {
                "load_and_sort": {"solids": {"read_csv": {"inputs": {"csv_path": {"value": cereal_csv}}}}}
            }
        },
    )
    assert result.success
    assert result.result_for_handle("load_and_sort.sort_by_calories").output_value()[0] in (
        "100% Bran",
        "All-Bran",
    )


# API reference style: explicit definitions.


@lambda_solid(input_defs=[InputDefinition("num", Int)], output_def=OutputDefinition(Int))
def add_one(num):
    return num + 1


@lambda_solid(output_def=OutputDefinition(Int))
def return_one():
    return 1


@solid(input_defs=[InputDefinition(name="word", dagster_type=String)], config={"factor": Int})
def multiply_the_word(context, word):
    return word * context.solid_config["factor"]


def test_explicit_api_reference_definitions():
    pipeline_def = PipelineDefinition(
        name="explicit_pipeline",
        solid_defs=[return_one, add_one],
        dependencies={
            "add_one": {"num": DependencyDefinition("return_one")},
            SolidInvocation("add_one", alias="add_two"): {"num": DependencyDefinition("add_one")},
        },
    )
    result = execute_pipeline(pipeline_def)
    assert result.success
    assert result.result_for_solid("add_two").output_value() == 3

    word_pipeline = PipelineDefinition(name="word", solid_defs=[multiply_the_word])
    result = execute_pipeline(
        word_pipeline, {"solids": {"multiply_the_word": {"inputs": {"word": "hi"}, "config": {"factor": 2}}}}
    )
    assert result.result_for_solid("multiply_the_word").output_value() == "hihi"

    repo = RepositoryDefinition(
        name="tutorial_repository", pipeline_dict={"config_pipeline": lambda: config_pipeline}
    )
    assert repo.get_pipeline("config_pipeline") is config_pipeline


def test_is_optional_field_still_accepted():
    with pytest.warns(DeprecationWarning):

        @solid(config={"n": Field(Int, is_optional=True, default_value=1)})
        def legacy(context):
            return context.solid_config["n"]

    assert not legacy.config_field.config_type.fields["n"].is_required


def test_generator_resource_teardown_runs_even_when_a_solid_fails():
    events = []

    @resource
    def tracked(init_context):
        events.append("setup")
        try:
            yield "conn"
        finally:
            events.append("teardown")

    @solid(required_resource_keys={"conn"})
    def explode(context):
        assert context.resources.conn == "conn"
        raise ValueError("boom")

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"conn": tracked})])
    def failing():
        explode()

    result = execute_pipeline(failing, raise_on_error=False)
    assert not result.success
    assert events == ["setup", "teardown"]
