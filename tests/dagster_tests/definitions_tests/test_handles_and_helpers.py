"""SolidHandle, Solid and its handles, the executable pipeline wrapper, utility solids and test utils."""

from __future__ import annotations

import os

import pytest

from dagster import (
    DependencyDefinition,
    PipelineDefinition,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
)
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.executable import InMemoryExecutablePipeline
from dagster.core.test_utils import environ, nesting_composite_pipeline, single_output_solid
from dagster.core.utility_solids import (
    create_root_solid,
    create_solid_with_deps,
    define_stub_solid,
    input_set,
)
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple


def test_solid_handle():
    handle = SolidHandle("inner", SolidHandle("middle", SolidHandle("outer", None)))
    assert handle.to_string() == "outer.middle.inner"
    assert str(handle) == "outer.middle.inner"
    assert handle.path == ["outer", "middle", "inner"]
    assert SolidHandle.from_string("outer.middle.inner") == handle
    assert handle.is_or_descends_from(SolidHandle("outer", None))
    assert handle.is_or_descends_from(handle)
    assert not SolidHandle("outer", None).is_or_descends_from(handle)
    assert handle.pop(SolidHandle("outer", None)) == SolidHandle.from_string("middle.inner")
    assert SolidHandle.from_string("middle.inner").with_ancestor(SolidHandle("outer", None)) == handle
    assert SolidHandle.from_dict({"name": "inner", "parent": {"name": "outer", "parent": None}}) == (
        SolidHandle.from_string("outer.inner")
    )
    text = serialize_dagster_namedtuple(handle)
    assert text.startswith(
        '{"__class__": "SolidHandle", "name": "inner", "parent": {"__class__": "SolidHandle"'
    )
    assert deserialize_json_to_dagster_namedtuple(text) == handle


@lambda_solid
def one() -> int:
    return 1


@lambda_solid
def plus(num: int) -> int:
    return num + 1


@composite_solid
def plus_two(num: int) -> int:
    return plus(plus(num))


@pipeline
def uses_composite():
    plus_two(one())


def test_solid_invocation_and_mapped_inputs():
    solid = uses_composite.solid_named("plus_two")
    assert solid.is_composite
    assert solid.definition_name == "plus_two"
    assert [str(h) for h in solid.input_handles()] == ["plus_two.num"]
    assert [str(h) for h in solid.output_handles()] == ["plus_two.result"]
    inner = plus_two.solid_named("plus")
    assert inner.container_definition is plus_two
    assert inner.container_maps_input("num")
    assert inner.container_mapped_input("num").definition.name == "num"
    assert not plus_two.solid_named("plus_2").container_maps_input("num")
    assert [m.input_name for m in plus_two.input_mappings_for("num")] == ["num"]
    assert uses_composite.get_solid(SolidHandle.from_string("plus_two.plus_2")).definition is plus


def test_in_memory_executable_pipeline():
    executable = InMemoryExecutablePipeline(uses_composite)
    assert executable.get_definition() is uses_composite
    assert executable.build_sub_pipeline(None) is executable
    sub = executable.build_sub_pipeline(["one"])
    assert [s.name for s in sub.get_definition().solids] == ["one"]


def test_utility_solids_record_execution_order():
    root = create_root_solid("root")
    child = create_solid_with_deps("child", root)
    pipeline_def = PipelineDefinition(
        name="recording",
        solid_defs=[root, child],
        dependencies={"child": {"root": DependencyDefinition("root")}},
    )
    result = execute_pipeline(
        pipeline_def, {"solids": {"root": {"inputs": {"root_input": {"value": [input_set("root_input")]}}}}}
    )
    assert result.success
    assert result.result_for_solid("child").output_value() == [
        {"root_input": "input_set"},
        {"root": "compute_called"},
        {"child": "compute_called"},
    ]


def test_stub_and_single_output_solids():
    stub = define_stub_solid("stub", {"a": 1})
    doubled = single_output_solid(
        "doubled",
        input_defs=[plus.input_defs[0]],
        compute_fn=lambda context, inputs: inputs["num"] * 2,
        output_def=plus.output_defs[0],
    )
    pipeline_def = PipelineDefinition(
        name="stubs",
        solid_defs=[stub, one, doubled],
        dependencies={"doubled": {"num": DependencyDefinition("one")}},
    )
    result = execute_pipeline(pipeline_def)
    assert result.result_for_solid("stub").output_value() == {"a": 1}
    assert result.result_for_solid("doubled").output_value() == 2


def test_nesting_composite_pipeline():
    pipeline_def = nesting_composite_pipeline(2, 2, name="nested")
    assert pipeline_def.name == "nested"
    assert [s.name for s in pipeline_def.solids] == ["outer"]
    leaf = pipeline_def.get_solid(
        SolidHandle.from_string("outer.layer_0_node_1.layer_1_node_0.layer_2_node_1")
    )
    assert leaf.definition.name == "leaf_node"
    result = execute_pipeline(pipeline_def)
    assert result.success
    assert len([e for e in result.step_event_list if e.event_type_value == "STEP_SUCCESS"]) == 8


def test_environ_sets_and_restores(monkeypatch):
    monkeypatch.setenv("DEFS_KEEP", "before")
    monkeypatch.delenv("DEFS_NEW", raising=False)
    with environ({"DEFS_KEEP": "during", "DEFS_NEW": "x"}):
        assert os.environ["DEFS_KEEP"] == "during"
        assert os.environ["DEFS_NEW"] == "x"
    assert os.environ["DEFS_KEEP"] == "before"
    assert "DEFS_NEW" not in os.environ
    with pytest.raises(RuntimeError):
        with environ({"DEFS_KEEP": None}):
            assert "DEFS_KEEP" not in os.environ
            raise RuntimeError("restored anyway")
    assert os.environ["DEFS_KEEP"] == "before"
