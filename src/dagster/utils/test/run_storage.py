"""The shared test suite for run storages.

Subclass :class:`TestRunStorage` in a test module and override the ``storage`` fixture; every
backend then passes the very same assertions::

    class TestMyRunStorage(TestRunStorage):
        @pytest.fixture
        def storage(self, tmp_path):
            yield MyRunStorage(str(tmp_path))
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from dagster.check import CheckError
from dagster.core.errors import DagsterRunAlreadyExists, DagsterSnapshotDoesNotExist
from dagster.core.storage.pipeline_run import (
    ExecutionSelector,
    PipelineRun,
    PipelineRunsFilter,
    PipelineRunStatus,
)
from dagster.core.storage.runs.base import RunStorage
from dagster.core.storage.tags import PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG
from dagster.serdes import serialize_dagster_namedtuple


class _PipelineEvent:
    """The one attribute run storage reads from a pipeline ``DagsterEvent``."""

    def __init__(self, event_type_value: str) -> None:
        self.event_type_value = event_type_value


def make_run(run_id: str, pipeline_name: str = "pipe", **kwargs: Any) -> PipelineRun:
    return PipelineRun(pipeline_name=pipeline_name, run_id=run_id, environment_dict={"a": {"b": 1}}, **kwargs)


class TestRunStorage:
    """Every behaviour of :class:`~dagster.core.storage.runs.base.RunStorage`. Subclasses provide
    the ``storage`` fixture (the base class itself is not collected)."""

    __test__ = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def test_add_and_get_run(self, storage: RunStorage) -> None:
        run = make_run(
            "r1", mode="default", solid_subset=["a"], step_keys_to_execute=["a.compute"], tags={"t": "1"}
        )
        assert storage.add_run(run) == run
        assert storage.get_run_by_id("r1") == run
        assert storage.has_run("r1") is True
        assert storage.has_run("nope") is False
        assert storage.get_run_by_id("nope") is None

    def test_duplicate_run_id(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1"))
        with pytest.raises(DagsterRunAlreadyExists, match="r1"):
            storage.add_run(make_run("r1", pipeline_name="other"))
        assert storage.get_run_by_id("r1").pipeline_name == "pipe"
        assert storage.get_runs_count() == 1

    def test_get_runs_newest_first_with_cursor_and_limit(self, storage: RunStorage) -> None:
        for index in range(5):
            storage.add_run(make_run(f"r{index}"))
        assert [run.run_id for run in storage.get_runs()] == ["r4", "r3", "r2", "r1", "r0"]
        assert [run.run_id for run in storage.get_runs(limit=2)] == ["r4", "r3"]
        assert [run.run_id for run in storage.get_runs(cursor="r3", limit=2)] == ["r2", "r1"]
        assert [run.run_id for run in storage.get_runs(cursor="r1")] == ["r0"]
        assert storage.get_runs(cursor="r0") == []
        assert storage.get_runs(cursor="unknown") == []

    def test_limit_zero_lists_no_runs_and_a_negative_limit_is_refused(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r0"))
        storage.add_run(make_run("r1", tags={"k": "v"}))
        assert storage.get_runs(limit=0) == []
        assert storage.get_runs(PipelineRunsFilter(tags={"k": "v"}), limit=0) == []
        assert storage.get_runs(cursor="r1", limit=0) == []
        assert [run.run_id for run in storage.get_runs(limit=1)] == ["r1"]
        with pytest.raises(CheckError, match="limit=-1"):
            storage.get_runs(limit=-1)

    def test_filters(self, storage: RunStorage) -> None:
        storage.add_run(make_run("a1", pipeline_name="a", tags={"env": "prod", "team": "x"}))
        storage.add_run(make_run("b1", pipeline_name="b", tags={"env": "prod"}))
        storage.add_run(make_run("a2", pipeline_name="a", tags={"env": "dev", "team": "x"}))
        storage.add_run(make_run("b2", pipeline_name="b", status=PipelineRunStatus.SUCCESS))

        def ids(filters: PipelineRunsFilter, **kwargs: Any) -> list[str]:
            return [run.run_id for run in storage.get_runs(filters, **kwargs)]

        assert ids(PipelineRunsFilter(pipeline_name="a")) == ["a2", "a1"]
        assert ids(PipelineRunsFilter(run_ids=["a1", "b2", "zz"])) == ["b2", "a1"]
        assert ids(PipelineRunsFilter(status=PipelineRunStatus.SUCCESS)) == ["b2"]
        assert ids(PipelineRunsFilter(status=PipelineRunStatus.NOT_STARTED)) == ["a2", "b1", "a1"]
        assert ids(PipelineRunsFilter(tags={"env": "prod"})) == ["b1", "a1"]
        assert ids(PipelineRunsFilter(tags={"env": "prod", "team": "x"})) == ["a1"]
        assert ids(PipelineRunsFilter(tags={"env": "prod", "team": "y"})) == []
        assert ids(PipelineRunsFilter(pipeline_name="b", tags={"env": "prod"})) == ["b1"]
        assert ids(PipelineRunsFilter(tags={"team": "x"}), cursor="a2") == ["a1"]
        assert ids(PipelineRunsFilter(pipeline_name="a"), limit=1) == ["a2"]
        assert storage.get_runs_count() == 4
        assert storage.get_runs_count(PipelineRunsFilter(pipeline_name="a")) == 2
        assert storage.get_runs_count(PipelineRunsFilter(tags={"env": "prod", "team": "x"})) == 1
        assert storage.get_runs_count(PipelineRunsFilter(pipeline_name="none")) == 0

    def test_common_and_rare_tags(self, storage: RunStorage) -> None:
        # A tag on most runs and a tag on few: SQL storages pick different plans; results must agree.
        for index in range(30):
            tags = {"schedule": "nightly"} if index % 10 else {"schedule": "nightly", "rerun": "yes"}
            storage.add_run(make_run(f"r{index:02d}", tags=tags))
        storage.add_run(make_run("other", tags={"schedule": "hourly"}))

        def ids(tags: dict[str, str], **kwargs: Any) -> list[str]:
            return [run.run_id for run in storage.get_runs(PipelineRunsFilter(tags=tags), **kwargs)]

        assert ids({"schedule": "nightly"}, limit=3) == ["r29", "r28", "r27"]
        assert ids({"schedule": "nightly"}, cursor="r27", limit=2) == ["r26", "r25"]
        assert ids({"schedule": "nightly"}) == [f"r{index:02d}" for index in reversed(range(30))]
        assert ids({"rerun": "yes"}, limit=2) == ["r20", "r10"]
        assert ids({"schedule": "nightly", "rerun": "yes"}, limit=5) == ["r20", "r10", "r00"]
        assert ids({"schedule": "nightly", "rerun": "yes"}, cursor="r10") == ["r00"]
        assert ids({"schedule": "hourly", "rerun": "yes"}, limit=5) == []
        assert storage.get_runs_count(PipelineRunsFilter(tags={"schedule": "nightly"})) == 30
        assert storage.get_runs_count(PipelineRunsFilter(tags={"schedule": "nightly", "rerun": "yes"})) == 3

    def test_run_tags(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1", tags={"b": "1", "a": "x"}))
        storage.add_run(make_run("r2", tags={"b": "2"}))
        storage.add_run(make_run("r3", tags={"b": "1"}))
        assert storage.get_run_tags() == [("a", {"x"}), ("b", {"1", "2"})]

    def test_add_run_tags(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1", tags={"a": "1", "b": "2"}))
        storage.add_run_tags("r1", {"b": "3", "c": "4"})
        assert storage.get_run_by_id("r1").tags == {"a": "1", "b": "3", "c": "4"}
        assert [run.run_id for run in storage.get_runs(PipelineRunsFilter(tags={"b": "3"}))] == ["r1"]
        assert storage.get_runs(PipelineRunsFilter(tags={"b": "2"})) == []
        assert storage.get_run_tags() == [("a", {"1"}), ("b", {"3"}), ("c", {"4"})]
        storage.add_run_tags("r1", {})
        storage.add_run_tags("unknown", {})
        assert storage.get_run_by_id("r1").tags == {"a": "1", "b": "3", "c": "4"}
        with pytest.raises(CheckError, match="no such run"):
            storage.add_run_tags("unknown", {"a": "1"})
        assert storage.has_run("unknown") is False

    def test_status_follows_pipeline_events(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1"))
        storage.handle_run_event("r1", _PipelineEvent("STEP_START"))
        assert storage.get_run_by_id("r1").status == PipelineRunStatus.NOT_STARTED
        storage.handle_run_event("r1", _PipelineEvent("PIPELINE_START"))
        assert storage.get_run_by_id("r1").status == PipelineRunStatus.STARTED
        assert [
            run.run_id for run in storage.get_runs(PipelineRunsFilter(status=PipelineRunStatus.STARTED))
        ] == ["r1"]
        storage.handle_run_event("r1", _PipelineEvent("PIPELINE_SUCCESS"))
        assert storage.get_run_by_id("r1").status == PipelineRunStatus.SUCCESS
        storage.add_run(make_run("r2"))
        storage.handle_run_event("r2", _PipelineEvent("PIPELINE_START"))
        storage.handle_run_event("r2", _PipelineEvent("PIPELINE_FAILURE"))
        assert storage.get_run_by_id("r2").status == PipelineRunStatus.FAILURE
        # Quirk kept: an init failure leaves the run NOT_STARTED.
        storage.add_run(make_run("r3"))
        storage.handle_run_event("r3", _PipelineEvent("PIPELINE_INIT_FAILURE"))
        assert storage.get_run_by_id("r3").status == PipelineRunStatus.NOT_STARTED
        storage.handle_run_event("unknown", _PipelineEvent("PIPELINE_START"))
        assert storage.has_run("unknown") is False

    def test_a_status_change_can_add_tags_with_it(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1", tags={"team": "data", "dagster/pid": "old"}))
        storage.handle_run_event("r1", _PipelineEvent("PIPELINE_START"), {"dagster/pid": "42", "host": "h"})
        run = storage.get_run_by_id("r1")
        assert run.status == PipelineRunStatus.STARTED
        assert run.tags == {"team": "data", "dagster/pid": "42", "host": "h"}
        assert [r.run_id for r in storage.get_runs(PipelineRunsFilter(tags={"dagster/pid": "42"}))] == ["r1"]
        assert storage.get_runs(PipelineRunsFilter(tags={"dagster/pid": "old"})) == []
        # Events that change no status add no tags either.
        storage.handle_run_event("r1", _PipelineEvent("STEP_START"), {"other": "x"})
        assert "other" not in storage.get_run_by_id("r1").tags

    def test_run_group(self, storage: RunStorage) -> None:
        storage.add_run(make_run("root"))
        storage.add_run(make_run("other"))
        child_tags = {ROOT_RUN_ID_TAG: "root", PARENT_RUN_ID_TAG: "root"}
        storage.add_run(make_run("child", root_run_id="root", parent_run_id="root", tags=child_tags))
        grandchild_tags = {ROOT_RUN_ID_TAG: "root", PARENT_RUN_ID_TAG: "child"}
        storage.add_run(
            make_run("grandchild", root_run_id="root", parent_run_id="child", tags=grandchild_tags)
        )
        for run_id in ("root", "child", "grandchild"):
            root_run_id, runs = storage.get_run_group(run_id)
            assert root_run_id == "root"
            assert [run.run_id for run in runs] == ["root", "child", "grandchild"]
        assert storage.get_run_group("other") == ("other", [storage.get_run_by_id("other")])
        assert storage.get_run_group("unknown") is None

    def test_snapshots(self, storage: RunStorage) -> None:
        # Storage treats snapshots as opaque serdes records; any record stands in for one here.
        pipeline_snapshot = ExecutionSelector("pipe", ["a", "b"])
        plan_snapshot = ExecutionSelector("plan", None)
        expected_id = hashlib.sha1(
            serialize_dagster_namedtuple(pipeline_snapshot).encode("utf-8")
        ).hexdigest()
        assert storage.has_pipeline_snapshot(expected_id) is False
        assert storage.add_pipeline_snapshot(pipeline_snapshot) == expected_id
        assert storage.add_pipeline_snapshot(pipeline_snapshot) == expected_id
        assert storage.has_pipeline_snapshot(expected_id) is True
        assert storage.get_pipeline_snapshot(expected_id) == pipeline_snapshot
        plan_id = storage.add_execution_plan_snapshot(plan_snapshot)
        assert storage.has_execution_plan_snapshot(plan_id) is True
        assert storage.get_execution_plan_snapshot(plan_id) == plan_snapshot
        with pytest.raises(DagsterSnapshotDoesNotExist, match="nope"):
            storage.get_pipeline_snapshot("nope")
        with pytest.raises(DagsterSnapshotDoesNotExist, match="nope"):
            storage.get_execution_plan_snapshot("nope")
        run = make_run("r1", pipeline_snapshot_id=expected_id, execution_plan_snapshot_id=plan_id)
        storage.add_run(run)
        assert storage.get_run_by_id("r1") == run
        with pytest.raises(DagsterSnapshotDoesNotExist, match="missing-snapshot"):
            storage.add_run(make_run("r2", pipeline_snapshot_id="missing-snapshot"))
        assert storage.has_run("r2") is False

    def test_delete_run(self, storage: RunStorage) -> None:
        storage.add_run(make_run("r1", tags={"k": "1"}))
        storage.add_run(make_run("r2", tags={"k": "2"}))
        storage.delete_run("r1")
        storage.delete_run("unknown")
        assert storage.has_run("r1") is False
        assert [run.run_id for run in storage.get_runs()] == ["r2"]
        assert storage.get_runs(PipelineRunsFilter(tags={"k": "1"})) == []
        assert storage.get_run_tags() == [("k", {"2"})]
        storage.add_run(make_run("r1"))
        assert [run.run_id for run in storage.get_runs()] == ["r1", "r2"]

    def test_wipe(self, storage: RunStorage) -> None:
        snapshot_id = storage.add_pipeline_snapshot(ExecutionSelector("pipe"))
        storage.add_run(make_run("r1", tags={"k": "v"}, pipeline_snapshot_id=snapshot_id))
        storage.wipe()
        assert storage.get_runs() == []
        assert storage.get_runs_count() == 0
        assert storage.get_run_tags() == []
        assert storage.has_pipeline_snapshot(snapshot_id) is False
        storage.add_run(make_run("r1"))
        assert storage.get_runs_count() == 1
