"""Run creation for ``DagsterInstance``: runs with their pipeline and execution plan snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.core.errors import DagsterRunConflict, DagsterSnapshotDoesNotExist
from dagster.core.instance.run_liveness import PROCESS_TAGS
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus


class InstanceRunCreationMixin:
    """The run-creating methods of ``DagsterInstance``.

    Snapshots are content-addressed, so the ids of pipeline snapshots this process has already
    stored (``_stored_snapshot_ids``) are remembered: a run of a known pipeline writes only its run
    row and its plan snapshot, instead of serializing the whole pipeline again."""

    _run_storage: Any
    _stored_snapshot_ids: set[str]

    def forget_stored_snapshots(self) -> None:
        self._stored_snapshot_ids.clear()

    def create_run_for_pipeline(
        self,
        pipeline_def: Any,
        execution_plan: Any = None,
        run_id: str | None = None,
        environment_dict: dict | None = None,
        mode: str | None = None,
        solid_subset: list | None = None,
        step_keys_to_execute: list | None = None,
        status: PipelineRunStatus | None = None,
        tags: dict | None = None,
        root_run_id: str | None = None,
        parent_run_id: str | None = None,
    ) -> PipelineRun:
        """Create a run of ``pipeline_def`` with its pipeline and plan snapshots.

        Without ``execution_plan``, the plan is built here, which validates ``environment_dict``."""
        from dagster.core.execution.api import create_execution_plan
        from dagster.core.execution.config import RunConfig
        from dagster.core.snap import snapshot_from_execution_plan

        if solid_subset and {solid.name for solid in pipeline_def.solids} != set(solid_subset):
            pipeline_def = pipeline_def.build_sub_pipeline(solid_subset)
        mode = mode or pipeline_def.get_default_mode_name()
        if execution_plan is None:
            execution_plan = create_execution_plan(
                pipeline_def,
                environment_dict=environment_dict,
                run_config=RunConfig(step_keys_to_execute=step_keys_to_execute),
                mode=mode,
            )
        pipeline_snapshot_id = pipeline_def.get_pipeline_snapshot_id()
        return self._create_run(
            PipelineRun(
                pipeline_name=pipeline_def.name,
                run_id=run_id,
                environment_dict=environment_dict,
                mode=mode,
                solid_subset=solid_subset,
                step_keys_to_execute=step_keys_to_execute,
                status=status,
                tags=tags,
                root_run_id=root_run_id,
                parent_run_id=parent_run_id,
            ),
            pipeline_def.get_pipeline_snapshot(),
            snapshot_from_execution_plan(execution_plan, pipeline_snapshot_id),
            pipeline_snapshot_id,
        )

    def create_run(
        self,
        pipeline_name: str | None = None,
        run_id: str | None = None,
        environment_dict: dict | None = None,
        mode: str | None = None,
        solid_subset: list | None = None,
        step_keys_to_execute: list | None = None,
        status: PipelineRunStatus | None = None,
        tags: dict | None = None,
        root_run_id: str | None = None,
        parent_run_id: str | None = None,
        pipeline_snapshot: Any = None,
        execution_plan_snapshot: Any = None,
    ) -> PipelineRun:
        run = PipelineRun(
            pipeline_name=pipeline_name,
            run_id=run_id,
            environment_dict=environment_dict,
            mode=mode,
            solid_subset=solid_subset,
            step_keys_to_execute=step_keys_to_execute,
            status=status,
            tags=tags,
            root_run_id=root_run_id,
            parent_run_id=parent_run_id,
        )
        return self._create_run(run, pipeline_snapshot, execution_plan_snapshot)

    def get_or_create_run(
        self,
        pipeline_name: str | None = None,
        run_id: str | None = None,
        environment_dict: dict | None = None,
        mode: str | None = None,
        solid_subset: list | None = None,
        step_keys_to_execute: list | None = None,
        status: PipelineRunStatus | None = None,
        tags: dict | None = None,
        root_run_id: str | None = None,
        parent_run_id: str | None = None,
        pipeline_snapshot: Any = None,
        execution_plan_snapshot: Any = None,
    ) -> PipelineRun:
        """The stored run ``run_id`` if it matches these arguments, else a new one (a mismatch raises)."""
        existing = self._run_storage.get_run_by_id(run_id) if run_id is not None else None
        if existing is None:
            return self.create_run(
                pipeline_name,
                run_id,
                environment_dict,
                mode,
                solid_subset,
                step_keys_to_execute,
                status,
                tags,
                root_run_id,
                parent_run_id,
                pipeline_snapshot,
                execution_plan_snapshot,
            )
        from dagster.core.snap import create_execution_plan_snapshot_id, create_pipeline_snapshot_id

        given = PipelineRun(
            pipeline_name=pipeline_name,
            run_id=run_id,
            environment_dict=environment_dict,
            mode=mode,
            solid_subset=solid_subset,
            step_keys_to_execute=step_keys_to_execute,
            status=status,
            tags=tags,
            root_run_id=root_run_id,
            parent_run_id=parent_run_id,
            pipeline_snapshot_id=(
                create_pipeline_snapshot_id(pipeline_snapshot) if pipeline_snapshot is not None else None
            ),
            execution_plan_snapshot_id=(
                create_execution_plan_snapshot_id(execution_plan_snapshot)
                if execution_plan_snapshot is not None
                else None
            ),
        )
        # The tags the instance adds when the run starts (which process runs it) are not a conflict.
        comparable = existing._replace(
            tags={
                key: value
                for key, value in existing.tags.items()
                if key not in PROCESS_TAGS or key in given.tags
            }
        )
        differing = [
            field
            for field in PipelineRun._fields
            if field != "status" and getattr(comparable, field) != getattr(given, field)
        ]
        if differing:
            raise DagsterRunConflict(
                f"A run with id {run_id} already exists with a different "
                + ", ".join(
                    f"{field} (stored {getattr(comparable, field)!r}, given {getattr(given, field)!r})"
                    for field in differing
                )
                + ". Use a new run id, or the stored values."
            )
        return existing

    def _create_run(
        self,
        run: PipelineRun,
        pipeline_snapshot: Any,
        execution_plan_snapshot: Any,
        pipeline_snapshot_id: str | None = None,
    ) -> PipelineRun:
        """Store the snapshots (content-addressed: once per instance and process) and the run."""
        try:
            return self._run_storage.add_run(
                self._with_snapshots(run, pipeline_snapshot, execution_plan_snapshot, pipeline_snapshot_id)
            )
        except DagsterSnapshotDoesNotExist:
            # Another process wiped the storage after this one stored the snapshot: store it again.
            self._stored_snapshot_ids.clear()
            return self._run_storage.add_run(
                self._with_snapshots(run, pipeline_snapshot, execution_plan_snapshot, pipeline_snapshot_id)
            )

    def _with_snapshots(
        self,
        run: PipelineRun,
        pipeline_snapshot: Any,
        execution_plan_snapshot: Any,
        pipeline_snapshot_id: str | None,
    ) -> PipelineRun:
        if pipeline_snapshot is not None:
            pipeline_snapshot_id = self._store_snapshot(
                pipeline_snapshot, pipeline_snapshot_id, self._run_storage.add_pipeline_snapshot
            )
            run = run.with_pipeline_snapshot_id(pipeline_snapshot_id)
        if execution_plan_snapshot is not None:
            check.invariant(
                pipeline_snapshot is not None
                and execution_plan_snapshot.pipeline_snapshot_id == pipeline_snapshot_id,
                "An execution plan snapshot needs the pipeline snapshot it was made from; got plan snapshot "
                f"of pipeline snapshot {execution_plan_snapshot.pipeline_snapshot_id} with pipeline snapshot "
                f"{pipeline_snapshot_id}.",
            )
            run = run.with_execution_plan_snapshot_id(
                self._run_storage.add_execution_plan_snapshot(execution_plan_snapshot)
            )
        return run

    def _store_snapshot(self, snapshot: Any, snapshot_id: str | None, add: Callable[[Any], str]) -> str:
        if snapshot_id is not None and snapshot_id in self._stored_snapshot_ids:
            return snapshot_id
        stored_id = add(snapshot)
        self._stored_snapshot_ids.add(stored_id)
        return stored_id
