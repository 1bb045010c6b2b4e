"""Eight processes write runs and events to one SQLite instance at once: nothing is lost or reordered,
and nobody sees "database is locked"."""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback

import pytest

from dagster.core.storage.event_log import SqliteEventLogStorage
from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunsFilter
from dagster.core.storage.runs import SqliteRunStorage

from .utils.event_log_storage import log_record

PROCESSES = 8
RUNS_PER_PROCESS = 50
EVENTS_PER_PROCESS = 500
EVENTS_PER_RUN = EVENTS_PER_PROCESS // RUNS_PER_PROCESS


def _writer(base_dir: str, worker: int, start, errors) -> None:
    try:
        runs = SqliteRunStorage.from_local(base_dir)
        events = SqliteEventLogStorage(f"{base_dir}/runs")
        start.wait()
        for run_index in range(RUNS_PER_PROCESS):
            run_id = f"w{worker}-r{run_index}"
            runs.add_run(PipelineRun(pipeline_name="pipe", run_id=run_id, tags={"worker": str(worker)}))
            for seq in range(EVENTS_PER_RUN):
                events.store_event(log_record(run_id, f"{seq}", float(seq)))
    except BaseException:
        errors.put(f"worker {worker}: {traceback.format_exc()}")
        raise


@pytest.mark.slow
def test_eight_processes_write_at_once(tmp_path):
    base_dir = str(tmp_path)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    errors = context.Queue()
    workers = [
        context.Process(target=_writer, args=(base_dir, worker, start, errors)) for worker in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(timeout=240)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    assert [process.exitcode for process in workers] == [0] * PROCESSES

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
        assert conn.execute("SELECT count(*) FROM event_logs").fetchone() == (PROCESSES * EVENTS_PER_PROCESS,)
