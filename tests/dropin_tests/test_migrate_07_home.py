"""A Dagster 0.7.16 home, before and after `dagster instance migrate` (all through real processes)."""

from __future__ import annotations

import os
import re

import pytest

from dagster.core.storage.sql import head_revision

from .conftest import assert_no_traceback, digest, migrate, run_dagster
from .history import assert_history_intact, assert_run_list_output

ETL_FILE = os.path.join(os.path.dirname(__file__), "etl_pipeline.py")
OLD_REVISIONS = {"runs": "c63a27054f08", "event logs": "c39c047fa021", "schedules": "da7cd32b690d"}


def _schema_line(output: str, which: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(f"Schema version {which}")]
    assert len(lines) == 1, output
    return lines[0]


def _pipeline_execute_args(tmp_path) -> list[str]:
    config = tmp_path / "etl.yaml"
    config.write_text("solids:\n  extract:\n    config:\n      rows: 2\nstorage:\n  filesystem: {}\n")
    return ["pipeline", "execute", "-f", ETL_FILE, "-n", "etl", "-e", str(config)]


@pytest.mark.parametrize(
    "make_args",
    [
        lambda _tmp_path: ["run", "list"],
        lambda _tmp_path: ["run", "wipe", "--force"],
        _pipeline_execute_args,
    ],
    ids=["run-list", "run-wipe", "pipeline-execute"],
)
def test_commands_refuse_an_unmigrated_home_in_one_line_and_write_nothing(old_home, tmp_path, make_args):
    args = make_args(tmp_path)
    before = digest(old_home)
    result = run_dagster(args, old_home, cwd=str(tmp_path))
    assert result.returncode != 0, result.stdout + result.stderr
    assert_no_traceback(result)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "written by an older version" in lines[0]
    assert "`dagster instance migrate`" in lines[0]
    assert digest(old_home) == before


def test_instance_info_on_an_unmigrated_home_only_reads_the_configuration(old_home):
    before = digest(old_home)
    result = run_dagster(["instance", "info"], old_home)
    assert result.returncode == 0, result.stderr
    assert "SqliteRunStorage" in result.stdout
    assert digest(old_home) == before


def test_migrate_prints_versions_keeps_all_history_and_is_idempotent(old_home, manifest):
    result = migrate(old_home)
    before_line = _schema_line(result.stdout, "before")
    for label, revision in OLD_REVISIONS.items():
        assert f"{label} {revision}" in before_line
    after_line = _schema_line(result.stdout, "after")
    assert re.findall(r"\b[0-9a-f]{12}\b", after_line) == [head_revision()] * 3
    assert "Updating run storage" in result.stdout and "Updating event storage" in result.stdout

    listed = run_dagster(["run", "list"], old_home)
    assert listed.returncode == 0, listed.stderr
    assert_run_list_output(listed.stdout, manifest)
    assert_history_intact(old_home, manifest)

    migrated = digest(old_home)
    again = migrate(old_home)
    assert digest(old_home) == migrated
    assert _schema_line(again.stdout, "before").replace("before", "after") == _schema_line(
        again.stdout, "after"
    )
    assert_history_intact(old_home, manifest)


def test_migrate_reports_each_imported_run(old_home, manifest):
    result = migrate(old_home)
    for entry in manifest:
        assert re.search(rf"Imported {entry['events']} events of run {entry['run_id']}\b", result.stdout), (
            result.stdout
        )


def test_second_migrate_says_nothing_to_do(old_home):
    migrate(old_home)
    again = migrate(old_home)
    assert "nothing to do" in again.stdout.lower(), again.stdout
    assert "Updating" not in again.stdout
