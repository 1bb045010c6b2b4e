"""A database Dagster 0.7 left: it created its PostgreSQL tables without recording a revision,
and older 0.7 releases lacked columns added since. `dagster instance migrate` must adopt it."""

from __future__ import annotations

import psycopg
import pytest
from storage_tests.utils.event_log_storage import one_run

from dagster.core.errors import DagsterInstanceMigrationRequired, DagsterInstanceSchemaError
from dagster.core.storage.pipeline_run import PipelineRun
from dagster.core.storage.sql import head_revision
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

pytestmark = pytest.mark.postgres


def _fill(url):
    runs = PostgresRunStorage(url)
    events = PostgresEventLogStorage(url)
    PostgresScheduleStorage(url).all_schedules()
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1", tags={"q": 'it\'s "quoted"'}))
    records = one_run("r1")
    events.store_events(records)
    runs.dispose()
    events.dispose()
    return records


def _columns(url, table):
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
        ).fetchall()
    return {row[0] for row in rows}


def test_unstamped_database_asks_for_migrate_and_migrate_adopts_it(clean_pg_url):
    records = _fill(clean_pg_url)
    with psycopg.connect(clean_pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE alembic_version")
        conn.execute("ALTER TABLE event_logs DROP COLUMN asset_key")
        conn.execute("DROP INDEX idx_runs_status")

    storages = [
        PostgresRunStorage(clean_pg_url),
        PostgresEventLogStorage(clean_pg_url),
        PostgresScheduleStorage(clean_pg_url),
    ]
    runs, events, schedules = storages
    with pytest.raises(DagsterInstanceMigrationRequired, match="dagster instance migrate"):
        runs.get_runs()
    assert runs.schema_revision() is None

    for storage in storages:
        storage.upgrade()
    assert [storage.schema_revision() for storage in storages] == [head_revision()] * 3
    assert "asset_key" in _columns(clean_pg_url, "event_logs")
    assert runs.get_run_by_id("r1").tags == {"q": 'it\'s "quoted"'}
    assert events.get_logs_for_run("r1") == records
    assert schedules.all_schedules() == []
    with psycopg.connect(clean_pg_url) as conn:
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
    assert "idx_runs_status" in indexes

    runs.upgrade()  # a second migrate changes nothing
    assert runs.schema_revision() == head_revision()
    assert [run.run_id for run in runs.get_runs()] == ["r1"]
    for storage in storages:
        storage.dispose()


def test_migrate_leaves_a_newer_database_untouched(clean_pg_url):
    _fill(clean_pg_url)
    with psycopg.connect(clean_pg_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        conn.execute("ALTER TABLE event_logs DROP COLUMN asset_key")
    events = PostgresEventLogStorage(clean_pg_url)
    with pytest.raises(DagsterInstanceSchemaError, match="ffffffffffff, which this version does not know"):
        events.upgrade()
    assert "asset_key" not in _columns(clean_pg_url, "event_logs")
    assert events.schema_revision() == "ffffffffffff"
    events.dispose()
