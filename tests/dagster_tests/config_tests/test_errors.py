"""Every kind of config error: exact message, reason, stack/path and error data; all errors at once."""

from __future__ import annotations

import pytest

from dagster import Field, IntSource, Noneable, Permissive, Selector, Shape
from dagster.config.errors import (
    DagsterEvaluationErrorReason as Reason,
)
from dagster.config.errors import (
    EvaluationError,
    FieldNotDefinedErrorData,
    FieldsNotDefinedErrorData,
    MissingFieldErrorData,
    MissingFieldsErrorData,
    RuntimeMismatchErrorData,
    SelectorTypeErrorData,
)
from dagster.config.snap import ConfigFieldSnap, snap_from_config_type
from dagster.config.stack import (
    EvaluationStack,
    EvaluationStackListItemEntry,
    EvaluationStackPathEntry,
    get_friendly_path_info,
    path_to_str,
)
from dagster.config.validate import process_config, validate_config
from dagster.core.errors import DagsterInvalidConfigError
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple
from dagster.utils.error import SerializableErrorInfo

SOLID_CONFIG = Shape({"a": int, "b": Field(str, is_required=False), "n": Noneable(int)})
PIPELINE = Shape({"solids": Shape({"s": Shape({"config": SOLID_CONFIG})})})


def only_error(schema, value) -> EvaluationError:
    result = process_config(schema, value)
    assert not result.success
    (error,) = result.errors
    return error


def test_scalar_mismatch_in_nested_path():
    error = only_error(PIPELINE, {"solids": {"s": {"config": {"a": "x", "n": None}}}})
    assert error.reason == Reason.RUNTIME_TYPE_MISMATCH
    assert error.message == (
        'Invalid scalar at path root:solids:s:config:a. Value "x" of type "<class \'str\'>" is not valid for '
        'expected type "Int".'
    )
    assert error.stack.levels == ["solids", "s", "config", "a"]
    assert error.stack.entries == [
        EvaluationStackPathEntry("solids"),
        EvaluationStackPathEntry("s"),
        EvaluationStackPathEntry("config"),
        EvaluationStackPathEntry("a"),
    ]
    assert error.error_data == RuntimeMismatchErrorData(
        snap_from_config_type(SOLID_CONFIG.fields["a"].config_type), "'x'"
    )


def test_shape_given_non_dict():
    error = only_error(Shape({"a": int}), 3)
    assert error.reason == Reason.RUNTIME_TYPE_MISMATCH
    assert error.message == 'Value at the root must be dict. Expected: "{ a: Int }". Got 3 of type int.'
    assert error.stack.entries == []
    assert error.error_data.value_rep == "3"


def test_array_given_non_list():
    error = only_error(Shape({"xs": [int]}), {"xs": "abc"})
    assert error.message == "Value at path root:xs must be list. Expected: [Int]. Got 'abc' of type str."
    assert error.reason == Reason.RUNTIME_TYPE_MISMATCH


def test_none_where_not_noneable():
    error = only_error(Shape({"a": {"b": int}}), {"a": None})
    assert (
        error.message
        == 'Value at path root:a must not be None. Expected: "{ b: Int }". Give a value, or make the type Noneable.'
    )
    assert error.error_data.value_rep == "None"


def test_list_item_path():
    schema = Shape({"a": [{"c": int}]})
    error = only_error(schema, {"a": [{"c": 1}, {"c": "x"}]})
    assert error.message.startswith("Invalid scalar at path root:a[1]:c.")
    assert error.stack.entries == [
        EvaluationStackPathEntry("a"),
        EvaluationStackListItemEntry(1),
        EvaluationStackPathEntry("c"),
    ]
    assert error.stack.levels == ["a", "c"]


def test_selector_given_non_dict():
    error = only_error(Selector({"x": int, "y": int}), "x")
    assert error.reason == Reason.RUNTIME_TYPE_MISMATCH
    assert error.message == (
        "Value for selector type at the root must be a dict. Expected: \"{ x: Int y: Int }\". Got 'x' of type str."
    )


def test_missing_required_field():
    error = only_error(PIPELINE, {"solids": {"s": {"config": {"n": 1}}}})
    assert error.reason == Reason.MISSING_REQUIRED_FIELD
    assert error.message == (
        "Missing required field \"a\" at path root:solids:s:config. Available Fields: \"['a', 'b', 'n']\"."
    )
    assert error.stack.levels == ["solids", "s", "config"]
    assert error.error_data == MissingFieldErrorData(
        "a", ConfigFieldSnap("a", "Int", True, False, None, None)
    )


def test_missing_required_fields():
    error = only_error(SOLID_CONFIG, {})
    assert error.reason == Reason.MISSING_REQUIRED_FIELDS
    # Dagster 0.7.16 printed a stray quote after "at the root"; fixed
    assert (
        error.message
        == "Missing required fields \"['a', 'n']\" at the root. Available Fields: \"['a', 'b', 'n']\"."
    )
    assert error.error_data.field_names == ["a", "n"]
    assert [snap.name for snap in error.error_data.field_snaps] == ["a", "n"]
    assert isinstance(error.error_data, MissingFieldsErrorData)


def test_field_not_defined_with_suggestion():
    error = only_error(PIPELINE, {"solids": {"s": {"config": {"a": 1, "n": 2, "bb": "x"}}}})
    assert error.reason == Reason.FIELD_NOT_DEFINED
    assert error.message == (
        'Undefined field "bb" at path root:solids:s:config. Expected: "{ a: Int b?: String n: Int? }". '
        'Did you mean "b"?'
    )
    assert error.error_data == FieldNotDefinedErrorData("bb")


def test_field_not_defined_without_close_match():
    error = only_error(Shape({"alpha": int}), {"alpha": 1, "zzz": 2})
    assert error.message == 'Undefined field "zzz" at the root. Expected: "{ alpha: Int }".'


def test_misspelt_field_gives_both_errors_and_the_suggestion():
    result = process_config(Shape({"name": str}), {"nmae": "x"})
    assert [error.reason for error in result.errors] == [
        Reason.FIELD_NOT_DEFINED,
        Reason.MISSING_REQUIRED_FIELD,
    ]
    assert result.errors[0].message.endswith('Did you mean "name"?')


def test_fields_not_defined():
    error = only_error(Shape({"a": Field(int, is_required=False)}), {"b": 1, "c": 2})
    assert error.reason == Reason.FIELDS_NOT_DEFINED
    # 0.7.16 wrote "['a']." with the period inside the quotes; fixed
    assert error.message == "Fields \"['b', 'c']\" are not defined at the root. Available fields: \"['a']\"."
    assert error.error_data == FieldsNotDefinedErrorData(["b", "c"])


def test_fields_not_defined_with_suggestions():
    error = only_error(
        Shape({"rows": Field(int, is_required=False), "path": Field(str, is_required=False)}),
        {"rowz": 1, "pth": "x", "qq": 1},
    )
    assert error.message.endswith('Did you mean: "rowz" -> "rows", "pth" -> "path"?')


def test_selector_with_two_keys():
    schema = Selector({"x": int, "y": int})
    error = only_error(schema, {"x": 1, "y": 2})
    assert error.reason == Reason.SELECTOR_FIELD_ERROR
    assert (
        error.message
        == "You can only specify a single field at the root. You specified ['x', 'y']. The available fields are ['x', 'y']"
    )
    assert error.error_data == SelectorTypeErrorData(snap_from_config_type(schema), ["x", "y"])


def test_selector_empty_with_several_fields():
    error = only_error(Shape({"sel": Selector({"x": int, "y": int})}), {"sel": {}})
    assert error.reason == Reason.SELECTOR_FIELD_ERROR
    assert (
        error.message
        == "Must specify a field at path root:sel if more than one field is defined. Defined fields: ['x', 'y']"
    )
    assert error.stack.levels == ["sel"]


def test_selector_empty_with_single_required_field_does_not_crash():
    # Dagster 0.7.16 raised AttributeError here; we report a config error
    error = only_error(Selector({"x": int}), {})
    assert error.reason == Reason.SELECTOR_FIELD_ERROR
    assert error.message == "Must specify the required field at the root. Defined fields: ['x']"


def test_selector_unknown_key():
    error = only_error(Selector({"in_memory": {}, "filesystem": {}}), {"filesystm": {}})
    assert error.reason == Reason.FIELD_NOT_DEFINED
    assert error.message == (
        'Undefined field "filesystm" at the root. Expected: "{ filesystem?: {} in_memory?: {} }". '
        'Did you mean "filesystem"?'
    )


def test_selector_inner_error_path():
    error = only_error(Selector({"x": {"y": int}}), {"x": {"y": "no"}})
    assert error.stack.levels == ["x", "y"]


def test_post_processing_error(monkeypatch):
    monkeypatch.delenv("CONFIG_TEST_MISSING", raising=False)
    error = only_error(Shape({"s": IntSource}), {"s": {"env": "CONFIG_TEST_MISSING"}})
    assert error.reason == Reason.FAILED_POST_PROCESSING
    assert error.message.startswith(
        "Post processing at path root:s of original value {'env': 'CONFIG_TEST_MISSING'} failed:\n"
        'You have attempted to fetch the environment variable "CONFIG_TEST_MISSING" which is not set.'
    )
    assert "Traceback" not in error.message
    assert isinstance(error.error_data, SerializableErrorInfo)
    assert error.error_data.cls_name == "PostProcessingError"
    assert error.stack.levels == ["s"]


def test_post_processing_errors_wait_for_structural_validity(monkeypatch):
    monkeypatch.delenv("CONFIG_TEST_MISSING", raising=False)
    schema = Shape({"s": IntSource, "t": int})
    result = process_config(schema, {"s": {"env": "CONFIG_TEST_MISSING"}, "t": "bad"})
    assert [error.reason for error in result.errors] == [Reason.RUNTIME_TYPE_MISMATCH]
    # validate_config is the structural pass: it does not read the environment
    assert validate_config(schema, {"s": {"env": "CONFIG_TEST_MISSING"}, "t": 1}).success


def test_all_errors_at_once_in_documented_order():
    schema = Shape({"a": int, "b": str, "c": {"d": bool}, "e": [int]})
    result = process_config(schema, {"a": "x", "c": {"d": 1, "zz": 0}, "e": [1, "y"], "extra": 1})
    assert [(error.reason, error.stack.levels) for error in result.errors] == [
        (Reason.FIELD_NOT_DEFINED, []),
        (Reason.MISSING_REQUIRED_FIELD, []),
        (Reason.RUNTIME_TYPE_MISMATCH, ["a"]),
        (Reason.FIELD_NOT_DEFINED, ["c"]),
        (Reason.RUNTIME_TYPE_MISMATCH, ["c", "d"]),
        (Reason.RUNTIME_TYPE_MISMATCH, ["e"]),
    ]
    assert result.errors_at_level("c") == result.errors[3:4]
    assert len(result.error_messages) == 6


def test_invalid_config_error_text():
    result = process_config(Shape({"solids": {"s": int}}), {})
    error = DagsterInvalidConfigError("Error in config for pipeline p", result.errors, {})
    assert str(error) == (
        "Error in config for pipeline p\n"
        '    Error 1: Missing required field "solids" at the root. Available Fields: "[\'solids\']".'
    )


def test_errors_serialize():
    result = process_config(
        Shape({"a": Selector({"x": int, "y": int}), "b": int}), {"a": {"x": 1, "y": 1}, "c": 1}
    )
    for error in result.errors:
        assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(error)) == error


def test_path_helpers():
    assert path_to_str(()) == "root"
    assert path_to_str(("a", 1, "c")) == "root:a[1]:c"
    stack = EvaluationStack.from_path(("a", 1, "c"))
    assert get_friendly_path_info(stack) == ("at path root:a[1]:c", "root:a[1]:c")
    assert get_friendly_path_info(EvaluationStack([])) == ("at the root", "root")


@pytest.mark.parametrize(
    "schema, value",
    [
        (Shape({"a": int}), object()),
        (Selector({"a": int}), [1]),
        (Permissive({"a": int}), {"a": {1, 2}}),
        (Shape({"a": [int]}), {"a": [object()]}),
        (Shape({"a": Noneable([Noneable(int)])}), {"a": [None, "x", 2]}),
    ],
)
def test_odd_values_give_errors_not_crashes(schema, value):
    result = process_config(schema, value)
    assert not result.success
    assert all(isinstance(error, EvaluationError) for error in result.errors)
