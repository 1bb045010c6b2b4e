"""The compute log manager interface: capture the stdout/stderr of each step and serve it back.

The engine wraps each step in ``instance.compute_log_manager.watch(pipeline_run, step_key)``.
Readers (the CLI, GraphQL, the UI) call ``read_logs_file`` with a byte cursor, or subscribe to
``observable(...)`` to receive new chunks as the step writes them::

    subscription = manager.observable(run_id, "a.compute", ComputeIOType.STDOUT)
    subscription.subscribe(on_next=lambda chunk: print(chunk.data, end=""))
    ...
    subscription.dispose()
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from dagster.serdes import whitelist_for_serdes

if TYPE_CHECKING:
    from dagster.core.storage.pipeline_run import PipelineRun

MAX_BYTES_FILE_READ = 33554432  # 32 MiB: the most one read_logs_file call returns by default
MAX_BYTES_CHUNK_READ = 4194304  # 4 MiB: the chunk size a subscription delivers


@whitelist_for_serdes
class ComputeIOType(Enum):
    STDOUT = "stdout"
    STDERR = "stderr"


@whitelist_for_serdes
class ComputeLogFileData(NamedTuple):
    """One read of a compute log file: ``data`` runs from the requested cursor to ``cursor``.

    ``size`` is the file's size when it was read; ``data`` is None when the file does not exist.
    """

    path: str | None
    data: str | None
    cursor: int
    size: int
    download_url: str | None


class ComputeLogManager(ABC):
    """Captures and serves the stdout/stderr of steps. ``key`` is the step key (or the pipeline name)."""

    def watch(self, pipeline_run: PipelineRun, step_key: str | None = None) -> AbstractContextManager[None]:
        """Capture stdout/stderr written inside the block (if ``enabled``) for this run and step:
        ``on_watch_start``, then ``_watch_logs`` around the block, then ``on_watch_finish``."""
        return _Watch(self, pipeline_run, step_key)

    def get_key(self, pipeline_run: PipelineRun, step_key: str | None) -> str:
        return step_key or pipeline_run.pipeline_name

    def enabled(self, pipeline_run: PipelineRun, step_key: str | None) -> bool:
        return True

    @abstractmethod
    def _watch_logs(self, pipeline_run: PipelineRun, step_key: str | None = None):
        """A context manager that captures the output written while it is open."""

    @abstractmethod
    def is_watch_completed(self, run_id: str, key: str) -> bool:
        """True once the capture of this key has finished (its logs will not grow any more)."""

    @abstractmethod
    def on_watch_start(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        """Called before capture starts."""

    @abstractmethod
    def on_watch_finish(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        """Called after capture ends, when the files are complete."""

    @abstractmethod
    def get_local_path(self, run_id: str, key: str, io_type: ComputeIOType) -> str | None:
        """Where the log file of this key lives on this machine (None if nowhere)."""

    @abstractmethod
    def download_url(self, run_id: str, key: str, io_type: ComputeIOType) -> str | None:
        """The URL the web server serves this log file under."""

    @abstractmethod
    def read_logs_file(
        self,
        run_id: str,
        key: str,
        io_type: ComputeIOType,
        cursor: int = 0,
        max_bytes: int = MAX_BYTES_FILE_READ,
    ) -> ComputeLogFileData:
        """Read at most ``max_bytes`` bytes from byte offset ``cursor``."""

    @abstractmethod
    def on_subscribe(self, subscription: ComputeLogSubscription) -> None:
        """Register a subscription so that it is fed new data and completed when the step ends."""

    def on_unsubscribe(self, subscription: ComputeLogSubscription) -> None:
        """Forget a disposed subscription. Managers that keep subscriptions override this."""
        return None

    def observable(
        self, run_id: str, key: str, io_type: ComputeIOType, cursor: int | None = None
    ) -> ComputeLogSubscription:
        """A subscription source for one log file, starting at ``cursor`` (0 = the beginning)."""
        return ComputeLogSubscription(self, run_id, key, io_type, cursor or 0)

    def dispose(self) -> None:
        """Release background resources (threads, connections)."""
        return None


class _Watch:
    """The context manager ``watch`` returns (a class rather than a generator: it runs once per
    step, and this costs a few microseconds less)."""

    __slots__ = ("_manager", "_run", "_step_key", "_logs")

    def __init__(self, manager: ComputeLogManager, pipeline_run: PipelineRun, step_key: str | None):
        self._manager, self._run, self._step_key = manager, pipeline_run, step_key
        self._logs: Any = None

    def __enter__(self) -> None:
        manager, run, step_key = self._manager, self._run, self._step_key
        if not manager.enabled(run, step_key):
            return
        manager.on_watch_start(run, step_key)
        logs = manager._watch_logs(run, step_key)
        try:
            logs.__enter__()
        except BaseException:
            manager.on_watch_finish(run, step_key)
            raise
        self._logs = logs

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        logs = self._logs
        if logs is None:
            return False
        self._logs = None
        try:
            return bool(logs.__exit__(exc_type, exc, traceback))
        finally:
            self._manager.on_watch_finish(self._run, self._step_key)


class ComputeLogSubscription:
    """Feeds the chunks of one compute log file to an observer, from a cursor on.

    ``subscribe(on_next, on_error=None, on_completed=None)`` delivers what is already written, then
    every new chunk as the manager sees it, then calls ``on_completed`` once the step has finished.
    Callbacks run on the manager's watcher thread (or the caller's, for data already there).
    """

    def __init__(
        self, manager: ComputeLogManager, run_id: str, key: str, io_type: ComputeIOType, cursor: int
    ):
        self.manager = manager
        self.run_id = run_id
        self.key = key
        self.io_type = io_type
        self.cursor = cursor
        self._on_next: Callable[[ComputeLogFileData], None] | None = None
        self._on_error: Callable[[Exception], None] | None = None
        self._on_completed: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self.is_disposed = False

    def subscribe(
        self,
        on_next: Any,
        on_error: Callable[[Exception], None] | None = None,
        on_completed: Callable[[], None] | None = None,
    ) -> ComputeLogSubscription:
        """Start delivering; ``on_next`` is a callback, or an observer object with ``on_next``,
        ``on_error`` and ``on_completed`` methods (as Rx observers have)."""
        if not callable(on_next) and hasattr(on_next, "on_next"):
            observer = on_next
            on_next = observer.on_next
            on_error = getattr(observer, "on_error", None)
            on_completed = getattr(observer, "on_completed", None)
        self._on_next, self._on_error, self._on_completed = on_next, on_error, on_completed
        self.manager.on_subscribe(self)
        if self.manager.is_watch_completed(self.run_id, self.key):
            self.complete()
        else:
            self.fetch()
        return self

    def fetch(self) -> None:
        """Deliver everything written since the cursor, in chunks of at most 4 MiB."""
        with self._lock:
            if self.is_disposed or self._on_next is None:
                return
            try:
                while True:
                    chunk = self.manager.read_logs_file(
                        self.run_id, self.key, self.io_type, self.cursor, max_bytes=MAX_BYTES_CHUNK_READ
                    )
                    if not chunk.data:
                        return
                    self.cursor = chunk.cursor
                    self._on_next(chunk)
                    if chunk.cursor >= chunk.size:
                        return
            except Exception as exc:
                if self._on_error is None:
                    raise
                self._on_error(exc)

    def complete(self) -> None:
        """Deliver the rest of the file, then signal completion and stop."""
        self.fetch()
        with self._lock:
            if self.is_disposed:
                return
            self.is_disposed = True
        self.manager.on_unsubscribe(self)
        if self._on_completed is not None:
            self._on_completed()

    def dispose(self) -> None:
        with self._lock:
            if self.is_disposed:
                return
            self.is_disposed = True
        self.manager.on_unsubscribe(self)
