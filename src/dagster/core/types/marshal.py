"""How values of a Dagster type are written to and read from files (intermediates, object stores).

A :class:`SerializationStrategy` names the file modes it needs; the default is pickle, which is
written from one buffer with plain system calls (values and files of 1 MiB or more are streamed
instead, so that a large value is never held in memory twice). Every write goes to a temp file next to the target
(``.tmp-<pid>-<n>-<name>``, created with O_EXCL) that is then renamed over it.
"""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import IO, Any

from dagster import check


class SerializationStrategy(ABC):
    """Writes a value to an open file and reads it back.

    Implement ``serialize`` and ``deserialize``; ``write_mode``/``read_mode`` say how the caller
    opens the file (``'wb'``/``'rb'`` for bytes, ``'w'``/``'r'`` with ``encoding`` for text)::

        class JsonSerializationStrategy(SerializationStrategy):
            def __init__(self):
                super().__init__("json", write_mode="w", read_mode="r", encoding="utf-8")

            def serialize(self, value, write_file_obj):
                json.dump(value, write_file_obj)

            def deserialize(self, read_file_obj):
                return json.load(read_file_obj)
    """

    def __init__(self, name: str, write_mode: str = "wb", read_mode: str = "rb", encoding: str | None = None):
        self._name = check.str_param(name, "name")
        self._write_mode = check.str_param(write_mode, "write_mode")
        self._read_mode = check.str_param(read_mode, "read_mode")
        self._encoding = check.opt_str_param(encoding, "encoding")

    @property
    def name(self) -> str:
        return self._name

    @property
    def write_mode(self) -> str:
        return self._write_mode

    @property
    def read_mode(self) -> str:
        return self._read_mode

    @property
    def encoding(self) -> str | None:
        return self._encoding

    @abstractmethod
    def serialize(self, value: Any, write_file_obj: IO) -> None:
        """Write ``value`` to the file object (opened with ``write_mode``)."""

    @abstractmethod
    def deserialize(self, read_file_obj: IO) -> Any:
        """Read a value back from the file object (opened with ``read_mode``)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r})"


class PickleSerializationStrategy(SerializationStrategy):
    """Pickles values with the highest protocol this Python supports."""

    def __init__(self, name: str = "pickle"):
        super().__init__(name, write_mode="wb", read_mode="rb")

    def serialize(self, value: Any, write_file_obj: IO) -> None:
        pickle.dump(value, write_file_obj, protocol=pickle.HIGHEST_PROTOCOL)

    def deserialize(self, read_file_obj: IO) -> Any:
        return pickle.load(read_file_obj)


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_TEMP_NUMBERS = itertools.count()
STREAM_THRESHOLD = 1 << 20  # bytes: pickles of values this large are streamed to and from their file
_SIZED_ITEMS = 16  # tuples, lists and dicts up to this long count their items' sizes too
_pid = os.getpid()  # in temp names; refreshed in forked children


def _refresh_pid() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)


def _open_temp_beside(path: str) -> tuple[int, str]:
    """Create a new, empty temp file in ``path``'s directory (open for writing, mode 0600).

    The name holds the process id and a per-process counter, so live writers never pick the same
    one; O_EXCL makes a leftover of a dead process with a recycled pid a collision to step over.
    """
    if os.altsep is None:
        head, sep, name = path.rpartition(os.sep)  # much cheaper than os.path.split
        head += sep
    else:
        head, name = os.path.split(path)
        head = os.path.join(head, "")
    while True:
        tmp_path = f"{head}.tmp-{_pid}-{next(_TEMP_NUMBERS)}-{name}"
        try:
            return os.open(tmp_path, _TEMP_FLAGS, 0o600), tmp_path
        except FileExistsError:
            continue


def _discard(tmp_path: str) -> None:
    try:
        os.unlink(tmp_path)
    except FileNotFoundError:
        pass


def write_atomically(path: str, mode: str, write: Callable[[IO], None], encoding: str | None = None) -> None:
    """Call ``write(file_obj)`` on a temp file next to ``path``, then move it over ``path``: readers
    see the old file or the whole new one, never a partial write."""
    fd, tmp_path = _open_temp_beside(path)
    try:
        try:
            file_obj = open(fd, mode, encoding=None if "b" in mode else (encoding or "utf-8"))
        except BaseException:
            os.close(fd)
            raise
        with file_obj:
            write(file_obj)
        os.replace(tmp_path, path)
    except BaseException:
        _discard(tmp_path)
        raise


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` as :func:`write_atomically` does, with plain system calls."""
    fd, tmp_path = _open_temp_beside(path)
    try:
        try:
            written = os.write(fd, data)
            if written < len(data):  # a short write (the kernel caps one write at ~2 GiB)
                view = memoryview(data)
                while written < len(view):
                    written += os.write(fd, view[written:])
        finally:
            os.close(fd)
        os.replace(tmp_path, path)
    except BaseException:
        _discard(tmp_path)
        raise


def copy_file_atomically(src: str, dst: str) -> None:
    """Copy the content of the file ``src`` to ``dst`` as :func:`write_atomically` writes."""
    with open(src, "rb") as source:
        write_atomically(dst, "wb", lambda target: shutil.copyfileobj(source, target, 1 << 20))


def _approximate_size(value: Any) -> int:
    """The memory ``value`` holds, looking one level into small tuples, lists and dicts (a frame's
    ``__sizeof__`` counts its data; a container's counts only its slots)."""
    try:
        size = sys.getsizeof(value, 0)
        kind = type(value)
        if (kind is tuple or kind is list) and len(value) <= _SIZED_ITEMS:
            size += sum(sys.getsizeof(item, 0) for item in value)
        elif kind is dict and len(value) <= _SIZED_ITEMS:
            size += sum(sys.getsizeof(item, 0) for item in value.values())
        return size
    except Exception:  # a broken __sizeof__ or __len__: pickle will say what is wrong
        return 0


def _dump(value: Any, file_obj: IO) -> None:
    pickle.dump(value, file_obj, protocol=pickle.HIGHEST_PROTOCOL)


def _load_pickle(path: str) -> Any:
    """Unpickle the file at ``path``: a small one read whole with plain system calls, a large one
    streamed (reading it whole first would hold it in memory twice)."""
    fd = os.open(path, _READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        if size < STREAM_THRESHOLD:
            return pickle.loads(_read_all(fd, size))
        with open(fd, "rb", closefd=False) as file_obj:
            return pickle.load(file_obj)
    finally:
        os.close(fd)


def read_bytes(path: str) -> bytes:
    """The whole content of the file at ``path``."""
    fd = os.open(path, _READ_FLAGS)
    try:
        return _read_all(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """The rest of the open file ``fd``, whose size is thought to be ``size``."""
    first = os.read(fd, size)
    if size and len(first) == size:
        return first
    # A short read, or a size of 0 that may be wrong (files of /proc): read to the end.
    parts = [first]
    while chunk := os.read(fd, max(size, 1 << 16)):
        parts.append(chunk)
    return b"".join(parts)


def serialize_to_file(serialization_strategy: SerializationStrategy, value: Any, write_path: str) -> None:
    """Write ``value`` to ``write_path`` atomically with the strategy's write mode."""
    if type(serialization_strategy) is PickleSerializationStrategy:
        if _approximate_size(value) < STREAM_THRESHOLD:
            # The default strategy in one buffer and one write: much cheaper than a file object.
            write_bytes_atomically(write_path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        else:  # a large value is pickled straight to the file, not to a copy of it in memory first
            write_atomically(write_path, "wb", lambda file_obj: _dump(value, file_obj))
        return
    check.inst_param(serialization_strategy, "serialization_strategy", SerializationStrategy)
    check.str_param(write_path, "write_path")
    write_atomically(
        write_path,
        serialization_strategy.write_mode,
        lambda file_obj: serialization_strategy.serialize(value, file_obj),
        serialization_strategy.encoding,
    )


def deserialize_from_file(serialization_strategy: SerializationStrategy, read_path: str) -> Any:
    """Read the value stored at ``read_path`` with the strategy's read mode."""
    if type(serialization_strategy) is PickleSerializationStrategy:
        return _load_pickle(read_path)
    check.inst_param(serialization_strategy, "serialization_strategy", SerializationStrategy)
    check.str_param(read_path, "read_path")
    mode = serialization_strategy.read_mode
    encoding = None if "b" in mode else (serialization_strategy.encoding or "utf-8")
    with open(read_path, mode, encoding=encoding) as read_obj:
        return serialization_strategy.deserialize(read_obj)
