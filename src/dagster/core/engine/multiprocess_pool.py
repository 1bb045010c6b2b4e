"""A pool of worker processes that run steps for the multiprocess engine.

Workers are forked from a fork server that has imported dagster once (see ``worker_preload``), or
spawned where the platform has none. Each worker imports the user's code once and then runs one
step at a time. The parent watches both the workers' pipes and their process sentinels, so a worker
that dies (killed, ``os._exit``, a segfault) is noticed at once and its step is failed with the
reason.

A pool that ends a run cleanly is kept for ``IDLE_SECONDS`` for the next run of code from the same
file or module (unchanged since: same modification time) in this process, so that a series of runs (a
schedule, a backfill, tests) does not start interpreters again; then its workers are stopped. An
interrupted or failing engine stops its pool at once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import wait as wait_for_ready
from typing import Any

from dagster.core.engine.worker_dispatch import StepLauncher, StepUpdate
from dagster.core.events import DagsterEvent, EngineEventData, format_duration
from dagster.core.execution.retries import Retries
from dagster.core.execution.worker_step import StepTask
from dagster.utils import get_multiprocessing_context

# How long stopped workers get to exit after SIGTERM before they are killed.
_STOP_GRACE_SECONDS = 3.0
ENGINE_NAME = "MultiprocessEngine"
# How long an idle pool waits for the next run of the same code before its workers stop.
IDLE_SECONDS = 5.0
# Imported by the fork server that workers are forked from (see worker_preload).
WORKER_PRELOAD = ("dagster.core.engine.worker_preload",)


class _Worker:
    __slots__ = (
        "process",
        "conn",
        "token",
        "task",
        "heard",
        "second_try",
        "started_at",
        "steps_run",
    )

    def __init__(self, process: Any, conn: Any):
        self.process = process
        self.conn = conn
        self.token: int | None = None
        # The step the worker runs (token and task are None while it is idle).
        self.task: StepTask | None = None
        # Whether the worker has said anything about its current task (it never does before taking it).
        self.heard = False
        # Whether the current task already went to another worker that died before taking it.
        self.second_try = False
        self.started_at = 0.0
        self.steps_run = 0

    @property
    def pid(self) -> int:
        return self.process.pid


def describe_exit(exitcode: int | None) -> str:
    """``killed by signal SIGKILL`` / ``exited with code 3``."""
    if exitcode is None:
        return "is still running"
    if exitcode < 0:
        try:
            return f"was killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


class WorkerPool(StepLauncher):
    """At most ``size`` worker processes, started when steps need them and reused across steps."""

    def __init__(self, pipeline_context: Any, handle_dict: dict, size: int, signature: str):
        self._context = pipeline_context
        self._handle_dict = handle_dict
        self._instance_ref = pipeline_context.instance.get_ref()
        self._size = size
        self._signature = signature
        self._mp = get_multiprocessing_context(WORKER_PRELOAD)
        self._workers: list[_Worker] = []
        self._stopped = False

    def _rebind(self, pipeline_context: Any, handle_dict: dict, size: int) -> None:
        """Serve another run: forget workers that died while idle, and keep at most ``size``."""
        self._context = pipeline_context
        self._handle_dict = handle_dict
        self._instance_ref = pipeline_context.instance.get_ref()
        self._stopped = False
        self._size = size
        for worker in list(self._workers):
            if not worker.process.is_alive():
                self._forget(worker)
        while len(self._workers) > size:
            worker = self._workers.pop()
            _stop_workers([worker])

    # -- StepLauncher -------------------------------------------------------------------------

    def free_slots(self) -> int:
        busy = sum(1 for worker in self._workers if worker.token is not None)
        return self._size - busy

    def launch(self, token: int, step: Any, retries: Retries) -> Iterator[DagsterEvent]:
        worker = None
        for idle in [w for w in self._workers if w.token is None]:
            if idle.process.is_alive():
                worker = idle
                break
            # It died between steps: nothing was lost, it just leaves the pool.
            self._forget(idle)
        if worker is None:
            worker = yield from self._start_worker()
        task = StepTask(
            handle_dict=self._handle_dict,
            instance_ref=self._instance_ref,
            pipeline_run=self._context.pipeline_run,
            step_key=step.key,
            retries=retries.to_config(),
            engine_name=ENGINE_NAME,
        )
        yield self._hand_over(worker, token, task)

    def _hand_over(
        self, worker: _Worker, token: int, task: StepTask, second_try: bool = False
    ) -> DagsterEvent:
        worker.token, worker.task = token, task
        worker.heard, worker.second_try, worker.started_at = False, second_try, time.perf_counter()
        try:
            worker.conn.send(task)
        except (BrokenPipeError, OSError):
            pass  # the worker already died: its sentinel reports it in poll()
        return DagsterEvent.engine_event(
            self._context,
            f"Launching subprocess for {task.step_key}",
            EngineEventData.multiprocess(worker.pid, [task.step_key]),
            step_key=task.step_key,
        )

    def poll(self, timeout: float | None) -> Iterator[StepUpdate]:
        busy = [worker for worker in self._workers if worker.token is not None]
        by_conn = {worker.conn: worker for worker in busy}
        by_sentinel = {worker.process.sentinel: worker for worker in busy}
        ready = wait_for_ready([*by_conn, *by_sentinel], timeout)
        dead: list[_Worker] = []
        for item in ready:
            worker = by_conn.get(item)
            if worker is not None:
                yield from self._drain(worker)
            else:
                dead.append(by_sentinel[item])
        for worker in dead:
            if worker.token is None:
                continue  # it finished its step and then exited; nothing is lost
            yield from self._drain(worker)
            if worker.token is None:
                continue
            if worker.heard or worker.second_try:
                yield self._lost(worker)
            else:
                yield from self._relaunch(worker)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        _stop_workers(self._workers)
        self._workers = []

    def finish(self) -> None:
        """The run ended normally: keep the pool for the next run of the same code, for a while."""
        if self._stopped or any(w.token is not None or not w.process.is_alive() for w in self._workers):
            self.stop()
            return
        _park(self)

    # -- internals ----------------------------------------------------------------------------

    def start_workers(self, count: int) -> Iterator[DagsterEvent]:
        """Start ``count`` workers now, so that they load the code in parallel while the run begins."""
        while len(self._workers) < min(count, self._size):
            yield from self._start_worker()

    def _start_worker(self) -> Iterator[DagsterEvent]:
        from dagster.core.engine.multiprocess_worker import worker_main

        parent_conn, child_conn = self._mp.Pipe(duplex=True)
        process = self._mp.Process(
            target=worker_main,
            args=(child_conn, self._handle_dict, self._instance_ref, dict(os.environ)),
            name="dagster-multiprocess-worker",
            daemon=True,
        )
        process.start()
        child_conn.close()
        worker = _Worker(process, parent_conn)
        self._workers.append(worker)
        yield DagsterEvent.engine_event(
            self._context,
            f"Started worker process (pid: {worker.pid}) for the multiprocess engine.",
            EngineEventData.multiprocess(worker.pid),
        )
        return worker

    def _drain(self, worker: _Worker) -> Iterator[StepUpdate]:
        """Every message the worker has sent so far."""
        while worker.token is not None:
            try:
                if not worker.conn.poll():
                    return
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                return
            token, key = worker.token, worker.task.step_key
            worker.heard = True
            if kind == "event":
                yield StepUpdate(token, key, event=payload)
                continue
            worker.token = worker.task = None
            worker.steps_run += 1
            elapsed = (time.perf_counter() - worker.started_at) * 1000
            yield StepUpdate(
                token,
                key,
                event=DagsterEvent.engine_event(
                    self._context,
                    f"Step {key} finished in process (pid: {worker.pid}) after {format_duration(elapsed)}.",
                    EngineEventData.multiprocess(worker.pid, [key]),
                    step_key=key,
                ),
                finished=True,
                error=payload,
            )

    def _forget(self, worker: _Worker) -> None:
        """Take a worker that is gone (or going) out of the pool."""
        self._workers.remove(worker)
        worker.conn.close()

    def _relaunch(self, worker: _Worker) -> Iterator[StepUpdate]:
        """The worker died before it took its task (an idle worker can die just as it is picked; its
        exit is not always visible at once): the step never began, so a new worker runs it."""
        token, task = worker.token, worker.task
        self._forget(worker)
        for event in self._start_worker():
            yield StepUpdate(token, task.step_key, event=event)
        replacement = self._workers[-1]
        yield StepUpdate(
            token, task.step_key, event=self._hand_over(replacement, token, task, second_try=True)
        )

    def _lost(self, worker: _Worker) -> StepUpdate:
        """The worker died while running a step: the step fails, and the worker leaves the pool."""
        worker.process.join(1.0)
        reason = describe_exit(worker.process.exitcode)
        token, key, pid = worker.token, worker.task.step_key, worker.pid
        self._forget(worker)
        if worker.heard:
            message = (
                f'The worker process (pid: {pid}) running step "{key}" {reason} before the step finished. '
                "The step failed; the rest of the run goes on in other workers."
            )
        else:
            message = _NEVER_STARTED.format(pid=pid, key=key, reason=reason)
        # A step that never began has no compute log to close.
        return StepUpdate(token, key, finished=True, error=message, close_log=worker.heard)


_NEVER_STARTED = (
    'Two worker processes in a row ended before they could take step "{key}" (the last, pid {pid}, '
    "{reason}); their errors are on the run's stderr. The usual cause: the script that starts the run does not "
    'guard it with `if __name__ == "__main__":`. Workers import the main module, as Python\'s '
    "multiprocessing does, and must not start the run again there."
)


def _stop_workers(workers: list[_Worker]) -> None:
    """Ask idle workers to leave, terminate busy ones, and kill whatever is left after the grace time."""
    for worker in workers:
        if worker.process.is_alive() and worker.token is None:
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        elif worker.process.is_alive():
            worker.process.terminate()
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for worker in workers:
        worker.process.join(max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(_STOP_GRACE_SECONDS)
        worker.conn.close()
        worker.process.close()


# Idle pools by signature, with the time after which they are stopped.
_IDLE: dict[str, tuple[WorkerPool, float]] = {}
_IDLE_LOCK = threading.Lock()


def _code_signature(handle_dict: dict) -> str:
    """What a reused worker must share with the new run: the code's location and its file's mtime.

    Workers take the pipeline name, the run and the instance from each task, so one pool serves
    every pipeline of a file or repository, for any instance.
    """
    data = handle_dict.get("data", {})
    path = data.get("python_file") or data.get("repository_yaml")
    if path is None and data.get("module_name"):
        try:
            spec = importlib.util.find_spec(data["module_name"])
        except (ImportError, ValueError):
            spec = None
        path = spec.origin if spec is not None else None
    try:
        mtime = os.stat(path).st_mtime_ns if path else None
    except OSError:
        mtime = None
    location = [
        data.get(key) for key in ("python_file", "module_name", "working_directory", "repository_yaml")
    ]
    return json.dumps([location, path, mtime])


def start_fork_server() -> None:
    """Start the fork server that workers are forked from, if the platform has one and it is not
    running yet, and return at once: it loads dagster while this process records the run."""
    if get_multiprocessing_context(WORKER_PRELOAD).get_start_method() == "forkserver":
        from multiprocessing import forkserver

        try:
            forkserver.ensure_running()
        except OSError:
            pass  # the engine tries again when it starts its workers, and reports the error then


def acquire_pool(pipeline_context: Any, handle: Any, size: int) -> WorkerPool:
    """An idle pool that ran the same code for the same instance, or a new one."""
    handle_dict = handle.to_dict()
    signature = _code_signature(handle_dict)
    with _IDLE_LOCK:
        entry = _IDLE.pop(signature, None)
    if entry is not None:
        pool = entry[0]
        pool._rebind(pipeline_context, handle_dict, size)
        return pool
    return WorkerPool(pipeline_context, handle_dict, size, signature)


def _park(pool: WorkerPool) -> None:
    with _IDLE_LOCK:
        previous = _IDLE.pop(pool._signature, None)
        _IDLE[pool._signature] = (pool, time.monotonic() + IDLE_SECONDS)
    if previous is not None:
        previous[0].stop()
    timer = threading.Timer(IDLE_SECONDS + 0.05, _stop_expired_pools)
    timer.daemon = True
    timer.start()


def _stop_expired_pools() -> None:
    now = time.monotonic()
    with _IDLE_LOCK:
        expired = [key for key, (_pool, until) in _IDLE.items() if until <= now]
        pools = [_IDLE.pop(key)[0] for key in expired]
    for pool in pools:
        pool.stop()


def stop_idle_pools() -> None:
    """Stop every pool kept for a next run (e.g. before a process reloads the user's code)."""
    with _IDLE_LOCK:
        pools = [pool for pool, _until in _IDLE.values()]
        _IDLE.clear()
    for pool in pools:
        pool.stop()
