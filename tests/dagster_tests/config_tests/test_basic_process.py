"""Smoke-level checks of schema resolution and processing (details live in the other test modules)."""

from __future__ import annotations

from dagster import Field, Noneable, Selector, Shape
from dagster.config.config_type import ConfigIntInstance, ConfigTypeKind
from dagster.config.errors import DagsterEvaluationErrorReason
from dagster.config.field import resolve_to_config_type
from dagster.config.validate import process_config


def test_dict_spec_resolves_to_memoized_shape():
    first = resolve_to_config_type({"a": int, "b": Field(str, default_value="x")})
    second = resolve_to_config_type({"a": int, "b": Field(str, default_value="x")})
    assert first is second
    assert first.kind == ConfigTypeKind.STRICT_SHAPE
    assert first.fields["a"].config_type is ConfigIntInstance
    assert first.key.startswith("Shape.")


def test_process_fills_defaults_and_reports_all_errors():
    schema = Shape({"a": int, "b": Field(str, default_value="x"), "n": Noneable(int)})
    assert process_config(schema, {"a": 1, "n": None}).value == {"a": 1, "b": "x", "n": None}
    result = process_config(schema, {"a": "no", "zz": 1})
    assert [error.reason for error in result.errors] == [
        DagsterEvaluationErrorReason.FIELD_NOT_DEFINED,
        DagsterEvaluationErrorReason.MISSING_REQUIRED_FIELD,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
    ]


def test_selector_none_value_means_empty_dict():
    selector = Selector({"x": int, "y": {"q": Field(int, default_value=2)}})
    assert process_config(selector, {"y": None}).value == {"y": {"q": 2}}
