"""Filesystem intermediates under stress: directories removed between steps, stale temp files,
several processes writing the same value file, and a read that fails for another reason than a
missing value."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import threading
import time

import pytest

from dagster.core.errors import DagsterStepOutputNotFoundError
from dagster.core.events import StepOutputHandle
from dagster.core.storage.intermediate_store import build_fs_intermediate_store
from dagster.core.storage.intermediates_manager import (
    DagsterIntermediateStorageError,
    IntermediateStoreIntermediatesManager,
)
from dagster.core.storage.object_store import FilesystemObjectStore
from dagster.core.types import marshal
from dagster.core.types.dagster_type import resolve_dagster_type

RUN = "run-1"
ANY = resolve_dagster_type(None)


def _manager(tmp_path):
    store = build_fs_intermediate_store(lambda run_id: str(tmp_path / "storage" / run_id), RUN)
    return IntermediateStoreIntermediatesManager(store)


def _files_under(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(directory, name), root)
        for directory, _, names in os.walk(root)
        for name in names
    )


def test_a_step_directory_removed_between_steps_is_made_again(tmp_path):
    manager = _manager(tmp_path)
    first, second = StepOutputHandle("a.compute"), StepOutputHandle("b.compute", "out")
    manager.set_intermediate(None, ANY, first, "one")
    step_dir = tmp_path / "storage" / RUN / "intermediates" / "a.compute"
    shutil.rmtree(step_dir)

    manager.set_intermediate(None, ANY, first, "one again")
    assert manager.get_intermediate(None, ANY, first).obj == "one again"

    # Even the whole run directory may go: the next write makes every missing level.
    shutil.rmtree(tmp_path / "storage" / RUN)
    manager.set_intermediate(None, ANY, second, [2])
    manager.set_intermediate(None, ANY, first, "one, third time")
    assert _files_under(tmp_path / "storage") == [
        os.path.join(RUN, "intermediates", "a.compute", "result"),
        os.path.join(RUN, "intermediates", "b.compute", "out"),
    ]
    assert manager.get_intermediate(None, ANY, second).obj == [2]


def test_a_value_removed_between_steps_is_reported_as_missing(tmp_path):
    manager = _manager(tmp_path)
    handle = StepOutputHandle("a.compute")
    manager.set_intermediate(None, ANY, handle, 1)
    os.unlink(tmp_path / "storage" / RUN / "intermediates" / "a.compute" / "result")
    assert not manager.has_intermediate(None, handle)
    with pytest.raises(DagsterStepOutputNotFoundError, match='output "result" of step "a.compute"'):
        manager.get_intermediate(None, ANY, handle)


def test_a_stored_value_that_cannot_be_read_is_not_reported_as_missing(tmp_path):
    manager = _manager(tmp_path)
    handle = StepOutputHandle("a.compute")
    manager.set_intermediate(None, ANY, handle, 1)
    path = tmp_path / "storage" / RUN / "intermediates" / "a.compute" / "result"
    path.write_bytes(b"not a pickle")
    with pytest.raises(
        DagsterIntermediateStorageError, match='Could not read output "result" of step "a.compute"'
    ) as info:
        manager.get_intermediate(None, ANY, handle)
    assert isinstance(info.value.__cause__, pickle.UnpicklingError)


def test_a_file_where_the_directory_should_be_fails_clearly(tmp_path):
    store = FilesystemObjectStore()
    (tmp_path / "taken").write_text("a file, not a directory")
    with pytest.raises(NotADirectoryError, match="taken"):
        store.set_object(str(tmp_path / "taken" / "result"), 1)


def test_a_stale_temp_file_with_the_next_name_is_stepped_over(tmp_path, monkeypatch):
    monkeypatch.setattr(marshal, "_TEMP_NUMBERS", iter(range(10)))
    stale = tmp_path / f".tmp-{os.getpid()}-0-value"
    stale.write_bytes(b"left by a crashed process that had our pid")
    marshal.serialize_to_file(marshal.PickleSerializationStrategy(), {"v": 1}, str(tmp_path / "value"))
    assert marshal.deserialize_from_file(marshal.PickleSerializationStrategy(), str(tmp_path / "value")) == {
        "v": 1
    }
    assert stale.read_bytes() == b"left by a crashed process that had our pid"
    assert sorted(os.listdir(tmp_path)) == [stale.name, "value"]


def test_an_unpicklable_value_leaves_the_previous_one_in_place(tmp_path):
    manager = _manager(tmp_path)
    handle = StepOutputHandle("a.compute")
    manager.set_intermediate(None, ANY, handle, "previous")
    with pytest.raises(
        DagsterIntermediateStorageError, match='Could not store output "result" of step "a.compute"'
    ) as info:
        manager.set_intermediate(None, ANY, handle, lambda: "cannot be pickled")
    assert isinstance(info.value.__cause__, (pickle.PicklingError, AttributeError, TypeError))
    assert manager.get_intermediate(None, ANY, handle).obj == "previous"
    assert _files_under(tmp_path / "storage") == [os.path.join(RUN, "intermediates", "a.compute", "result")]


def test_short_writes_and_reads_are_completed(tmp_path, monkeypatch):
    """The kernel may write or read fewer bytes than asked (at most ~2 GiB per call): loop on."""
    real_write, real_read = os.write, os.read
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:1000])))
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, min(size, 999)))
    value = bytes(range(256)) * 40
    path = str(tmp_path / "value")
    marshal.serialize_to_file(marshal.PickleSerializationStrategy(), value, path)
    assert marshal.deserialize_from_file(marshal.PickleSerializationStrategy(), path) == value
    assert os.listdir(tmp_path) == ["value"]


def _write_many(key: str, fill: int, times: int) -> None:
    store = FilesystemObjectStore()
    for _ in range(times):
        store.set_object(key, bytes([fill]) * 200_000)


def test_processes_writing_the_same_value_never_leave_a_partial_file(tmp_path):
    """Two processes replace the same file again and again while this one reads it: every read
    sees one writer's whole value, and no temp file is left behind."""
    key = str(tmp_path / "storage" / RUN / "intermediates" / "a.compute" / "result")
    FilesystemObjectStore().set_object(key, b"\x00" * 200_000)
    # Spawned, not forked: a fork of this test process (other tests' threads hold locks) can hang.
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(key, fill, 150)) for fill in (1, 2)]
    for writer in writers:
        writer.start()
    seen = set()
    reader = FilesystemObjectStore()
    deadline = time.monotonic() + 120
    while any(writer.is_alive() for writer in writers):
        assert time.monotonic() < deadline, "the writer processes did not finish"
        value = reader.get_object(key).obj
        assert len(value) == 200_000 and value == value[:1] * 200_000
        seen.add(value[0])
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert reader.get_object(key).obj[0] in (1, 2)
    assert seen <= {0, 1, 2}
    assert os.listdir(os.path.dirname(key)) == ["result"]


def test_a_copy_from_a_previous_run_is_atomic_too(tmp_path):
    """A thread copies a previous run's value again and again while this one reads the copy."""
    old_run = build_fs_intermediate_store(lambda run_id: str(tmp_path / "storage" / run_id), "old-run")
    value = b"x" * 3_000_000
    old_run.set_value(value, None, ANY, old_run.paths_for_intermediate("a.compute"))
    manager = _manager(tmp_path)
    handle = StepOutputHandle("a.compute")
    manager.copy_intermediate_from_run(None, "old-run", handle)
    copier = threading.Thread(
        target=lambda: [manager.copy_intermediate_from_run(None, "old-run", handle) for _ in range(30)]
    )
    copier.start()
    reads = 0
    while copier.is_alive() or not reads:
        assert manager.get_intermediate(None, ANY, handle).obj == value
        reads += 1
    copier.join()
    assert os.listdir(tmp_path / "storage" / RUN / "intermediates" / "a.compute") == ["result"]
