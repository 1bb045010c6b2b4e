"""Field: required-ness inference, defaults (validated, implied, fresh), deprecated is_optional."""

from __future__ import annotations

import enum

import pytest

from dagster import Enum, Field, Noneable, Permissive, Selector, Shape
from dagster.check import CheckError
from dagster.config.config_type import ConfigIntInstance
from dagster.config.errors import DagsterEvaluationErrorReason
from dagster.config.field import FIELD_NO_DEFAULT_PROVIDED
from dagster.config.validate import process_config
from dagster.core.errors import DagsterInvalidConfigError, DagsterInvalidDefinitionError


def test_plain_field_is_required_without_default():
    field = Field(int)
    assert field.config_type is ConfigIntInstance
    assert field.is_required is True
    assert field.is_optional is False
    assert field.default_provided is False
    assert field.description is None
    with pytest.raises(CheckError, match="has none"):
        field.default_value  # noqa: B018
    with pytest.raises(CheckError, match="has none"):
        field.default_value_as_json_str  # noqa: B018


def test_field_with_default_is_optional():
    # Dagster 0.7.16 made this field *required*; we make it optional (its default is then used).
    field = Field(int, default_value=3, description="three")
    assert field.is_required is False
    assert field.default_provided is True
    assert field.default_value == 3
    assert field.default_value_as_json_str == "3"
    assert field.description == "three"
    assert process_config({"a": field}, {}).value == {"a": 3}


def test_explicit_flags():
    assert Field(int, is_required=False).is_required is False
    assert Field(int, is_required=False).default_provided is False
    assert Field({"a": Field(int, is_required=False)}, is_required=True).is_required is True


def test_required_with_default_is_an_error():
    with pytest.raises(CheckError, match="A required field cannot have a default_value"):
        Field(int, default_value=3, is_required=True)


def test_is_optional_is_deprecated_inverse():
    with pytest.warns(DeprecationWarning, match='"is_optional" of Field is deprecated'):
        field = Field(int, is_optional=True)
    assert field.is_required is False
    with pytest.warns(DeprecationWarning):
        assert Field(int, is_optional=False).is_required is True
    with pytest.warns(DeprecationWarning), pytest.raises(CheckError, match="contradict"):
        Field(int, is_optional=True, is_required=True)


def test_noneable_field_without_default_is_required():
    field = Field(Noneable(int))
    assert field.is_required is True
    result = process_config({"a": field}, {})
    assert result.errors[0].reason == DagsterEvaluationErrorReason.MISSING_REQUIRED_FIELD
    assert process_config({"a": field}, {"a": None}).value == {"a": None}


def test_all_optional_shape_field_is_optional_with_implied_default():
    field = Field({"a": Field(int, is_required=False), "b": Field(str, default_value="x")})
    assert field.is_required is False
    assert field.default_provided
    assert field.default_value == {"b": "x"}
    assert Field(Permissive()).default_value == {}
    assert Field(Shape({})).default_value == {}
    # nested: inner implied defaults flow outwards
    outer = Field({"inner": {"x": Field(int, default_value=1)}})
    assert outer.default_value == {"inner": {"x": 1}}
    assert process_config({"outer": outer}, {}).value == {"outer": {"inner": {"x": 1}}}


def test_explicitly_optional_shape_gets_no_implied_default():
    field = Field({"a": Field(int, default_value=1)}, is_required=False)
    assert not field.default_provided
    assert process_config({"f": field}, {}).value == {}


def test_selector_field_is_required_unless_defaulted():
    assert Field(Selector({"a": {}, "b": {}})).is_required is True
    assert Field(Selector({"a": {}, "b": {}}), default_value={"a": {}}).is_required is False


def test_invalid_default_raises_with_path():
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        Field({"a": int}, default_value={"a": "x"})
    assert str(exc_info.value) == (
        "Invalid default_value for Field.\n"
        '    Error 1: Invalid scalar at path root:a. Value "x" of type "<class \'str\'>" is not valid for '
        'expected type "Int".'
    )
    assert exc_info.value.config_value == {"a": "x"}


def test_none_default_for_non_noneable_type_is_invalid():
    with pytest.raises(DagsterInvalidConfigError, match="must not be None"):
        Field(int, default_value=None)
    assert Field(Noneable(int), default_value=None).default_value is None


def test_callable_default_is_an_error():
    with pytest.raises(CheckError, match="cannot be a callable"):
        Field(int, default_value=lambda: 3)


class Level(enum.Enum):
    LOW = 1
    HIGH = 2


def test_enum_default_must_be_the_config_string():
    schema = Enum.from_python_enum(Level)
    field = Field(schema, default_value="LOW")
    assert process_config({"level": field}, {}).value == {"level": Level.LOW}
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"Give the config string instead, one of \['LOW', 'HIGH'\]"
    ):
        Field(schema, default_value=Level.LOW)


def test_defaults_are_not_post_processed_at_definition(monkeypatch):
    from dagster import StringSource

    monkeypatch.delenv("FIELD_TEST_UNSET_VAR", raising=False)
    field = Field(StringSource, default_value={"env": "FIELD_TEST_UNSET_VAR"})
    result = process_config({"a": field}, {})
    assert result.errors[0].reason == DagsterEvaluationErrorReason.FAILED_POST_PROCESSING
    assert result.errors[0].stack.levels == ["a"]
    monkeypatch.setenv("FIELD_TEST_UNSET_VAR", "hello")
    assert process_config({"a": field}, {}).value == {"a": "hello"}


def test_field_none_is_an_error():
    with pytest.raises(DagsterInvalidDefinitionError, match=r"Field\(None\) is not a config schema"):
        Field(None)


def test_default_json_falls_back_to_repr():
    from dagster import Any

    assert Field(Enum.from_python_enum(Level), default_value="LOW").default_value_as_json_str == '"LOW"'
    assert Field({"a": int}, default_value={"a": 1}).default_value_as_json_str == '{"a": 1}'
    assert Field(Any, default_value={1, 2}).default_value_as_json_str == "{1, 2}"
    assert repr(FIELD_NO_DEFAULT_PROVIDED) == "FIELD_NO_DEFAULT_PROVIDED"
    assert repr(Field(int, default_value=2)) == "Field(Int, default_value=2, is_required=False)"
