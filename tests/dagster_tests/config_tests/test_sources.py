"""StringSource, IntSource and BoolSource: a value, or {env: VAR} read when config is processed."""

from __future__ import annotations

import pickle

import pytest

from dagster import BoolSource, IntSource, StringSource
from dagster.config.errors import DagsterEvaluationErrorReason as Reason
from dagster.config.print_type import print_config_type_to_string
from dagster.config.validate import process_config, validate_config


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("SRC_TEST_STR", "hello")
    monkeypatch.setenv("SRC_TEST_INT", "42")
    monkeypatch.setenv("SRC_TEST_NOT_INT", "4x2")
    monkeypatch.setenv("SRC_TEST_TRUE", "Yes")
    monkeypatch.setenv("SRC_TEST_FALSE", "0")
    monkeypatch.delenv("SRC_TEST_UNSET", raising=False)
    return monkeypatch


def test_string_source(env):
    assert process_config(StringSource, "direct").value == "direct"
    assert process_config(StringSource, {"env": "SRC_TEST_STR"}).value == "hello"
    assert validate_config(StringSource, {"env": "SRC_TEST_STR"}).value == {"env": "SRC_TEST_STR"}


def test_int_source(env):
    assert process_config(IntSource, 7).value == 7
    assert process_config(IntSource, {"env": "SRC_TEST_INT"}).value == 42
    (error,) = process_config(IntSource, {"env": "SRC_TEST_NOT_INT"}).errors
    assert error.reason == Reason.FAILED_POST_PROCESSING
    assert error.message == (
        "Post processing at the root of original value {'env': 'SRC_TEST_NOT_INT'} failed:\n"
        'Value "4x2" stored in env variable "SRC_TEST_NOT_INT" cannot be coerced into an int.'
    )


@pytest.mark.parametrize("var, expected", [("SRC_TEST_TRUE", True), ("SRC_TEST_FALSE", False)])
def test_bool_source(env, var, expected):
    assert process_config(BoolSource, {"env": var}).value is expected
    assert process_config(BoolSource, False).value is False


def test_bool_source_rejects_other_words(env):
    env.setenv("SRC_TEST_MAYBE", "maybe")
    (error,) = process_config(BoolSource, {"env": "SRC_TEST_MAYBE"}).errors
    assert error.message.endswith(
        'Value "maybe" stored in env variable "SRC_TEST_MAYBE" cannot be coerced into a bool. '
        "Use one of true/false, 1/0, yes/no, on/off."
    )


@pytest.mark.parametrize("source", [StringSource, IntSource, BoolSource])
def test_unset_variable(env, source):
    (error,) = process_config({"x": source}, {"x": {"env": "SRC_TEST_UNSET"}}).errors
    assert error.reason == Reason.FAILED_POST_PROCESSING
    assert error.stack.levels == ["x"]
    assert error.message.startswith(
        "Post processing at path root:x of original value {'env': 'SRC_TEST_UNSET'} failed:\n"
        'You have attempted to fetch the environment variable "SRC_TEST_UNSET" which is not set. '
        "In order for this execution to succeed it must be set in this environment"
    )


def test_structural_errors(env):
    (error,) = process_config(IntSource, "3").errors
    assert error.reason == Reason.RUNTIME_TYPE_MISMATCH
    assert error.message == (
        'Invalid scalar at the root. Value "3" of type "<class \'str\'>" is not valid for expected type "Int". '
        "It can also be given as { env: String }."
    )
    assert error.error_data.config_type_snap.key == "IntSourceType"
    (error,) = process_config(StringSource, {"env": 3}).errors
    assert error.stack.levels == ["env"]
    (error,) = process_config(StringSource, {"environ": "X"}).errors
    assert error.reason == Reason.FIELD_NOT_DEFINED
    assert error.message.endswith('Did you mean "env"?')
    (error,) = process_config(StringSource, None).errors
    assert error.message.startswith("Value at the root must not be None.")


def test_several_env_errors_reported_together(env):
    schema = {"a": StringSource, "b": IntSource, "c": [IntSource]}
    result = process_config(
        schema,
        {
            "a": {"env": "SRC_TEST_UNSET"},
            "b": {"env": "SRC_TEST_NOT_INT"},
            "c": [1, {"env": "SRC_TEST_UNSET"}],
        },
    )
    assert [(error.reason, error.stack.levels) for error in result.errors] == [
        (Reason.FAILED_POST_PROCESSING, ["a"]),
        (Reason.FAILED_POST_PROCESSING, ["b"]),
        (Reason.FAILED_POST_PROCESSING, ["c"]),
    ]
    assert "root:c[1]" in result.errors[2].message


def test_sources_print_and_pickle():
    assert print_config_type_to_string(StringSource, with_lines=False) == "(String | { env: String })"
    assert print_config_type_to_string(IntSource, with_lines=False) == "(Int | { env: String })"
    for source in (StringSource, IntSource, BoolSource):
        assert pickle.loads(pickle.dumps(source)) is source


def test_env_read_on_every_processing(env):
    schema = {"a": StringSource}
    assert process_config(schema, {"a": {"env": "SRC_TEST_STR"}}).value == {"a": "hello"}
    env.setenv("SRC_TEST_STR", "changed")
    assert process_config(schema, {"a": {"env": "SRC_TEST_STR"}}).value == {"a": "changed"}


def test_failing_custom_post_processor_is_a_config_error():
    from dagster import ScalarUnion

    class PortSource(ScalarUnion):
        def __init__(self):
            super().__init__(str, {"port": int}, _key="PortSource")

        def post_process(self, value):
            return int(value) if isinstance(value, str) else value["port"]

    (error,) = process_config({"p": PortSource()}, {"p": "eighty"}).errors
    assert error.reason == Reason.FAILED_POST_PROCESSING
    assert error.message == (
        "Post processing at path root:p of original value eighty failed:\n"
        "invalid literal for int() with base 10: 'eighty'"
    )
    assert error.error_data.cls_name == "ValueError"
    assert process_config({"p": PortSource()}, {"p": {"port": 80}}).value == {"p": 80}
