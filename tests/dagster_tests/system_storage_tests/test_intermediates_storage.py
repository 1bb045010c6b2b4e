"""Intermediates on disk and in memory: layout, serialization strategies, plugins, copies."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from dagster import check
from dagster.core.definitions.system_storage import SystemStorageDefinition
from dagster.core.errors import DagsterStepOutputNotFoundError
from dagster.core.events import ObjectStoreOperationType, StepOutputHandle
from dagster.core.storage.intermediate_store import IntermediateStore, build_fs_intermediate_store
from dagster.core.storage.intermediates_manager import (
    InMemoryIntermediatesManager,
    IntermediateStoreIntermediatesManager,
    ObjectStoreOperation,
)
from dagster.core.storage.object_store import FilesystemObjectStore, InMemoryObjectStore
from dagster.core.storage.type_storage import (
    TypeStoragePlugin,
    TypeStoragePluginRegistry,
    construct_type_storage_plugin_registry,
)
from dagster.core.types.dagster_type import DagsterType, List, resolve_dagster_type
from dagster.core.types.marshal import SerializationStrategy

RUN = "run-1"
HANDLE = StepOutputHandle("a.compute", "result")


class JsonStrategy(SerializationStrategy):
    def __init__(self):
        super().__init__("json", write_mode="w", read_mode="r", encoding="utf-8")

    def serialize(self, value, write_file_obj):
        json.dump(value, write_file_obj)

    def deserialize(self, read_file_obj):
        return json.load(read_file_obj)


def _manager(tmp_path, registry=None):
    store = build_fs_intermediate_store(lambda run_id: str(tmp_path / "storage" / run_id), RUN, registry)
    return IntermediateStoreIntermediatesManager(store)


def test_filesystem_layout_and_pickle_by_default(tmp_path):
    manager = _manager(tmp_path)
    any_type = resolve_dagster_type(None)
    operation = manager.set_intermediate(None, any_type, HANDLE, {"rows": [1, 2]})
    path = tmp_path / "storage" / RUN / "intermediates" / "a.compute" / "result"
    assert operation == ObjectStoreOperation(
        ObjectStoreOperationType.SET_OBJECT,
        str(path),
        obj={"rows": [1, 2]},
        serialization_strategy_name="pickle",
        object_store_name="filesystem",
    )
    with open(path, "rb") as stored:
        assert pickle.load(stored) == {"rows": [1, 2]}
    assert manager.has_intermediate(None, HANDLE)
    assert manager.is_persistent

    read = manager.get_intermediate(None, any_type, HANDLE)
    assert read.op == ObjectStoreOperationType.GET_OBJECT
    assert read.obj == {"rows": [1, 2]} and read.key == str(path)
    assert ObjectStoreOperation.serializable(read, value_name="x").obj is None
    assert ObjectStoreOperation.serializable(read, value_name="x").value_name == "x"
    # No temp files are left next to the value (writes are atomic renames).
    assert os.listdir(path.parent) == ["result"]


def test_type_serialization_strategy_is_used(tmp_path):
    json_type = DagsterType(lambda _, value: True, name="JsonThing", serialization_strategy=JsonStrategy())
    manager = _manager(tmp_path)
    operation = manager.set_intermediate(None, json_type, HANDLE, {"a": 1})
    assert operation.serialization_strategy_name == "json"
    with open(operation.key, encoding="utf-8") as stored:
        assert json.load(stored) == {"a": 1}
    assert manager.get_intermediate(None, json_type, HANDLE).obj == {"a": 1}


def test_missing_value_names_step_and_output(tmp_path):
    manager = _manager(tmp_path)
    with pytest.raises(DagsterStepOutputNotFoundError, match='output "result" of step "a.compute"') as info:
        manager.get_intermediate(None, resolve_dagster_type(int), HANDLE)
    assert info.value.step_key == "a.compute"
    memory = InMemoryIntermediatesManager()
    with pytest.raises(DagsterStepOutputNotFoundError, match="in-memory storage"):
        memory.get_intermediate(None, None, HANDLE)


def test_copy_from_previous_run(tmp_path):
    previous = build_fs_intermediate_store(lambda run_id: str(tmp_path / "storage" / run_id), "old-run")
    previous.set_value(41, None, resolve_dagster_type(int), previous.paths_for_intermediate("a.compute"))
    manager = _manager(tmp_path)
    assert not manager.has_intermediate(None, HANDLE)
    operation = manager.copy_intermediate_from_prev_run(None, "old-run", HANDLE)
    assert operation.op == ObjectStoreOperationType.CP_OBJECT
    assert operation.key.endswith(os.path.join("old-run", "intermediates", "a.compute", "result"))
    assert operation.dest_key.endswith(os.path.join(RUN, "intermediates", "a.compute", "result"))
    assert manager.get_intermediate(None, resolve_dagster_type(int), HANDLE).obj == 41

    store = manager.intermediate_store
    paths = store.paths_for_intermediate("a.compute")
    store.rm_object(None, paths)
    assert store.copy_object_from_prev_run(None, "old-run", paths).op == ObjectStoreOperationType.CP_OBJECT
    assert store.get_value(None, resolve_dagster_type(int), paths).obj == 41

    with pytest.raises(DagsterStepOutputNotFoundError, match="run other-run"):
        manager.copy_intermediate_from_run(None, "other-run", StepOutputHandle("b.compute"))


def test_in_memory_manager_keeps_values_and_refuses_copies():
    manager = InMemoryIntermediatesManager()
    assert manager.set_intermediate(None, None, HANDLE, [1]) is None
    assert manager.get_intermediate(None, None, HANDLE) == [1]
    assert manager.has_intermediate(None, HANDLE) and not manager.is_persistent
    with pytest.raises(Exception, match="in-memory storage keeps nothing between runs"):
        manager.copy_intermediate_from_run(None, "old", HANDLE)


class UpperCaseFilePlugin(TypeStoragePlugin):
    """Stores strings upper-cased in a text file, to prove the plugin is used."""

    @classmethod
    def compatible_with_storage_def(cls, system_storage_def):
        return system_storage_def.name == "filesystem"

    @classmethod
    def set_object(cls, intermediate_store, obj, context, dagster_type, paths):
        return intermediate_store.set_object(obj.upper(), context, dagster_type, paths)

    @classmethod
    def get_object(cls, intermediate_store, context, dagster_type, paths):
        return intermediate_store.get_object(context, dagster_type, paths).obj + "!"


def test_type_storage_plugin_is_applied(tmp_path):
    shout = DagsterType(lambda _, value: True, name="Shout", auto_plugins=[UpperCaseFilePlugin])
    registry = TypeStoragePluginRegistry([(shout, UpperCaseFilePlugin)])
    manager = _manager(tmp_path, registry)
    manager.set_intermediate(None, shout, HANDLE, "hi")
    read = manager.get_intermediate(None, shout, HANDLE)
    assert isinstance(read, ObjectStoreOperation)
    assert read.obj == "HI!"
    # The store itself hands back what the plugin returned.
    assert (
        manager.intermediate_store.get_value(None, shout, ["intermediates", "a.compute", "result"]) == "HI!"
    )

    list_of_shout = resolve_dagster_type(List[shout])
    with pytest.raises(check.NotImplementedCheckError, match="plugins are not applied"):
        manager.set_intermediate(None, list_of_shout, StepOutputHandle("b.compute"), ["x"])


def test_registry_picks_compatible_plugin():
    shout = DagsterType(lambda _, value: True, name="Shout", auto_plugins=[UpperCaseFilePlugin])

    from dagster import OutputDefinition, pipeline, solid

    @solid(output_defs=[OutputDefinition(shout)])
    def speak(_context):
        return "hi"

    @pipeline
    def speaking():
        speak()

    fs_def = SystemStorageDefinition("filesystem", True, set())
    mem_def = SystemStorageDefinition("in_memory", False, set())
    assert construct_type_storage_plugin_registry(speaking, fs_def).is_registered(shout)
    assert not construct_type_storage_plugin_registry(speaking, mem_def).is_registered(shout)


def test_in_memory_object_store_behind_an_intermediate_store():
    store = IntermediateStore(InMemoryObjectStore(), lambda run_id: run_id, RUN)
    assert not store.is_persistent
    store.set_value(3, None, resolve_dagster_type(int), ["s", "o"])
    assert store.get_value(None, resolve_dagster_type(int), ["s", "o"]).obj == 3
    assert store.uri_for_paths(["s", "o"]) == "memory://run-1/s/o"
    store.rm_object(None, ["s", "o"])
    assert not store.has_object(None, ["s", "o"])


def test_intermediate_store_step_output_helpers(tmp_path):
    store = build_fs_intermediate_store(lambda run_id: str(tmp_path / run_id), RUN)
    assert store.root == str(tmp_path / RUN)
    store.set_object(True, None, resolve_dagster_type(bool), ["true"])
    assert (tmp_path / RUN / "true").exists()
    assert store.uri_for_paths(["true"]) == "file://" + str(tmp_path / RUN / "true")

    paths = store.paths_for_intermediate("s.compute", "out")
    assert paths == ["intermediates", "s.compute", "out"]
    store.set_value([1, 2], None, resolve_dagster_type(list), paths)
    assert store.has_intermediate(None, "s.compute", "out")
    assert store.get_intermediate(None, "s.compute", list, "out").obj == [1, 2]
    assert store.rm_intermediate(None, "s.compute", "out") is None
    assert not store.has_intermediate(None, "s.compute", "out")
    assert store.rm_object(None, ["never", "stored"]) is None


def test_filesystem_object_store_rm_and_uri(tmp_path):
    store = FilesystemObjectStore()
    key = str(tmp_path / "x" / "y")
    store.set_object(key, 1)
    assert store.uri_for_key(key) == "file://" + key
    assert store.rm_object(key).op == ObjectStoreOperationType.RM_OBJECT
    assert not store.has_object(key)
    with pytest.raises(FileNotFoundError, match="nothing is stored there"):
        store.cp_object(key, key + "2")


class ShoutingStrategy(SerializationStrategy):
    """Writes text upper-cased, reads it back lower-cased: proves the type's strategy is used."""

    def serialize(self, value, write_file_obj):
        write_file_obj.write(value.upper().encode("utf-8"))

    def deserialize(self, read_file_obj):
        return read_file_obj.read().decode("utf-8").lower()


def test_store_with_a_run_context_and_instance_directories():
    from dagster.core.instance import DagsterInstance
    from dagster.core.types.dagster_type import Bool, create_any_type
    from dagster.utils.test import yield_empty_pipeline_context

    instance = DagsterInstance.ephemeral()
    store = build_fs_intermediate_store(instance.intermediates_directory, run_id=RUN)
    quiet = create_any_type("QuietString", serialization_strategy=ShoutingStrategy("shouting"))
    with yield_empty_pipeline_context(run_id=RUN, instance=instance) as context:
        store.set_object(True, context, Bool, ["true"])
        assert store.has_object(context, ["true"])
        assert store.get_object(context, Bool, ["true"]).obj is True
        assert store.uri_for_paths(["true"]).startswith("file:///")
        assert store.rm_object(context, ["true"]) is None

        store.set_object("foo", context, quiet, ["foo"])
        with open(os.path.join(store.root, "foo"), "rb") as stored:
            assert stored.read() == b"FOO"
        assert store.get_object(context, quiet, ["foo"]).obj == "foo"
        store.set_object(["a", "b"], context, resolve_dagster_type(List[quiet]), ["list"])
        assert store.get_object(context, resolve_dagster_type(List[quiet]), ["list"]).obj == ["a", "b"]


class NeedsDbPlugin(UpperCaseFilePlugin):
    @classmethod
    def required_resource_keys(cls):
        return {"db"}


def test_plugin_resource_keys_follow_the_storage():
    from dagster.core.storage.type_storage import type_storage_plugin_resource_keys

    needs_db = DagsterType(lambda _, value: True, name="NeedsDb", auto_plugins=[NeedsDbPlugin])
    fs_def = SystemStorageDefinition("filesystem", True, set())
    mem_def = SystemStorageDefinition("in_memory", False, set())
    assert type_storage_plugin_resource_keys(needs_db, fs_def) == {"db"}
    assert type_storage_plugin_resource_keys(needs_db, mem_def) == frozenset()
    assert type_storage_plugin_resource_keys(resolve_dagster_type(int), fs_def) == frozenset()
    assert UpperCaseFilePlugin.required_resource_keys() == frozenset()
