"""@solid and @lambda_solid: inference from the function, checks at definition time, return handling."""

from __future__ import annotations

import re

import pytest

from dagster import (
    ExpectationResult,
    InputDefinition,
    Int,
    List,
    Materialization,
    Nothing,
    Output,
    OutputDefinition,
    SolidDefinition,
    String,
    lambda_solid,
    solid,
)
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


def run_compute(solid_def, inputs=None):
    return list(solid_def.compute_fn(None, inputs or {}))


def test_inputs_and_output_inferred_from_signature():
    @solid
    def add(context, a: int, b: str = "x") -> float:
        return 1.0

    assert isinstance(add, SolidDefinition)
    assert add.name == "add"
    assert [d.name for d in add.input_defs] == ["a", "b"]
    assert add.input_def_named("a").dagster_type.key == "Int"
    assert add.input_def_named("b").dagster_type.key == "String"
    assert add.input_def_named("b").default_value == "x"
    assert not add.input_def_named("a").has_default_value
    assert [(d.name, d.dagster_type.key) for d in add.output_defs] == [("result", "Float")]
    assert add.positional_inputs == ["a", "b"]


def test_unannotated_parameters_are_any():
    @solid
    def untyped(_, value):
        return value

    assert untyped.input_def_named("value").dagster_type.is_any
    assert untyped.output_def_named("result").dagster_type.is_any


def test_explicit_defs_config_resources_tags():
    @solid(
        name="renamed",
        description="desc",
        input_defs=[InputDefinition("num", Int)],
        output_defs=[OutputDefinition(String, "out")],
        config={"rows": int},
        required_resource_keys={"db"},
        tags={"team": "data", "n": 3},
    )
    def original(context, num):
        return str(num)

    assert original.name == "renamed"
    assert original.description == "desc"
    assert original.config_field.config_type.key.startswith("Shape.")
    assert original.required_resource_keys == frozenset({"db"})
    assert original.tags == {"team": "data", "n": "3"}
    assert run_compute(original, {"num": 3}) == [Output("3", "out")]


def test_metadata_is_an_alias_of_tags():
    @solid(metadata={"a": "b"})
    def with_metadata(_):
        pass

    assert with_metadata.tags == {"a": "b"}


def test_string_annotations_are_resolved():
    # This module uses `from __future__ import annotations`, so annotations arrive as strings.
    def fn(context, a: int) -> List[int]:
        return [a]

    assert fn.__annotations__ == {"a": "int", "return": "List[int]"}
    made = solid(fn)
    assert made.input_def_named("a").dagster_type.key == "Int"
    assert made.output_def_named("result").dagster_type.key == "List.Int"


def test_missing_context_parameter():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid
        def no_params():
            pass

    assert str(exc_info.value) == (
        "@solid \"no_params\" does not have required positional parameter 'context'. The compute function of "
        "a @solid takes the context first: def my_solid(context, ...)."
    )


def test_context_parameter_must_be_named_context():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid
        def wrong(num):
            pass

    assert str(exc_info.value) == (
        "@solid \"wrong\" must name its first parameter 'context' (or _, _context, context_), but it is named "
        "'num'. If that is an input, add a context parameter before it: def wrong(context, num, ...)."
    )


def test_varargs_rejected():
    with pytest.raises(DagsterInvalidDefinitionError, match=re.escape('@solid "star" takes *args')):

        @solid
        def star(context, *args):
            pass


def test_parameter_without_input():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid(input_defs=[InputDefinition("a")])
        def extra(context, a, b):
            pass

    assert str(exc_info.value) == (
        '@solid "extra" has parameter "b", which is not one of its inputs (a). Add an InputDefinition named '
        '"b" or remove the parameter.'
    )


def test_input_without_parameter():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid(input_defs=[InputDefinition("a"), InputDefinition("b")])
        def missing(context, a):
            pass

    assert str(exc_info.value) == (
        '@solid "missing" has input "b", but the function has no parameter of that name. Add a parameter "b" '
        "(or **kwargs)."
    )


def test_kwargs_accepts_inputs_not_named():
    @solid(input_defs=[InputDefinition("a"), InputDefinition("b")])
    def kw(context, **kwargs):
        return sorted(kwargs.items())

    assert run_compute(kw, {"a": 1, "b": 2}) == [Output([("a", 1), ("b", 2)])]


def test_nothing_inputs_are_not_parameters():
    @solid(input_defs=[InputDefinition("after", Nothing), InputDefinition("x")])
    def ordered(context, x):
        return x

    assert run_compute(ordered, {"x": 5, "after": None}) == [Output(5)]

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid(input_defs=[InputDefinition("after", Nothing)])
        def takes_nothing(context, after):
            pass

    assert str(exc_info.value) == (
        '@solid "takes_nothing" has parameter "after" for an input of type Nothing. Nothing inputs carry no '
        "value and are never passed to the function: remove the parameter."
    )


def test_unresolvable_annotation_names_parameter():
    with pytest.raises(DagsterInvalidDefinitionError, match=re.escape('input "data"')):

        @solid
        def bad_type(context, data: object):
            pass


def test_bad_solid_name_names_the_solid():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid(name="bad-name")
        def fine(context):
            pass

    assert str(exc_info.value) == (
        '"bad-name" is not a valid solid name: names may only contain letters, digits and underscores '
        "(regex ^[A-Za-z0-9_]+$)."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match='"input" is not a valid input name'):
        InputDefinition("input")


def test_bare_use_with_arguments_is_an_error():
    def fn(context):
        pass

    with pytest.raises(DagsterInvariantViolationError, match="used bare"):
        solid(fn, description="x")


def test_duplicate_input_names():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        SolidDefinition("dup", [InputDefinition("a"), InputDefinition("a")], lambda c, i: None, [])
    assert str(exc_info.value) == 'Solid "dup" declares input "a" twice. Input names must be unique.'


def test_bad_tags_name_the_key():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @solid(tags={"obj": object()})
        def tagged(context):
            pass

    assert 'Tag "obj" of solid "tagged"' in str(exc_info.value)


def test_default_value_type_checked_for_scalars():
    with pytest.raises(DagsterInvalidDefinitionError, match=re.escape("Default value 'x' of input \"n\"")):
        InputDefinition("n", Int, default_value="x")
    with pytest.raises(DagsterInvalidDefinitionError, match="Nothing, which carries no value"):
        InputDefinition("n", Nothing, default_value=None)


def test_bad_scalar_default_message_reads_as_one_sentence_per_clause():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        InputDefinition("n", Int, default_value="x")
    assert str(exc_info.value) == (
        "Default value 'x' of input \"n\" does not pass the type check of its type Int: "
        'Value "x" of python type "str" must be an int. Give a default of the declared type.'
    )


class TestReturnHandling:
    def test_single_output_wraps_any_value_even_none(self):
        @solid
        def returns_none(context):
            return None

        assert run_compute(returns_none) == [Output(None, "result")]

    def test_returned_output_is_yielded(self):
        @solid(output_defs=[OutputDefinition(name="named")])
        def returns_output(context):
            return Output(1, "named")

        assert run_compute(returns_output) == [Output(1, "named")]

    def test_generator_items_are_yielded_as_is(self):
        @solid(output_defs=[OutputDefinition(name="a"), OutputDefinition(name="b")])
        def gen(context):
            yield Materialization("m")
            yield Output(1, "a")
            yield Output(2, "b")

        assert run_compute(gen) == [Materialization("m"), Output(1, "a"), Output(2, "b")]

    def test_returning_materialization_is_an_error(self):
        @solid
        def bad(context):
            return ExpectationResult(True)

        with pytest.raises(DagsterInvariantViolationError, match='Solid "bad" returned a ExpectationResult'):
            run_compute(bad)

    def test_no_outputs_none_yields_nothing_and_value_is_an_error(self):
        @solid(output_defs=[])
        def nothing_out(context):
            return None

        assert run_compute(nothing_out) == []

        @solid(output_defs=[OutputDefinition(name="a"), OutputDefinition(name="b")])
        def two(context):
            return 5

        with pytest.raises(DagsterInvariantViolationError) as exc_info:
            run_compute(two)
        assert str(exc_info.value) == (
            'Solid "two" has 2 outputs but returned int value 5. With zero or several outputs, yield one '
            "Output(value, name) per output instead of returning a value."
        )


def test_solid_definition_compute_fn_normalized():
    def plain(context, inputs):
        return None

    def returns_list(context, inputs):
        return [Output(1)]

    def returns_output(context, inputs):
        return Output(1)

    assert run_compute(SolidDefinition("plain", [], plain, [OutputDefinition()])) == []
    assert run_compute(SolidDefinition("listy", [], returns_list, [OutputDefinition()])) == [Output(1)]
    with pytest.raises(DagsterInvariantViolationError, match="must yield its results"):
        run_compute(SolidDefinition("bad_ret", [], returns_output, [OutputDefinition()]))


def test_lambda_solid():
    @lambda_solid
    def plus(a: int, b: int = 2) -> int:
        return a + b

    assert [d.name for d in plus.input_defs] == ["a", "b"]
    assert plus.output_defs[0].dagster_type.key == "Int"
    assert run_compute(plus, {"a": 1, "b": 2}) == [Output(3)]

    @lambda_solid(name="const", output_def=OutputDefinition(String, "text"))
    def anything():
        return "hi"

    assert run_compute(anything) == [Output("hi", "text")]


def test_lambda_solid_cannot_yield():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @lambda_solid
        def gen():
            yield 1

    assert str(exc_info.value) == (
        '@lambda_solid "gen" is a generator function (it uses `yield`). A lambda solid returns its one output; '
        "to yield outputs, materializations or expectation results, use @solid (which takes a context)."
    )


def test_bad_config_schema_names_the_solid_and_keeps_its_class():
    from dagster.core.errors import DagsterInvalidConfigDefinitionError

    with pytest.raises(DagsterInvalidConfigDefinitionError) as exc_info:

        @solid(config={"rows": None})
        def bad_config(context):
            pass

    assert str(exc_info.value).startswith(
        "Invalid config schema for solid \"bad_config\": Error defining config. Original value passed: {'rows': None}."
    )
    with pytest.raises(
        DagsterInvalidConfigDefinitionError, match='Invalid config schema for solid "bad_type_config"'
    ):

        @solid(config=object())
        def bad_type_config(context):
            pass
