"""Eight processes write runs and events to one SQLite instance at once: nothing is lost or reordered,
and nobody sees "database is locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from dagster.core.storage.event_log import SqliteEventLogStorage
from dagster.core.storage.pipeline_run import PipelineRunsFilter
from dagster.core.storage.runs import SqliteRunStorage

from .concurrent_writer import EVENTS_PER_RUN, RUNS_PER_PROCESS

PROCESSES = 8
WRITER = os.path.join(os.path.dirname(__file__), "concurrent_writer.py")


@pytest.mark.slow
def test_eight_processes_write_at_once(tmp_path):
    base_dir = str(tmp_path / "history")
    go_file = str(tmp_path / "go")
    # Fresh interpreters (not multiprocessing): they see only the installed code, whatever this
    # test process has imported or put on sys.path.
    writers = [
        subprocess.Popen(
            [sys.executable, WRITER, base_dir, str(worker), go_file],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(PROCESSES)
    ]
    open(go_file, "w").close()
    outcomes = [(writer.wait(timeout=240), writer.stderr.read()) for writer in writers]
    assert [code for code, _ in outcomes] == [0] * PROCESSES, [err for _, err in outcomes]
    assert not any("database is locked" in err for _, err in outcomes)

    runs = SqliteRunStorage.from_local(base_dir)
    events = SqliteEventLogStorage(f"{base_dir}/runs")
    assert runs.get_runs_count() == PROCESSES * RUNS_PER_PROCESS
    for worker in range(PROCESSES):
        mine = runs.get_runs(PipelineRunsFilter(tags={"worker": str(worker)}))
        assert [run.run_id for run in mine] == [
            f"w{worker}-r{index}" for index in reversed(range(RUNS_PER_PROCESS))
        ]
        for run in mine:
            logs = events.get_logs_for_run(run.run_id)
            assert [record.user_message for record in logs] == [str(seq) for seq in range(EVENTS_PER_RUN)]
    for path in (f"{base_dir}/runs.db", f"{base_dir}/runs/events.db"):
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with sqlite3.connect(f"{base_dir}/runs/events.db") as conn:
        total = PROCESSES * RUNS_PER_PROCESS * EVENTS_PER_RUN
        assert conn.execute("SELECT count(*) FROM event_logs").fetchone() == (total,)
