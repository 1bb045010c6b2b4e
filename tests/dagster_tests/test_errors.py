"""The user-code error boundary keeps the user's exception and passes Dagster errors through."""

import pytest

from dagster.core.errors import (
    DagsterExecutionStepExecutionError,
    DagsterInvalidConfigError,
    DagsterInvariantViolationError,
    DagsterResourceFunctionError,
    DagsterUnknownResourceError,
    user_code_error_boundary,
)
from dagster.utils.error import serializable_error_info_from_exc_info


def test_boundary_wraps_user_exceptions_and_keeps_the_original():
    with pytest.raises(DagsterResourceFunctionError) as info:
        with user_code_error_boundary(DagsterResourceFunctionError, lambda: 'Error in resource "db"'):
            raise ValueError("connection refused")
    error = info.value
    assert str(error) == 'Error in resource "db"'
    assert isinstance(error.user_exception, ValueError)
    assert error.original_exc_info[0] is ValueError
    assert error.__cause__ is error.user_exception
    assert error.is_user_code_error


def test_boundary_passes_dagster_errors_and_control_flow_through():
    class Retry(Exception):
        pass

    with pytest.raises(DagsterInvariantViolationError):
        with user_code_error_boundary(DagsterResourceFunctionError, lambda: "x"):
            raise DagsterInvariantViolationError("misuse")
    with pytest.raises(Retry):
        with user_code_error_boundary(
            DagsterResourceFunctionError, lambda: "x", control_flow_exceptions=(Retry,)
        ):
            raise Retry()


def test_step_error_carries_its_step():
    with pytest.raises(DagsterExecutionStepExecutionError) as info:
        with user_code_error_boundary(
            DagsterExecutionStepExecutionError,
            lambda: "solid failed",
            step_key="a.compute",
            solid_name="a",
            solid_def_name="a_def",
        ):
            raise KeyError("k")
    assert (info.value.step_key, info.value.solid_name, info.value.solid_def_name) == (
        "a.compute",
        "a",
        "a_def",
    )


def test_invalid_config_error_lists_every_message():
    class Err:
        def __init__(self, message):
            self.message = message

    error = DagsterInvalidConfigError("Error in config for pipeline p", [Err("first"), Err("second")], {})
    assert str(error) == "Error in config for pipeline p\n    Error 1: first\n    Error 2: second"
    assert error.error_messages == ["first", "second"]


def test_unknown_resource_error_is_an_attribute_error_with_a_fix():
    error = DagsterUnknownResourceError("db")
    assert isinstance(error, AttributeError)
    assert "required_resource_keys" in str(error)


def test_serializable_error_info_follows_the_cause_chain():
    try:
        try:
            raise ValueError("inner")
        except ValueError as inner:
            raise RuntimeError("outer") from inner
    except RuntimeError:
        import sys

        info = serializable_error_info_from_exc_info(sys.exc_info())
    assert info.cls_name == "RuntimeError"
    assert info.message == "RuntimeError: outer\n"
    assert info.cause.cls_name == "ValueError"
    assert "ValueError: inner" in info.to_string()
