"""How values of a Dagster type are written to and read from files (intermediates, object stores).

A :class:`SerializationStrategy` names the file modes it needs; the default is pickle.
"""

from __future__ import annotations

import os
import pickle
import tempfile
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


def write_atomically(path: str, mode: str, write: Callable[[IO], None], encoding: str | None = None) -> None:
    """Call ``write(file_obj)`` on a temp file next to ``path``, then move it over ``path``: readers
    see the old file or the whole new one, never a partial write."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix="-" + os.path.basename(path))
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else (encoding or "utf-8")) as file_obj:
            write(file_obj)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


def serialize_to_file(serialization_strategy: SerializationStrategy, value: Any, write_path: str) -> None:
    """Write ``value`` to ``write_path`` atomically with the strategy's write mode."""
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
    check.inst_param(serialization_strategy, "serialization_strategy", SerializationStrategy)
    check.str_param(read_path, "read_path")
    mode = serialization_strategy.read_mode
    encoding = None if "b" in mode else (serialization_strategy.encoding or "utf-8")
    with open(read_path, mode, encoding=encoding) as read_obj:
        return serialization_strategy.deserialize(read_obj)
