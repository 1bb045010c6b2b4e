"""An instance whose dagster.yaml puts runs, event logs and schedules in PostgreSQL (connection
settings from environment variables) runs a pipeline; a fresh process reads it all back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from dagster import execute_pipeline, lambda_solid, pipeline
from dagster.core.instance import DagsterInstance
from dagster.core.storage.pipeline_run import PipelineRunStatus
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

pytestmark = pytest.mark.postgres

SECTIONS = {
    "run_storage": ("dagster_postgres.run_storage", "PostgresRunStorage"),
    "event_log_storage": ("dagster_postgres.event_log", "PostgresEventLogStorage"),
    "schedule_storage": ("dagster_postgres.schedule_storage", "PostgresScheduleStorage"),
}

POSTGRES_DB = """\
    config:
      postgres_db:
        username: {env: DAGSTER_PG_USER}
        password: {env: DAGSTER_PG_PASSWORD}
        hostname: {env: DAGSTER_PG_HOST}
        db_name: {env: DAGSTER_PG_DB}
        port: {env: DAGSTER_PG_PORT}
"""


def write_dagster_yaml(home) -> None:
    text = "".join(
        f"{section}:\n  module: {module}\n  class: {class_name}\n" + textwrap.indent(POSTGRES_DB, "")[2:]
        for section, (module, class_name) in SECTIONS.items()
    )
    (home / "dagster.yaml").write_text(text)


@pytest.fixture
def pg_env(clean_pg_url, monkeypatch):
    host_port, db_name = clean_pg_url.rsplit("@", 1)[1].split("/")
    host, port = host_port.split(":")
    monkeypatch.setenv("DAGSTER_PG_USER", "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "not-checked-under-trust")
    monkeypatch.setenv("DAGSTER_PG_HOST", host)
    monkeypatch.setenv("DAGSTER_PG_PORT", port)
    monkeypatch.setenv("DAGSTER_PG_DB", db_name)
    return db_name


@lambda_solid
def emit_one():
    return 1


@lambda_solid
def add_one(num):
    return num + 1


@pipeline
def two_steps():
    add_one(emit_one())


READ_BACK = """
import json, sys
from dagster.core.instance import DagsterInstance
from dagster.serdes import deserialize_json_to_dagster_namedtuple

instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(sys.argv[1]))
run = instance.get_run_by_id(sys.argv[2])
stats = instance.get_run_stats(run.run_id)
print(json.dumps({
    "status": run.status.value,
    "storages": [type(s).__name__ for s in (instance.run_storage, instance.event_storage, instance.schedule_storage)],
    "events": [r.dagster_event.event_type_value for r in instance.all_logs(run.run_id) if r.dagster_event],
    "steps_succeeded": stats.steps_succeeded,
}))
"""


def test_instance_on_postgres_from_dagster_yaml(tmp_path, pg_env):
    write_dagster_yaml(tmp_path)
    instance = DagsterInstance.from_config(str(tmp_path))
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert "not-checked-under-trust" not in repr(instance.run_storage)
    instance.upgrade()

    result = execute_pipeline(two_steps, instance=instance)
    assert result.success
    run = instance.get_run_by_id(result.run_id)
    assert run.status == PipelineRunStatus.SUCCESS
    assert [r.run_id for r in instance.get_runs()] == [result.run_id]
    assert instance.get_run_stats(result.run_id).steps_succeeded == 2
    assert instance.has_pipeline_snapshot(run.pipeline_snapshot_id)

    from dagster.serdes import serialize_dagster_namedtuple

    out = subprocess.run(
        [sys.executable, "-c", READ_BACK, serialize_dagster_namedtuple(instance.get_ref()), result.run_id],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    ).stdout
    seen = json.loads(out)
    assert seen["status"] == "SUCCESS"
    assert seen["storages"] == ["PostgresRunStorage", "PostgresEventLogStorage", "PostgresScheduleStorage"]
    assert seen["events"][0] == "PIPELINE_START" and seen["events"][-1] == "PIPELINE_SUCCESS"
    assert seen["events"].count("STEP_SUCCESS") == 2
    assert seen["events"] == [
        r.dagster_event.event_type_value for r in instance.all_logs(result.run_id) if r.dagster_event
    ]
    assert seen["steps_succeeded"] == 2
    instance.dispose()


def test_dagster_instance_migrate_on_postgres(tmp_path, pg_env):
    write_dagster_yaml(tmp_path)
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path))
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    first = subprocess.run([dagster, "instance", "migrate"], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert (
        "Schema version before: runs none (new), event logs none (new), schedules none (new)" in first.stdout
    )
    assert "class: PostgresRunStorage" in first.stdout
    second = subprocess.run([dagster, "instance", "migrate"], capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    before = [line for line in second.stdout.splitlines() if line.startswith("Schema version before")]
    after = [line for line in second.stdout.splitlines() if line.startswith("Schema version after")]
    assert before[0].split(": ", 1)[1] == after[0].split(": ", 1)[1]


def test_unreachable_database_is_one_clear_cli_error(tmp_path, pg_env, monkeypatch):
    write_dagster_yaml(tmp_path)
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), DAGSTER_PG_PORT="1")
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    done = subprocess.run([dagster, "run", "list"], capture_output=True, text=True, env=env)
    assert done.returncode != 0
    assert (
        f'Could not connect to PostgreSQL (host 127.0.0.1, port 1, database "{pg_env}"'
        in done.stderr + done.stdout
    )
    assert "Traceback" not in done.stderr
    assert "not-checked-under-trust" not in done.stderr + done.stdout
