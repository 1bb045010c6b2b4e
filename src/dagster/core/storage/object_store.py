"""Object stores: where intermediate values are written, keyed by a path-like key.

Every operation returns an :class:`ObjectStoreOperation` saying what was done; the step executor
turns it into an ``OBJECT_STORE_OPERATION`` event (``ObjectStoreOperation.serializable`` drops the
value itself first).
"""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from typing import Any, NamedTuple

from dagster import check
from dagster.core.events.data import ObjectStoreOperationType
from dagster.core.types.marshal import (
    PickleSerializationStrategy,
    SerializationStrategy,
    copy_file_atomically,
    deserialize_from_file,
    serialize_to_file,
)

DEFAULT_SERIALIZATION_STRATEGY = PickleSerializationStrategy()


class ObjectStoreOperation(
    NamedTuple(
        "_ObjectStoreOperation",
        [
            ("op", ObjectStoreOperationType),
            ("key", str),
            ("dest_key", Any),
            ("obj", Any),
            ("serialization_strategy_name", Any),
            ("object_store_name", Any),
            ("value_name", Any),
        ],
    )
):
    """What an object store did: ``op`` on ``key`` (to ``dest_key`` for copies), with the value ``obj``."""

    def __new__(
        cls,
        op: ObjectStoreOperationType,
        key: str,
        dest_key: str | None = None,
        obj: Any = None,
        serialization_strategy_name: str | None = None,
        object_store_name: str | None = None,
        value_name: str | None = None,
    ):
        return super().__new__(
            cls,
            check.inst_param(op, "op", ObjectStoreOperationType),
            check.str_param(key, "key"),
            check.opt_str_param(dest_key, "dest_key"),
            obj,
            check.opt_str_param(serialization_strategy_name, "serialization_strategy_name"),
            check.opt_str_param(object_store_name, "object_store_name"),
            check.opt_str_param(value_name, "value_name"),
        )

    @classmethod
    def serializable(cls, inst: ObjectStoreOperation, **kwargs: Any) -> ObjectStoreOperation:
        """A copy without the value (safe to put in an event), with fields overridden by ``kwargs``."""
        return inst._replace(obj=None, **kwargs)


def _operation(
    op: ObjectStoreOperationType, key: str, obj: Any, strategy_name: str, store_name: str
) -> ObjectStoreOperation:
    """An operation from fields known to be valid (skips the checks of ``ObjectStoreOperation()``)."""
    return ObjectStoreOperation._make((op, key, None, obj, strategy_name, store_name, None))


def _make_directory(directory: str) -> None:
    """Make ``directory`` (and missing parents); one system call when only the last part is new."""
    try:
        os.mkdir(directory)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(directory, exist_ok=True)


class ObjectStore(ABC):
    """A key/value store for serialized objects (a directory tree, a bucket, ...)."""

    def __init__(self, name: str, sep: str = "/"):
        self.name = check.str_param(name, "name")
        self.sep = check.str_param(sep, "sep")

    @abstractmethod
    def set_object(
        self, key: str, obj: Any, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        """Write ``obj`` at ``key`` (replacing what was there)."""

    @abstractmethod
    def get_object(
        self, key: str, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        """Read the object at ``key``; the operation's ``obj`` is the value."""

    @abstractmethod
    def has_object(self, key: str) -> bool:
        """Whether something is stored at ``key``."""

    @abstractmethod
    def rm_object(self, key: str) -> ObjectStoreOperation:
        """Remove what is stored at ``key`` (nothing happens if nothing is)."""

    @abstractmethod
    def cp_object(self, src: str, dst: str) -> ObjectStoreOperation:
        """Copy what is stored at ``src`` to ``dst``."""

    @abstractmethod
    def uri_for_key(self, key: str, protocol: str | None = None) -> str:
        """A URI for ``key``: ``protocol`` (the store's own, ``file://``, ``s3://``, ... when None)
        followed by the key's location; ``protocol=""`` gives the bare location (a local path)."""

    def key_for_paths(self, path_comps: list[str]) -> str:
        return self.sep.join(path_comps)


class FilesystemObjectStore(ObjectStore):
    """Objects as files; keys are filesystem paths. Writes are atomic (temp file, then rename)."""

    def __init__(self):
        super().__init__("filesystem", sep=os.sep)
        # Directories this store made or found; a write elsewhere makes its directory first.
        self._known_directories: set[str] = set()

    def key_for_paths(self, path_comps: list[str]) -> str:
        return os.path.join(*path_comps)

    def set_object(
        self, key: str, obj: Any, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        strategy = serialization_strategy or DEFAULT_SERIALIZATION_STRATEGY
        directory = key.rpartition(os.sep)[0] if os.altsep is None else os.path.dirname(key)
        if directory and directory not in self._known_directories:
            _make_directory(directory)
            self._known_directories.add(directory)
        try:
            serialize_to_file(strategy, obj, key)
        except FileNotFoundError:
            if not directory or os.path.isdir(directory):
                raise
            # The directory was removed since this store made it (a cleanup between steps).
            _make_directory(directory)
            serialize_to_file(strategy, obj, key)
        return _operation(ObjectStoreOperationType.SET_OBJECT, key, obj, strategy.name, self.name)

    def get_object(
        self, key: str, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        strategy = serialization_strategy or DEFAULT_SERIALIZATION_STRATEGY
        obj = deserialize_from_file(strategy, key)
        return _operation(ObjectStoreOperationType.GET_OBJECT, key, obj, strategy.name, self.name)

    def has_object(self, key: str) -> bool:
        return os.path.exists(key)

    def rm_object(self, key: str) -> ObjectStoreOperation:
        if os.path.isdir(key):
            shutil.rmtree(key)
        elif os.path.exists(key):
            os.unlink(key)
        return ObjectStoreOperation(ObjectStoreOperationType.RM_OBJECT, key, object_store_name=self.name)

    def cp_object(self, src: str, dst: str) -> ObjectStoreOperation:
        if not os.path.exists(src):
            raise FileNotFoundError(f"Cannot copy {src}: nothing is stored there.")
        directory = os.path.dirname(dst)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            copy_file_atomically(src, dst)
        return ObjectStoreOperation(
            ObjectStoreOperationType.CP_OBJECT, src, dest_key=dst, object_store_name=self.name
        )

    def uri_for_key(self, key: str, protocol: str | None = None) -> str:
        return ("file://" if protocol is None else protocol) + os.path.abspath(key)


class InMemoryObjectStore(ObjectStore):
    """Objects kept in a dict, unserialized (for tests and in-memory storages built on stores)."""

    def __init__(self):
        super().__init__("memory", sep="/")
        self.values: dict[str, Any] = {}

    def set_object(
        self, key: str, obj: Any, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        self.values[key] = obj
        return ObjectStoreOperation(
            ObjectStoreOperationType.SET_OBJECT, key, obj=obj, object_store_name=self.name
        )

    def get_object(
        self, key: str, serialization_strategy: SerializationStrategy | None = None
    ) -> ObjectStoreOperation:
        if key not in self.values:
            raise KeyError(f"Nothing is stored at {key}.")
        return ObjectStoreOperation(
            ObjectStoreOperationType.GET_OBJECT, key, obj=self.values[key], object_store_name=self.name
        )

    def has_object(self, key: str) -> bool:
        return key in self.values

    def rm_object(self, key: str) -> ObjectStoreOperation:
        self.values.pop(key, None)
        return ObjectStoreOperation(ObjectStoreOperationType.RM_OBJECT, key, object_store_name=self.name)

    def cp_object(self, src: str, dst: str) -> ObjectStoreOperation:
        if src not in self.values:
            raise KeyError(f"Cannot copy {src}: nothing is stored there.")
        self.values[dst] = self.values[src]
        return ObjectStoreOperation(
            ObjectStoreOperationType.CP_OBJECT, src, dest_key=dst, object_store_name=self.name
        )

    def uri_for_key(self, key: str, protocol: str | None = None) -> str:
        return ("memory://" if protocol is None else protocol) + key
