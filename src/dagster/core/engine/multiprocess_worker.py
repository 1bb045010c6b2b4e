"""The main loop of a multiprocess engine worker (runs in a child process).

The worker loads the pipeline and opens the instance once (tasks of other pipelines or
instances load theirs on first use), then serves step tasks from its pipe
until the parent sends ``None`` or goes away; a watcher thread ends it, even mid-step, when the
parent dies (even by SIGKILL), so it never outlives the parent.
Messages to the parent: ``("event", DagsterEvent)`` per event, then ``("done", None)``, or
``("done", error_text)`` when running the step raised outside of the step's own error handling.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import wait as wait_for_ready
from typing import Any


def worker_main(conn: Any, handle_dict: dict, instance_ref: Any, environ: dict) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent decides what stops, and
    # stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    # A worker forked from a fork server has the environment the server started with: take the
    # parent's, as a spawned child would.
    os.environ.clear()
    os.environ.update(environ)
    from dagster.core.execution.worker_step import execute_step_in_worker, load_pipeline, open_instance
    from dagster.utils.error import serializable_error_info_from_exc_info

    try:
        # Warm up while the parent gets ready; a failure here is reported by the first step.
        open_instance(instance_ref)
        load_pipeline(handle_dict)
    except Exception:
        pass

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            for event in execute_step_in_worker(task):
                _send(conn, ("event", event))
        except Exception:
            error = serializable_error_info_from_exc_info(sys.exc_info()).to_string()
            _send(conn, ("done", f'Running step "{task.step_key}" in worker raised:\n{error}'))
        else:
            _send(conn, ("done", None))


def _exit_with_parent() -> None:
    """Exit as soon as the parent is gone, even in the middle of a step (no orphan workers).

    The parent process holds one end of a pipe whose other end is the worker's parent sentinel: it
    becomes readable when the parent exits or dies, whether the worker was spawned by it or forked
    by a fork server (whose own exit waits for its children).
    """
    sentinel = multiprocessing.parent_process().sentinel

    def watch() -> None:
        wait_for_ready([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="dagster-worker-parent-watch", daemon=True).start()


def _send(conn: Any, message: tuple) -> None:
    try:
        conn.send(message)
    except (BrokenPipeError, OSError):
        # The parent is gone: nothing is waiting for this worker any more.
        sys.exit(0)
