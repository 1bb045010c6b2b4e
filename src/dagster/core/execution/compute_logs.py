"""Helpers for capturing what steps print: whether fd-level redirection can work here, and a tee of
a stream's file descriptor into a file."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

DISABLE_ENV_VAR = "DAGSTER_DISABLE_IO_STREAM_REDIRECT"


def should_disable_io_stream_redirect() -> bool:
    """True when stdout/stderr cannot be redirected at the file-descriptor level.

    That is the case on Windows, when ``DAGSTER_DISABLE_IO_STREAM_REDIRECT`` is set, and when the
    current ``sys.stdout``/``sys.stderr`` have no real file descriptor (e.g. replaced by a StringIO).
    """
    if os.name == "nt" or os.environ.get(DISABLE_ENV_VAR):
        return True
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.fileno()
        except (AttributeError, OSError, ValueError):
            return True
    return False


@contextmanager
def mirror_stream_to_file(stream: IO, filepath: str) -> Iterator[None]:
    """While active, everything written to ``stream``'s file descriptor (by Python, C extensions or
    child processes) still reaches it and is also appended to ``filepath``."""
    stream.flush()
    fd = stream.fileno()
    saved_fd = os.dup(fd)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, fd)
    os.close(write_fd)

    def pump() -> None:
        with open(filepath, "ab") as target:
            while True:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                os.write(saved_fd, chunk)
                target.write(chunk)
                target.flush()

    thread = threading.Thread(target=pump, name="dagster-mirror-stream", daemon=True)
    thread.start()
    try:
        yield
    finally:
        try:
            stream.flush()
        finally:
            os.dup2(saved_fd, fd)
            # Our last write end is gone: the pump sees EOF once any child that inherited it exits.
            thread.join(timeout=5)
            os.close(read_fd)
            os.close(saved_fd)
