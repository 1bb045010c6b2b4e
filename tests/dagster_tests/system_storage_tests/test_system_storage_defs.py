"""The built-in system storages and the file manager, against a real instance on disk."""

from __future__ import annotations

import io
import os

import pytest

from dagster import check
from dagster.core.events import StepOutputHandle
from dagster.core.instance import DagsterInstance
from dagster.core.storage.file_manager import (
    FileHandle,
    LocalFileHandle,
    LocalFileManager,
    local_file_manager,
)
from dagster.core.storage.init import InitSystemStorageContext
from dagster.core.storage.intermediates_manager import (
    InMemoryIntermediatesManager,
    IntermediateStoreIntermediatesManager,
)
from dagster.core.storage.pipeline_run import PipelineRun
from dagster.core.storage.system_storage import (
    default_system_storage_defs,
    fs_system_storage,
    mem_system_storage,
)
from dagster.core.storage.type_storage import TypeStoragePluginRegistry
from dagster.core.types.dagster_type import resolve_dagster_type

RUN_ID = "0f1e2d3c-run"


def _init_context(instance, storage_def, config=None):
    return InitSystemStorageContext(
        pipeline_def=None,
        mode_def=None,
        system_storage_def=storage_def,
        pipeline_run=PipelineRun(pipeline_name="p", run_id=RUN_ID),
        instance=instance,
        environment_config=None,
        type_storage_plugin_registry=TypeStoragePluginRegistry(),
        resources=None,
        system_storage_config=config,
    )


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.ephemeral(str(tmp_path / "home"))


def test_definitions():
    assert [d.name for d in default_system_storage_defs] == ["in_memory", "filesystem"]
    assert not mem_system_storage.is_persistent and fs_system_storage.is_persistent
    assert fs_system_storage.config_field is not None
    assert mem_system_storage.required_resource_keys == frozenset()


def test_filesystem_storage_writes_under_the_instance(instance, tmp_path):
    data = fs_system_storage.system_storage_creation_fn(_init_context(instance, fs_system_storage, {}))
    manager = data.intermediates_manager
    assert isinstance(manager, IntermediateStoreIntermediatesManager)
    operation = manager.set_intermediate(None, resolve_dagster_type(int), StepOutputHandle("s.compute"), 5)
    assert operation.key == os.path.join(
        str(tmp_path / "home"), "storage", RUN_ID, "intermediates", "s.compute", "result"
    )
    handle = data.file_manager.write_data(b"abc", ext="txt")
    assert os.path.dirname(handle.path) == os.path.join(str(tmp_path / "home"), "storage", RUN_ID, "files")


def test_filesystem_storage_base_dir_overrides_the_root(instance, tmp_path):
    base = tmp_path / "elsewhere"
    context = _init_context(instance, fs_system_storage, {"base_dir": str(base)})
    data = fs_system_storage.system_storage_creation_fn(context)
    operation = data.intermediates_manager.set_intermediate(
        None, resolve_dagster_type(str), StepOutputHandle("s.compute", "out"), "v"
    )
    assert operation.key == str(base / "storage" / RUN_ID / "intermediates" / "s.compute" / "out")
    assert data.file_manager.base_dir == str(base / "storage" / RUN_ID / "files")


def test_memory_storage(instance):
    data = mem_system_storage.system_storage_creation_fn(_init_context(instance, mem_system_storage))
    assert isinstance(data.intermediates_manager, InMemoryIntermediatesManager)
    assert isinstance(data.file_manager, LocalFileManager)


def test_local_file_manager_round_trip(tmp_path):
    manager = LocalFileManager(str(tmp_path / "files"))
    handle = manager.write_data(b"hello", ext="bin")
    assert isinstance(handle, FileHandle) and handle.path.endswith(".bin")
    assert handle.path_desc == handle.path
    assert manager.read_data(handle) == b"hello"
    with manager.read(handle, mode="r") as text:
        assert text.read() == "hello"

    text_handle = manager.write(io.StringIO("text body"), mode="w")
    assert manager.read_data(text_handle) == b"text body"
    assert text_handle != handle and LocalFileHandle(handle.path) == handle

    local = manager.copy_handle_to_local_temp(handle)
    assert open(local, "rb").read() == b"hello"
    manager.delete_local_temp()
    assert not os.path.exists(local)


def test_local_file_manager_rejects_bad_arguments(tmp_path):
    manager = LocalFileManager(str(tmp_path))
    with pytest.raises(check.CheckError, match="mode"):
        manager.write(io.BytesIO(b""), mode="a")

    class OtherHandle(FileHandle):
        @property
        def path_desc(self):
            return "s3://bucket/key"

    with pytest.raises(check.CheckError, match="can only read LocalFileHandle"):
        manager.read_data(OtherHandle())


def test_file_manager_for_instance(instance):
    manager = LocalFileManager.for_instance(instance, RUN_ID)
    assert manager.base_dir == instance.file_manager_directory(RUN_ID)


def test_local_file_manager_context_manager_cleans_temp_copies(instance, tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"foo")
    with local_file_manager(instance, "0") as manager:
        assert manager.base_dir == instance.file_manager_directory("0")
        local_temp = manager.copy_handle_to_local_temp(LocalFileHandle(str(source)))
        assert local_temp != str(source)
        with open(local_temp, "rb") as copied:
            assert copied.read() == b"foo"
    assert not os.path.exists(local_temp)


def test_solids_write_and_read_through_the_file_manager():
    from dagster import solid
    from dagster.utils.test import execute_solid

    seen = {}

    @solid
    def write_file(context):
        handle = context.file_manager.write_data(b"foo")
        assert isinstance(handle, LocalFileHandle)
        with context.file_manager.read(handle) as file_obj:
            seen["data"] = file_obj.read()

    assert execute_solid(write_file).success
    assert seen["data"] == b"foo"
