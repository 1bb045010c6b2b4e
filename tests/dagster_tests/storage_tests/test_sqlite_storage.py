"""SQLite specifics: persistence across processes, one transaction for run status and event,
schema checks (old, newer, corrupt), upgrade idempotence."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from dagster.core.errors import DagsterInstanceMigrationRequired, DagsterInstanceSchemaError
from dagster.core.storage.event_log import SqliteEventLogStorage
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus
from dagster.core.storage.runs import SqliteRunStorage
from dagster.core.storage.schedules import SqliteScheduleStorage
from dagster.core.storage.sql import head_revision, sqlite_url

from .utils.event_log_storage import event_record, one_run


def test_read_back_in_a_fresh_process(tmp_path):
    runs = SqliteRunStorage.from_local(str(tmp_path))
    events = SqliteEventLogStorage(str(tmp_path / "runs"))
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1", tags={"k": "v"}))
    for record in one_run("r1"):
        events.store_event_with_run_status(record, runs)
    script = textwrap.dedent(
        f"""
        from dagster.core.storage.event_log import SqliteEventLogStorage
        from dagster.core.storage.runs import SqliteRunStorage
        run = SqliteRunStorage.from_local({str(tmp_path)!r}).get_run_by_id("r1")
        logs = SqliteEventLogStorage({str(tmp_path / "runs")!r}).get_logs_for_run("r1")
        print(run.status.value, run.tags["k"], len(logs), logs[-1].dagster_event.event_type_value)
        """
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["FAILURE", "v", "10", "PIPELINE_FAILURE"]


def test_shared_database_updates_status_in_the_event_transaction(tmp_path):
    events = SqliteEventLogStorage(str(tmp_path))
    runs = SqliteRunStorage(sqlite_url(events.path_for_run_id("r1")))
    assert runs.database_url == events.database_url
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    start = event_record("r1", "PIPELINE_START", 1.0)
    events.store_event_with_run_status(start, runs)
    assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED
    # Make the status update fail inside the database: the event must not be stored either.
    with sqlite3.connect(events.path_for_run_id("r1")) as conn:
        conn.execute(
            "CREATE TRIGGER no_success BEFORE UPDATE ON runs WHEN NEW.status = 'SUCCESS' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    success = event_record("r1", "PIPELINE_SUCCESS", 2.0)
    with pytest.raises(Exception, match="refused"):
        events.store_event_with_run_status(success, runs)
    assert events.get_logs_for_run("r1") == [start]
    assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED


def _stamp(path, revision):
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_new_database_is_stamped_at_head(tmp_path):
    SqliteRunStorage.from_local(str(tmp_path)).get_runs()
    with sqlite3.connect(tmp_path / "runs.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        indexes = {
            row[1] for row in conn.execute("SELECT type, name FROM sqlite_master WHERE type = 'index'")
        }
    assert {"idx_runs_status", "idx_runs_pipeline_name", "idx_run_tags", "idx_run_tags_run_id"} <= indexes


def test_old_schema_requires_migration_then_upgrades(tmp_path):
    SqliteRunStorage.from_local(str(tmp_path)).add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    _stamp(tmp_path / "runs.db", "c63a27054f08")
    with sqlite3.connect(tmp_path / "runs.db") as conn:
        conn.execute("DROP INDEX idx_runs_status")
    storage = SqliteRunStorage.from_local(str(tmp_path))
    with pytest.raises(DagsterInstanceMigrationRequired) as error:
        storage.get_runs()
    assert "dagster instance migrate" in str(error.value)
    assert str(tmp_path / "runs.db") in str(error.value)
    assert "c63a27054f08" in str(error.value)
    storage.upgrade()
    storage.upgrade()
    assert [run.run_id for run in storage.get_runs()] == ["r1"]
    with sqlite3.connect(tmp_path / "runs.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'idx_runs_status'").fetchall() == [
            ("idx_runs_status",)
        ]


def test_newer_unknown_revision_is_a_schema_error(tmp_path):
    SqliteScheduleStorage.from_local(str(tmp_path)).wipe()
    _stamp(tmp_path / "schedules.db", "ffffffffffff")
    storage = SqliteScheduleStorage.from_local(str(tmp_path))
    with pytest.raises(DagsterInstanceSchemaError, match="ffffffffffff") as error:
        storage.wipe()
    assert str(tmp_path / "schedules.db") in str(error.value)


def test_corrupt_file_is_a_schema_error(tmp_path):
    (tmp_path / "runs.db").write_bytes(b"this is not a database, just text " * 200)
    with pytest.raises(DagsterInstanceSchemaError) as error:
        SqliteRunStorage.from_local(str(tmp_path)).get_runs()
    assert str(tmp_path / "runs.db") in str(error.value)


def test_corrupt_legacy_event_file_is_named(tmp_path):
    (tmp_path / "0d1e2f.db").write_bytes(b"garbage " * 600)
    storage = SqliteEventLogStorage(str(tmp_path))
    with pytest.raises(DagsterInstanceMigrationRequired, match="0.7 layout"):
        storage.get_logs_for_run("0d1e2f")
    with pytest.raises(DagsterInstanceSchemaError) as error:
        storage.upgrade()
    assert str(tmp_path / "0d1e2f.db") in str(error.value)
    assert os.path.exists(tmp_path / "0d1e2f.db")


def test_reads_see_deletions_and_rewrites_by_another_storage(tmp_path):
    reader = SqliteEventLogStorage(str(tmp_path))
    writer = SqliteEventLogStorage(str(tmp_path))
    first = one_run("r1")
    for record in first:
        writer.store_event(record)
    assert reader.get_logs_for_run("r1") == first
    writer.delete_events("r1")
    assert reader.get_logs_for_run("r1") == []
    # Row ids are reused by SQLite after the rows are deleted; the new records must be read.
    second = [record._replace(timestamp=record.timestamp + 1000) for record in first[:4]]
    for record in second:
        writer.store_event(record)
    assert reader.get_logs_for_run("r1") == second
    assert reader.get_logs_for_run("r1", cursor=1) == second[2:]
    writer.store_event(first[5])
    assert reader.get_logs_for_run("r1") == second + [first[5]]


def test_asset_queries(tmp_path):
    from dagster.core.definitions.events import Materialization
    from dagster.core.events import StepMaterializationData

    events = SqliteEventLogStorage(str(tmp_path))

    def materialize(run_id, asset_key, timestamp):
        data = StepMaterializationData(Materialization(label=asset_key, asset_key=asset_key))
        record = event_record(run_id, "STEP_MATERIALIZATION", timestamp, "a.compute", data)
        events.store_event(record)
        return record

    first = materialize("r1", "table_a", 1.0)
    materialize("r1", "table_b", 2.0)
    second = materialize("r2", "table_a", 3.0)
    third = materialize("r1", "table_a", 4.0)
    events.store_event(event_record("r1", "STEP_SUCCESS", 5.0, "a.compute"))
    assert events.get_all_asset_keys() == ["table_a", "table_b"]
    assert events.get_asset_events("table_a") == [third, second, first]
    assert events.get_asset_events("table_a", limit=2) == [third, second]
    row_id_of_second = [
        key for key, record in events.get_logs_for_run_by_log_id("r2").items() if record == second
    ][0]
    assert events.get_asset_events("table_a", cursor=row_id_of_second) == [first]
    assert events.get_asset_run_ids("table_a") == ["r1", "r2"]
    assert events.get_asset_run_ids("missing") == []


def test_watch_sees_events_written_by_another_process_within_200ms(tmp_path):
    import threading
    import time

    events = SqliteEventLogStorage(str(tmp_path))
    events.get_logs_for_run("r1")
    arrivals: list[tuple[str, float]] = []
    done = threading.Event()

    def on_event(record):
        arrivals.append((record.user_message, time.time()))
        if len(arrivals) == 3:
            done.set()

    events.watch("r1", -1, on_event)
    script = textwrap.dedent(
        f"""
        import logging, time
        from dagster.core.events.log import LogMessageRecord
        from dagster.core.storage.event_log import SqliteEventLogStorage
        storage = SqliteEventLogStorage({str(tmp_path)!r})
        storage.store_event(LogMessageRecord(None, "m", logging.INFO, "warm-up", "other", time.time()))
        for index in range(3):
            time.sleep(0.3)
            stamp = time.time()
            storage.store_event(LogMessageRecord(None, "m", logging.INFO, f"{{index}}|{{stamp}}", "r1", stamp))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert done.wait(2.0)
    events.end_watch("r1", on_event)
    events.dispose()
    assert [message.split("|")[0] for message, _ in arrivals] == ["0", "1", "2"]
    latencies = [arrived - float(message.split("|")[1]) for message, arrived in arrivals]
    assert max(latencies) < 0.2, latencies


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
def test_closed_instances_keep_no_files_open(tmp_path):
    import gc

    from dagster.core.events.log import LogMessageRecord

    def open_files() -> int:
        """Descriptors this process holds on files of this test (other tests' threads in the same
        worker may open their own files meanwhile)."""
        gc.collect()
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            count += target.startswith(str(tmp_path))
        return count

    def use_one_instance(index: int, dispose: bool) -> None:
        base = tmp_path / str(index)
        runs = SqliteRunStorage.from_local(str(base))
        events = SqliteEventLogStorage(str(base / "runs"))
        runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r"))
        events.store_event(LogMessageRecord(None, "m", 20, "hello", "r", 1.0))
        assert len(events.get_logs_for_run("r")) == 1
        if dispose:
            runs.dispose()
            events.dispose()

    use_one_instance(0, dispose=True)
    before = open_files()
    for index in range(1, 41):
        use_one_instance(index, dispose=bool(index % 2))
    SqliteRunStorage.from_local(str(tmp_path / "last")).dispose()  # drains releases queued by GC
    assert open_files() <= before
