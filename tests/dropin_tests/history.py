"""What a migrated copy of the 0.7.16 fixture home must hold: every run, event and compute log.

Expected values come from two places: the manifest and README (counts, statuses, tags), and the
fixture's own SQLite files, read read-only (``immutable=1``) so the fixture is never touched.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing

from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .conftest import FIXTURE_HOME

ETL_EVENT_TYPES = [
    "PIPELINE_START",
    "ENGINE_EVENT",
    "STEP_START",
    None,  # the solid's context.log.info message
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
BROKEN_EVENT_TYPES = [
    "PIPELINE_START",
    "ENGINE_EVENT",
    "STEP_START",
    "STEP_FAILURE",
    "ENGINE_EVENT",
    "PIPELINE_FAILURE",
]


def _read_only(path: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def fixture_run_rows() -> dict[str, tuple]:
    """run_id -> (create_timestamp, update_timestamp) as 0.7 stored them."""
    with closing(_read_only(os.path.join(FIXTURE_HOME, "history", "runs.db"))) as conn:
        rows = conn.execute("SELECT run_id, create_timestamp, update_timestamp FROM runs").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def fixture_event_bodies(run_id: str) -> list[dict]:
    """The JSON bodies of a run's events in the fixture's per-run database, in order."""
    path = os.path.join(FIXTURE_HOME, "history", "runs", f"{run_id}.db")
    with closing(_read_only(path)) as conn:
        return [json.loads(row[0]) for row in conn.execute("SELECT event FROM event_logs ORDER BY id")]


def migrated_run_rows(home: str) -> dict[str, tuple]:
    with closing(sqlite3.connect(os.path.join(home, "history", "runs.db"))) as conn:
        rows = conn.execute("SELECT run_id, create_timestamp, update_timestamp FROM runs").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def _event_type(record) -> str | None:
    return record.dagster_event.event_type_value if record.dagster_event is not None else None


def assert_run_list_output(output: str, manifest: list[dict]) -> None:
    for entry in manifest:
        assert f"Run: {entry['run_id']}" in output, output
    assert output.count("Status: SUCCESS") == 3, output
    assert output.count("Status: FAILURE") == 1, output


def assert_history_intact(home: str, manifest: list[dict]) -> None:
    """Every run, event record and compute log of the fixture, read through our instance."""
    assert {run_id for run_id in fixture_run_rows()} == {entry["run_id"] for entry in manifest}
    # The run rows keep 0.7's creation and update times.
    migrated_rows = migrated_run_rows(home)
    for run_id, timestamps in fixture_run_rows().items():
        assert migrated_rows[run_id] == timestamps, run_id

    instance = DagsterInstance.from_config(home)
    try:
        runs = {run.run_id: run for run in instance.get_runs()}
        assert set(runs) >= {entry["run_id"] for entry in manifest}
        etl_index = 0
        for entry in manifest:
            run = runs[entry["run_id"]]
            assert run.pipeline_name == entry["pipeline"]
            assert run.mode == "default"
            expected_status = PipelineRunStatus.SUCCESS if entry["success"] else PipelineRunStatus.FAILURE
            assert run.status == expected_status
            logs = instance.all_logs(run.run_id)
            assert len(logs) == entry["events"]
            _assert_same_records(logs, fixture_event_bodies(run.run_id))
            stats = instance.get_run_stats(run.run_id)
            assert (stats.start_time, stats.end_time) == (logs[0].timestamp, logs[-1].timestamp)
            if entry["pipeline"] == "etl":
                _assert_etl_run(instance, run, logs, etl_index)
                etl_index += 1
            else:
                _assert_broken_run(instance, run, logs)
        assert etl_index == 3
    finally:
        instance.dispose()


def _assert_same_records(logs: list, bodies: list[dict]) -> None:
    """Each record equals, field by field, the JSON body 0.7 wrote."""
    assert len(logs) == len(bodies)
    for record, body in zip(logs, bodies):
        assert type(record).__name__ == body["__class__"]
        assert record.timestamp == body["timestamp"]
        assert record.level == body["level"]
        assert record.message == body["message"]
        assert record.user_message == body["user_message"]
        assert record.step_key == body["step_key"]
        assert record.run_id == body["run_id"]
        body_event = body.get("dagster_event")
        assert _event_type(record) == (body_event["event_type_value"] if body_event else None)


def _assert_etl_run(instance, run, logs: list, index: int) -> None:
    rows = index + 2  # the fixture ran etl with rows = 2, 3, 4 (tags i = 0, 1, 2)
    assert run.tags == {"fixture": "yes", "i": str(index)}
    assert run.environment_dict == {
        "loggers": {"console": {"config": {"log_level": "ERROR"}}},
        "solids": {"extract": {"config": {"rows": rows}}},
        "storage": {"filesystem": {}},
    }
    assert [_event_type(record) for record in logs] == ETL_EVENT_TYPES
    assert logs[3].user_message == "extract done"

    by_type = {_event_type(record): record.dagster_event for record in logs}
    materialization = by_type["STEP_MATERIALIZATION"].event_specific_data.materialization
    assert materialization.label == "clean_rows"
    assert [(entry.label, entry.entry_data.text) for entry in materialization.metadata_entries] == [
        ("count", str(rows))
    ]
    expectation = by_type["STEP_EXPECTATION_RESULT"].event_specific_data.expectation_result
    assert (expectation.success, expectation.label) == (True, "non_empty")
    assert by_type["STEP_MATERIALIZATION"].step_key == "transform.compute"

    manager = instance.compute_log_manager
    stdout = manager.read_logs_file(run.run_id, "extract.compute", ComputeIOType.STDOUT)
    assert stdout.data == f"extracting {rows} rows\n"
    stderr = manager.read_logs_file(run.run_id, "transform.compute", ComputeIOType.STDERR)
    assert stderr.data == "transforming\n"
    assert manager.read_logs_file(run.run_id, "load.compute", ComputeIOType.STDOUT).data == ""
    for step_key in ("extract.compute", "transform.compute", "load.compute"):
        assert manager.is_watch_completed(run.run_id, step_key)


def _assert_broken_run(instance, run, logs: list) -> None:
    assert run.tags == {}
    assert [_event_type(record) for record in logs] == BROKEN_EVENT_TYPES
    failure = logs[3].dagster_event
    assert failure.step_key == "explode.compute"
    error = failure.event_specific_data.error
    assert error.message == "ValueError: fixture failure\n"
    assert error.cls_name == "ValueError"
    assert 'raise ValueError("fixture failure")' in error.stack[-1]
    stderr = instance.compute_log_manager.read_logs_file(run.run_id, "explode.compute", ComputeIOType.STDERR)
    assert "ValueError: fixture failure" in stderr.data
