"""Which process executes a run, and whether it is still alive.

A process that takes a run for execution tags it, before it initializes the run's loggers,
resources and storage, with its identity: ``dagster/pid``, ``dagster/host`` and, on Linux,
``dagster/pid_start`` (``<start time in clock ticks since boot>@<boot id>``, so that neither a
recycled pid nor a reboot is mistaken for the run's process); PIPELINE_START writes the same tags
with the run's new status. Whenever the instance reads a run that is STARTED, or NOT_STARTED but
taken, it checks that process: if it is on this host and gone (the machine restarted, no such pid,
a zombie, or another process under the same pid), the run is marked FAILURE with an engine event
naming the pid and the cause. Runs on other hosts, runs without these tags (written by Dagster 0.7,
or created and not yet executed) and runs whose initialization failed (PIPELINE_INIT_FAILURE: they
stay NOT_STARTED, as in 0.7) are left alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

from dagster.core.errors import DagsterInstanceSchemaError
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus

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


_STARTED = PipelineRunStatus.STARTED
_NOT_STARTED = PipelineRunStatus.NOT_STARTED
_RUN_EVENT_TYPES = frozenset(
    {"PIPELINE_START", "PIPELINE_SUCCESS", "PIPELINE_FAILURE", "PIPELINE_INIT_FAILURE"}
)

# Why a process is known to be gone, said of a run it was executing / of a run it had taken.
_REBOOT, _GONE, _ZOMBIE, _RECYCLED = "reboot", "gone", "zombie", "recycled"
_WHILE_RUNNING = {
    _REBOOT: "no longer exists: the machine has restarted since (power loss, crash or reboot).",
    _GONE: "no longer exists: it was killed or crashed.",
    _ZOMBIE: "has exited (it is a zombie): it was killed or crashed.",
    _RECYCLED: "no longer exists: it was killed or crashed, and its pid now belongs to another process.",
}
_BEFORE_START = {
    _REBOOT: "the machine has restarted since (power loss, crash or reboot).",
    _GONE: "it was killed or crashed.",
    _ZOMBIE: "it has exited (it is a zombie): it was killed or crashed.",
    _RECYCLED: "it was killed or crashed, and its pid now belongs to another process.",
}


def is_checked_for_liveness(run: PipelineRun) -> bool:
    """Whether reading ``run`` checks its process: STARTED, or NOT_STARTED and taken by a process."""
    status = run.status
    return status is _STARTED or (status is _NOT_STARTED and PID_TAG in (run.tags or ()))


def dead_process_cause(run: PipelineRun) -> str | None:
    """Why the process executing (or about to execute) ``run`` is known to be gone, or None if it
    may be alive."""
    tags = run.tags or {}
    pid_text = tags.get(PID_TAG)
    if pid_text is None or tags.get(HOST_TAG) != _HOSTNAME:
        return None
    try:
        pid = int(pid_text)
    except ValueError:
        return None
    reason = _why_gone(pid, tags.get(PID_START_TAG, ""))
    if reason is None:
        return None
    where = f'process (pid: {pid}) on host "{_HOSTNAME}"'
    if run.status is _NOT_STARTED:
        return f"The {where} that took this run for execution died before the run started: {_BEFORE_START[reason]}"
    return f"The {where} that was executing this run {_WHILE_RUNNING[reason]}"


def _why_gone(pid: int, pid_start: str) -> str | None:
    """One of the reasons above if process ``pid`` (started at ``pid_start``) is gone, else None."""
    started, _, boot_id = pid_start.partition("@")
    if boot_id and _BOOT_ID and boot_id != _BOOT_ID:
        return _REBOOT
    if _HAS_PROC:
        fields = _proc_stat_fields(pid)
        if fields is None:
            return _GONE
        if fields[0] in ("Z", "X"):
            return _ZOMBIE
        if started and fields[19] != started:
            return _RECYCLED
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return _GONE
    except PermissionError:
        return None
    return None


class InstanceRunLivenessMixin:
    """The methods of ``DagsterInstance`` that tag runs with their process and fail dead runs."""

    _run_storage: Any
    _event_storage: Any
    is_persistent: bool
    report_engine_event: Callable[..., Any]
    report_run_failed: Callable[..., Any]

    def take_run_for_execution(self, pipeline_run: PipelineRun) -> None:
        """Tag ``pipeline_run`` with this process before it initializes the run (persistent instances
        only): if the process dies before PIPELINE_START, readers then fail the run instead of leaving
        it NOT_STARTED for ever. One write per run, none if the run already carries these tags."""
        if not self.is_persistent:
            return
        tags = current_process_tags()
        run_tags = pipeline_run.tags or {}
        if any(run_tags.get(key) != value for key, value in tags.items()):
            self._run_storage.add_run_tags(pipeline_run.run_id, tags)

    def _sweep_dead_runs_for(self, filters: Any) -> None:
        """Before a query by status, fail the runs of that status whose process is gone, so that the
        query sees their true status (and pages and counts stay right)."""
        status = filters.status if filters is not None else None
        if status is _STARTED or status is PipelineRunStatus.FAILURE:
            for run in self._run_storage.get_runs(filters._replace(status=_STARTED)):
                self._fail_if_process_dead(run)
        if status is _NOT_STARTED or status is PipelineRunStatus.FAILURE:
            taken_here = {**(filters.tags or {}), HOST_TAG: _HOSTNAME}
            for run in self._run_storage.get_runs(filters._replace(status=_NOT_STARTED, tags=taken_here)):
                self._fail_if_process_dead(run)  # a run not taken by a process has no cause

    def _checked_runs(self, runs: list) -> list:
        """``runs``, with those whose process is gone failed."""
        if not any(is_checked_for_liveness(run) for run in runs):
            return runs
        return [self._fail_if_process_dead(run) if is_checked_for_liveness(run) else run for run in runs]

    def _fail_if_process_dead(self, run: PipelineRun) -> PipelineRun:
        """Mark a run whose executing process is gone as FAILED, naming the pid and cause.

        If the storage cannot take the write (a full disk, a read-only home), the run is returned as
        stored: reading must not fail, and the next read retries the repair."""
        if dead_process_cause(run) is None:
            return run
        try:
            return self._record_dead_run(run)
        except DagsterInstanceSchemaError:
            return run

    def _record_dead_run(self, run: PipelineRun) -> PipelineRun:
        # Another reader (or the run itself, in its last moment) may have moved it on meanwhile.
        current = self._run_storage.get_run_by_id(run.run_id)
        if current is None or not is_checked_for_liveness(current):
            return current or run
        cause = dead_process_cause(current)
        if cause is None:
            return current
        last = self._last_run_event(run.run_id)
        if last is not None and last.event_type_value in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE"):
            # The process died between writing its final event and the run's status: repair it.
            self._run_storage.handle_run_event(run.run_id, last)
            return self._run_storage.get_run_by_id(run.run_id) or current
        if (
            last is not None
            and last.event_type_value == "PIPELINE_INIT_FAILURE"
            and current.status is _NOT_STARTED
        ):
            return current  # its initialization failed: it stays NOT_STARTED, as in 0.7
        self._write_dead_run_events(current, cause)
        return self._run_storage.get_run_by_id(run.run_id) or current

    def _write_dead_run_events(self, run: PipelineRun, cause: str) -> None:
        from dagster.core.definitions.events import EventMetadataEntry
        from dagster.core.events import EngineEventData
        from dagster.core.instance import DagsterInstance

        entries = [EventMetadataEntry.text(run.tags[key], key) for key in PROCESS_TAGS if key in run.tags]
        self.report_engine_event(cause, run, EngineEventData(entries), cls=DagsterInstance)
        self.report_run_failed(run, cause)

    def _last_run_event(self, run_id: str) -> Any:
        """The run's last PIPELINE_START/SUCCESS/FAILURE/INIT_FAILURE event, if any."""
        last = None
        for record in self._event_storage.get_logs_for_run(run_id):
            event = record.dagster_event
            if event is not None and event.event_type_value in _RUN_EVENT_TYPES:
                last = event
        return last
