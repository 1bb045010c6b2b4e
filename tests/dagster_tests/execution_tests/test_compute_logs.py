"""compute_logs helpers: mirroring a stream's file descriptor into a file."""

from __future__ import annotations

import os
import subprocess
import sys

from dagster.core.execution.compute_logs import mirror_stream_to_file, should_disable_io_stream_redirect


def test_mirror_copies_python_fd_and_child_process_output(tmp_path):
    target_path = tmp_path / "stream.txt"
    mirror_path = tmp_path / "mirror.txt"
    with open(target_path, "w") as stream:
        stream.write("before\n")
        with mirror_stream_to_file(stream, str(mirror_path)):
            stream.write("python write\n")
            stream.flush()
            os.write(stream.fileno(), b"raw fd write\n")
            subprocess.run(
                [sys.executable, "-c", "print('from a child')"], stdout=stream.fileno(), check=True
            )
        stream.write("after\n")
    assert target_path.read_text() == "before\npython write\nraw fd write\nfrom a child\nafter\n"
    assert mirror_path.read_text() == "python write\nraw fd write\nfrom a child\n"


def test_redirect_is_disabled_by_the_environment_variable(monkeypatch):
    monkeypatch.setenv("DAGSTER_DISABLE_IO_STREAM_REDIRECT", "1")
    assert should_disable_io_stream_redirect()
    monkeypatch.delenv("DAGSTER_DISABLE_IO_STREAM_REDIRECT")
    monkeypatch.setattr(sys, "stdout", object())
    assert should_disable_io_stream_redirect()
