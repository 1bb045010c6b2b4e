"""``LocalComputeLogManager``: each step's stdout/stderr in files under the instance.

Layout: ``<base_dir>/<run_id>/compute_logs/<key>.out`` (stdout) and ``<key>.err`` (stderr). A key
whose file name would exceed 255 characters (or that holds a path separator or a newline, or
starts with a dot) is replaced by its md5 hex digest. Completion is recorded in one index per run,
``compute_logs/completed_keys.log`` (``+key`` when a step's capture ended and its files hold all
its output, ``-key`` when a capture starts again), instead of Dagster 0.7's ``<key>.complete``
marker file per step, which are still honoured when reading old homes: creating a file is the
costliest thing a step's capture does (a directory operation in the journal; on a busy disk,
milliseconds), and this saves one create and one unlink per step.

Capture is in-process, at the file-descriptor level: for the duration of the step fds 1 and 2 point
at the two files (``dup``/``dup2``), so output of Python code, C extensions and child processes all
lands in them; no helper process is started. Python's ``sys.stdout``/``sys.stderr``
are flushed before and after, and replaced for the step by line-buffered streams on fds 1/2, so
that printed lines reach the files at once (also where ``sys.stdout`` is not fd 1: under pytest's
capture, in a notebook). The files can be read while the
step runs (``read_logs_file`` with a byte cursor, or a subscription fed by a polling thread).

What a step writes is also copied to the original fds ("mirrored"), so the console still shows
it, about every 50 ms while the step runs and completely when it ends. The copy is made from the
files by one thread per process (not through a pipe), so no writer can ever block on it.

fds are process-wide: captures nest within one thread (the inner one wins while it is open); a
capture requested while another thread holds one is skipped (that output goes to the files of the
capture already open), because restoring fds out of order would corrupt both.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from dagster import check
from dagster.core.storage.compute_log_manager import (
    MAX_BYTES_FILE_READ,
    ComputeIOType,
    ComputeLogFileData,
    ComputeLogManager,
    ComputeLogSubscription,
)
from dagster.serdes import ConfigurableClass, ConfigurableClassData

if TYPE_CHECKING:
    from dagster.core.storage.pipeline_run import PipelineRun

MAX_FILENAME_LENGTH = 255
COMPLETED_INDEX = "completed_keys.log"  # per run: one "+key" / "-key" line per finished / started capture
POLLING_INTERVAL = 0.1  # seconds between two looks at the files of subscribed keys
MIRROR_INTERVAL = 0.05  # seconds between two copies of a running step's output to the console
MIRROR_IDLE_EXIT = 5.0  # seconds without any capture after which the mirror thread ends
_EXTENSIONS = {ComputeIOType.STDOUT: "out", ComputeIOType.STDERR: "err"}
_MIRROR_CHUNK = 1 << 20


class _CaptureOwner:
    lock = threading.Lock()
    thread: int | None = None
    depth = 0


def _claim() -> bool:
    me = threading.get_ident()
    with _CaptureOwner.lock:
        if _CaptureOwner.thread not in (None, me):
            return False
        _CaptureOwner.thread = me
        _CaptureOwner.depth += 1
        return True


def _release() -> None:
    with _CaptureOwner.lock:
        _CaptureOwner.depth -= 1
        if _CaptureOwner.depth == 0:
            _CaptureOwner.thread = None


class _CStdio:
    """``fflush(NULL)`` of the C library, so output buffered by C code lands on the right side of a
    redirection (looked up on first use; None where there is no C library to ask)."""

    fflush: Any = False

    @classmethod
    def flush_all(cls) -> None:
        if cls.fflush is False:
            try:
                import ctypes

                cls.fflush = ctypes.CDLL(None).fflush
            except (OSError, AttributeError):
                cls.fflush = None
        if cls.fflush is not None:
            cls.fflush(None)


def _flush(stream: object) -> None:
    flush = getattr(stream, "flush", None)
    if flush is not None:
        try:
            flush()
        except (OSError, ValueError):
            pass


def _stream_for_fd(fd: int, like: object) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.FileIO(fd, "w", closefd=False),
        encoding=getattr(like, "encoding", None) or "utf-8",
        errors="backslashreplace",
        line_buffering=True,
        write_through=True,
    )


def _dup_or_none(fd: int) -> int | None:
    try:
        return os.dup(fd)
    except OSError:
        return None


def _restore(saved: int | None, fd: int) -> None:
    if saved is None:
        os.close(fd)
    else:
        os.dup2(saved, fd)
        os.close(saved)


def _mirror(path_fd: int, start: int, target_fd: int | None) -> int:
    """Copy the bytes of the file open at ``path_fd`` from ``start`` to its end to ``target_fd``;
    returns the offset reached. A console that cannot be written to is given up on."""
    offset = start
    while True:
        chunk = os.pread(path_fd, _MIRROR_CHUNK, offset)
        if not chunk:
            return offset
        offset += len(chunk)
        view = memoryview(chunk)
        while view and target_fd is not None:
            try:
                written = os.write(target_fd, view)
            except OSError:
                return offset
            view = view[written:]


class _LiveMirror:
    """One daemon thread per process that copies what open captures append to their files to the
    console they replaced, every ``MIRROR_INTERVAL`` seconds: output (a ``breakpoint()`` prompt,
    progress lines) shows while the step runs. Writers only ever write to regular files, so a slow
    console or a GIL held by C code delays the copy but can never block the step."""

    condition = threading.Condition()
    captures: list[_FdCapture] = []
    thread: threading.Thread | None = None

    @classmethod
    def add(cls, capture: _FdCapture) -> None:
        with cls.condition:
            cls.captures.append(capture)
            if cls.thread is None:
                cls.thread = threading.Thread(target=cls._run, name="dagster-compute-log-mirror", daemon=True)
                cls.thread.start()

    @classmethod
    def remove(cls, capture: _FdCapture) -> None:
        """Stop copying ``capture`` (waits for a copy in progress to finish)."""
        with cls.condition:
            cls.captures.remove(capture)

    @classmethod
    def forget_after_fork(cls) -> None:
        """In a forked child, the parent's mirror thread and its captures do not exist."""
        cls.condition = threading.Condition()
        cls.captures = []
        cls.thread = None

    @classmethod
    def _run(cls) -> None:
        """Copy every interval while captures are open; exit after a while without any (steps
        starting do not need to wake the thread: that would cost a thread switch per step)."""
        last_busy = time.monotonic()
        with cls.condition:
            while True:
                cls.condition.wait(MIRROR_INTERVAL)
                if cls.captures:
                    last_busy = time.monotonic()
                    for capture in cls.captures:
                        capture.copy_to_console()
                elif time.monotonic() - last_busy > MIRROR_IDLE_EXIT:
                    cls.thread = None
                    return


def _after_fork_in_child() -> None:
    """Locks held by other threads of the parent at the fork would never be released in the child."""
    _CaptureOwner.lock = threading.Lock()
    _LiveMirror.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_APPEND


class _FdCapture:
    """fds 1/2 (and ``sys.stdout``/``sys.stderr``) pointed at two files until ``stop()``.

    The files are opened first: if that fails, nothing has been changed."""

    def __init__(self, out_path: str, err_path: str, mirror: bool):
        self._mirror = mirror
        self._out_fd = os.open(out_path, _OPEN_FLAGS, 0o644)
        try:
            self._err_fd = os.open(err_path, _OPEN_FLAGS, 0o644)
        except OSError:
            os.close(self._out_fd)
            raise
        self._out_mirrored = os.fstat(self._out_fd).st_size
        self._err_mirrored = os.fstat(self._err_fd).st_size
        self._old_streams = sys.stdout, sys.stderr
        _flush(sys.stdout)
        _flush(sys.stderr)
        _CStdio.flush_all()
        self._saved_out, self._saved_err = _dup_or_none(1), _dup_or_none(2)
        os.dup2(self._out_fd, 1)
        os.dup2(self._err_fd, 2)
        # Line-buffered stand-ins on fds 1/2: prints reach the files at once (readable while the
        # step runs, in order with raw fd writes), even where sys.stdout is not fd 1 (pytest, notebooks).
        self._new_streams = _stream_for_fd(1, sys.stdout), _stream_for_fd(2, sys.stderr)
        sys.stdout, sys.stderr = self._new_streams
        if mirror:
            _LiveMirror.add(self)

    def copy_to_console(self) -> None:
        """Mirror what was appended to the files since the last copy (called with the mirror's lock)."""
        self._out_mirrored = _mirror(self._out_fd, self._out_mirrored, self._saved_out)
        self._err_mirrored = _mirror(self._err_fd, self._err_mirrored, self._saved_err)

    def stop(self) -> None:
        """Flush everything into the files, mirror the rest, and restore fds and streams."""
        _flush(sys.stdout)
        _flush(sys.stderr)
        _CStdio.flush_all()
        sys.stdout, sys.stderr = self._old_streams
        for stream in self._new_streams:
            stream.detach()
        try:
            if self._mirror:
                _LiveMirror.remove(self)
                self.copy_to_console()
        finally:
            _restore(self._saved_out, 1)
            _restore(self._saved_err, 2)
            os.close(self._out_fd)
            os.close(self._err_fd)


def start_capture(out_path: str, err_path: str, mirror: bool = True) -> _FdCapture | None:
    """Send fds 1 and 2 to ``out_path`` and ``err_path`` (appending) until ``stop()``.

    Returns None (and captures nothing) when another thread's capture is open; raises OSError,
    changing nothing, when a file cannot be opened."""
    if not _claim():
        return None
    try:
        return _FdCapture(out_path, err_path, mirror)
    except BaseException:
        _release()
        raise


def stop_capture(capture: _FdCapture | None) -> None:
    if capture is not None:
        try:
            capture.stop()
        finally:
            _release()


@contextmanager
def capture_output(out_path: str, err_path: str, mirror: bool = True) -> Iterator[bool]:
    """``start_capture`` … ``stop_capture`` around a block; yields whether output is captured."""
    capture = start_capture(out_path, err_path, mirror)
    try:
        yield capture is not None
    finally:
        stop_capture(capture)


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
        self._known_dirs: set[str] = set()
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

    @staticmethod
    def _file_name(key: str) -> str:
        if (
            len(key) + len(".complete") > MAX_FILENAME_LENGTH
            or os.sep in key
            or "\n" in key
            or key.startswith(".")
        ):
            # too long for a file name, or not a plain name (a pipeline name may be anything)
            return hashlib.md5(key.encode("utf-8")).hexdigest()
        return key

    def get_local_path(self, run_id: str, key: str, io_type: ComputeIOType) -> str:
        return os.path.join(self._run_directory(run_id), f"{self._file_name(key)}.{_EXTENSIONS[io_type]}")

    def _mark(self, run_id: str, key: str, sign: str) -> None:
        """Append ``+name`` (complete) or ``-name`` (running again) to the run's completion index."""
        fd = os.open(
            os.path.join(self._run_directory(run_id), COMPLETED_INDEX),
            os.O_WRONLY | os.O_CREAT | os.O_APPEND,
            0o644,
        )
        try:
            os.write(fd, f"{sign}{self._file_name(key)}\n".encode())
        finally:
            os.close(fd)

    def download_url(self, run_id: str, key: str, io_type: ComputeIOType) -> str:
        return f"/download/{run_id}/{key}/{io_type.value}"

    # ------------------------------------------------------------------------------------ capture

    @contextmanager
    def _watch_logs(self, pipeline_run: PipelineRun, step_key: str | None = None) -> Iterator[None]:
        key = self.get_key(pipeline_run, step_key)
        run_id = pipeline_run.run_id
        try:
            capture = start_capture(
                self.get_local_path(run_id, key, ComputeIOType.STDOUT),
                self.get_local_path(run_id, key, ComputeIOType.STDERR),
            )
        except OSError as exc:  # a full disk or a broken directory must not fail the step itself
            _warn_not_captured(key, run_id, exc)
            capture = None
        try:
            yield
        finally:
            stop_capture(capture)

    def on_watch_start(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        directory = self._run_directory(pipeline_run.run_id)
        try:
            if directory not in self._known_dirs:
                os.makedirs(directory, exist_ok=True)
                self._known_dirs.add(directory)
            # not complete (any more: this may be a retry of a step whose logs were complete)
            self._mark(pipeline_run.run_id, self.get_key(pipeline_run, step_key), "-")
        except OSError:  # reported by _watch_logs, which fails to open the files in there too
            pass

    def on_watch_finish(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        key = self.get_key(pipeline_run, step_key)
        try:
            self._mark(pipeline_run.run_id, key, "+")
        except OSError as exc:
            print(
                f'dagster: cannot mark the compute log of "{key}" in run {pipeline_run.run_id} complete '
                f"({exc.strerror or exc}: {exc.filename}).",
                file=sys.stderr,
            )
        with self._subscriptions_lock:
            subscriptions = list(self._subscriptions.get((pipeline_run.run_id, key), ()))
        for subscription in subscriptions:
            _deliver(subscription, completed=True)

    def is_watch_completed(self, run_id: str, key: str) -> bool:
        """The last mark of ``key`` in the run's completion index; else (logs written by Dagster
        0.7) whether its ``<key>.complete`` marker file exists."""
        name = self._file_name(key)
        try:
            with open(os.path.join(self._run_directory(run_id), COMPLETED_INDEX), encoding="utf-8") as index:
                marks = index.read().splitlines()
        except FileNotFoundError:
            marks = []
        for mark in reversed(marks):
            if mark[1:] == name:
                return mark[0] == "+"
        return os.path.exists(os.path.join(self._run_directory(run_id), f"{name}.complete"))

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
            if cursor + len(data) < size:
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
        poller = self._poller
        if poller is not None and poller is not threading.current_thread():
            poller.join(timeout=5)
