"""Keys (step keys, or pipeline names when a run is watched as a whole) that are not plain file
names: their capture must still complete, be read back, and never fail the step."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRun

OUT = ComputeIOType.STDOUT

# str.splitlines() splits at each of these, so an index read line by line never found their marks
LINE_BREAKING_KEYS = ["a\rb", "a\x0bb", "a\x0cb", "a\x1cb", "a\x85b", "a\u2028b", "a\u2029b"]


@pytest.mark.parametrize("key", LINE_BREAKING_KEYS + ["nul\x00key", "tab\tkey"])
def test_a_key_that_is_not_printable_completes_and_is_stored_under_its_digest(tmp_path, key):
    manager = LocalComputeLogManager(str(tmp_path))
    run = PipelineRun(pipeline_name=key, run_id="run-1")

    with manager.watch(run):
        print("captured")
        assert not manager.is_watch_completed("run-1", key)

    assert manager.is_watch_completed("run-1", key)
    assert manager.read_logs_file("run-1", key, OUT).data == "captured\n"
    digest = hashlib.md5(key.encode("utf-8")).hexdigest()
    assert sorted(os.listdir(tmp_path / "run-1" / "compute_logs")) == sorted(
        [f"{digest}.err", f"{digest}.out", "completed_keys.log"]
    )
    assert (tmp_path / "run-1" / "compute_logs" / "completed_keys.log").read_bytes() == (
        f"-{digest}\n+{digest}\n".encode()
    )


def test_a_subscription_to_a_key_with_a_line_separator_completes(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    run = PipelineRun(pipeline_name="etl\u2028nightly", run_id="run-1")
    chunks: list[str] = []
    completed = threading.Event()
    try:
        with manager.watch(run):
            print("first")
            subscription = manager.observable("run-1", "etl\u2028nightly", OUT)
            subscription.subscribe(lambda chunk: chunks.append(chunk.data), on_completed=completed.set)
            print("second")
        assert completed.wait(5)
        assert "".join(chunks) == "first\nsecond\n"
    finally:
        manager.dispose()


def test_printable_keys_keep_their_names(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    for key in ["solid with space.compute", "café.compute"]:
        with manager.watch(PipelineRun(pipeline_name="p", run_id="run-1"), key):
            print(key)
        assert manager.is_watch_completed("run-1", key)
    assert sorted(os.listdir(tmp_path / "run-1" / "compute_logs")) == [
        "café.compute.err",
        "café.compute.out",
        "completed_keys.log",
        "solid with space.compute.err",
        "solid with space.compute.out",
    ]


def test_the_mark_of_a_key_is_not_taken_for_one_that_ends_the_same(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    run = PipelineRun(pipeline_name="p", run_id="run-1")
    with manager.watch(run, "b.compute"):
        pass
    with manager.watch(run, "ab.compute"):
        assert manager.is_watch_completed("run-1", "b.compute")
        assert not manager.is_watch_completed("run-1", "ab.compute")
    assert manager.is_watch_completed("run-1", "ab.compute")
    assert not manager.is_watch_completed("run-1", "never.compute")


def test_a_key_over_255_bytes_but_not_characters_uses_its_digest(tmp_path):
    key = "é" * 200  # 400 bytes in UTF-8: too long for a file name on Linux filesystems
    manager = LocalComputeLogManager(str(tmp_path))

    with manager.watch(PipelineRun(pipeline_name=key, run_id="run-1")):
        print("captured")

    assert manager.read_logs_file("run-1", key, OUT).data == "captured\n"
    assert manager.is_watch_completed("run-1", key)
    digest = hashlib.md5(key.encode("utf-8")).hexdigest()
    assert manager.get_local_path("run-1", key, OUT) == str(
        tmp_path / "run-1" / "compute_logs" / f"{digest}.out"
    )


def test_an_ascii_key_keeps_its_name_up_to_the_limit(tmp_path):
    key = "k" * (255 - len(".complete"))
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(PipelineRun(pipeline_name="p", run_id="run-1"), key):
        print("captured")
    assert manager.get_local_path("run-1", key, OUT) == str(
        tmp_path / "run-1" / "compute_logs" / f"{key}.out"
    )
    assert manager.read_logs_file("run-1", key, OUT).data == "captured\n"
