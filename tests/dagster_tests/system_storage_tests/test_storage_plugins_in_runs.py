"""A type storage plugin used by a real run on the filesystem storage: it stores where the
intermediate store tells it, and ``uri_for_paths(paths, protocol="")`` is a plain local path."""

from __future__ import annotations

import os

from dagster import DagsterType, InputDefinition, OutputDefinition, execute_pipeline, pipeline, solid
from dagster.core.instance import DagsterInstance
from dagster.core.storage.intermediate_store import build_fs_intermediate_store
from dagster.core.storage.object_store import FilesystemObjectStore, InMemoryObjectStore
from dagster.core.storage.system_storage import fs_system_storage
from dagster.core.storage.type_storage import TypeStoragePlugin


class UpperTextPlugin(TypeStoragePlugin):
    """Stores text upper-cased in a plain text file at the path the store gives."""

    @classmethod
    def compatible_with_storage_def(cls, system_storage_def):
        return system_storage_def is fs_system_storage

    @classmethod
    def set_object(cls, intermediate_store, obj, context, dagster_type, paths):
        path = intermediate_store.uri_for_paths(paths, protocol="")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as text_file:
            text_file.write(obj.upper())

    @classmethod
    def get_object(cls, intermediate_store, context, dagster_type, paths):
        with open(intermediate_store.uri_for_paths(paths, protocol=""), encoding="utf-8") as text_file:
            return text_file.read()


UpperText = DagsterType(
    name="UpperText", type_check_fn=lambda _, value: isinstance(value, str), auto_plugins=[UpperTextPlugin]
)


@solid(output_defs=[OutputDefinition(UpperText)])
def greet(_):
    return "hello"


@solid(input_defs=[InputDefinition("text", UpperText)])
def exclaim(_, text):
    return text + "!"


@pipeline
def greeting():
    exclaim(greet())


def test_a_plugin_stores_at_the_local_path_it_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    instance = DagsterInstance.local_temp(str(tmp_path / "home"))

    result = execute_pipeline(greeting, environment_dict={"storage": {"filesystem": {}}}, instance=instance)

    assert result.success
    assert result.result_for_solid("exclaim").output_value() == "HELLO!"
    stored = tmp_path / "home" / "storage" / result.run_id / "intermediates" / "greet.compute" / "result"
    assert stored.read_text(encoding="utf-8") == "HELLO"
    assert sorted(os.listdir(tmp_path)) == ["home"]  # nothing made under a relative "file:" directory


def test_uri_protocols(tmp_path):
    store = build_fs_intermediate_store(lambda run_id: str(tmp_path / run_id), "run-1")
    local = os.path.join(str(tmp_path), "run-1", "intermediates", "a.compute", "result")
    paths = ["intermediates", "a.compute", "result"]
    assert store.uri_for_paths(paths) == "file://" + local
    assert store.uri_for_paths(paths, protocol="") == local
    assert store.uri_for_paths(paths, protocol="hdfs://") == "hdfs://" + local
    assert FilesystemObjectStore().uri_for_key("rel", protocol="") == os.path.abspath("rel")
    assert InMemoryObjectStore().uri_for_key("a/b") == "memory://a/b"
    assert InMemoryObjectStore().uri_for_key("a/b", protocol="") == "a/b"
