"""Large intermediates are pickled straight to and from their files: storing or loading a value
never holds a second full copy of it in memory (measured as the peak RSS of a fresh process)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

from dagster.core.types import marshal

MIB = 1 << 20

_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    from dagster.core.types import marshal
    path, action = sys.argv[1], sys.argv[2]
    strategy = marshal.PickleSerializationStrategy()
    value = b"v" * (64 << 20) if action == "write" else None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if action == "write":
        marshal.serialize_to_file(strategy, value, path)
    else:
        value = marshal.deserialize_from_file(strategy, path)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    assert len(value) == 64 << 20 and value.count(b"v") == 64 << 20
    """
)


def _peak_extra_mib(path: str, action: str) -> int:
    completed = subprocess.run(
        [sys.executable, "-c", _SCRIPT, path, action], capture_output=True, text=True, check=True
    )
    return int(completed.stdout)


def test_a_64_mib_value_is_written_and_read_without_a_second_copy(tmp_path):
    path = str(tmp_path / "result")

    assert _peak_extra_mib(path, "write") < 24  # the pickle is not built in memory first (was 64)
    assert os.path.getsize(path) > 64 * MIB
    assert os.listdir(tmp_path) == ["result"]  # written atomically: no temp file left
    assert _peak_extra_mib(path, "read") < 64 + 24  # the value itself, not the file as well (was 128)


def test_streamed_and_buffered_pickles_are_the_same_bytes(tmp_path):
    strategy = marshal.PickleSerializationStrategy()
    for value in [
        b"s" * (2 * MIB),  # streamed: its own size is over the threshold
        {"frame": b"d" * (2 * MIB), "name": "x"},  # streamed: a small dict holding a large value
        [b"a" * 100] * 3,  # buffered
    ]:
        path = str(tmp_path / "value")
        marshal.serialize_to_file(strategy, value, path)
        with open(path, "rb") as stored:
            assert stored.read() == pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        assert marshal.deserialize_from_file(strategy, path) == value


class _BrokenSize:
    def __sizeof__(self):
        raise RuntimeError("no size")


def test_a_value_whose_size_cannot_be_taken_is_still_stored(tmp_path):
    path = str(tmp_path / "value")
    marshal.serialize_to_file(marshal.PickleSerializationStrategy(), [_BrokenSize()], path)
    loaded = marshal.deserialize_from_file(marshal.PickleSerializationStrategy(), path)
    assert type(loaded[0]) is _BrokenSize
