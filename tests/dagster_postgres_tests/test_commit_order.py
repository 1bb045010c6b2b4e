"""Row ids of one run follow the order its events commit in, so readers of "rows after id N"
(watches, cursors) never skip an event whose transaction committed after a later one."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from storage_tests.utils.event_log_storage import log_record, one_run

from dagster.core.storage.pipeline_run import PipelineRun
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

from .test_reconnect import wait_for

pytestmark = pytest.mark.postgres


class SlowStatusWrite(PostgresRunStorage):
    """Holds the transaction of an event and its run status open for a while (on purpose)."""

    inserted = threading.Event()

    def apply_run_status(self, conn, run_id, status, new_tags=None):
        super().apply_run_status(conn, run_id, status, new_tags)
        self.inserted.set()
        time.sleep(0.5)


def test_an_event_committed_late_is_not_skipped_by_a_watch(clean_pg_url):
    runs = SlowStatusWrite(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    got = []
    events.watch("r1", -1, lambda record: got.append(record))
    start = one_run("r1")[0]
    slow = threading.Thread(target=events.store_event_with_run_status, args=(start, runs))
    slow.start()
    assert runs.inserted.wait(10)
    # The start event holds its row id, uncommitted; this one is sent while it waits.
    after = log_record("r1", "after the start", time.time())
    events.store_event(after)
    slow.join(10)

    assert wait_for(lambda: len(got) == 2)
    time.sleep(0.2)
    assert got == [start, after]
    assert events.get_logs_for_run("r1") == [start, after]
    for storage in (runs, events):
        storage.dispose()


def _write(url: str, worker: int, count: int) -> None:
    events = PostgresEventLogStorage(url)
    for seq in range(count):
        events.store_event(log_record("shared", f"{worker}:{seq}", time.time()))
    events.dispose()


@pytest.mark.slow
def test_a_watch_gets_every_event_of_eight_concurrent_writers_once(event_storage, clean_pg_url):
    got = []
    event_storage.watch("shared", -1, lambda record: got.append(record.user_message))
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write, args=(clean_pg_url, worker, 200)) for worker in range(8)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
    assert [process.exitcode for process in writers] == [0] * 8
    stored = [record.user_message for record in event_storage.get_logs_for_run("shared")]
    assert len(stored) == 1600
    assert wait_for(lambda: len(got) >= 1600, timeout=10)
    time.sleep(0.2)
    assert got == stored
