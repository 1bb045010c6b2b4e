"""Run status and pipeline event in one transaction; schema creation, trigger and migrations."""

from __future__ import annotations

import psycopg
import pytest
from storage_tests.utils.event_log_storage import one_run

from dagster.core.errors import DagsterInstanceMigrationRequired
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunStatus
from dagster.core.storage.sql import head_revision, utc_now
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

pytestmark = pytest.mark.postgres


class StatusWriteFails(PostgresRunStorage):
    """A run storage whose status update fails after its SQL ran (a fault injected on purpose)."""

    def apply_run_status(self, conn, run_id, status, new_tags=None):
        super().apply_run_status(conn, run_id, status, new_tags)
        raise RuntimeError("status update failed")


def test_pipeline_event_and_run_status_commit_together(clean_pg_url):
    runs = PostgresRunStorage(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    assert runs.database_url == events.database_url
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    start, *_middle, failure = one_run("r1")
    events.store_event_with_run_status(start, runs)
    assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED

    failing = StatusWriteFails(clean_pg_url)
    with pytest.raises(RuntimeError, match="status update failed"):
        events.store_event_with_run_status(failure, failing)
    # Neither the event nor the status change was committed.
    assert events.get_logs_for_run("r1") == [start]
    assert runs.get_run_by_id("r1").status == PipelineRunStatus.STARTED
    assert events.get_run_status_from_events("r1") == PipelineRunStatus.STARTED

    events.store_event_with_run_status(failure, runs)
    assert runs.get_run_by_id("r1").status == PipelineRunStatus.FAILURE
    assert events.get_logs_for_run("r1") == [start, failure]
    for storage in (runs, events, failing):
        storage.dispose()


def test_one_database_holds_all_three_storages(clean_pg_url):
    storages = [
        PostgresRunStorage(clean_pg_url),
        PostgresEventLogStorage(clean_pg_url),
        PostgresScheduleStorage(clean_pg_url),
    ]
    assert [storage.schema_revision() for storage in storages] == [None, None, None]
    storages[0].get_runs()
    storages[1].get_logs_for_run("r1")
    storages[2].all_schedules()
    assert [storage.schema_revision() for storage in storages] == [head_revision()] * 3
    with psycopg.connect(clean_pg_url) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        triggers = conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()
        indexes = {
            row[0] for row in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'event_logs'")
        }
        [asset_index] = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_asset_key'"
        ).fetchone()
    assert tables == {
        "alembic_version",
        "runs",
        "run_tags",
        "snapshots",
        "event_logs",
        "schedules",
        "schedule_ticks",
    }
    assert triggers == [("event_logs_notify",)]
    assert {"idx_event_logs_run_id", "idx_asset_key"} <= indexes
    assert asset_index.endswith("WHERE (asset_key IS NOT NULL)")  # partial: only materializations
    for storage in storages:
        storage.dispose()


def test_create_clean_storage_drops_only_its_own_tables(clean_pg_url):
    runs = PostgresRunStorage(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    events.store_event(one_run("r1")[0])
    fresh = PostgresEventLogStorage.create_clean_storage(clean_pg_url)
    assert fresh.get_logs_for_run("r1") == []
    assert runs.has_run("r1")
    fresh.store_event(one_run("r1")[0])
    assert len(events.get_logs_for_run("r1")) == 1
    for storage in (runs, events, fresh):
        storage.dispose()


def test_an_older_schema_asks_for_migrate_then_upgrades_with_data_intact(clean_pg_url):
    runs = PostgresRunStorage(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1", tags={"team": "core"}))
    records = one_run("r1")
    for record in records:
        events.store_event(record)
    runs.dispose()
    events.dispose()
    # Make the database look like Dagster 0.7.16 wrote it: its revision, none of our indexes.
    with psycopg.connect(clean_pg_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'c63a27054f08'")
        for index in ("idx_runs_status", "idx_runs_pipeline_name", "idx_run_tags", "idx_event_logs_run_id"):
            conn.execute(f"DROP INDEX {index}")

    old_runs = PostgresRunStorage(clean_pg_url)
    old_events = PostgresEventLogStorage(clean_pg_url)
    with pytest.raises(DagsterInstanceMigrationRequired, match="dagster instance migrate"):
        old_runs.get_runs()
    with pytest.raises(DagsterInstanceMigrationRequired, match="c63a27054f08"):
        old_events.store_event(records[0])
    assert old_runs.schema_revision() == "c63a27054f08"

    old_runs.upgrade()
    old_events.upgrade()
    assert old_runs.schema_revision() == head_revision()
    assert [run.run_id for run in old_runs.get_runs()] == ["r1"]
    assert old_runs.get_run_by_id("r1").tags == {"team": "core"}
    assert old_events.get_logs_for_run("r1") == records
    with psycopg.connect(clean_pg_url) as conn:
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
    assert {"idx_runs_status", "idx_runs_pipeline_name", "idx_run_tags", "idx_event_logs_run_id"} <= indexes
    old_runs.upgrade()  # idempotent
    assert old_runs.schema_revision() == head_revision()
    old_runs.dispose()
    old_events.dispose()


def test_server_side_timestamps_are_utc_whatever_the_server_time_zone(clean_pg_url):
    name = clean_pg_url.rsplit("/", 1)[1]
    with psycopg.connect(clean_pg_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE \"{name}\" SET timezone = 'Asia/Kathmandu'")
    try:
        runs = PostgresRunStorage(clean_pg_url)
        runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
        with runs.connect() as conn:
            created = conn.exec_driver_sql("SELECT create_timestamp FROM runs").scalar()
        runs.dispose()
    finally:
        with psycopg.connect(clean_pg_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" RESET timezone')
    assert abs((created - utc_now()).total_seconds()) < 60
