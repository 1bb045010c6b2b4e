"""Resolving schema specs ("potential fields") to config types, and the errors for bad specs."""

from __future__ import annotations

import typing

import pytest

from dagster import (
    Any,
    Array,
    Bool,
    BoolSource,
    Field,
    Float,
    Int,
    IntSource,
    Noneable,
    Shape,
    String,
    StringSource,
)
from dagster.config.config_type import (
    ConfigAnyInstance,
    ConfigBoolInstance,
    ConfigFloatInstance,
    ConfigIntInstance,
    ConfigStringInstance,
    ConfigTypeKind,
)
from dagster.config.field import convert_potential_field, resolve_to_config_type
from dagster.config.field_utils import check_user_facing_opt_config_param
from dagster.core.errors import DagsterInvalidConfigDefinitionError, DagsterInvalidDefinitionError


@pytest.mark.parametrize(
    "spec, expected",
    [
        (int, ConfigIntInstance),
        (float, ConfigFloatInstance),
        (bool, ConfigBoolInstance),
        (str, ConfigStringInstance),
        (Int, ConfigIntInstance),
        (Float, ConfigFloatInstance),
        (Bool, ConfigBoolInstance),
        (String, ConfigStringInstance),
        (Any, ConfigAnyInstance),
        (typing.Any, ConfigAnyInstance),
        (None, ConfigAnyInstance),
        (StringSource, StringSource),
    ],
)
def test_scalar_specs(spec, expected):
    assert resolve_to_config_type(spec) is expected


def test_collection_specs():
    assert resolve_to_config_type([int]) is Array(int)
    assert resolve_to_config_type(list) is Array(ConfigAnyInstance)
    assert resolve_to_config_type(typing.List[int]) is Array(int)  # noqa: UP006
    assert resolve_to_config_type(typing.List) is Array(ConfigAnyInstance)  # noqa: UP006
    assert resolve_to_config_type(list[str]) is Array(str)
    assert resolve_to_config_type(typing.Optional[int]) is Noneable(int)  # noqa: UP045
    assert resolve_to_config_type(int | None) is Noneable(int)
    assert resolve_to_config_type([{"a": int}]) is Array(Shape({"a": int}))
    assert resolve_to_config_type(typing.List[typing.Optional[str]]) is Array(Noneable(str))  # noqa: UP006, UP045


def test_dict_spec_nested():
    schema = resolve_to_config_type({"a": {"b": [int], "c": Field(str, is_required=False)}})
    assert schema.kind == ConfigTypeKind.STRICT_SHAPE
    inner = schema.fields["a"].config_type
    assert inner is Shape({"b": [int], "c": Field(str, is_required=False)})
    assert inner.fields["b"].config_type is Array(int)


def test_sources_are_config_types():
    for source, key in [
        (StringSource, "StringSourceType"),
        (IntSource, "IntSourceType"),
        (BoolSource, "BoolSourceType"),
    ]:
        assert source.kind == ConfigTypeKind.SCALAR_UNION
        assert source.key == key


def test_convert_potential_field():
    field = Field(int)
    assert convert_potential_field(field) is field
    assert convert_potential_field(int).config_type is ConfigIntInstance
    converted = convert_potential_field({"a": int})
    assert converted.config_type is Shape({"a": int})
    assert converted.is_required
    assert convert_potential_field({"a": Field(int, is_required=False)}).is_required is False


def test_none_field_value_names_the_path():
    with pytest.raises(DagsterInvalidConfigDefinitionError) as exc_info:
        resolve_to_config_type({"a": {"b": None}})
    assert exc_info.value.stack == ["a", "b"]
    assert str(exc_info.value).startswith(
        "Error defining config. Original value passed: {'a': {'b': None}}. Error at stack path :a:b. "
        "None cannot be resolved. Reason: Fields cannot be None; give a schema such as int, str or a dict."
    )


def test_list_of_wrong_length():
    with pytest.raises(
        DagsterInvalidConfigDefinitionError, match=r"stack path :a\. \[<class 'int'>, <class 'str'>\]"
    ):
        convert_potential_field({"a": [int, str]})
    with pytest.raises(DagsterInvalidConfigDefinitionError, match="this list has 0"):
        resolve_to_config_type([])


def test_unknown_object_in_dict():
    class Thing:
        pass

    with pytest.raises(
        DagsterInvalidConfigDefinitionError,
        match=r"Error at stack path :x:y\. .*Reason: Thing is not a config schema",
    ):
        resolve_to_config_type({"x": {"y": Thing}})


def test_non_string_field_name():
    with pytest.raises(DagsterInvalidConfigDefinitionError, match="field names must be strings, got 1"):
        Shape({1: int})


def test_top_level_unknown_objects_raise_definition_error():
    with pytest.raises(
        DagsterInvalidDefinitionError,
        match=r"object \(of type type\) was passed as config, but it is not a config schema",
    ):
        resolve_to_config_type(object)
    with pytest.raises(DagsterInvalidDefinitionError, match=r"typing.Dict\[str, int\]"):
        resolve_to_config_type(typing.Dict[str, int])  # noqa: UP006
    with pytest.raises(DagsterInvalidDefinitionError):
        resolve_to_config_type(typing.Union[int, str])  # noqa: UP007
    with pytest.raises(DagsterInvalidDefinitionError, match="the type of a Field"):
        Field(dict)
    with pytest.raises(DagsterInvalidDefinitionError, match="A Field was passed as config"):
        resolve_to_config_type(Field(int))


def test_dagster_runtime_types_are_rejected():
    class DagsterType:  # stands in for the runtime type class (recognised by name: config sits below types)
        pass

    class MyRuntimeType(DagsterType):
        pass

    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"Dagster runtime type \(MyRuntimeType\) at :a:b"
    ):
        resolve_to_config_type({"a": {"b": MyRuntimeType}})
    with pytest.raises(DagsterInvalidDefinitionError, match="Config types and Dagster types are separate"):
        resolve_to_config_type(MyRuntimeType())


def test_check_user_facing_opt_config_param():
    assert check_user_facing_opt_config_param(None, "config") is None
    assert check_user_facing_opt_config_param({"a": int}, "config").config_type is Shape({"a": int})
    field = Field(int)
    assert check_user_facing_opt_config_param(field, "config") is field

    class DagsterType:
        pass

    with pytest.raises(
        DagsterInvalidDefinitionError, match='Invalid "config" argument: You have passed a Dagster'
    ):
        check_user_facing_opt_config_param(DagsterType, "config")
    with pytest.raises(DagsterInvalidConfigDefinitionError):
        check_user_facing_opt_config_param({"a": None}, "config")


def test_config_type_classes_are_rejected_with_a_hint():
    from dagster.config.config_type import Int as IntConfigClass

    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"The config type class Int was passed at :a where"
    ):
        resolve_to_config_type({"a": IntConfigClass})
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"pass an instance instead \(e.g. Shape\(...\)\)"
    ):
        Field(Shape)
