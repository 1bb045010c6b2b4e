"""Helpers for tests that run real worker processes."""

from __future__ import annotations

import os
import re
import time

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def multiprocess_config(max_concurrent: int = 2, **extra) -> dict:
    return {
        **QUIET,
        "execution": {"multiprocess": {"config": {"max_concurrent": max_concurrent}}},
        "storage": {"filesystem": {}},
        **extra,
    }


def is_process_alive(pid: int) -> bool:
    """Whether a process with this id exists and is not a zombie (no psutil: kill 0 and /proc)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until_gone(pids, timeout: float = 10.0) -> list[int]:
    """The pids still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if is_process_alive(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if is_process_alive(pid)]
    return alive


def worker_pids(events) -> list[int]:
    """The pids of the workers the engine started, read from its engine events."""
    pids = []
    for event in events:
        match = re.match(r"Started worker process \(pid: (\d+)\)", event.message or "")
        if match:
            pids.append(int(match.group(1)))
    return pids


def step_events(events, event_type: str) -> dict:
    return {event.step_key: event for event in events if event.event_type_value == event_type}
