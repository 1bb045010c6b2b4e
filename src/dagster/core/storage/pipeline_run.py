"""Run records: :class:`PipelineRun`, its status, the filter used to list runs, and run statistics.

Every record here is stored as serdes JSON under the class names Dagster 0.7 used, so the
``run_body`` column of a 0.7 ``runs.db`` reads back unchanged.
"""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any, NamedTuple

from dagster import check
from dagster.core.storage.tags import (
    BACKFILL_ID_TAG,
    PARTITION_NAME_TAG,
    PARTITION_SET_TAG,
    RESUME_RETRY_TAG,
    SCHEDULE_NAME_TAG,
)
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class PipelineRunStatus(Enum):
    NOT_STARTED = "NOT_STARTED"
    MANAGED = "MANAGED"
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


# The only events that change a run's status, and the status each one sets.
PIPELINE_EVENT_STATUS: dict[str, PipelineRunStatus] = {
    "PIPELINE_START": PipelineRunStatus.STARTED,
    "PIPELINE_SUCCESS": PipelineRunStatus.SUCCESS,
    "PIPELINE_FAILURE": PipelineRunStatus.FAILURE,
}


@whitelist_for_serdes
class StepEventStatus(Enum):
    """How a step ended (``dagster.core.execution.stats`` re-exports this)."""

    SKIPPED = "SKIPPED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@whitelist_for_serdes
class ExecutionSelector(NamedTuple("_ExecutionSelector", [("name", str), ("solid_subset", "list | None")])):
    """Names a pipeline and, optionally, the subset of its solids to run."""

    def __new__(cls, name: str, solid_subset: list[str] | None = None):
        return super().__new__(
            cls,
            check.str_param(name, "name"),
            check.opt_nullable_list_param(solid_subset, "solid_subset", of_type=str),
        )


@whitelist_for_serdes
class PipelineRun(
    NamedTuple(
        "_PipelineRun",
        [
            ("pipeline_name", str),
            ("run_id", str),
            ("environment_dict", dict),
            ("mode", "str | None"),
            ("solid_subset", "list | None"),
            ("step_keys_to_execute", "list | None"),
            ("status", PipelineRunStatus),
            ("tags", dict),
            ("root_run_id", "str | None"),
            ("parent_run_id", "str | None"),
            ("pipeline_snapshot_id", "str | None"),
            ("execution_plan_snapshot_id", "str | None"),
        ],
    )
):
    """One execution of a pipeline, as stored by run storage.

    ``previous_run_id`` (sets both root and parent run ids unless they are given) and ``selector``
    (supplies the pipeline name and solid subset) are accepted for compatibility with older callers
    and older stored bodies; they are not stored as fields.
    """

    def __new__(
        cls,
        pipeline_name: str | None = None,
        run_id: str | None = None,
        environment_dict: dict | None = None,
        mode: str | None = None,
        solid_subset: list[str] | None = None,
        step_keys_to_execute: list[str] | None = None,
        status: PipelineRunStatus | None = None,
        tags: dict[str, str] | None = None,
        root_run_id: str | None = None,
        parent_run_id: str | None = None,
        pipeline_snapshot_id: str | None = None,
        execution_plan_snapshot_id: str | None = None,
        previous_run_id: str | None = None,
        selector: ExecutionSelector | None = None,
    ):
        if selector is not None:
            check.inst_param(selector, "selector", ExecutionSelector)
            check.invariant(
                pipeline_name is None or pipeline_name == selector.name,
                f'PipelineRun got pipeline_name "{pipeline_name}" and a selector for "{selector.name}": '
                "pass only one of them.",
            )
            pipeline_name = selector.name
            if solid_subset is None:
                solid_subset = selector.solid_subset
        if previous_run_id is not None and root_run_id is None and parent_run_id is None:
            root_run_id = previous_run_id
            parent_run_id = previous_run_id
        check.invariant(
            (root_run_id is None) == (parent_run_id is None),
            "PipelineRun needs both root_run_id and parent_run_id, or neither "
            f"(got root_run_id={root_run_id!r}, parent_run_id={parent_run_id!r}).",
        )
        return super().__new__(
            cls,
            check.str_param(pipeline_name, "pipeline_name"),
            check.str_param(run_id, "run_id") if run_id is not None else str(uuid.uuid4()),
            check.opt_dict_param(environment_dict, "environment_dict", key_type=str),
            check.opt_str_param(mode, "mode"),
            check.opt_nullable_list_param(solid_subset, "solid_subset", of_type=str),
            check.opt_nullable_list_param(step_keys_to_execute, "step_keys_to_execute", of_type=str),
            check.opt_inst_param(status, "status", PipelineRunStatus, PipelineRunStatus.NOT_STARTED),
            check.opt_dict_param(tags, "tags", key_type=str),
            check.opt_str_param(root_run_id, "root_run_id"),
            check.opt_str_param(parent_run_id, "parent_run_id"),
            check.opt_str_param(pipeline_snapshot_id, "pipeline_snapshot_id"),
            check.opt_str_param(execution_plan_snapshot_id, "execution_plan_snapshot_id"),
        )

    def with_status(self, status: PipelineRunStatus) -> PipelineRun:
        return self._replace(status=check.inst_param(status, "status", PipelineRunStatus))

    def with_mode(self, mode: str) -> PipelineRun:
        return self._replace(mode=check.str_param(mode, "mode"))

    def with_tags(self, tags: dict[str, str]) -> PipelineRun:
        return self._replace(tags=check.dict_param(tags, "tags", key_type=str))

    def with_pipeline_snapshot_id(self, pipeline_snapshot_id: str) -> PipelineRun:
        return self._replace(
            pipeline_snapshot_id=check.str_param(pipeline_snapshot_id, "pipeline_snapshot_id")
        )

    def with_execution_plan_snapshot_id(self, execution_plan_snapshot_id: str) -> PipelineRun:
        return self._replace(
            execution_plan_snapshot_id=check.str_param(
                execution_plan_snapshot_id, "execution_plan_snapshot_id"
            )
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (PipelineRunStatus.SUCCESS, PipelineRunStatus.FAILURE)

    @property
    def is_resume_retry(self) -> bool:
        return self.tags.get(RESUME_RETRY_TAG) == "true"

    @property
    def selector(self) -> ExecutionSelector:
        return ExecutionSelector(self.pipeline_name, self.solid_subset)

    @property
    def previous_run_id(self) -> str | None:
        return self.parent_run_id

    @staticmethod
    def tags_for_schedule(schedule: Any) -> dict[str, str]:
        return {SCHEDULE_NAME_TAG: schedule.name}

    @staticmethod
    def tags_for_backfill_id(backfill_id: str) -> dict[str, str]:
        return {BACKFILL_ID_TAG: backfill_id}

    @staticmethod
    def tags_for_partition_set(partition_set: Any, partition: Any) -> dict[str, str]:
        return {PARTITION_NAME_TAG: partition.name, PARTITION_SET_TAG: partition_set.name}


@whitelist_for_serdes
class PipelineRunsFilter(
    NamedTuple(
        "_PipelineRunsFilter",
        [
            ("run_ids", "list | None"),
            ("pipeline_name", "str | None"),
            ("status", "PipelineRunStatus | None"),
            ("tags", "dict | None"),
        ],
    )
):
    """Criteria for listing runs; every given criterion must hold, and every tag must match exactly."""

    def __new__(
        cls,
        run_ids: list[str] | None = None,
        pipeline_name: str | None = None,
        status: PipelineRunStatus | None = None,
        tags: dict[str, str] | None = None,
    ):
        return super().__new__(
            cls,
            check.opt_nullable_list_param(run_ids, "run_ids", of_type=str),
            check.opt_str_param(pipeline_name, "pipeline_name"),
            check.opt_inst_param(status, "status", PipelineRunStatus),
            None if tags is None else check.dict_param(tags, "tags", key_type=str, value_type=str),
        )

    @staticmethod
    def for_schedule(schedule: Any) -> PipelineRunsFilter:
        return PipelineRunsFilter(tags=PipelineRun.tags_for_schedule(schedule))

    @staticmethod
    def for_partition(partition_set: Any, partition: Any) -> PipelineRunsFilter:
        return PipelineRunsFilter(tags=PipelineRun.tags_for_partition_set(partition_set, partition))

    def matches(self, run: PipelineRun) -> bool:
        """Whether ``run`` satisfies every criterion (used by in-memory storage)."""
        if self.run_ids is not None and run.run_id not in self.run_ids:
            return False
        if self.pipeline_name is not None and run.pipeline_name != self.pipeline_name:
            return False
        if self.status is not None and run.status != self.status:
            return False
        if self.tags:
            return all(run.tags.get(key) == value for key, value in self.tags.items())
        return True


@whitelist_for_serdes
class PipelineRunStatsSnapshot(
    NamedTuple(
        "_PipelineRunStatsSnapshot",
        [
            ("run_id", str),
            ("steps_succeeded", int),
            ("steps_failed", int),
            ("materializations", int),
            ("expectations", int),
            ("start_time", "float | None"),
            ("end_time", "float | None"),
        ],
    )
):
    """Counts of a run's step outcomes, materializations and expectations, and its start/end times."""

    def __new__(
        cls,
        run_id: str,
        steps_succeeded: int,
        steps_failed: int,
        materializations: int,
        expectations: int,
        start_time: float | None,
        end_time: float | None,
    ):
        return super().__new__(
            cls,
            check.str_param(run_id, "run_id"),
            check.int_param(steps_succeeded, "steps_succeeded"),
            check.int_param(steps_failed, "steps_failed"),
            check.int_param(materializations, "materializations"),
            check.int_param(expectations, "expectations"),
            check.opt_float_param(start_time, "start_time"),
            check.opt_float_param(end_time, "end_time"),
        )


@whitelist_for_serdes
class RunStepKeyStatsSnapshot(
    NamedTuple(
        "_RunStepKeyStatsSnapshot",
        [
            ("run_id", str),
            ("step_key", str),
            ("status", "StepEventStatus | None"),
            ("start_time", "float | None"),
            ("end_time", "float | None"),
            ("materializations", list),
            ("expectation_results", list),
        ],
    )
):
    """How one step of a run went: outcome, times, and what it materialized and expected."""

    def __new__(
        cls,
        run_id: str,
        step_key: str,
        status: StepEventStatus | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        materializations: list | None = None,
        expectation_results: list | None = None,
    ):
        return super().__new__(
            cls,
            check.str_param(run_id, "run_id"),
            check.str_param(step_key, "step_key"),
            check.opt_inst_param(status, "status", StepEventStatus),
            check.opt_float_param(start_time, "start_time"),
            check.opt_float_param(end_time, "end_time"),
            check.opt_list_param(materializations, "materializations"),
            check.opt_list_param(expectation_results, "expectation_results"),
        )
