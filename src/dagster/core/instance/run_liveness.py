"""Which process executes a run, and whether it is still alive.

When a run starts (its PIPELINE_START event), the instance tags it with the identity of the
process executing it: ``dagster/pid``, ``dagster/host`` and, on Linux, ``dagster/pid_start``
(``<start time in clock ticks since boot>@<boot id>``, so that neither a recycled pid nor a
reboot is mistaken for the run's process). Whenever the instance reads a run that is still
STARTED, it checks that process: if it is on this host and gone (the machine restarted, no such
pid, a zombie, or another process under the same pid), the run is marked FAILURE with an engine
event naming the pid and the cause. Runs on other hosts, or
without these tags (written by Dagster 0.7), are left alone: we cannot tell.
"""

from __future__ import annotations

import os
import socket

from dagster.core.storage.pipeline_run import PipelineRun

PID_TAG = "dagster/pid"
HOST_TAG = "dagster/host"
PID_START_TAG = "dagster/pid_start"
PROCESS_TAGS = (PID_TAG, HOST_TAG, PID_START_TAG)

_HOSTNAME = socket.gethostname()
_identity_cache: dict[int, dict[str, str]] = {}


def _proc_stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name, or None if there is no such process.

    Raises OSError other than "not found" (no /proc on this system)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            raw = stat_file.read().decode("ascii", "replace")
    except FileNotFoundError:
        return None
    # The command name is in parentheses and may itself contain spaces and parentheses.
    return raw[raw.rindex(")") + 2 :].split()


def _read_boot_id() -> str | None:
    try:
        with open("/proc/sys/kernel/random/boot_id") as boot_file:
            return boot_file.read().strip() or None
    except OSError:
        return None


_HAS_PROC = os.path.isdir("/proc/self")
_BOOT_ID = _read_boot_id() if _HAS_PROC else None


def current_process_tags() -> dict[str, str]:
    """The tags that identify the current process as the one executing a run."""
    pid = os.getpid()
    tags = _identity_cache.get(pid)
    if tags is None:
        tags = {PID_TAG: str(pid), HOST_TAG: _HOSTNAME}
        if _HAS_PROC:
            fields = _proc_stat_fields(pid)
            if fields is not None:
                started = fields[19]  # field 22 of stat: starttime
                tags[PID_START_TAG] = f"{started}@{_BOOT_ID}" if _BOOT_ID else started
        _identity_cache[pid] = tags
    return tags


def dead_process_cause(run: PipelineRun) -> str | None:
    """Why the process executing ``run`` is known to be gone, or None if it may be alive."""
    tags = run.tags or {}
    pid_text = tags.get(PID_TAG)
    if pid_text is None or tags.get(HOST_TAG) != _HOSTNAME:
        return None
    try:
        pid = int(pid_text)
    except ValueError:
        return None
    where = f'process (pid: {pid}) on host "{_HOSTNAME}"'
    started, _, boot_id = tags.get(PID_START_TAG, "").partition("@")
    if boot_id and _BOOT_ID and boot_id != _BOOT_ID:
        return (
            f"The {where} that was executing this run no longer exists: the machine has restarted since "
            "(power loss, crash or reboot)."
        )
    if _HAS_PROC:
        fields = _proc_stat_fields(pid)
        if fields is None:
            return f"The {where} that was executing this run no longer exists: it was killed or crashed."
        if fields[0] in ("Z", "X"):
            return f"The {where} that was executing this run has exited (it is a zombie): it was killed or crashed."
        if started and fields[19] != started:
            return (
                f"The {where} that was executing this run no longer exists: it was killed or crashed, "
                "and its pid now belongs to another process."
            )
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"The {where} that was executing this run no longer exists: it was killed or crashed."
    except PermissionError:
        return None
    return None
