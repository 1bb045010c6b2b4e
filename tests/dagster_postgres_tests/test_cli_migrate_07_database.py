"""`dagster instance migrate` on a PostgreSQL database Dagster 0.7 left (our tables, no recorded
revision) says so, instead of calling the database new, and migrates it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from storage_tests.utils.event_log_storage import one_run

from dagster.core.storage.pipeline_run import PipelineRun
from dagster.core.storage.sql import head_revision
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from .conftest import database_url

pytestmark = pytest.mark.postgres

DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")
SECTIONS = {
    "run_storage": ("dagster_postgres.run_storage", "PostgresRunStorage"),
    "event_log_storage": ("dagster_postgres.event_log", "PostgresEventLogStorage"),
    "schedule_storage": ("dagster_postgres.schedule_storage", "PostgresScheduleStorage"),
}


@pytest.fixture
def own_db_url(postgres_server_url):
    """A database of this test alone, dropped at the end."""
    name = f"dagster_test_cli07_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(postgres_server_url, name)
    with psycopg.connect(postgres_server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _make_07_like_database(url: str) -> None:
    """Our tables with a run and its events, then without the revision table (0.7 recorded none)
    and without a column 0.7 did not have."""
    runs, events, schedules = (
        PostgresRunStorage(url),
        PostgresEventLogStorage(url),
        PostgresScheduleStorage(url),
    )
    schedules.all_schedules()
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    events.store_events(one_run("r1"))
    for storage in (runs, events, schedules):
        storage.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE alembic_version")
        conn.execute("ALTER TABLE event_logs DROP COLUMN asset_key")


def _migrate(home) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DAGSTER, "instance", "migrate"],
        capture_output=True,
        text=True,
        env=dict(os.environ, DAGSTER_HOME=str(home)),
        timeout=120,
    )


def test_migrate_says_the_database_is_from_0_7(tmp_path, own_db_url):
    _make_07_like_database(own_db_url)
    (tmp_path / "dagster.yaml").write_text(
        "".join(
            f"{section}:\n  module: {module}\n  class: {name}\n  config:\n    postgres_url: {own_db_url}\n"
            for section, (module, name) in SECTIONS.items()
        )
    )

    first = _migrate(tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    unversioned = "Dagster 0.7 (no version recorded)"
    assert lines[1:3] == [
        f"Schema version before: runs {unversioned}, event logs {unversioned}, schedules {unversioned}",
        "The database was made by Dagster 0.7, which recorded no schema version: "
        "migrating it from the Dagster 0.7 schema.",
    ]
    assert "none (new)" not in first.stdout
    head = head_revision()
    assert f"Schema version after: runs {head}, event logs {head}, schedules {head}" in lines

    second = _migrate(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[1:4] == [
        f"Schema version before: runs {head}, event logs {head}, schedules {head}",
        "Nothing to do: every storage is already at the current schema.",
        f"Schema version after: runs {head}, event logs {head}, schedules {head}",
    ]

    listed = subprocess.run(
        [DAGSTER, "run", "list"],
        capture_output=True,
        text=True,
        env=dict(os.environ, DAGSTER_HOME=str(tmp_path)),
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[:2] == ["Run: r1", "     Pipeline: pipe"]


def test_a_new_database_still_reads_new(own_db_url):
    storage = PostgresRunStorage(own_db_url)
    assert storage.schema_revision() is None
    assert not storage.is_unversioned_07()
    storage.get_runs()  # creates the tables at head
    assert storage.schema_revision() == head_revision()
    assert not storage.is_unversioned_07()
    storage.dispose()
