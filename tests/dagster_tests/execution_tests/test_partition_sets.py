"""execute_partition_set: one stored run per selected partition, launched through the run launcher."""

from __future__ import annotations

import pytest

from dagster import Partition, PartitionSetDefinition, execute_partition_set, pipeline, solid
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.execution.api import execute_run
from dagster.core.instance import DagsterInstance, InstanceType
from dagster.core.launcher import RunLauncher
from dagster.core.storage.event_log import InMemoryEventLogStorage
from dagster.core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRunStatus
from dagster.core.storage.root import LocalArtifactStorage
from dagster.core.storage.runs import InMemoryRunStorage
from dagster.core.storage.tags import BACKFILL_ID_TAG, PARTITION_NAME_TAG, PARTITION_SET_TAG

from .helpers import QUIET

SEEN: list[str] = []


@solid(config=str)
def record_day(context):
    SEEN.append(context.solid_config)


@pipeline
def daily():
    record_day()


class InProcessLauncher(RunLauncher):
    """Executes launched runs right here, looking pipelines up by name."""

    def __init__(self, pipelines):
        self.pipelines = pipelines

    def launch_run(self, instance, run):
        execute_run(self.pipelines[run.pipeline_name], run, instance)
        return instance.get_run_by_id(run.run_id)


def test_each_selected_partition_becomes_a_stored_launched_run(tmp_path):
    instance = DagsterInstance(
        InstanceType.EPHEMERAL,
        LocalArtifactStorage(str(tmp_path)),
        InMemoryRunStorage(),
        InMemoryEventLogStorage(),
        NoOpComputeLogManager(),
        run_launcher=InProcessLauncher({"daily": daily}),
    )
    partition_set = PartitionSetDefinition(
        name="days",
        pipeline_name="daily",
        partition_fn=lambda: [Partition(day) for day in ("mon", "tue", "wed")],
        environment_dict_fn_for_partition=lambda p: {**QUIET, "solids": {"record_day": {"config": p.value}}},
        tags_fn_for_partition=lambda p: {"day": p.value},
    )
    SEEN.clear()
    launched = execute_partition_set(partition_set, lambda partitions: partitions[1:], instance=instance)
    assert SEEN == ["tue", "wed"]
    assert [run.status for run in launched] == [PipelineRunStatus.SUCCESS, PipelineRunStatus.SUCCESS]
    runs = sorted(instance.get_runs(), key=lambda run: run.tags["day"])
    assert [run.tags[PARTITION_NAME_TAG] for run in runs] == ["tue", "wed"]
    assert {run.tags[PARTITION_SET_TAG] for run in runs} == {"days"}
    backfill_ids = {run.tags[BACKFILL_ID_TAG] for run in runs}
    assert len(backfill_ids) == 1 and len(next(iter(backfill_ids))) == 8


def test_an_instance_without_launcher_is_refused():
    partition_set = PartitionSetDefinition(name="days", pipeline_name="daily", partition_fn=lambda: [])
    with pytest.raises(DagsterInvariantViolationError, match="run launcher"):
        execute_partition_set(
            partition_set, lambda partitions: partitions, instance=DagsterInstance.ephemeral()
        )
