"""Histories a real 0.7 home may hold beyond the happy path: events still in a SQLite WAL file
(a 0.7 process that died before a checkpoint), and a failed run re-executed after the fix."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing

from dagster import RunConfig, execute_pipeline
from dagster.core.instance import DagsterInstance
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .conftest import copy_fixture_home, migrate
from .etl_pipeline import broken

BROKEN_RUN_ID = "1b28093c-2df8-4b5f-b830-036220a9564b"


def test_events_only_in_a_07_wal_file_are_imported(old_home, tmp_path):
    event_file = os.path.join(old_home, "history", "runs", f"{BROKEN_RUN_ID}.db")
    home = str(tmp_path / "home_with_wal")
    with closing(sqlite3.connect(event_file)) as conn:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute(
            "INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key) "
            "SELECT run_id, event, dagster_event_type, timestamp, step_key FROM event_logs "
            "WHERE dagster_event_type = 'STEP_FAILURE'"
        )
        conn.commit()
        # Copied while the writer is still open: the new row lives only in the -wal file.
        shutil.copytree(old_home, home)
    assert os.path.getsize(os.path.join(home, "history", "runs", f"{BROKEN_RUN_ID}.db-wal")) > 0

    migrate(home)
    instance = DagsterInstance.from_config(home)
    try:
        types = [record.dagster_event.event_type_value for record in instance.all_logs(BROKEN_RUN_ID)]
        assert types.count("STEP_FAILURE") == 2
        assert len(types) == 7
    finally:
        instance.dispose()


def test_the_failed_07_run_reexecutes_from_its_failed_step(tmp_path):
    home = copy_fixture_home(str(tmp_path / "home"))
    migrate(home)
    instance = DagsterInstance.from_config(home)
    try:
        old = instance.get_run_by_id(BROKEN_RUN_ID)
        result = execute_pipeline(
            broken,
            old.environment_dict,
            run_config=RunConfig(previous_run_id=BROKEN_RUN_ID, step_keys_to_execute=["explode.compute"]),
            instance=instance,
        )
        assert result.success
        assert result.result_for_solid("explode").output_value() == "ok"
        run = instance.get_run_by_id(result.run_id)
        assert (run.status, run.parent_run_id, run.root_run_id) == (
            PipelineRunStatus.SUCCESS,
            BROKEN_RUN_ID,
            BROKEN_RUN_ID,
        )
        assert instance.get_run_by_id(BROKEN_RUN_ID).status == PipelineRunStatus.FAILURE
        assert len(instance.all_logs(BROKEN_RUN_ID)) == 6
    finally:
        instance.dispose()
