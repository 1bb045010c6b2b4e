"""A user's own ``@system_storage`` in a mode: it stores where it says, and a creation function that
returns the wrong thing fails the run's initialization with a message naming the storage."""

from __future__ import annotations

import os

import pytest

from dagster import (
    Field,
    ModeDefinition,
    String,
    SystemStorageData,
    execute_pipeline,
    pipeline,
    solid,
    system_storage,
)
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.instance import DagsterInstance
from dagster.core.storage.file_manager import LocalFileManager
from dagster.core.storage.intermediate_store import build_fs_intermediate_store
from dagster.core.storage.intermediates_manager import IntermediateStoreIntermediatesManager
from dagster.core.storage.system_storage import default_system_storage_defs


@system_storage(name="under_root", config={"root": Field(String)}, required_resource_keys=set())
def under_root(init_context):
    root = init_context.system_storage_config["root"]
    store = build_fs_intermediate_store(
        lambda run_id: os.path.join(root, run_id),
        init_context.run_id,
        init_context.type_storage_plugin_registry,
    )
    return SystemStorageData(
        IntermediateStoreIntermediatesManager(store), LocalFileManager(os.path.join(root, "files"))
    )


@system_storage(name="returns_dict", required_resource_keys=set())
def returns_dict(_):
    return {"intermediates_manager": None}


@system_storage(name="returns_nones", required_resource_keys=set())
def returns_nones(_):
    return SystemStorageData(intermediates_manager=None, file_manager=None)


@solid
def emit(_):
    return 20


@solid
def double(_, number):
    return number * 2


@pipeline(
    mode_defs=[
        ModeDefinition(
            system_storage_defs=[*default_system_storage_defs, under_root, returns_dict, returns_nones]
        )
    ]
)
def doubling():
    double(emit())


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path / "home"))


def test_a_custom_storage_stores_under_its_own_root(instance, tmp_path):
    root = str(tmp_path / "root")
    result = execute_pipeline(
        doubling, environment_dict={"storage": {"under_root": {"config": {"root": root}}}}, instance=instance
    )

    assert result.success
    assert result.result_for_solid("double").output_value() == 40
    assert sorted(os.listdir(os.path.join(root, result.run_id, "intermediates"))) == [
        "double.compute",
        "emit.compute",
    ]
    stored = [event for event in result.event_list if event.event_type_value == "OBJECT_STORE_OPERATION"]
    assert [(event.step_key, event.event_specific_data.op) for event in stored] == [
        ("emit.compute", "SET_OBJECT"),
        ("double.compute", "GET_OBJECT"),
        ("double.compute", "SET_OBJECT"),
    ]
    assert not os.path.exists(
        os.path.join(instance.root_directory, "storage", result.run_id, "intermediates")
    )


def _init_failure(result):
    (event,) = result.event_list
    assert event.event_type_value == "PIPELINE_INIT_FAILURE"
    return event.event_specific_data.error


def test_a_creation_function_returning_something_else_fails_initialization_clearly(instance):
    result = execute_pipeline(
        doubling, environment_dict={"storage": {"returns_dict": {}}}, instance=instance, raise_on_error=False
    )

    assert not result.success
    error = _init_failure(result)
    assert error.cls_name == "DagsterInvariantViolationError"
    assert error.message == (
        "dagster.core.errors.DagsterInvariantViolationError: The creation function of system storage "
        "\"returns_dict\" returned {'intermediates_manager': None} (a dict); it must return "
        "SystemStorageData(intermediates_manager, file_manager).\n"
    )


def test_system_storage_data_without_managers_fails_initialization_clearly(instance):
    result = execute_pipeline(
        doubling, environment_dict={"storage": {"returns_nones": {}}}, instance=instance, raise_on_error=False
    )

    error = _init_failure(result)
    assert error.cls_name == "DagsterInvalidDefinitionError"
    assert (
        "SystemStorageData(intermediates_manager=...) must be an IntermediatesManager (dagster.core.storage), "
        "got None, which has no get_intermediate, set_intermediate, has_intermediate method."
    ) in error.message


def test_system_storage_data_checks_its_file_manager(tmp_path):
    store = build_fs_intermediate_store(lambda run_id: str(tmp_path / run_id), "run-1")
    with pytest.raises(DagsterInvalidDefinitionError, match=r"file_manager=...\) must be a FileManager"):
        SystemStorageData(IntermediateStoreIntermediatesManager(store), file_manager=str(tmp_path))
