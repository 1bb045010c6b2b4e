"""``DagsterInstance``: where runs, their events and their captured output live.

An instance bundles the storages named in ``$DAGSTER_HOME/dagster.yaml`` (or in-memory ones, for
``DagsterInstance.ephemeral()``) and keeps them consistent: every event goes through
``handle_new_event``, which appends it to the event log and moves the run's status along with
the PIPELINE_* events. ``get_ref()`` returns an ``InstanceRef`` from which another process
rebuilds the same instance.
"""

from __future__ import annotations

import atexit
import inspect
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from dagster import check
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.instance.ref import InstanceRef
from dagster.core.instance.run_creation import InstanceRunCreationMixin
from dagster.core.instance.run_liveness import (
    PROCESS_TAGS,
    InstanceRunLivenessMixin,
    current_process_tags,
    is_checked_for_liveness,
)
from dagster.core.instance.schedules import InstanceSchedulesMixin
from dagster.core.storage.compute_log_manager import ComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus
from dagster.core.storage.root import LocalArtifactStorage
from dagster.serdes import ConfigurableClassData, whitelist_for_serdes

if TYPE_CHECKING:
    from dagster.core.events import DagsterEvent
    from dagster.core.events.log import EventRecord

__all__ = ["DagsterInstance", "InstanceRef", "InstanceType"]

_PIPELINE_EVENT_TYPES = frozenset({"PIPELINE_START", "PIPELINE_SUCCESS", "PIPELINE_FAILURE"})

_process_temp_dir: str | None = None


@whitelist_for_serdes
class InstanceType(Enum):
    PERSISTENT = "PERSISTENT"
    EPHEMERAL = "EPHEMERAL"


def _remove_process_temp_dir() -> None:
    if _process_temp_dir is not None:
        shutil.rmtree(_process_temp_dir, ignore_errors=True)


class DagsterInstance(InstanceRunCreationMixin, InstanceRunLivenessMixin, InstanceSchedulesMixin):
    """The storages of one Dagster home, and the operations that keep them consistent."""

    def __init__(
        self,
        instance_type: InstanceType,
        local_artifact_storage: LocalArtifactStorage,
        run_storage: Any,
        event_storage: Any,
        compute_log_manager: ComputeLogManager,
        schedule_storage: Any = None,
        scheduler: Any = None,
        run_launcher: Any = None,
        dagit_settings: dict | None = None,
        telemetry_settings: dict | None = None,
        ref: InstanceRef | None = None,
    ):
        from dagster.core.storage.event_log.base import EventLogStorage
        from dagster.core.storage.runs.base import RunStorage

        self._instance_type = check.inst_param(instance_type, "instance_type", InstanceType)
        self._local_artifact_storage = check.inst_param(
            local_artifact_storage, "local_artifact_storage", LocalArtifactStorage
        )
        self._run_storage = check.inst_param(run_storage, "run_storage", RunStorage)
        self._event_storage = check.inst_param(event_storage, "event_storage", EventLogStorage)
        self._compute_log_manager = check.inst_param(
            compute_log_manager, "compute_log_manager", ComputeLogManager
        )
        self._schedule_storage = schedule_storage
        # from_ref leaves the schedule storage to be built on first use: most processes (steps,
        # workers, most commands) never touch it, and need not open its database.
        self._schedule_storage_data: Any = None
        self._scheduler = scheduler
        self._run_launcher = run_launcher
        self._dagit_settings = check.opt_dict_param(dagit_settings, "dagit_settings")
        self._telemetry_settings = check.opt_dict_param(telemetry_settings, "telemetry_settings")
        self._ref = check.opt_inst_param(ref, "ref", InstanceRef)
        self._subscribers: defaultdict[str, list[Callable]] = defaultdict(list)
        # Per thread: the events held by hold_events() until release_events(), or no attribute.
        self._held = threading.local()
        self._stored_snapshot_ids: set[str] = set()

    # ----------------------------------------------------------------------------------- creation

    @staticmethod
    def ephemeral(tempdir: str | None = None) -> DagsterInstance:
        """In-memory runs and events, no compute log capture, artifacts in a process-wide temp dir."""
        from dagster.core.storage.event_log import InMemoryEventLogStorage
        from dagster.core.storage.noop_compute_log_manager import NoOpComputeLogManager
        from dagster.core.storage.runs import InMemoryRunStorage

        return DagsterInstance(
            InstanceType.EPHEMERAL,
            LocalArtifactStorage(tempdir or DagsterInstance.temp_storage()),
            InMemoryRunStorage(),
            InMemoryEventLogStorage(),
            NoOpComputeLogManager(),
        )

    @staticmethod
    def get(fallback_storage: str | None = None) -> DagsterInstance:
        """The instance of ``$DAGSTER_HOME``; else one in ``fallback_storage``; else an ephemeral one."""
        dagster_home = os.getenv("DAGSTER_HOME")
        if dagster_home:
            home = os.path.abspath(os.path.expanduser(dagster_home))
            if not os.path.isdir(home):
                if os.path.exists(home):
                    problem, fix = "is a file", "Point DAGSTER_HOME at a directory"
                else:
                    problem, fix = (
                        "does not exist",
                        f"Create it (mkdir -p {home}) or point DAGSTER_HOME at a directory",
                    )
                raise DagsterInvariantViolationError(
                    f'$DAGSTER_HOME is set to "{dagster_home}", but {home} {problem}: it must be a directory. '
                    f"{fix}."
                )
            return DagsterInstance.from_config(home)
        if fallback_storage is not None:
            return DagsterInstance.from_config(fallback_storage)
        return DagsterInstance.ephemeral()

    @staticmethod
    def local_temp(tempdir: str | None = None, overrides: dict | None = None) -> DagsterInstance:
        """A persistent instance in ``tempdir`` (a new temp dir if None); ``overrides`` merge into dagster.yaml."""
        if tempdir is None:
            tempdir = tempfile.mkdtemp(prefix="dagster-home-")
        return DagsterInstance.from_ref(InstanceRef.from_dir(tempdir, overrides=overrides))

    @staticmethod
    def from_config(config_dir: str, config_filename: str = "dagster.yaml") -> DagsterInstance:
        return DagsterInstance.from_ref(InstanceRef.from_dir(config_dir, config_filename=config_filename))

    @staticmethod
    def from_ref(instance_ref: InstanceRef) -> DagsterInstance:
        check.inst_param(instance_ref, "instance_ref", InstanceRef)
        instance = DagsterInstance(
            instance_type=InstanceType.PERSISTENT,
            local_artifact_storage=instance_ref.local_artifact_storage,
            run_storage=instance_ref.run_storage,
            event_storage=instance_ref.event_storage,
            compute_log_manager=instance_ref.compute_log_manager,
            schedule_storage=None,
            scheduler=instance_ref.scheduler,
            run_launcher=instance_ref.run_launcher,
            dagit_settings=instance_ref.dagit_settings,
            telemetry_settings=instance_ref.telemetry_settings,
            ref=instance_ref,
        )
        instance._schedule_storage_data = instance_ref.schedule_storage_data
        return instance

    @staticmethod
    def temp_storage() -> str:
        """A temp dir shared by this process's ephemeral instances, removed when the process exits."""
        global _process_temp_dir
        if _process_temp_dir is None:
            _process_temp_dir = tempfile.mkdtemp(prefix="dagster-")
            atexit.register(_remove_process_temp_dir)
        return _process_temp_dir

    # --------------------------------------------------------------------------------------- info

    @property
    def is_persistent(self) -> bool:
        return self._instance_type is InstanceType.PERSISTENT

    @property
    def is_ephemeral(self) -> bool:
        return self._instance_type is InstanceType.EPHEMERAL

    def get_ref(self) -> InstanceRef:
        if self._ref is None:
            raise DagsterInvariantViolationError(
                "This instance has no InstanceRef, so another process cannot open it: it is ephemeral "
                "(in memory). Use a persistent instance: set DAGSTER_HOME, or DagsterInstance.local_temp()."
            )
        return self._ref

    @property
    def root_directory(self) -> str:
        return self._local_artifact_storage.base_dir

    @property
    def compute_log_manager(self) -> ComputeLogManager:
        return self._compute_log_manager

    @property
    def run_storage(self) -> Any:
        return self._run_storage

    @property
    def event_storage(self) -> Any:
        return self._event_storage

    @property
    def schedule_storage(self) -> Any:
        if self._schedule_storage is None and self._schedule_storage_data is not None:
            self._schedule_storage = self._schedule_storage_data.rehydrate()
        return self._schedule_storage

    @property
    def scheduler(self) -> Any:
        return self._scheduler

    @property
    def run_launcher(self) -> Any:
        return self._run_launcher

    @property
    def dagit_settings(self) -> dict:
        return self._dagit_settings

    @property
    def telemetry_enabled(self) -> bool:
        if self.is_ephemeral:
            return False
        return bool(self._telemetry_settings.get("enabled", True))

    @staticmethod
    def info_str_for_component(component_name: str, component: Any) -> str:
        inst_data = (
            component
            if isinstance(component, ConfigurableClassData)
            else getattr(component, "inst_data", None)
        )
        if inst_data is not None:
            return f"{component_name}:\n{inst_data.info_str('  ')}\n"
        if component is None:
            return f"{component_name}: none\n"
        return f"{component_name}:\n  class: {type(component).__name__}\n"

    def info_str(self) -> str:
        components = [
            ("local_artifact_storage", self._local_artifact_storage),
            ("run_storage", self._run_storage),
            ("event_log_storage", self._event_storage),
            ("compute_logs", self._compute_log_manager),
            ("schedule_storage", self._schedule_storage_data or self._schedule_storage),
            ("scheduler", self._scheduler),
            ("run_launcher", self._run_launcher),
        ]
        return "\n".join(self.info_str_for_component(name, component) for name, component in components)

    # ---------------------------------------------------------------------------------- lifecycle

    def upgrade(self, print_fn: Callable[[str], Any] = lambda _: None) -> None:
        """Bring the run, event log and schedule storages to the current schema (storages without
        a schema, such as in-memory ones, are skipped)."""
        storages = (
            ("run", self._run_storage),
            ("event", self._event_storage),
            ("schedule", self.schedule_storage),
        )
        self._check_upgradable([storage for _name, storage in storages])
        for name, storage in storages:
            if hasattr(storage, "upgrade"):
                print_fn(f"Updating {name} storage...")
                # Storages that convert data (the 0.7 event files) report each step through print_fn.
                if "print_fn" in inspect.signature(storage.upgrade).parameters:
                    storage.upgrade(print_fn=print_fn)
                else:
                    storage.upgrade()

    @staticmethod
    def _check_upgradable(storages: list) -> None:
        """Before writing anything, let storages that convert old data (the 0.7 event files) check
        they can read all of it; a failure raises ``DagsterInstanceSchemaError`` naming the file."""
        for storage in storages:
            if hasattr(storage, "check_upgradable"):
                storage.check_upgradable()

    def dispose(self) -> None:
        self._run_storage.dispose()
        self._event_storage.dispose()
        self._compute_log_manager.dispose()
        if self._schedule_storage is not None and hasattr(self._schedule_storage, "dispose"):
            self._schedule_storage.dispose()

    # --------------------------------------------------------------------------------------- runs

    def add_run(self, pipeline_run: PipelineRun) -> PipelineRun:
        return self._run_storage.add_run(pipeline_run)

    def has_run(self, run_id: str) -> bool:
        return self._run_storage.has_run(run_id)

    def get_run_by_id(self, run_id: str) -> PipelineRun | None:
        run = self._run_storage.get_run_by_id(run_id)
        if run is not None and is_checked_for_liveness(run):
            run = self._fail_if_process_dead(run)
        return run

    def get_runs(self, filters: Any = None, cursor: str | None = None, limit: int | None = None) -> list:
        self._sweep_dead_runs_for(filters)
        return self._checked_runs(self._run_storage.get_runs(filters, cursor, limit))

    def get_runs_count(self, filters: Any = None) -> int:
        self._sweep_dead_runs_for(filters)
        return self._run_storage.get_runs_count(filters)

    def get_run_group(self, run_id: str) -> tuple | None:
        group = self._run_storage.get_run_group(run_id)
        if group is None:
            return None
        root_run_id, runs = group
        return root_run_id, self._checked_runs(runs)

    def get_run_tags(self) -> list:
        """Every tag key in use with its values (for filter menus), without the per-process tags."""
        return [(key, values) for key, values in self._run_storage.get_run_tags() if key not in PROCESS_TAGS]

    def add_run_tags(self, run_id: str, new_tags: dict) -> None:
        self._run_storage.add_run_tags(run_id, new_tags)

    def get_run_stats(self, run_id: str) -> Any:
        return self._event_storage.get_stats_for_run(run_id)

    def get_run_step_stats(self, run_id: str) -> list:
        return self._event_storage.get_step_stats_for_run(run_id)

    def delete_run(self, run_id: str) -> None:
        self._run_storage.delete_run(run_id)
        self._event_storage.delete_events(run_id)

    def wipe(self) -> None:
        self.forget_stored_snapshots()
        self._run_storage.wipe()
        self._event_storage.wipe()

    def handle_run_event(self, run_id: str, event: DagsterEvent) -> None:
        self._run_storage.handle_run_event(run_id, event)

    def launch_run(self, run_id: str) -> PipelineRun:
        if self._run_launcher is None:
            raise DagsterInvariantViolationError(
                "This instance has no run launcher. Add a `run_launcher:` section to "
                "$DAGSTER_HOME/dagster.yaml, or execute the pipeline directly."
            )
        run = self.get_run_by_id(run_id)
        if run is None:
            from dagster.core.errors import DagsterRunNotFoundError

            raise DagsterRunNotFoundError(
                f"Cannot launch run {run_id}: no such run in this instance.", invalid_run_id=run_id
            )
        return self._run_launcher.launch_run(self, run)

    # ---------------------------------------------------------------------------------- snapshots

    def get_pipeline_snapshot(self, snapshot_id: str) -> Any:
        return self._run_storage.get_pipeline_snapshot(snapshot_id)

    def has_pipeline_snapshot(self, snapshot_id: str) -> bool:
        return self._run_storage.has_pipeline_snapshot(snapshot_id)

    def get_execution_plan_snapshot(self, snapshot_id: str) -> Any:
        return self._run_storage.get_execution_plan_snapshot(snapshot_id)

    # ------------------------------------------------------------------------------------- events

    def logs_after(self, run_id: str, cursor: int) -> list:
        return self._event_storage.get_logs_for_run(run_id, cursor=cursor)

    def all_logs(self, run_id: str) -> list:
        return self._event_storage.get_logs_for_run(run_id)

    def watch_event_logs(self, run_id: str, cursor: int, cb: Callable) -> None:
        self._event_storage.watch(run_id, cursor, cb)

    def end_watch_event_logs(self, run_id: str, cb: Callable) -> None:
        self._event_storage.end_watch(run_id, cb)

    def add_event_listener(self, run_id: str, cb: Callable[[EventRecord], Any]) -> None:
        """Call ``cb(record)`` in this process for every event of ``run_id`` handled by this instance."""
        self._subscribers[run_id].append(cb)

    def handle_new_event(self, event: EventRecord) -> None:
        """Store ``event``; a PIPELINE_START/SUCCESS/FAILURE event also moves the run's status (in
        the same transaction when the storages share a database). On a persistent instance,
        PIPELINE_START also tags the run with this process's identity (see ``run_liveness``), in the
        write that makes it STARTED.

        While this thread holds events (:meth:`hold_events`), the event is kept until
        :meth:`release_events` instead."""
        dagster_event = event.dagster_event
        is_pipeline_event = (
            dagster_event is not None and dagster_event.event_type_value in _PIPELINE_EVENT_TYPES
        )
        held = getattr(self._held, "events", None)
        if held is not None:
            if not is_pipeline_event:
                held.append(event)
                return
            # A run's status moves with its event: store what is held first, in order.
            self.release_events()
            try:
                self.handle_new_event(event)
            finally:
                self.hold_events()
            return
        if is_pipeline_event:
            # The run becomes STARTED together with the tags that say which process runs it.
            process_tags = (
                current_process_tags()
                if dagster_event.event_type_value == "PIPELINE_START"
                and self._instance_type is InstanceType.PERSISTENT
                else None
            )
            self._event_storage.store_event_with_run_status(event, self._run_storage, process_tags)
        else:
            self._event_storage.store_event(event)
        self._notify_listeners((event,))

    def _notify_listeners(self, events: tuple | list) -> None:
        """Hand stored events to the listeners of their runs in this process."""
        if not self._subscribers:
            return
        for event in events:
            for listener in self._subscribers.get(event.run_id, ()):
                listener(event)

    def hold_events(self) -> None:
        """Keep the events this thread hands to :meth:`handle_new_event` in memory until
        :meth:`release_events` stores them together, in one write.

        The step executor holds the events of each stretch of framework code in a step and releases
        them before any user code runs (the compute function, a user type check, ...) and when the
        step ends: every event is stored before user code runs and before the step's events are
        yielded, at the cost of one write per stretch instead of one per event. A PIPELINE_* event
        handed over while events are held is stored at once, after them.
        """
        if getattr(self._held, "events", None) is None:
            self._held.events = []

    def release_events(self) -> bool:
        """Store the events held by this thread (one write) and stop holding; True if there were any."""
        events = getattr(self._held, "events", None)
        self._held.events = None
        if not events:
            return False
        self._event_storage.store_events(events)
        self._notify_listeners(events)
        return True

    def get_logger(self) -> logging.Logger:
        """A python logger that turns the structured records of a run's log manager into stored events."""
        from dagster.core.events.log import event_record_logger

        return event_record_logger(self.handle_new_event)

    def report_engine_event(
        self,
        message: str,
        pipeline_run: PipelineRun,
        engine_event_data: Any = None,
        cls: type | None = None,
        step_key: str | None = None,
    ) -> DagsterEvent:
        """Write an ENGINE_EVENT for ``pipeline_run`` (INFO, or ERROR when the data carries an error)."""
        from dagster.core.events import DagsterEvent, DagsterEventType, EngineEventData

        if cls is not None:
            message = f"[{cls.__name__}] {message}"
        engine_event_data = engine_event_data or EngineEventData([])
        level = logging.ERROR if engine_event_data.error is not None else logging.INFO
        dagster_event = DagsterEvent(
            event_type_value=DagsterEventType.ENGINE_EVENT.value,
            pipeline_name=pipeline_run.pipeline_name,
            step_key=step_key,
            message=message,
            event_specific_data=engine_event_data,
        )
        self._write_event(pipeline_run, dagster_event, message, level, step_key)
        return dagster_event

    def fail_run_left_unstarted(self, pipeline_run: PipelineRun) -> None:
        """Mark the run failed if it is still NOT_STARTED. A run whose initialization failed
        (PIPELINE_INIT_FAILURE) stays NOT_STARTED, as in 0.7; the process that executed it calls
        this afterwards, since nothing else would ever finish it."""
        stored = self.get_run_by_id(pipeline_run.run_id)
        if stored is not None and stored.status == PipelineRunStatus.NOT_STARTED:
            self.report_run_failed(
                pipeline_run, "Its initialization failed: see the PIPELINE_INIT_FAILURE event."
            )

    def report_run_failed(self, pipeline_run: PipelineRun, reason: str | None = None) -> DagsterEvent:
        """Write PIPELINE_FAILURE for a run from outside its execution (its status becomes FAILURE)."""
        from dagster.core.events import DagsterEvent, DagsterEventType

        message = "This pipeline run has been marked as failed from outside the execution context."
        if reason:
            message = f"{message} {reason}"
        dagster_event = DagsterEvent(
            event_type_value=DagsterEventType.PIPELINE_FAILURE.value,
            pipeline_name=pipeline_run.pipeline_name,
            message=message,
        )
        self._write_event(pipeline_run, dagster_event, message, logging.ERROR, None)
        return dagster_event

    def _write_event(
        self, pipeline_run: PipelineRun, dagster_event: Any, message: str, level: int, step_key: str | None
    ) -> None:
        from dagster.core.events.log import DagsterEventRecord

        self.handle_new_event(
            DagsterEventRecord(
                error_info=None,
                message=message,
                level=level,
                user_message=message,
                run_id=pipeline_run.run_id,
                timestamp=time.time(),
                step_key=step_key,
                pipeline_name=pipeline_run.pipeline_name,
                dagster_event=dagster_event,
            )
        )

    # -------------------------------------------------------------------------------- directories

    def file_manager_directory(self, run_id: str) -> str:
        return self._local_artifact_storage.file_manager_dir(run_id)

    def intermediates_directory(self, run_id: str) -> str:
        return self._local_artifact_storage.intermediates_dir(run_id)
