"""Temporary files as file handles, for tests that feed file-consuming solids."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import check


@contextmanager
def get_temp_file_name() -> Iterator[str]:
    """The path of a new empty temp file, removed afterwards."""
    handle, path = tempfile.mkstemp()
    os.close(handle)
    try:
        yield path
    finally:
        if os.path.exists(path):
            os.unlink(path)


@contextmanager
def get_temp_file_handle() -> Iterator:
    """A ``LocalFileHandle`` to a new empty temp file, removed afterwards."""
    from dagster.core.storage.file_manager import LocalFileHandle

    with get_temp_file_name() as path:
        yield LocalFileHandle(path)


@contextmanager
def get_temp_file_handle_with_data(data: bytes) -> Iterator:
    """A ``LocalFileHandle`` to a temp file holding ``data`` (bytes), removed afterwards."""
    check.inst_param(data, "data", bytes)
    with get_temp_file_handle() as handle:
        with open(handle.path, "wb") as file_obj:
            file_obj.write(data)
        yield handle
