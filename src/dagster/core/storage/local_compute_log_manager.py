"""``LocalComputeLogManager``: each step's stdout/stderr in files under the instance.

Layout: ``<base_dir>/<run_id>/compute_logs/<key>.out`` (stdout) and ``<key>.err`` (stderr). A key
whose file name would exceed 255 bytes (or that holds a path separator or a character that is not
printable, or starts with a dot) is replaced by its md5 hex digest. Completion is recorded in one index per run,
``compute_logs/completed_keys.log`` (``+key`` when a step's capture ended and its files hold all
its output, ``-key`` when a capture starts again), instead of Dagster 0.7's ``<key>.complete``
marker file per step, which are still honoured when reading old homes: creating a file is the
costliest thing a step's capture does (a directory operation in the journal; on a busy disk,
milliseconds), and this saves one create and one unlink per step.

Capture is in-process, at the file-descriptor level (``fd_capture``): for the duration of the
step fds 1 and 2 point at the two files, so output of Python code, C extensions and child processes
all lands in them, and is mirrored to the console. The files can be read while the step runs
(``read_logs_file`` with a byte cursor, or a subscription fed by a polling thread).

Per step, the manager's own work is two appends to the run's index through an fd kept open for the
run (``_IndexWriter``): the directory of a run is created once and remembered.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import threading
import weakref
from typing import TYPE_CHECKING

from dagster import check
from dagster.core.storage.compute_log_manager import (
    MAX_BYTES_FILE_READ,
    ComputeIOType,
    ComputeLogFileData,
    ComputeLogManager,
    ComputeLogSubscription,
)
from dagster.core.storage.fd_capture import FdCapture, above_stdio, start_capture, stop_capture
from dagster.serdes import ConfigurableClass, ConfigurableClassData

if TYPE_CHECKING:
    from dagster.core.storage.pipeline_run import PipelineRun

MAX_FILENAME_LENGTH = 255
COMPLETED_INDEX = "completed_keys.log"  # per run: one "+key" / "-key" line per finished / started capture
POLLING_INTERVAL = 0.1  # seconds between two looks at the files of subscribed keys
_REMEMBERED_RUNS = 256  # run directories known to exist, per manager (then forgotten all at once)
_EXTENSIONS = {ComputeIOType.STDOUT: "out", ComputeIOType.STDERR: "err"}


class _IndexWriter:
    """Appends lines to the completion index of one run at a time, through an fd kept open until a
    line goes to another run's index (or ``forget``/``close``): a step costs two writes, not two
    open/write/close. Each line is one ``write`` with O_APPEND, so lines from several threads or
    processes (a forked child shares the fd) never interleave. The fd is not inherited by programs
    a step starts (``os.open`` makes it close-on-exec)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._path: str | None = None
        self._fd: int | None = None
        _INDEX_WRITERS.add(self)

    def append(self, path: str, line: bytes) -> None:
        lock = self.lock
        lock.acquire()  # (cheaper than ``with``, twice a step)
        try:
            if path != self._path or self._fd is None:
                fd = above_stdio(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
                self._close()
                self._path, self._fd = path, fd
            os.write(self._fd, line)
        finally:
            lock.release()

    def forget(self, path: str) -> None:
        """Close the fd if it is ``path``'s (which was deleted: the next line creates it anew)."""
        with self.lock:
            if path == self._path:
                self._close()

    def close(self) -> None:
        with self.lock:
            self._close()

    def _close(self) -> None:
        fd, self._path, self._fd = self._fd, None, None
        if fd is not None:
            os.close(fd)

    def __del__(self, _close_fd=os.close) -> None:  # (bound early: this may run at interpreter exit)
        """A manager dropped without ``dispose`` must not leak its fd."""
        fd = self._fd
        if fd is not None:
            try:
                _close_fd(fd)
            except OSError:
                pass


_INDEX_WRITERS: weakref.WeakSet[_IndexWriter] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A lock held by another thread of the parent at the fork would never be released in the child."""
    for writer in _INDEX_WRITERS:
        writer.lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _StepLogs:
    """What ``_watch_logs`` returns: the step's capture while the block runs."""

    __slots__ = ("_manager", "_run_id", "_key", "_capture")

    def __init__(self, manager: LocalComputeLogManager, run_id: str, key: str):
        self._manager, self._run_id, self._key = manager, run_id, key
        self._capture: FdCapture | None = None

    def __enter__(self) -> None:
        self._capture = self._manager._open_capture(self._run_id, self._key)

    def __exit__(self, *exc_info: object) -> None:
        capture, self._capture = self._capture, None
        stop_capture(capture)


class _StepWatch(_StepLogs):
    """What ``watch`` returns: the base class's sequence (``on_watch_start``, the capture,
    ``on_watch_finish``) in one object, without its indirections: the engine runs it per step."""

    __slots__ = ()

    def __enter__(self) -> None:
        manager, run_id, key = self._manager, self._run_id, self._key
        manager._begin(run_id, key)
        try:
            self._capture = manager._open_capture(run_id, key)
        except BaseException:  # (an interrupt): the key must not be left marked running
            manager._end(run_id, key)
            raise

    def __exit__(self, *exc_info: object) -> None:
        capture, self._capture = self._capture, None
        try:
            stop_capture(capture)
        finally:
            self._manager._end(self._run_id, self._key)


@functools.lru_cache(maxsize=4096)
def _file_name(key: str) -> str:
    """The name of a key's files (without extension): the key itself, or its md5 hex digest where
    it is too long for a file name or not a plain name (a pipeline name may be anything)."""
    if (
        len(key.encode("utf-8")) + len(".complete") > MAX_FILENAME_LENGTH  # (a limit in bytes)
        or os.sep in key
        or key.startswith(".")
        or not key.isprintable()  # a newline would break the index; a NUL cannot be in a path
    ):
        return hashlib.md5(key.encode("utf-8")).hexdigest()
    return key


@functools.lru_cache(maxsize=4096)
def _marks(key: str) -> tuple[bytes, bytes]:
    """The index lines of a key: running (again), complete."""
    name = _file_name(key).encode()
    return b"-" + name + b"\n", b"+" + name + b"\n"


def _warn_not_captured(key: str, run_id: str, exc: OSError) -> None:
    print(
        f'dagster: the output of "{key}" in run {run_id} is not captured to its compute log '
        f"({exc.strerror or exc}: {exc.filename}); it goes to the console instead.",
        file=sys.stderr,
    )


def _utf8_length(lead_byte: int) -> int:
    """How many bytes the UTF-8 sequence starting with ``lead_byte`` has."""
    return 1 if lead_byte < 0xC0 else 2 if lead_byte < 0xE0 else 3 if lead_byte < 0xF0 else 4


def _complete_utf8_prefix(data: bytes) -> int:
    """The length of the longest prefix of ``data`` that does not end inside a UTF-8 sequence."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:  # ASCII: nothing is cut
            return len(data)
        if byte >= 0xC0:  # the lead byte of a sequence: is it complete?
            return len(data) if back >= _utf8_length(byte) else len(data) - back
    return len(data)


def _deliver(subscription: ComputeLogSubscription, completed: bool) -> None:
    """Feed one subscription; a subscriber whose callback raises is dropped (and told on stderr),
    so that it cannot fail the step or stop the other subscriptions."""
    try:
        if completed:
            subscription.complete()
        else:
            subscription.fetch()
    except Exception as exc:
        subscription.dispose()
        print(
            f'dagster: dropped a subscription to the compute log of "{subscription.key}" in run '
            f"{subscription.run_id}: its callback raised {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )


class LocalComputeLogManager(ComputeLogManager, ConfigurableClass):
    """Captures each step's stdout/stderr into files under ``base_dir`` (see the module docstring)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._base_dir = check.str_param(base_dir, "base_dir")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._runs: dict[str, tuple[str, str]] = {}  # run id -> _run_paths, once created
        self._index = _IndexWriter()
        self._subscriptions: dict[tuple[str, str], list[ComputeLogSubscription]] = {}
        self._subscriptions_lock = threading.Lock()
        self._poller: threading.Thread | None = None
        self._disposed = threading.Event()

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        from dagster.config.source import StringSource

        return {"base_dir": StringSource}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> LocalComputeLogManager:
        return LocalComputeLogManager(inst_data=inst_data, **config_value)

    # ------------------------------------------------------------------------------------- paths

    def _run_directory(self, run_id: str) -> str:
        return os.path.join(self._base_dir, run_id, "compute_logs")

    def _run_paths(self, run_id: str) -> tuple[str, str]:
        """``(<run directory>/, <its index>)``, the directory created on first use for each run
        (remembered: a step's capture must not cost a directory lookup)."""
        paths = self._runs.get(run_id)
        if paths is None:
            directory = self._run_directory(run_id)
            os.makedirs(directory, exist_ok=True)
            if len(self._runs) >= _REMEMBERED_RUNS:
                self._runs.clear()
            paths = self._runs[run_id] = (directory + os.sep, os.path.join(directory, COMPLETED_INDEX))
        return paths

    def _forget_run(self, run_id: str) -> None:
        """The run's directory has vanished (deleted under us): create it again on next use."""
        paths = self._runs.pop(run_id, None)
        if paths is not None:
            self._index.forget(paths[1])

    def get_local_path(self, run_id: str, key: str, io_type: ComputeIOType) -> str:
        return os.path.join(self._run_directory(run_id), f"{_file_name(key)}.{_EXTENSIONS[io_type]}")

    def download_url(self, run_id: str, key: str, io_type: ComputeIOType) -> str:
        return f"/download/{run_id}/{key}/{io_type.value}"

    # ------------------------------------------------------------------------------------ capture

    def watch(self, pipeline_run: PipelineRun, step_key: str | None = None) -> _StepWatch:
        return _StepWatch(self, pipeline_run.run_id, self.get_key(pipeline_run, step_key))

    def _watch_logs(self, pipeline_run: PipelineRun, step_key: str | None = None) -> _StepLogs:
        return _StepLogs(self, pipeline_run.run_id, self.get_key(pipeline_run, step_key))

    def on_watch_start(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        self._begin(pipeline_run.run_id, self.get_key(pipeline_run, step_key))

    def on_watch_finish(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        self._end(pipeline_run.run_id, self.get_key(pipeline_run, step_key))

    def _begin(self, run_id: str, key: str) -> None:
        """Create the run's directory (once), and mark the key not complete (any more: this may be a
        retry of a step whose logs were complete)."""
        try:
            index = (self._runs.get(run_id) or self._run_paths(run_id))[1]
            self._index.append(index, _marks(key)[0])
        except OSError:  # reported by _open_capture, which fails to open the files in there too
            pass

    def _open_capture(self, run_id: str, key: str) -> FdCapture | None:
        """Capture into the key's files; None (with a warning) if they cannot be opened."""
        paths = self._runs.get(run_id)
        try:
            base = (paths[0] if paths else self._run_directory(run_id) + os.sep) + _file_name(key)
            try:
                return start_capture(base + ".out", base + ".err")
            except FileNotFoundError:
                if paths is None:
                    raise
                self._forget_run(run_id)  # deleted since it was created: once more from the start
                self._begin(run_id, key)
                return start_capture(base + ".out", base + ".err")
        except OSError as exc:  # a full disk or a broken directory must not fail the step itself
            _warn_not_captured(key, run_id, exc)
            return None

    def _end(self, run_id: str, key: str) -> None:
        """Mark the key complete, and complete its subscriptions."""
        paths = self._runs.get(run_id)
        index = paths[1] if paths else os.path.join(self._run_directory(run_id), COMPLETED_INDEX)
        try:
            self._index.append(index, _marks(key)[1])
        except OSError as exc:
            print(
                f'dagster: cannot mark the compute log of "{key}" in run {run_id} complete '
                f"({exc.strerror or exc}: {exc.filename}).",
                file=sys.stderr,
            )
        if not self._subscriptions:  # a subscriber arriving now sees the mark just written
            return
        with self._subscriptions_lock:
            subscriptions = list(self._subscriptions.get((run_id, key), ()))
        for subscription in subscriptions:
            _deliver(subscription, completed=True)

    def is_watch_completed(self, run_id: str, key: str) -> bool:
        """The last mark of ``key`` in the run's completion index; else (logs written by Dagster
        0.7) whether its ``<key>.complete`` marker file exists."""
        running, complete = _marks(key)
        try:
            with open(os.path.join(self._run_directory(run_id), COMPLETED_INDEX), "rb") as index:
                marks = index.read().split(b"\n")
        except FileNotFoundError:
            marks = []
        for mark in reversed(marks):
            if mark == complete[:-1]:
                return True
            if mark == running[:-1]:
                return False
        return os.path.exists(os.path.join(self._run_directory(run_id), f"{_file_name(key)}.complete"))

    # -------------------------------------------------------------------------------------- reads

    def read_logs_file(
        self,
        run_id: str,
        key: str,
        io_type: ComputeIOType,
        cursor: int = 0,
        max_bytes: int = MAX_BYTES_FILE_READ,
    ) -> ComputeLogFileData:
        """Up to ``max_bytes`` bytes from byte offset ``cursor``, never cutting a UTF-8 character."""
        path = self.get_local_path(run_id, key, io_type)
        try:
            log_file = open(path, "rb")
        except FileNotFoundError:
            return ComputeLogFileData(path=path, data=None, cursor=0, size=0, download_url=None)
        with log_file:
            size = os.fstat(log_file.fileno()).st_size
            cursor = max(0, min(cursor or 0, size))
            log_file.seek(cursor)
            data = log_file.read(max_bytes)
            if data and cursor + len(data) < size:
                keep = _complete_utf8_prefix(data)
                if keep == 0:  # one character longer than max_bytes: return just that character
                    data += log_file.read(_utf8_length(data[0]) - len(data))
                    keep = len(data)
                data = data[:keep]
        return ComputeLogFileData(
            path=path,
            data=data.decode("utf-8", errors="replace"),
            cursor=cursor + len(data),
            size=size,
            download_url=self.download_url(run_id, key, io_type),
        )

    # ------------------------------------------------------------------------------ subscriptions

    def on_subscribe(self, subscription: ComputeLogSubscription) -> None:
        with self._subscriptions_lock:
            self._subscriptions.setdefault((subscription.run_id, subscription.key), []).append(subscription)
            if self._poller is None and not self._disposed.is_set():
                self._poller = threading.Thread(
                    target=self._poll, name="dagster-compute-log-poller", daemon=True
                )
                self._poller.start()

    def on_unsubscribe(self, subscription: ComputeLogSubscription) -> None:
        with self._subscriptions_lock:
            key = (subscription.run_id, subscription.key)
            subscriptions = self._subscriptions.get(key, [])
            if subscription in subscriptions:
                subscriptions.remove(subscription)
            if not subscriptions:
                self._subscriptions.pop(key, None)

    def _poll(self) -> None:
        """Feed subscriptions with new data until none is left (or the manager is disposed)."""
        while not self._disposed.wait(POLLING_INTERVAL):
            with self._subscriptions_lock:
                if not self._subscriptions:
                    self._poller = None
                    return
                watched = [(key, list(subscriptions)) for key, subscriptions in self._subscriptions.items()]
            for (run_id, key), subscriptions in watched:
                completed = self.is_watch_completed(run_id, key)
                for subscription in subscriptions:
                    _deliver(subscription, completed)

    def dispose(self) -> None:
        self._disposed.set()
        self._index.close()
        poller = self._poller
        if poller is not None and poller is not threading.current_thread():
            poller.join(timeout=5)
