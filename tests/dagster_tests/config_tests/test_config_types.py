"""Each config type: what it accepts, what processing returns, its key and kind, memoization."""

from __future__ import annotations

import enum
import pickle

import pytest

from dagster import (
    Array,
    Enum,
    EnumValue,
    Field,
    Noneable,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
)
from dagster.check import CheckError
from dagster.config.config_type import (
    ALL_CONFIG_BUILTINS,
    ConfigAnyInstance,
    ConfigBoolInstance,
    ConfigFloatInstance,
    ConfigIntInstance,
    ConfigScalarKind,
    ConfigStringInstance,
    ConfigTypeKind,
)
from dagster.config.validate import process_config, validate_config


def ok(config_type, value):
    result = process_config(config_type, value)
    assert result.success, result.errors
    assert result.errors == []
    return result.value


def fails(config_type, value):
    result = process_config(config_type, value)
    assert not result.success
    assert result.value is None
    assert result.errors
    return result.errors


def test_builtin_scalars_keys_and_kinds():
    assert [
        t.key for t in (ConfigIntInstance, ConfigFloatInstance, ConfigBoolInstance, ConfigStringInstance)
    ] == [
        "Int",
        "Float",
        "Bool",
        "String",
    ]
    assert ConfigIntInstance.kind == ConfigTypeKind.SCALAR
    assert ConfigIntInstance.scalar_kind == ConfigScalarKind.INT
    assert ConfigAnyInstance.kind == ConfigTypeKind.ANY
    assert ConfigAnyInstance.key == "Any"
    assert ALL_CONFIG_BUILTINS == {
        ConfigAnyInstance,
        ConfigBoolInstance,
        ConfigFloatInstance,
        ConfigIntInstance,
        ConfigStringInstance,
    }


@pytest.mark.parametrize("value", [0, -3, 2**70])
def test_int_accepts_ints(value):
    assert ok(int, value) == value


@pytest.mark.parametrize("value", [True, False, 1.0, "1", [1], {"a": 1}])
def test_int_rejects_non_ints_and_bools(value):
    (error,) = fails(int, value)
    assert error.message == (
        f'Invalid scalar at the root. Value "{value}" of type "{type(value)}" is not valid for expected type "Int".'
    )


def test_float_accepts_int_and_float_and_coerces_to_float():
    value = ok(float, 3)
    assert value == 3.0 and type(value) is float
    assert ok(float, 2.5) == 2.5
    # the structural pass alone does not coerce
    assert validate_config(float, 3).value == 3


@pytest.mark.parametrize("value", [True, "1.0", None])
def test_float_rejects_bool_str_none(value):
    assert len(fails(float, value)) == 1


def test_bool_accepts_only_bools():
    assert ok(bool, True) is True
    assert ok(bool, False) is False
    (error,) = fails(bool, 1)
    assert error.message == (
        'Invalid scalar at the root. Value "1" of type "<class \'int\'>" is not valid for expected type "Bool".'
    )


def test_string_accepts_only_str():
    assert ok(str, "") == ""
    assert ok(str, "x") == "x"
    (error,) = fails(str, 3)
    assert 'expected type "String"' in error.message


@pytest.mark.parametrize("value", [None, 1, "x", [1, None], {"a": {"b": None}}])
def test_any_accepts_everything(value):
    assert ok(ConfigAnyInstance, value) == value


def test_shape_fills_defaults_and_omits_optional_fields_without_default():
    schema = Shape(
        {
            "req": int,
            "with_default": Field(str, default_value="d"),
            "optional": Field(int, is_required=False),
        }
    )
    assert schema.kind == ConfigTypeKind.STRICT_SHAPE
    assert ok(schema, {"req": 1}) == {"req": 1, "with_default": "d"}
    assert ok(schema, {"req": 1, "optional": 2, "with_default": "x"}) == {
        "req": 1,
        "with_default": "x",
        "optional": 2,
    }


def test_shape_result_is_a_fresh_plain_dict_each_time():
    schema = Shape(
        {"a": Field([int], default_value=[1, 2]), "b": Field(Permissive(), default_value={"x": [1]})}
    )
    first = ok(schema, {})
    assert type(first) is dict
    assert first == {"a": [1, 2], "b": {"x": [1]}}
    first["a"].append(3)
    first["b"]["x"].append(2)
    assert ok(schema, {}) == {"a": [1, 2], "b": {"x": [1]}}
    assert schema.fields["a"].default_value == [1, 2]


def test_shape_memoized_on_equal_fields():
    assert Shape({"a": int}) is Shape({"a": Field(int)})
    assert Shape({"a": int}) is not Shape({"a": str})
    assert Shape({"a": int}) is not Shape({"a": int}, description="other")
    assert Shape({"a": Field(int, default_value=1)}) is not Shape({"a": Field(int, default_value=2)})
    assert Shape({"a": int}).key.startswith("Shape.") and len(Shape({"a": int}).key) == len("Shape.") + 40
    assert Shape({"a": int}).key != Permissive({"a": int}).key != Selector({"a": int}).key


def test_shape_keys_are_stable_across_processes():
    # sha1 of the field description, not of id() or hash(): the same on every run
    assert Shape({"a": int}).key == "Shape." + Shape({"a": int}).key.split(".", 1)[1]
    assert Shape({}).key == Shape({}).key


def test_permissive_keeps_extra_keys_and_checks_declared_ones():
    schema = Permissive({"a": int})
    assert schema.kind == ConfigTypeKind.PERMISSIVE_SHAPE
    assert ok(schema, {"a": 1, "zz": {"any": ["thing"]}}) == {"a": 1, "zz": {"any": ["thing"]}}
    (error,) = fails(schema, {"a": "x", "zz": 1})
    assert error.stack.levels == ["a"]
    assert Permissive().key == "Permissive"
    assert ok(Permissive(), {"x": 1}) == {"x": 1}
    assert Permissive() is Permissive(None) is Permissive({})


def test_selector_returns_the_one_chosen_field():
    schema = Selector({"a": int, "b": {"c": Field(str, default_value="d")}})
    assert schema.kind == ConfigTypeKind.SELECTOR
    assert ok(schema, {"a": 3}) == {"a": 3}
    assert ok(schema, {"b": {}}) == {"b": {"c": "d"}}
    # a null value for a field whose type has fields counts as {}
    assert ok(schema, {"b": None}) == {"b": {"c": "d"}}


def test_selector_empty_with_single_optional_field_uses_its_default():
    with_default = Selector({"only": Field(int, default_value=7)})
    assert ok(with_default, {}) == {"only": 7}
    implied = Selector({"only": {"x": Field(int, default_value=1)}})
    assert ok(implied, {}) == {"only": {"x": 1}}
    explicit_optional = Selector({"only": Field({"x": Field(int, is_required=False)}, is_required=False)})
    assert ok(explicit_optional, {}) == {"only": {}}


def test_array():
    schema = Array(int)
    assert schema is Array(ConfigIntInstance) is Array(int)
    assert schema.kind == ConfigTypeKind.ARRAY
    assert schema.key == "Array.Int"
    assert schema.inner_type is ConfigIntInstance
    assert ok(schema, []) == []
    assert ok(schema, [1, 2]) == [1, 2]
    assert ok(Array(float), [1]) == [1.0]
    errors = fails(schema, [1, "x", None])
    assert [e.stack.entries[-1].list_index for e in errors] == [1, 2]
    assert ok(Array(Noneable(int)), [1, None]) == [1, None]
    assert ok([{"a": Field(int, default_value=1)}], [{}, {"a": 2}]) == [{"a": 1}, {"a": 2}]


def test_array_rejects_tuples_and_dicts():
    assert fails(Array(int), (1, 2))[0].message.startswith("Value at the root must be list. Expected: [Int].")
    assert len(fails(Array(int), {"a": 1})) == 1


def test_noneable():
    schema = Noneable(int)
    assert schema is Noneable(int)
    assert schema.key == "Noneable.Int"
    assert schema.kind == ConfigTypeKind.NONEABLE
    assert ok(schema, None) is None
    assert ok(schema, 3) == 3
    assert len(fails(schema, "x")) == 1
    assert ok(Noneable({"a": int}), None) is None


class Color(enum.Enum):
    RED = 1
    BLUE = 2


def test_enum_returns_python_values():
    schema = Enum("Shade", [EnumValue("LIGHT", python_value=0.1), EnumValue("DARK", description="very")])
    assert schema.kind == ConfigTypeKind.ENUM
    assert schema.key == "Shade"
    assert schema.config_values == ["LIGHT", "DARK"]
    assert ok(schema, "LIGHT") == 0.1
    assert ok(schema, "DARK") == "DARK"  # python_value defaults to the config string
    assert validate_config(schema, "LIGHT").value == "LIGHT"


def test_enum_from_python_enum():
    schema = Enum.from_python_enum(Color)
    assert schema.key == "Color"
    assert ok(schema, "RED") is Color.RED
    assert Enum.from_python_enum(Color, name="Other").key == "Other"


def test_enum_errors():
    schema = Enum.from_python_enum(Color)
    (error,) = fails(schema, 1)
    assert (
        error.message
        == "Value at the root for enum type Color must be a string. Got 1; valid values: RED, BLUE."
    )
    (error,) = fails(schema, "GREEN")
    assert error.message == "Value at the root not in enum type Color got GREEN. Valid values: RED, BLUE."
    (error,) = fails(schema, "BLU")
    assert error.message.endswith('Did you mean "BLUE"?')


def test_enum_definition_errors():
    with pytest.raises(CheckError, match="at least one"):
        Enum("Empty", [])
    with pytest.raises(CheckError, match="duplicate"):
        Enum("Dup", [EnumValue("A"), EnumValue("A")])


def test_scalar_union_dispatches_on_value_shape():
    schema = ScalarUnion(int, {"value": int})
    assert schema.kind == ConfigTypeKind.SCALAR_UNION
    assert schema.key == f"ScalarUnion.Int-{Shape({'value': int}).key}"
    assert [t.key for t in schema.type_params] == ["Int", Shape({"value": int}).key]
    assert ok(schema, 3) == 3
    assert ok(schema, {"value": 3}) == {"value": 3}
    (error,) = fails(schema, "x")
    assert error.message == (
        'Invalid scalar at the root. Value "x" of type "<class \'str\'>" is not valid for expected type "Int". '
        "It can also be given as { value: Int }."
    )
    (error,) = fails(schema, {"value": "x"})
    assert error.stack.levels == ["value"]
    (error,) = fails(schema, None)
    assert error.message.startswith("Value at the root must not be None.")
    assert ok(ScalarUnion(str, [str]), ["a"]) == ["a"]


def test_scalar_union_definition_errors():
    with pytest.raises(CheckError, match="needs a scalar type"):
        ScalarUnion({"a": int}, {"b": int})
    with pytest.raises(CheckError, match="Shape, Permissive, Selector or Array"):
        ScalarUnion(int, str)


def test_type_iterator_walks_nested_types():
    schema = Shape({"a": [Noneable(int)], "b": Selector({"c": str})})
    keys = [t.key for t in schema.type_iterator()]
    assert keys[-1] == schema.key
    assert {"Int", "Noneable.Int", "Array.Noneable.Int", "String"} <= set(keys)


def test_config_types_pickle_to_the_same_objects():
    schema = Shape({"a": [int], "b": Field(Noneable(str), is_required=False), "c": Selector({"x": {}})})
    assert pickle.loads(pickle.dumps(schema)) is schema
    assert pickle.loads(pickle.dumps(Array(int))) is Array(int)
    for singleton in (ConfigIntInstance, ConfigAnyInstance, ConfigStringInstance):
        assert pickle.loads(pickle.dumps(singleton)) is singleton


def test_shapes_over_same_named_enums_stay_distinct():
    first = Shape({"e": Enum("Mode", [EnumValue("FAST")])})
    second = Shape({"e": Enum("Mode", [EnumValue("SLOW")])})
    assert first is not second
    assert ok(first, {"e": "FAST"}) == {"e": "FAST"}
    assert ok(second, {"e": "SLOW"}) == {"e": "SLOW"}


def test_shape_needs_a_dict_of_fields():
    from dagster.core.errors import DagsterInvalidConfigDefinitionError

    with pytest.raises(
        DagsterInvalidConfigDefinitionError, match=r"Shape takes a dict of \{field name: schema or Field\}"
    ):
        Shape([int])
