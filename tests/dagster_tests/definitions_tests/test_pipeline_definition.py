"""PipelineDefinition built explicitly: wiring, validation errors (exact messages), modes, presets, subsets."""

from __future__ import annotations

import pytest

from dagster import (
    DependencyDefinition,
    InputDefinition,
    Int,
    List,
    ModeDefinition,
    MultiDependencyDefinition,
    Nothing,
    OutputDefinition,
    PipelineDefinition,
    PresetDefinition,
    PythonObjectDagsterType,
    ResourceDefinition,
    SolidInvocation,
    String,
    lambda_solid,
    solid,
    system_storage,
)
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


@lambda_solid
def emit() -> int:
    return 1


@lambda_solid
def inc(num: int) -> int:
    return num + 1


@lambda_solid
def shout(text: str) -> str:
    return text.upper()


@lambda_solid(output_def=OutputDefinition(Nothing))
def done():
    return None


class Connection:
    pass


ConnectionType = PythonObjectDagsterType(Connection, name="Connection")


@solid(input_defs=[InputDefinition("conn", ConnectionType)])
def use_conn(context, conn):
    pass


def test_explicit_dependencies_and_topological_order():
    pipeline_def = PipelineDefinition(
        name="explicit",
        solid_defs=[emit, inc],
        dependencies={
            "inc": {"num": DependencyDefinition("emit")},
            SolidInvocation("inc", alias="inc_again", tags={"k": "v"}): {"num": DependencyDefinition("inc")},
        },
    )
    assert [s.name for s in pipeline_def.solids_in_topological_order] == ["emit", "inc", "inc_again"]
    assert pipeline_def.solid_levels == [["emit"], ["inc"], ["inc_again"]]
    assert pipeline_def.solid_named("inc_again").tags == {"k": "v"}
    structure = pipeline_def.dependency_structure
    handle = pipeline_def.solid_named("inc_again").input_handle("num")
    assert structure.has_singular_dep(handle)
    assert structure.get_singular_dep(handle).solid.name == "inc"
    assert not structure.has_multi_deps(handle)
    assert [h.solid_name for h in structure.deps_of_solid("inc_again")] == ["inc"]
    assert {
        d.name: [str(i) for i in ins]
        for d, ins in structure.output_to_downstream_inputs_for_solid("inc").items()
    } == {"result": ["inc_again.num"]}


def test_default_name_and_mode():
    pipeline_def = PipelineDefinition([emit])
    assert pipeline_def.name == "<<unnamed>>"
    assert pipeline_def.available_modes == ["default"]
    mode = pipeline_def.get_mode_definition()
    assert [s.name for s in mode.system_storage_defs] == ["in_memory", "filesystem"]
    assert [e.name for e in mode.executor_defs] == ["in_process", "multiprocess"]
    assert list(mode.loggers) == ["console"]


def test_cycle_is_reported_with_its_path():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="loop",
            solid_defs=[inc],
            dependencies={
                SolidInvocation("inc", "a"): {"num": DependencyDefinition("c")},
                SolidInvocation("inc", "b"): {"num": DependencyDefinition("a")},
                SolidInvocation("inc", "c"): {"num": DependencyDefinition("b")},
            },
        )
    assert str(exc_info.value) == (
        'Circular dependencies in pipeline "loop": a -> b -> c -> a. Solids cannot depend on each other in a '
        "loop: remove one of these dependencies."
    )


def test_self_dependency():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="selfish", solid_defs=[inc], dependencies={"inc": {"num": DependencyDefinition("inc")}}
        )
    assert str(exc_info.value) == (
        'Invalid dependencies: input "num" of solid "inc" in pipeline "selfish" depends on the solid itself. A '
        "solid cannot consume its own output."
    )


def test_unknown_solid_input_and_output():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[inc], dependencies={"nope": {}})
    assert str(exc_info.value) == (
        'Invalid dependencies of pipeline "p": solid "nope" is not in its solid_defs. Known solids: "inc". Add the '
        "solid to solid_defs or fix the name."
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p", solid_defs=[emit, inc], dependencies={"inc": {"number": DependencyDefinition("emit")}}
        )
    assert str(exc_info.value) == (
        'Invalid dependencies in pipeline "p": solid "inc" has no input "number". Its inputs are: "num".'
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p", solid_defs=[emit, inc], dependencies={"inc": {"num": DependencyDefinition("emitt")}}
        )
    assert str(exc_info.value) == (
        'Invalid dependencies: input "num" of solid "inc" in pipeline "p" depends on solid "emitt", which is not '
        'in pipeline "p". Known solids: "emit", "inc".'
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p",
            solid_defs=[emit, inc],
            dependencies={"inc": {"num": DependencyDefinition("emit", "out")}},
        )
    assert str(exc_info.value) == (
        'Invalid dependencies: input "num" of solid "inc" in pipeline "p" depends on output "out" of solid '
        '"emit", which has no such output. Its outputs are: "result".'
    )


def test_plain_function_in_solid_defs():
    def not_a_solid():
        pass

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[not_a_solid])
    assert str(exc_info.value) == (
        'You passed the function "not_a_solid" to pipeline "p", but it is not a solid. Decorate it with @solid '
        "or @lambda_solid."
    )


def test_unconnected_input_without_config_or_default():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[use_conn])
    assert str(exc_info.value) == (
        'Input "conn" of solid "use_conn" in pipeline "p" is not connected to the output of a previous solid and '
        "cannot be loaded from config (its type Connection has no input_hydration_config), and it has no "
        "default value. Connect it to an upstream output, give it a default_value, or use a type that can be "
        "loaded from config."
    )
    # Scalars can be loaded from config, so an unconnected Int input is fine.
    PipelineDefinition(name="ok", solid_defs=[inc])


def test_type_mismatch_between_output_and_input():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p", solid_defs=[emit, shout], dependencies={"shout": {"text": DependencyDefinition("emit")}}
        )
    assert str(exc_info.value) == (
        'Type mismatch: output "result" of solid "emit" has type Int, but it is connected to input "text" of '
        'solid "shout" in pipeline "p", of type String. A value of the first type can never pass the second\'s '
        "type check: change one of the types, or connect another output."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match="Type mismatch"):
        PipelineDefinition(
            name="p",
            solid_defs=[emit, use_conn],
            dependencies={"use_conn": {"conn": DependencyDefinition("emit")}},
        )


def test_nothing_output_into_value_input():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p", solid_defs=[done, inc], dependencies={"inc": {"num": DependencyDefinition("done")}}
        )
    assert str(exc_info.value) == (
        'Invalid dependencies: input "num" of solid "inc" in pipeline "p" (of type Int) is connected to output '
        '"result" of solid "done", which has type Nothing and carries no value. Only inputs of type Nothing can '
        "depend on a Nothing output."
    )


def test_fan_in_needs_a_list_input():
    @lambda_solid(input_defs=[InputDefinition("nums", List[Int])])
    def total(nums):
        return sum(nums)

    fan_in = PipelineDefinition(
        name="fan",
        solid_defs=[emit, total],
        dependencies={
            SolidInvocation("emit", "a"): {},
            SolidInvocation("emit", "b"): {},
            "total": {
                "nums": MultiDependencyDefinition([DependencyDefinition("a"), DependencyDefinition("b")])
            },
        },
    )
    assert [
        h.solid_name
        for h in fan_in.dependency_structure.get_multi_deps(fan_in.solid_named("total").input_handle("nums"))
    ] == ["a", "b"]
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p",
            solid_defs=[emit, inc],
            dependencies={"inc": {"num": MultiDependencyDefinition([DependencyDefinition("emit")])}},
        )
    assert str(exc_info.value) == (
        'Input "num" of solid "inc" in pipeline "p" receives several outputs (fan-in) but has type Int. A fan-in '
        "input must have a List type (e.g. List[Int]) or type Nothing."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match='lists output "result" of solid "a" twice'):
        MultiDependencyDefinition([DependencyDefinition("a"), DependencyDefinition("a")])


def test_modes_and_resources():
    @solid(required_resource_keys={"db"})
    def query(context):
        return 1

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[query])
    assert str(exc_info.value) == (
        'Resource "db" is required by solid "query", but is not provided by mode "default" of pipeline "p". Add '
        'it to the resource_defs of ModeDefinition "default" (it provides: no resources).'
    )
    pipeline_def = PipelineDefinition(
        name="p",
        solid_defs=[query],
        mode_defs=[
            ModeDefinition("prod", resource_defs={"db": ResourceDefinition.hardcoded_resource("conn")}),
            ModeDefinition("test", resource_defs={"db": ResourceDefinition.none_resource()}),
        ],
    )
    assert pipeline_def.is_multi_mode
    assert pipeline_def.get_mode_definition("test").resource_key_set == frozenset({"db"})
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        pipeline_def.get_mode_definition()
    assert (
        str(exc_info.value)
        == 'Pipeline "p" has several modes ("prod", "test"): say which one to use (mode=...).'
    )
    with pytest.raises(DagsterInvariantViolationError, match='Pipeline "p" has no mode "dev"'):
        pipeline_def.get_mode_definition("dev")
    with pytest.raises(DagsterInvalidDefinitionError, match='Two modes named "a" in pipeline "p"'):
        PipelineDefinition(name="p", solid_defs=[emit], mode_defs=[ModeDefinition("a"), ModeDefinition("a")])


def test_storage_resource_requirements_checked():
    @system_storage(required_resource_keys={"bucket"}, name="remote")
    def remote_storage(init_context):
        raise AssertionError("not called at definition time")

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(
            name="p", solid_defs=[emit], mode_defs=[ModeDefinition(system_storage_defs=[remote_storage])]
        )
    assert str(exc_info.value).startswith(
        'Resource "bucket" is required by system storage "remote", but is not provided by mode "default"'
    )


def test_presets():
    preset = PresetDefinition("quick", {"solids": {}}, mode="default")
    pipeline_def = PipelineDefinition(name="p", solid_defs=[emit], preset_defs=[preset])
    assert pipeline_def.get_preset("quick") is preset
    assert pipeline_def.has_preset("quick")
    with pytest.raises(DagsterInvariantViolationError, match='Pipeline "p" has no preset "slow"'):
        pipeline_def.get_preset("slow")
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[emit], preset_defs=[PresetDefinition("x", mode="prod")])
    assert str(exc_info.value) == (
        'Preset "x" of pipeline "p" uses mode "prod", which the pipeline does not define. Its modes are: "default".'
    )


def test_build_sub_pipeline_keeps_deps_among_kept_solids():
    pipeline_def = PipelineDefinition(
        name="p",
        solid_defs=[emit, inc],
        dependencies={
            "inc": {"num": DependencyDefinition("emit")},
            SolidInvocation("inc", "inc2", {"x": "y"}): {"num": DependencyDefinition("inc")},
        },
    )
    sub = pipeline_def.build_sub_pipeline(["inc", "inc2"])
    assert sorted(s.name for s in sub.solids) == ["inc", "inc2"]
    assert sub.dependency_structure.deps_of_solid_with_input("inc") == {}
    assert [h.solid_name for h in sub.dependency_structure.deps_of_solid("inc2")] == ["inc"]
    assert sub.solid_named("inc2").tags == {"x": "y"}
    assert sub.parent_pipeline_def is pipeline_def
    assert sub.selector.solid_subset == ["inc", "inc2"]
    assert pipeline_def.build_sub_pipeline(None) is pipeline_def
    with pytest.raises(DagsterInvalidDefinitionError, match='names unknown solids "zz"'):
        pipeline_def.build_sub_pipeline(["zz"])


def test_dagster_types_of_pipeline():
    pipeline_def = PipelineDefinition(name="p", solid_defs=[emit, shout])
    assert {"Int", "String", "Any", "Nothing"} <= {t.name for t in pipeline_def.all_dagster_types()}
    assert pipeline_def.dagster_type_named("Int").key == "Int"

    other = PythonObjectDagsterType(str, name="Connection")

    @lambda_solid(input_defs=[InputDefinition("c", other, default_value=None)])
    def other_conn(c):
        pass

    @lambda_solid(input_defs=[InputDefinition("c", ConnectionType, default_value=None)])
    def conn_with_default(c):
        pass

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[conn_with_default, other_conn], dependencies={})
    assert str(exc_info.value) == (
        'Pipeline "p" uses two different Dagster types named "Connection". Type names must be unique within a '
        "pipeline: rename one of them, or use one type object everywhere."
    )


def test_string_output_into_any_input_is_fine():
    @lambda_solid
    def anything(x):
        return x

    PipelineDefinition(
        name="p",
        solid_defs=[shout, anything],
        dependencies={"anything": {"x": DependencyDefinition("shout")}},
    )


def test_input_default_allows_unconnected():
    @lambda_solid(input_defs=[InputDefinition("conn", ConnectionType, default_value=None)])
    def optional_conn(conn):
        return conn

    PipelineDefinition(name="p", solid_defs=[optional_conn])


def test_nothing_input_ordering():
    @lambda_solid(input_defs=[InputDefinition("after", Nothing)])
    def last():
        return 1

    pipeline_def = PipelineDefinition(
        name="p", solid_defs=[emit, last], dependencies={"last": {"after": DependencyDefinition("emit")}}
    )
    assert [s.name for s in pipeline_def.solids_in_topological_order] == ["emit", "last"]


def test_string_input_of_path_type_accepts_string_output():
    from dagster import Path

    @lambda_solid(input_defs=[InputDefinition("p", Path)])
    def read(p):
        return p

    PipelineDefinition(
        name="p", solid_defs=[shout, read], dependencies={"read": {"p": DependencyDefinition("shout")}}
    )
    assert String is not None


def test_pipeline_tags():
    pipeline_def = PipelineDefinition(name="p", solid_defs=[emit], tags={"owner": "me", "retries": 3})
    assert pipeline_def.tags == {"owner": "me", "retries": "3"}
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PipelineDefinition(name="p", solid_defs=[emit], tags={"dagster/schedule_name": "x"})
    assert str(exc_info.value) == (
        'Tag "dagster/schedule_name" of pipeline "p" uses the reserved prefix "dagster/". Rename the tag.'
    )


def test_sub_pipeline_with_unloadable_input_names_the_subset():
    @lambda_solid
    def make_conn():
        return Connection()

    pipeline_def = PipelineDefinition(
        name="p",
        solid_defs=[make_conn, use_conn],
        dependencies={"use_conn": {"conn": DependencyDefinition("make_conn")}},
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        pipeline_def.build_sub_pipeline(["use_conn"])
    assert str(exc_info.value).startswith(
        'Cannot run the solid subset "use_conn" of pipeline "p": Input "conn" of solid "use_conn" in pipeline "p" '
        "is not connected"
    )
