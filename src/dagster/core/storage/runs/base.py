"""The run storage plug-in interface."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any

from dagster import check
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunsFilter
from dagster.serdes import serialize_dagster_namedtuple


def snapshot_id_for(snapshot: Any) -> str:
    """The content address of a pipeline or execution plan snapshot: sha1 hex of its serdes JSON."""
    return hashlib.sha1(serialize_dagster_namedtuple(snapshot).encode("utf-8")).hexdigest()


def check_limit(limit: int | None) -> None:
    """Reject a ``get_runs`` limit that is not None or a count of runs (0 lists none)."""
    check.opt_int_param(limit, "limit")
    if limit is not None and limit < 0:
        raise check.ParameterCheckError(
            f"get_runs got limit={limit}: pass the number of runs to list (0 or more), or None for all."
        )


class RunStorage(ABC):
    """Stores runs, their tags and the snapshots they point at.

    Implement the abstract methods; ``get_runs`` lists newest first and is paginated by ``cursor``
    (a run id: only runs created before it are returned) and ``limit``. Run status changes only
    through :meth:`handle_run_event`, from PIPELINE_START / PIPELINE_SUCCESS / PIPELINE_FAILURE.
    """

    @abstractmethod
    def add_run(self, pipeline_run: PipelineRun) -> PipelineRun:
        """Store a new run and its tags. Raises ``DagsterRunAlreadyExists`` for a known run id and
        ``DagsterSnapshotDoesNotExist`` when the run points at a snapshot that is not stored."""

    @abstractmethod
    def handle_run_event(self, run_id: str, event: Any, new_tags: dict[str, str] | None = None) -> None:
        """Apply the status transition of a pipeline ``DagsterEvent``, adding ``new_tags`` to the run in
        the same write; other events are ignored."""

    @abstractmethod
    def get_runs(
        self, filters: PipelineRunsFilter | None = None, cursor: str | None = None, limit: int | None = None
    ) -> list[PipelineRun]:
        """Runs matching ``filters``, newest first, created before run ``cursor``, at most ``limit``
        (None: all; 0: none; negative: an error). An unknown ``cursor`` lists no runs."""

    @abstractmethod
    def get_runs_count(self, filters: PipelineRunsFilter | None = None) -> int:
        """How many runs match ``filters``."""

    @abstractmethod
    def get_run_group(self, run_id: str) -> tuple[str, list[PipelineRun]] | None:
        """``(root_run_id, [root run, *descendants])`` for the group ``run_id`` belongs to, or None
        if the run is unknown. Descendants carry the ``dagster/root_run_id`` tag."""

    @abstractmethod
    def get_run_by_id(self, run_id: str) -> PipelineRun | None:
        """The run, or None."""

    @abstractmethod
    def get_run_tags(self) -> list[tuple[str, set[str]]]:
        """Every tag key in use with the set of its values, sorted by key."""

    @abstractmethod
    def add_run_tags(self, run_id: str, new_tags: dict[str, str]) -> None:
        """Add tags to a stored run, replacing the values of keys it already has."""

    @abstractmethod
    def has_run(self, run_id: str) -> bool:
        """Whether a run with this id is stored."""

    @abstractmethod
    def has_pipeline_snapshot(self, pipeline_snapshot_id: str) -> bool: ...

    @abstractmethod
    def add_pipeline_snapshot(self, pipeline_snapshot: Any) -> str:
        """Store a pipeline snapshot; returns its id (idempotent)."""

    @abstractmethod
    def get_pipeline_snapshot(self, pipeline_snapshot_id: str) -> Any:
        """The snapshot; raises ``DagsterSnapshotDoesNotExist`` if unknown."""

    @abstractmethod
    def has_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> bool: ...

    @abstractmethod
    def add_execution_plan_snapshot(self, execution_plan_snapshot: Any) -> str:
        """Store an execution plan snapshot; returns its id (idempotent)."""

    @abstractmethod
    def get_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> Any:
        """The snapshot; raises ``DagsterSnapshotDoesNotExist`` if unknown."""

    @abstractmethod
    def wipe(self) -> None:
        """Delete every run, tag and snapshot."""

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Delete one run and its tags (a no-op for an unknown id)."""

    def dispose(self) -> None:
        """Release connections and threads; the storage must not be used afterwards."""
        return None
