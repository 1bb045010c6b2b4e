"""PipelineRun and friends: constructor rules, helpers, and the 0.7 serialized form."""

from __future__ import annotations

import os
import sqlite3

import pytest

from dagster.check import CheckError
from dagster.core.storage.pipeline_run import (
    ExecutionSelector,
    PipelineRun,
    PipelineRunsFilter,
    PipelineRunStatus,
)
from dagster.core.storage.tags import PARTITION_NAME_TAG, PARTITION_SET_TAG, SCHEDULE_NAME_TAG
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple

# The read-only fixtures CI and developers keep beside the repository (../shared/fixtures).
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
FIXTURE_RUNS_DB = os.path.join(FIXTURES, "dagster-0.7.16-home", "history", "runs.db")


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


def test_defaults():
    run = PipelineRun(pipeline_name="p")
    assert len(run.run_id) == 36
    assert run.status == PipelineRunStatus.NOT_STARTED
    assert (run.environment_dict, run.tags, run.mode, run.solid_subset) == ({}, {}, None, None)
    assert run.selector == ExecutionSelector("p", None)
    assert run.is_finished is False
    assert run.with_status(PipelineRunStatus.FAILURE).is_finished is True


def test_previous_run_id_and_selector():
    run = PipelineRun(selector=ExecutionSelector("p", ["a"]), previous_run_id="old")
    assert (run.pipeline_name, run.solid_subset) == ("p", ["a"])
    assert (run.root_run_id, run.parent_run_id, run.previous_run_id) == ("old", "old", "old")
    explicit = PipelineRun(pipeline_name="p", previous_run_id="old", root_run_id="root", parent_run_id="old")
    assert (explicit.root_run_id, explicit.parent_run_id) == ("root", "old")
    with pytest.raises(CheckError, match="both root_run_id and parent_run_id"):
        PipelineRun(pipeline_name="p", root_run_id="root")


def test_with_helpers_and_tags():
    run = PipelineRun(pipeline_name="p", run_id="r", tags={"dagster/is_resume_retry": "true"})
    assert run.is_resume_retry is True
    assert run.with_mode("m").mode == "m"
    assert run.with_tags({"a": "b"}).tags == {"a": "b"}
    assert run.with_pipeline_snapshot_id("s").pipeline_snapshot_id == "s"
    assert run.with_execution_plan_snapshot_id("e").execution_plan_snapshot_id == "e"
    assert PipelineRun.tags_for_schedule(_Named("nightly")) == {SCHEDULE_NAME_TAG: "nightly"}
    assert PipelineRun.tags_for_backfill_id("abcdefgh") == {"dagster/backfill": "abcdefgh"}
    assert PipelineRun.tags_for_partition_set(_Named("set"), _Named("2020-01-01")) == {
        PARTITION_NAME_TAG: "2020-01-01",
        PARTITION_SET_TAG: "set",
    }
    assert PipelineRunsFilter.for_schedule(_Named("nightly")) == PipelineRunsFilter(
        tags={SCHEDULE_NAME_TAG: "nightly"}
    )


def test_fixture_bodies_round_trip_byte_for_byte():
    with sqlite3.connect(f"file:{FIXTURE_RUNS_DB}?mode=ro&immutable=1", uri=True) as conn:
        bodies = [row[0] for row in conn.execute("SELECT run_body FROM runs ORDER BY id")]
    assert len(bodies) == 4
    for body in bodies:
        run = deserialize_json_to_dagster_namedtuple(body)
        assert isinstance(run, PipelineRun)
        assert serialize_dagster_namedtuple(run) == body
    assert deserialize_json_to_dagster_namedtuple(bodies[3]).status == PipelineRunStatus.FAILURE


def test_legacy_body_with_previous_run_id_and_selector():
    body = (
        '{"__class__": "PipelineRun", "environment_dict": {}, "mode": "default", "previous_run_id": "old", '
        '"run_id": "r", "selector": {"__class__": "ExecutionSelector", "name": "p", "solid_subset": ["a"]}, '
        '"status": {"__enum__": "PipelineRunStatus.SUCCESS"}, "step_keys_to_execute": null, "tags": {}}'
    )
    run = deserialize_json_to_dagster_namedtuple(body)
    assert (run.pipeline_name, run.solid_subset, run.root_run_id, run.parent_run_id) == (
        "p",
        ["a"],
        "old",
        "old",
    )
    assert run.status == PipelineRunStatus.SUCCESS
