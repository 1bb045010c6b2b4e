"""File managers: files that solids write and read through ``context.file_manager``.

A :class:`FileHandle` names a file the manager wrote; :class:`LocalFileManager` keeps them under a
local directory (for a run, ``<instance>/storage/<run_id>/files``).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from dagster import check


class FileHandle(ABC):
    """A reference to a file stored by a file manager."""

    @property
    @abstractmethod
    def path_desc(self) -> str:
        """A human-readable description of where the file is."""


class LocalFileHandle(FileHandle):
    """A file on the local filesystem."""

    def __init__(self, path: str):
        self._path = check.str_param(path, "path")

    @property
    def path(self) -> str:
        return self._path

    @property
    def path_desc(self) -> str:
        return self._path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalFileHandle) and other.path == self._path

    def __hash__(self) -> int:
        return hash((LocalFileHandle, self._path))

    def __repr__(self) -> str:
        return f"LocalFileHandle({self._path!r})"


class FileManager(ABC):
    """Writes files and hands out :class:`FileHandle` objects; reads them back.

    ``copy_handle_to_local_temp`` gives a local path for any handle (a download for remote
    managers); ``delete_local_temp`` removes those copies.
    """

    @abstractmethod
    def copy_handle_to_local_temp(self, file_handle: FileHandle) -> str:
        """A local path holding the file's content."""

    @abstractmethod
    def delete_local_temp(self) -> None:
        """Remove the local copies made by :meth:`copy_handle_to_local_temp`."""

    @abstractmethod
    def read(self, file_handle: FileHandle, mode: str = "rb") -> Any:
        """A context manager yielding the file opened with ``mode``."""

    @abstractmethod
    def read_data(self, file_handle: FileHandle) -> bytes:
        """The file's content as bytes."""

    @abstractmethod
    def write(self, file_obj: IO, mode: str = "wb", ext: str | None = None) -> FileHandle:
        """Store the content of the open file ``file_obj`` as a new file."""

    @abstractmethod
    def write_data(self, data: bytes, ext: str | None = None) -> FileHandle:
        """Store ``data`` as a new file."""


class LocalFileManager(FileManager):
    """Files named ``<uuid>[.ext]`` under ``base_dir`` (created on first write)."""

    def __init__(self, base_dir: str):
        self.base_dir = check.str_param(base_dir, "base_dir")
        self._base_dir_ensured = False
        self._temp_dir: str | None = None

    @staticmethod
    def for_instance(instance: Any, run_id: str) -> LocalFileManager:
        """The file manager of run ``run_id``: files under ``instance.file_manager_directory(run_id)``."""
        check.str_param(run_id, "run_id")
        return LocalFileManager(instance.file_manager_directory(run_id))

    def _ensure_base_dir(self) -> None:
        if not self._base_dir_ensured:
            os.makedirs(self.base_dir, exist_ok=True)
            self._base_dir_ensured = True

    def _check_local(self, file_handle: FileHandle) -> LocalFileHandle:
        if not isinstance(file_handle, LocalFileHandle):
            raise check.CheckError(
                f"LocalFileManager can only read LocalFileHandle objects, got {file_handle!r}. "
                "Use the file manager that wrote the file."
            )
        return file_handle

    @contextmanager
    def read(self, file_handle: FileHandle, mode: str = "rb") -> Iterator[IO]:
        check.param_invariant(mode in ("r", "rb"), "mode", f"must be 'r' or 'rb', got {mode!r}")
        path = self._check_local(file_handle).path
        encoding = None if "b" in mode else "utf-8"
        with open(path, mode, encoding=encoding) as file_obj:
            yield file_obj

    def read_data(self, file_handle: FileHandle) -> bytes:
        with self.read(file_handle, mode="rb") as file_obj:
            return file_obj.read()

    def write(self, file_obj: IO, mode: str = "wb", ext: str | None = None) -> LocalFileHandle:
        check.param_invariant(mode in ("w", "wb"), "mode", f"must be 'w' or 'wb', got {mode!r}")
        check.opt_str_param(ext, "ext")
        self._ensure_base_dir()
        name = uuid.uuid4().hex + ("." + ext if ext else "")
        dest = os.path.join(self.base_dir, name)
        encoding = None if "b" in mode else "utf-8"
        with open(dest, mode, encoding=encoding) as dest_obj:
            shutil.copyfileobj(file_obj, dest_obj)
        return LocalFileHandle(dest)

    def write_data(self, data: bytes, ext: str | None = None) -> LocalFileHandle:
        check.inst_param(data, "data", bytes)
        return self.write(io.BytesIO(data), mode="wb", ext=ext)

    def copy_handle_to_local_temp(self, file_handle: FileHandle) -> str:
        source = self._check_local(file_handle).path
        if self._temp_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix="dagster-file-manager-")
        dest = os.path.join(self._temp_dir, uuid.uuid4().hex + "-" + os.path.basename(source))
        shutil.copyfile(source, dest)
        return dest

    def delete_local_temp(self) -> None:
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None


@contextmanager
def local_file_manager(instance: Any, run_id: str) -> Iterator[LocalFileManager]:
    """The file manager of run ``run_id`` of ``instance``; its local temp copies are removed on exit."""
    manager = LocalFileManager.for_instance(instance, run_id)
    try:
        yield manager
    finally:
        manager.delete_local_temp()
