"""ModeDefinition, resources, loggers, executors and system storage definitions, and the console loggers."""

from __future__ import annotations

import io
import json
import logging
import sys
from types import SimpleNamespace

import pytest

from dagster import (
    ExecutorDefinition,
    LoggerDefinition,
    ModeDefinition,
    ResourceDefinition,
    SystemStorageData,
    SystemStorageDefinition,
    default_executors,
    executor,
    in_process_executor,
    logger,
    multiprocess_executor,
    resource,
    system_storage,
)
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterUnmetExecutorRequirementsError
from dagster.loggers import colored_console_logger, json_console_logger


def test_resource_decorator_bare_and_called():
    @resource
    def bare(init_context):
        return 1

    @resource(config={"url": str}, description="a db")
    def called(init_context):
        return init_context.resource_config["url"]

    assert isinstance(bare, ResourceDefinition) and bare.config_field is None
    assert called.description == "a db"
    assert called.config_field.config_type.fields["url"].is_required
    assert called.resource_fn(SimpleNamespace(resource_config={"url": "u"})) == "u"


def test_resource_helpers():
    assert ResourceDefinition.hardcoded_resource(5).resource_fn(None) == 5
    assert ResourceDefinition.none_resource().resource_fn(None) is None
    string = ResourceDefinition.string_resource()
    assert string.config_field.config_type.key == "String"
    assert string.resource_fn(SimpleNamespace(resource_config="abc")) == "abc"


def test_resource_function_must_take_the_init_context():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:

        @resource
        def no_context():
            return 1

    assert str(exc_info.value) == (
        "The resource function 'no_context' of resource 'no_context' must take exactly one positional argument "
        "(the init context), but its signature is no_context(). Define it as def no_context(init_context): ..."
    )


def test_mode_from_resources_and_validation():
    mode = ModeDefinition.from_resources({"a": 1, "b": "two"}, name="test")
    assert mode.name == "test"
    assert mode.resource_key_set == frozenset({"a", "b"})
    assert mode.resource_defs["b"].resource_fn(None) == "two"

    def not_a_resource(init_context):
        return 1

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        ModeDefinition(resource_defs={"db": not_a_resource})
    assert str(exc_info.value).startswith(
        'resource_defs["db"] of mode "default" must be a ResourceDefinition'
    )
    assert str(exc_info.value).endswith("Decorate the function with @resource.")


def test_mode_defaults_and_lookup():
    mode = ModeDefinition(executor_defs=[], system_storage_defs=[])
    assert mode.name == "default"
    assert mode.loggers == {"console": colored_console_logger}
    assert [e.name for e in mode.executor_defs] == ["in_process", "multiprocess"]
    assert mode.get_executor_def("in_process") is in_process_executor
    assert mode.get_system_storage_def("filesystem").is_persistent
    assert not mode.get_system_storage_def("in_memory").is_persistent
    with pytest.raises(Exception, match='Mode "default" has no executor named "dask"'):
        mode.get_executor_def("dask")


def test_logger_decorator():
    @logger(config={"level": str})
    def custom(init_context):
        return logging.getLogger("custom")

    assert isinstance(custom, LoggerDefinition)
    assert custom.config_field.config_type.fields["level"].is_required

    @logger
    def bare(init_context):
        return logging.getLogger("bare")

    assert bare.config_field is None


def test_executor_definitions():
    assert default_executors == [in_process_executor, multiprocess_executor]
    assert sorted(in_process_executor.config_field.config_type.fields) == ["marker_to_close", "retries"]
    assert sorted(multiprocess_executor.config_field.config_type.fields) == ["max_concurrent", "retries"]

    @executor(name="custom", config={"n": int}, required_resource_keys={"r"})
    def custom(init_context):
        return init_context

    assert isinstance(custom, ExecutorDefinition)
    assert custom.name == "custom" and custom.required_resource_keys == frozenset({"r"})

    @executor
    def bare(init_context):
        return init_context

    assert bare.name == "bare"


def test_in_process_executor_creates_its_config():
    from dagster.core.execution.config import InProcessExecutorConfig

    context = SimpleNamespace(executor_config={"retries": {"disabled": {}}, "marker_to_close": "m"})
    config = in_process_executor.executor_creation_fn(context)
    assert isinstance(config, InProcessExecutorConfig)
    assert config.retries.disabled
    assert config.marker_to_close == "m"


def test_multiprocess_executor_requires_persistent_storage_and_instance():
    from dagster.core.definitions.system_storage import SystemStorageDefinition as Storage

    in_memory = Storage("in_memory", False, None)
    context = SimpleNamespace(
        executor_def=multiprocess_executor,
        system_storage_def=in_memory,
        instance=SimpleNamespace(is_persistent=True),
        executor_config={"max_concurrent": 0, "retries": {"enabled": {}}},
    )
    with pytest.raises(DagsterUnmetExecutorRequirementsError) as exc_info:
        multiprocess_executor.executor_creation_fn(context)
    assert str(exc_info.value) == (
        'The multiprocess executor needs a persistent system storage, but the run uses "in_memory", which keeps '
        "values in this process only. Add `storage: {filesystem: {}}` to the run config."
    )
    context.system_storage_def = Storage("filesystem", True, None)
    context.instance = SimpleNamespace(is_persistent=False)
    with pytest.raises(DagsterUnmetExecutorRequirementsError, match="ephemeral"):
        multiprocess_executor.executor_creation_fn(context)


def test_system_storage_decorator_called_and_bare():
    @system_storage(required_resource_keys={"s3"}, name="s3", is_persistent=True, config={"bucket": str})
    def s3_storage(init_context):
        return SystemStorageData(intermediates_manager=None, file_manager=None)

    assert isinstance(s3_storage, SystemStorageDefinition)
    assert s3_storage.name == "s3"
    assert s3_storage.required_resource_keys == frozenset({"s3"})
    assert s3_storage.config_field.config_type.fields["bucket"].is_required
    assert s3_storage._fields == (
        "name",
        "is_persistent",
        "config_field",
        "system_storage_creation_fn",
        "required_resource_keys",
    )

    @system_storage
    def bare_storage(init_context):
        return SystemStorageData(None, None)

    assert bare_storage.name == "bare_storage" and bare_storage.is_persistent
    assert bare_storage.required_resource_keys == frozenset()


def _init(config):
    return SimpleNamespace(logger_config=config)


def test_colored_console_logger_writes_to_current_stderr(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    log = colored_console_logger.logger_fn(_init({"log_level": "INFO", "name": "dagster"}))
    log.debug("hidden")
    log.info("shown")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(" - dagster - INFO - shown")
    assert "\x1b[" not in lines[0]


def test_colored_console_logger_colours_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("NO_COLOR", raising=False)
    log = colored_console_logger.logger_fn(_init({"log_level": "DEBUG", "name": "x"}))
    log.warning("careful")
    assert "\x1b[33mWARNING\x1b[0m - careful" in stream.getvalue()


def test_json_console_logger(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    log = json_console_logger.logger_fn(_init({"log_level": "DEBUG", "name": "jl"}))
    log.info("hello %s", "there", extra={"dagster_meta": {"run_id": "r"}})
    record = json.loads(stream.getvalue())
    assert record["msg"] == "hello there"
    assert record["name"] == "jl"
    assert record["levelname"] == "INFO"
    assert record["dagster_meta"] == {"run_id": "r"}


def test_console_logger_rejects_unknown_level():
    from dagster.core.errors import DagsterInvalidConfigError

    with pytest.raises(DagsterInvalidConfigError, match='Invalid log_level "LOUD"'):
        colored_console_logger.logger_fn(_init({"log_level": "LOUD", "name": "x"}))
