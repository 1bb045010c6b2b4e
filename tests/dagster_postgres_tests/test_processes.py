"""Several processes on one PostgreSQL database: concurrent writers lose nothing, and a watcher in
one process hears another process's events through NOTIFY."""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback

import pytest
from storage_tests.utils.event_log_storage import log_record

from dagster.core.storage.pipeline_run import PipelineRun, PipelineRunsFilter
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

pytestmark = pytest.mark.postgres

PROCESSES = 8
RUNS_PER_PROCESS = 50
EVENTS_PER_PROCESS = 500
EVENTS_PER_RUN = EVENTS_PER_PROCESS // RUNS_PER_PROCESS


def _writer(url: str, worker: int, start, errors) -> None:
    try:
        runs = PostgresRunStorage(url)
        events = PostgresEventLogStorage(url)
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
def test_eight_processes_write_at_once(clean_pg_url):
    # The database starts empty: the processes also race to create the schema.
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    errors = context.Queue()
    workers = [
        context.Process(target=_writer, args=(clean_pg_url, worker, start, errors))
        for worker in range(PROCESSES)
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

    runs = PostgresRunStorage(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    assert runs.get_runs_count() == PROCESSES * RUNS_PER_PROCESS
    for worker in range(PROCESSES):
        mine = runs.get_runs(PipelineRunsFilter(tags={"worker": str(worker)}))
        assert [run.run_id for run in mine] == [
            f"w{worker}-r{index}" for index in reversed(range(RUNS_PER_PROCESS))
        ]
        for run in mine:
            logs = events.get_logs_for_run(run.run_id)
            assert [record.user_message for record in logs] == [str(seq) for seq in range(EVENTS_PER_RUN)]
    with events.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM event_logs").scalar() == PROCESSES * EVENTS_PER_PROCESS
        )
    runs.dispose()
    events.dispose()


WATCHED_EVENTS = 20


def _emit(url: str, run_id: str, group: int, go, stored_at) -> None:
    events = PostgresEventLogStorage(url)
    events.store_event(log_record("warm-up", "connect first", time.time()))
    go.wait()
    for first in range(0, WATCHED_EVENTS, group):
        seqs = range(first, min(first + group, WATCHED_EVENTS))
        events.store_events([log_record(run_id, str(seq), time.time()) for seq in seqs])
        # committed (and so notified) by now
        stored = time.time()
        for seq in seqs:
            stored_at.put((seq, stored))
        time.sleep(0.02)
    events.dispose()


@pytest.mark.parametrize("group", [1, 3], ids=["one event at a time", "groups of three"])
def test_a_watcher_hears_another_process_within_200_ms(event_storage, clean_pg_url, group):
    received: list[tuple[float, object]] = []
    done = threading.Event()

    def on_event(record) -> None:
        received.append((time.time(), record))
        if len(received) == WATCHED_EVENTS:
            done.set()

    event_storage.watch("watched", -1, on_event)
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    stored_at = context.Queue()
    writer = context.Process(target=_emit, args=(clean_pg_url, "watched", group, go, stored_at))
    writer.start()
    try:
        go.set()
        assert done.wait(30)
        stored = dict(stored_at.get(timeout=30) for _ in range(WATCHED_EVENTS))
    finally:
        writer.join(timeout=30)
    assert writer.exitcode == 0
    assert [record.user_message for _at, record in received] == [str(seq) for seq in range(WATCHED_EVENTS)]
    # from store_events returning in the writer to the callback running here (same machine clock)
    latencies = [at - stored[int(record.user_message)] for at, record in received]
    assert max(latencies) < 0.2, latencies
    event_storage.end_watch("watched", on_event)
