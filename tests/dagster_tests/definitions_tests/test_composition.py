"""@pipeline and @composite_solid bodies: invocations, aliases, tags, multiple outputs, fan-in, mappings."""

from __future__ import annotations

import pytest

from dagster import (
    CompositeSolidDefinition,
    DependencyDefinition,
    Field,
    InputDefinition,
    Int,
    List,
    MultiDependencyDefinition,
    Nothing,
    OutputDefinition,
    PipelineDefinition,
    composite_solid,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


@lambda_solid
def emit_one() -> int:
    return 1


@lambda_solid
def add_one(num: int) -> int:
    return num + 1


@lambda_solid
def sum_all(nums: List[int]) -> int:
    return sum(nums)


@solid(output_defs=[OutputDefinition(Int, "left"), OutputDefinition(Int, "right")])
def split(context, num: int):
    pass


def deps_of(pipeline_def, name):
    return {
        input_name: [(h.solid_name, h.output_name) for h in handles]
        for input_name, handles in pipeline_def.dependency_structure.deps_of_solid_with_input(name).items()
    }


def test_invocations_become_solids_and_dependencies():
    @pipeline
    def chain():
        add_one(add_one(emit_one()))

    assert isinstance(chain, PipelineDefinition)
    assert chain.name == "chain"
    assert [s.name for s in chain.solids_in_topological_order] == ["emit_one", "add_one", "add_one_2"]
    assert deps_of(chain, "add_one") == {"num": [("emit_one", "result")]}
    assert deps_of(chain, "add_one_2") == {"num": [("add_one", "result")]}
    assert chain.solid_named("add_one_2").definition is add_one


def test_auto_names_count_up():
    @pipeline
    def many():
        one = emit_one()
        add_one(one)
        add_one(one)
        add_one(one)

    assert sorted(s.name for s in many.solids) == ["add_one", "add_one_2", "add_one_3", "emit_one"]


def test_alias_and_tag():
    @pipeline
    def aliased():
        first = emit_one.alias("first")()
        add_one.alias("second").tag({"team": "core"})(num=first)

    assert sorted(s.name for s in aliased.solids) == ["first", "second"]
    assert aliased.solid_named("second").tags == {"team": "core"}
    assert deps_of(aliased, "second") == {"num": [("first", "result")]}


def test_multiple_outputs_come_back_as_namedtuple():
    @pipeline
    def multi():
        left, right = split(emit_one())
        add_one.alias("use_left")(left)
        parts = split.alias("split_again")(emit_one.alias("one_again")())
        add_one.alias("use_right")(parts.right)

    assert deps_of(multi, "use_left") == {"num": [("split", "left")]}
    assert deps_of(multi, "use_right") == {"num": [("split_again", "right")]}


def test_fan_in_list_becomes_multi_dependency():
    @pipeline
    def fan_in():
        one = emit_one()
        sum_all([add_one(one), add_one(one), one])

    assert deps_of(fan_in, "sum_all") == {
        "nums": [("add_one", "result"), ("add_one_2", "result"), ("emit_one", "result")]
    }
    assert isinstance(fan_in.dependencies["sum_all"]["nums"], MultiDependencyDefinition)


def test_calling_a_solid_outside_composition():
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        add_one(1)
    assert str(exc_info.value) == (
        'Attempted to call solid "add_one" outside of a composition function. Solids can be called only inside '
        "a function decorated with @pipeline or @composite_solid; to run a solid, use execute_solid or "
        "execute_pipeline."
    )


def test_invalid_input_values_name_solid_and_input():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @pipeline
        def literal():
            add_one(3)

    assert str(exc_info.value) == (
        '@pipeline literal: invalid value passed positionally to input "num" of solid "add_one": it is a int, '
        "not the output of a previous solid invocation. Inside a composition function, solid inputs must be "
        "outputs of earlier solid calls or inputs of the composite solid."
    ).replace("@pipeline literal:", "In @pipeline literal,")

    with pytest.raises(DagsterInvalidDefinitionError, match="it is a solid that was not called"):

        @pipeline
        def uncalled():
            add_one(num=emit_one)

    with pytest.raises(DagsterInvalidDefinitionError, match="tuple of all outputs"):

        @pipeline
        def whole_tuple():
            add_one(split(emit_one()))


def test_unknown_keyword_and_too_many_positional():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @pipeline
        def bad_kw():
            add_one(number=emit_one())

    assert str(exc_info.value) == (
        'In @pipeline bad_kw, solid "add_one" was called with keyword argument "number", but it has no input of '
        "that name. Its inputs are: num."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match="takes at most 1"):

        @pipeline
        def too_many():
            one = emit_one()
            add_one(one, one)


def test_duplicate_alias():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @pipeline
        def dup():
            emit_one.alias("x")()
            emit_one.alias("x")()

    assert str(exc_info.value) == (
        'In @pipeline dup, the alias "x" is used twice. Each invocation needs a unique name: choose another alias.'
    )


def test_output_handles_cannot_be_iterated():
    with pytest.raises(
        DagsterInvariantViolationError, match='iterate over output "result" of solid "emit_one"'
    ):

        @pipeline
        def unpack():
            a, b = emit_one()


def test_two_definitions_with_one_name():
    @lambda_solid(name="emit_one")
    def impostor() -> int:
        return 2

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @pipeline
        def clash():
            emit_one()
            impostor()

    assert str(exc_info.value) == (
        'Pipeline "clash" has two different solid definitions named "emit_one". Solid definition names must be '
        "unique: rename one of them (an alias does not rename the definition)."
    )


def test_pipeline_function_must_not_take_arguments():
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r'@pipeline "takes_args": the function takes parameters \(x\)'
    ):

        @pipeline
        def takes_args(x):
            pass


# Composite solids


@composite_solid
def add_two(num: int) -> int:
    return add_one(add_one(num))


def test_composite_inputs_and_outputs_inferred():
    assert isinstance(add_two, CompositeSolidDefinition)
    assert [(d.name, d.dagster_type.key) for d in add_two.input_defs] == [("num", "Int")]
    assert [(d.name, d.dagster_type.key) for d in add_two.output_defs] == [("result", "Int")]
    assert [(m.solid_name, m.input_name) for m in add_two.input_mappings] == [("add_one", "num")]
    assert add_two.get_output_mapping("result").solid_name == "add_one_2"
    assert add_two.mapped_input("add_one", "num").definition.name == "num"
    assert add_two.mapped_input("add_one_2", "num") is None


def test_nested_composites_and_handles():
    @composite_solid
    def add_four(num: int) -> int:
        return add_two(add_two(num))

    @pipeline
    def nested():
        add_four(emit_one())

    inner = nested.get_solid(SolidHandle.from_string("add_four.add_two_2.add_one"))
    assert inner.definition is add_one
    assert SolidHandle.from_string("add_four.add_two_2.add_one").to_string() == "add_four.add_two_2.add_one"
    assert {d.name for d in nested.all_solid_defs} == {"emit_one", "add_four", "add_two", "add_one"}


def test_composite_with_several_outputs_returns_dict():
    @composite_solid(output_defs=[OutputDefinition(Int, "a"), OutputDefinition(Int, "b")])
    def two_outputs():
        one = emit_one()
        return {"a": add_one(one), "b": add_one(one)}

    assert [m.solid_name for m in two_outputs.output_mappings] == ["add_one", "add_one_2"]

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @composite_solid(output_defs=[OutputDefinition(Int, "a"), OutputDefinition(Int, "b")])
        def only_one():
            return {"a": emit_one()}

    assert str(exc_info.value) == (
        '@composite_solid "only_one" has unmapped output "b": return it from the function '
        '(e.g. return {"b": some_solid()}).'
    )


def test_composite_unmapped_input():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @composite_solid
        def ignores(num: int):
            emit_one()

    assert str(exc_info.value) == (
        '@composite_solid "ignores" has unmapped input "num": the function never passes it to a solid. Pass it '
        "to an inner solid call, or remove the input."
    )


def test_composite_nothing_inputs_are_parameters():
    @solid(input_defs=[InputDefinition("start", Nothing)])
    def waits(context):
        return 1

    @composite_solid(input_defs=[InputDefinition("start", Nothing)])
    def wrapper(start):
        return waits(start)

    assert wrapper.input_defs[0].dagster_type.is_nothing


def test_composite_config_needs_config_fn():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @composite_solid(config={"x": int})
        def half():
            emit_one()

    assert str(exc_info.value) == (
        '@composite_solid "half" received config but not config_fn. A config mapping needs both: config (the '
        "composite's schema) and config_fn (which turns it into the children's config)."
    )


def test_composite_config_mapping():
    @solid(config={"n": Field(int)})
    def configured(context):
        return context.solid_config["n"]

    @composite_solid(config={"m": int}, config_fn=lambda cfg: {"configured": {"config": {"n": cfg["m"]}}})
    def mapped():
        return configured()

    assert mapped.has_config_mapping
    assert mapped.config_field.config_type.fields["m"].config_type.key == "Int"


def test_explicit_composite_definition_errors():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        CompositeSolidDefinition("raw", [add_one], input_mappings=[InputDefinition("num", Int)])
    assert str(exc_info.value) == (
        'Composite solid "raw" received the InputDefinition "num" in input_mappings. Call mapping_to on it to say '
        'which inner input it feeds: InputDefinition("num").mapping_to("<solid name>", "<input name>").'
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        CompositeSolidDefinition(
            "mismatch", [add_one], input_mappings=[InputDefinition("num", str).mapping_to("add_one", "num")]
        )
    assert str(exc_info.value) == (
        'Type mismatch in composite solid "mismatch": input "num" has type String but is mapped to input "num" '
        'of solid "add_one", of type Int. The types must be the same.'
    )
    with pytest.raises(
        DagsterInvalidDefinitionError, match='mapped to solid "nope", which is not one of its'
    ):
        CompositeSolidDefinition(
            "unknown", [add_one], input_mappings=[InputDefinition("num", Int).mapping_to("nope", "num")]
        )
    with pytest.raises(
        DagsterInvalidDefinitionError, match='from output "zzz" of solid "add_one", which has no'
    ):
        CompositeSolidDefinition(
            "bad_out",
            [emit_one, add_one],
            dependencies={"add_one": {"num": DependencyDefinition("emit_one")}},
            output_mappings=[OutputDefinition(Int).mapping_from("add_one", "zzz")],
        )


def test_composite_unconnected_inner_input_is_checked():
    @solid(input_defs=[InputDefinition("thing", Nothing), InputDefinition("obj", _Opaque)])
    def needs_obj(context, obj):
        pass

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        CompositeSolidDefinition("holes", [needs_obj])
    assert str(exc_info.value).startswith(
        'Input "obj" of solid "needs_obj" in composite solid "holes" is not connected to the output of a '
        "previous solid and cannot be loaded from config"
    )


class _OpaqueClass:
    pass


from dagster import PythonObjectDagsterType  # noqa: E402

_Opaque = PythonObjectDagsterType(_OpaqueClass, name="Opaque")


def test_unannotated_composite_inputs_take_the_inner_type():
    @composite_solid
    def untyped(num):
        return add_one(num)

    assert untyped.input_defs[0].dagster_type.key == "Int"
    assert untyped.input_mappings[0].definition is untyped.input_defs[0]

    @lambda_solid
    def text_len(text: str) -> int:
        return len(text)

    # Feeding inner inputs of different types: the input stays Any and the mapping check names it.
    with pytest.raises(
        DagsterInvalidDefinitionError, match='input "value" has type Any but is mapped to input'
    ):

        @composite_solid
        def mixed(value):
            add_one(value)
            text_len(value)
