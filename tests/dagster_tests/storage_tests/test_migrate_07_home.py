"""Opening the storages of a real Dagster 0.7.16 home (a copy of the fixture) and upgrading them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zlib

import pytest

from dagster.core.errors import DagsterInstanceMigrationRequired
from dagster.core.storage.event_log import SqliteEventLogStorage
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunsFilter, PipelineRunStatus
from dagster.core.storage.runs import SqliteRunStorage
from dagster.core.storage.runs.base import snapshot_id_for
from dagster.core.storage.schedules import SqliteScheduleStorage
from dagster.core.storage.sql import head_revision
from dagster.serdes import serialize_dagster_namedtuple

from .utils.event_log_storage import one_run

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
HOME = os.path.join(FIXTURES, "dagster-0.7.16-home")
MANIFEST = os.path.join(FIXTURES, "dagster-0.7.16-home.manifest.json")

ETL_EVENT_TYPES = [
    "PIPELINE_START",
    "ENGINE_EVENT",
    "STEP_START",
    None,
    "STEP_OUTPUT",
    "OBJECT_STORE_OPERATION",
    "STEP_SUCCESS",
    "STEP_START",
    "OBJECT_STORE_OPERATION",
    "STEP_INPUT",
    "STEP_EXPECTATION_RESULT",
    "STEP_MATERIALIZATION",
    "STEP_OUTPUT",
    "OBJECT_STORE_OPERATION",
    "STEP_SUCCESS",
    "STEP_START",
    "OBJECT_STORE_OPERATION",
    "STEP_INPUT",
    "STEP_OUTPUT",
    "OBJECT_STORE_OPERATION",
    "STEP_SUCCESS",
    "ENGINE_EVENT",
    "PIPELINE_SUCCESS",
]


def _digest(home) -> dict[str, str]:
    """sha1 of every file of the home except SQLite's transient -wal/-shm files."""
    digests = {}
    for root, _dirs, files in os.walk(home):
        for name in files:
            if not name.endswith(("-wal", "-shm")):
                path = os.path.join(root, name)
                with open(path, "rb") as handle:
                    digests[os.path.relpath(path, home)] = hashlib.sha1(handle.read()).hexdigest()
    return digests


@pytest.fixture
def home(tmp_path):
    target = tmp_path / "home"
    shutil.copytree(HOME, target, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    for root, dirs, files in os.walk(target):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
    os.chmod(target, 0o755)
    return target


def _storages(home):
    return (
        SqliteRunStorage.from_local(str(home / "history")),
        SqliteEventLogStorage(str(home / "history" / "runs")),
        SqliteScheduleStorage.from_local(str(home / "schedules")),
    )


def test_07_home_needs_migration_and_is_left_untouched(home):
    before = _digest(home)
    runs, events, schedules = _storages(home)
    for attempt in (runs.get_runs, lambda: events.get_logs_for_run("x"), schedules.all_schedules):
        with pytest.raises(DagsterInstanceMigrationRequired, match="dagster instance migrate"):
            attempt()
    assert runs.schema_revision() == "c63a27054f08"
    assert schedules.schema_revision() == "da7cd32b690d"
    assert events.schema_revision() == "c39c047fa021"
    assert len(events.legacy_run_files()) == 4
    assert _digest(home) == before


def test_07_home_upgrades_with_all_history(home):
    with open(MANIFEST) as handle:
        manifest = json.load(handle)
    runs, events, schedules = _storages(home)
    messages: list[str] = []
    runs.upgrade()
    events.upgrade(messages.append)
    schedules.upgrade()
    assert runs.schema_revision() == head_revision()
    assert events.schema_revision() == head_revision()
    assert schedules.schema_revision() == head_revision()
    assert len(messages) == 4
    assert events.legacy_run_files() == []
    assert sorted(os.listdir(home / "history" / "runs" / ".pre-migration-0.7")) == sorted(
        entry["run_id"] + ".db" for entry in manifest
    )

    stored = runs.get_runs()
    assert [run.run_id for run in stored] == [entry["run_id"] for entry in reversed(manifest)]
    for entry in manifest:
        run = runs.get_run_by_id(entry["run_id"])
        assert run.pipeline_name == entry["pipeline"]
        assert run.status == (PipelineRunStatus.SUCCESS if entry["success"] else PipelineRunStatus.FAILURE)
        assert len(events.get_logs_for_run(entry["run_id"])) == entry["events"]
    etl = [entry["run_id"] for entry in manifest if entry["pipeline"] == "etl"]
    assert [runs.get_run_by_id(run_id).tags for run_id in etl] == [
        {"fixture": "yes", "i": str(i)} for i in range(3)
    ]
    assert runs.get_run_by_id(etl[0]).environment_dict["solids"] == {"extract": {"config": {"rows": 2}}}
    assert [run.run_id for run in runs.get_runs(PipelineRunsFilter(tags={"i": "1"}))] == [etl[1]]
    for run_id in etl:
        logs = events.get_logs_for_run(run_id)
        assert [
            log.dagster_event.event_type_value if log.dagster_event else None for log in logs
        ] == ETL_EVENT_TYPES
        stats = events.get_stats_for_run(run_id)
        assert (stats.steps_succeeded, stats.steps_failed, stats.materializations, stats.expectations) == (
            3,
            0,
            1,
            1,
        )
        assert stats.start_time == logs[0].timestamp
        assert stats.end_time == logs[-1].timestamp
    materialization = events.get_step_stats_for_run(etl[0])[1].materializations[0]
    assert materialization.label == "clean_rows"

    broken = next(entry["run_id"] for entry in manifest if not entry["success"])
    failure = [
        log
        for log in events.get_logs_for_run(broken)
        if log.dagster_event and log.dagster_event.is_step_failure
    ]
    assert len(failure) == 1
    assert "fixture failure" in failure[0].dagster_event.step_failure_data.error.message

    snapshot_id = runs.get_run_by_id(etl[0]).pipeline_snapshot_id
    assert runs.has_pipeline_snapshot(snapshot_id)

    # A second upgrade changes nothing.
    before = _digest(home)
    runs.upgrade()
    events.upgrade(messages.append)
    schedules.upgrade()
    assert _digest(home) == before
    assert len(messages) == 4

    # New runs go beside the old ones.
    runs.add_run(PipelineRun(pipeline_name="etl", run_id="new-run"))
    for record in one_run("new-run"):
        events.store_event_with_run_status(record, runs)
    assert [run.run_id for run in runs.get_runs(limit=2)] == ["new-run", broken]
    assert runs.get_run_by_id("new-run").status == PipelineRunStatus.FAILURE
    assert len(events.get_logs_for_run("new-run")) == 10


def test_interrupted_event_import_resumes_without_duplicates(home):
    runs, events, _schedules = _storages(home)
    events.upgrade()
    backup = home / "history" / "runs" / ".pre-migration-0.7"
    name = sorted(os.listdir(backup))[0]
    # As if the process died after committing this file's events but before moving the file.
    shutil.copy(backup / name, home / "history" / "runs" / name)
    with pytest.raises(DagsterInstanceMigrationRequired):
        events.get_logs_for_run(name[:-3])
    events.upgrade()
    with sqlite3.connect(home / "history" / "runs" / "events.db") as conn:
        counts = dict(conn.execute("SELECT run_id, count(*) FROM event_logs GROUP BY run_id").fetchall())
    assert counts == {"1b28093c-2df8-4b5f-b830-036220a9564b": 6} | {
        run_id: 23
        for run_id in (
            "5f4a0151-baa0-4f0c-8aac-a6e221575314",
            "b45651e3-1edd-4c71-b13b-5081aca31c96",
            "323c7a7a-8661-4047-a22e-d810f111f3e1",
        )
    }


def test_07_snapshots_read_back_byte_for_byte(home):
    # 0.7.16 execution plan snapshots carry `step_keys_to_execute` and per-step `metadata_items`.
    runs, _events, _schedules = _storages(home)
    runs.upgrade()
    with sqlite3.connect(home / "history" / "runs.db") as conn:
        stored = {
            snapshot_id: zlib.decompress(body).decode("utf-8")
            for snapshot_id, body in conn.execute("SELECT snapshot_id, snapshot_body FROM snapshots")
        }
    read = {}
    for run in runs.get_runs():
        read[run.pipeline_snapshot_id] = runs.get_pipeline_snapshot(run.pipeline_snapshot_id)
        read[run.execution_plan_snapshot_id] = runs.get_execution_plan_snapshot(
            run.execution_plan_snapshot_id
        )
    assert sorted(read) == sorted(stored)
    for snapshot_id, snapshot in read.items():
        assert serialize_dagster_namedtuple(snapshot) == stored[snapshot_id]
        assert snapshot_id_for(snapshot) == snapshot_id
    plan = read["9e041cece9b57df1539a8b27cf7ce81665a9d66e"]
    assert plan.step_keys_to_execute == ["extract.compute", "transform.compute", "load.compute"]
    assert [step.metadata_items for step in plan.steps] == [[], [], []]
