"""Small helpers shared by every layer."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def file_relative_path(dunderfile: str, relative_path: str) -> str:
    """``os.path.join(os.path.dirname(dunderfile), relative_path)``: a path next to a source file."""
    return os.path.join(os.path.dirname(dunderfile), relative_path)


def merge_dicts(*dicts: Mapping) -> dict:
    """Shallow merge; later dicts win."""
    merged: dict = {}
    for item in dicts:
        merged.update(item)
    return merged


def deep_merge_dicts(onto_dict: Mapping, from_dict: Mapping) -> dict:
    """Recursively merge ``from_dict`` into a copy of ``onto_dict``; ``from_dict`` wins on conflicts.

    Dagster 0.7 flipped precedence at every nesting level (a recursion quirk); we do not: the later
    value always wins, at every depth (see docs/architecture.md).
    """
    result = dict(onto_dict)
    for key, value in from_dict.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = deep_merge_dicts(result[key], value)
        else:
            result[key] = value
    return result


def make_new_run_id() -> str:
    return str(uuid.uuid4())


def ensure_dir(path: str) -> str:
    """Create ``path`` and its parents if missing (``mkdir -p``); return it."""
    os.makedirs(path, exist_ok=True)
    return path


mkdir_p = ensure_dir  # the name 0.7 code imports


def ensure_file(path: str) -> str:
    ensure_dir(os.path.dirname(path))
    if not os.path.exists(path):
        with open(path, "a", encoding="utf8"):
            pass
    return path


@contextlib.contextmanager
def safe_tempfile_path() -> Iterator[str]:
    """Yield the path of a temporary file that does not exist yet; remove it afterwards."""
    handle, path = tempfile.mkstemp()
    os.close(handle)
    os.unlink(path)
    try:
        yield path
    finally:
        if os.path.exists(path):
            os.unlink(path)


def get_multiprocessing_context(preload: Sequence[str] = ()) -> Any:
    """The context worker processes are started from: a fork server where the platform has one,
    otherwise ``spawn``. Children never inherit this process's threads or memory.

    The fork server is one process, started on first use from a fresh interpreter, that imports the
    ``preload`` modules once; every child is then forked from it instead of importing them again.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    return context
