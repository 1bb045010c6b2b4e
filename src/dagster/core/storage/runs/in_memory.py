"""Run storage that lives in this process only (used by ephemeral instances and tests)."""

from __future__ import annotations

import threading
from typing import Any

from dagster import check
from dagster.core.errors import DagsterRunAlreadyExists, DagsterSnapshotDoesNotExist
from dagster.core.storage.pipeline_run import (
    PIPELINE_EVENT_STATUS,
    PipelineRun,
    PipelineRunsFilter,
)
from dagster.core.storage.runs.base import RunStorage, check_limit, snapshot_id_for
from dagster.core.storage.tags import ROOT_RUN_ID_TAG


class InMemoryRunStorage(RunStorage):
    """Runs kept in insertion order in a dict; safe to use from several threads."""

    def __init__(self) -> None:
        self._runs: dict[str, PipelineRun] = {}
        self._snapshots: dict[str, Any] = {}
        self._lock = threading.Lock()

    def add_run(self, pipeline_run: PipelineRun) -> PipelineRun:
        check.inst_param(pipeline_run, "pipeline_run", PipelineRun)
        with self._lock:
            if pipeline_run.run_id in self._runs:
                raise DagsterRunAlreadyExists(
                    f"A run with id {pipeline_run.run_id} already exists: run ids must be unique."
                )
            for snapshot_id in (pipeline_run.pipeline_snapshot_id, pipeline_run.execution_plan_snapshot_id):
                if snapshot_id is not None and snapshot_id not in self._snapshots:
                    raise DagsterSnapshotDoesNotExist(
                        f"Run {pipeline_run.run_id} points at snapshot {snapshot_id}, which is not stored. "
                        "Add the snapshot before the run."
                    )
            self._runs[pipeline_run.run_id] = pipeline_run
        return pipeline_run

    def handle_run_event(self, run_id: str, event: Any, new_tags: dict[str, str] | None = None) -> None:
        status = PIPELINE_EVENT_STATUS.get(event.event_type_value)
        if status is None:
            return
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None:
                run = run.with_status(status)
                self._runs[run_id] = run.with_tags({**run.tags, **new_tags}) if new_tags else run

    def get_runs(
        self, filters: PipelineRunsFilter | None = None, cursor: str | None = None, limit: int | None = None
    ) -> list[PipelineRun]:
        check_limit(limit)
        with self._lock:
            newest_first = list(reversed(self._runs.values()))
        if cursor is not None:
            index = next((i for i, run in enumerate(newest_first) if run.run_id == cursor), None)
            newest_first = [] if index is None else newest_first[index + 1 :]
        selected = []
        for run in newest_first:
            if limit is not None and len(selected) >= limit:
                break
            if filters is None or filters.matches(run):
                selected.append(run)
        return selected

    def get_runs_count(self, filters: PipelineRunsFilter | None = None) -> int:
        with self._lock:
            runs = list(self._runs.values())
        return sum(1 for run in runs if filters is None or filters.matches(run))

    def get_run_group(self, run_id: str) -> tuple[str, list[PipelineRun]] | None:
        run = self.get_run_by_id(run_id)
        if run is None:
            return None
        root_run_id = run.root_run_id or run.run_id
        with self._lock:
            runs = list(self._runs.values())
        root = [r for r in runs if r.run_id == root_run_id]
        descendants = [
            r for r in runs if r.tags.get(ROOT_RUN_ID_TAG) == root_run_id and r.run_id != root_run_id
        ]
        return root_run_id, root + descendants

    def get_run_by_id(self, run_id: str) -> PipelineRun | None:
        return self._runs.get(check.str_param(run_id, "run_id"))

    def get_run_tags(self) -> list[tuple[str, set[str]]]:
        values: dict[str, set[str]] = {}
        with self._lock:
            for run in self._runs.values():
                for key, value in run.tags.items():
                    values.setdefault(key, set()).add(value)
        return sorted(values.items(), key=lambda item: item[0])

    def add_run_tags(self, run_id: str, new_tags: dict[str, str]) -> None:
        check.str_param(run_id, "run_id")
        check.dict_param(new_tags, "new_tags", key_type=str, value_type=str)
        if not new_tags:
            return
        with self._lock:
            run = self._runs.get(run_id)
            check.invariant(run is not None, f"Cannot add tags to run {run_id}: no such run.")
            self._runs[run_id] = run.with_tags({**run.tags, **new_tags})

    def has_run(self, run_id: str) -> bool:
        return run_id in self._runs

    def has_pipeline_snapshot(self, pipeline_snapshot_id: str) -> bool:
        return pipeline_snapshot_id in self._snapshots

    def add_pipeline_snapshot(self, pipeline_snapshot: Any) -> str:
        return self._add_snapshot(pipeline_snapshot)

    def get_pipeline_snapshot(self, pipeline_snapshot_id: str) -> Any:
        return self._get_snapshot(pipeline_snapshot_id)

    def has_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> bool:
        return execution_plan_snapshot_id in self._snapshots

    def add_execution_plan_snapshot(self, execution_plan_snapshot: Any) -> str:
        return self._add_snapshot(execution_plan_snapshot)

    def get_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> Any:
        return self._get_snapshot(execution_plan_snapshot_id)

    def _add_snapshot(self, snapshot: Any) -> str:
        snapshot_id = snapshot_id_for(snapshot)
        with self._lock:
            self._snapshots[snapshot_id] = snapshot
        return snapshot_id

    def _get_snapshot(self, snapshot_id: str) -> Any:
        snapshot = self._snapshots.get(snapshot_id)
        if snapshot is None:
            raise DagsterSnapshotDoesNotExist(f"No snapshot with id {snapshot_id} is stored.")
        return snapshot

    def wipe(self) -> None:
        with self._lock:
            self._runs.clear()
            self._snapshots.clear()

    def delete_run(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)
