"""The server drops every connection of our storages (as in a server restart; here with
``pg_terminate_backend`` on our own database only): the next calls reconnect, and watches resume
without missing events stored meanwhile."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from storage_tests.utils.event_log_storage import one_run

from dagster.core.storage.pipeline_run import PipelineRun
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

pytestmark = pytest.mark.postgres


def terminate_other_connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_storages_reconnect_after_the_server_drops_them(clean_pg_url):
    runs = PostgresRunStorage(clean_pg_url)
    events = PostgresEventLogStorage(clean_pg_url)
    records = one_run("r1")
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r1"))
    received = []
    lock = threading.Lock()

    def on_event(record) -> None:
        with lock:
            received.append(record)

    events.watch("r1", -1, on_event)
    events.store_event(records[0])
    assert wait_for(lambda: len(received) == 1)

    # pool connections of both storages, the event writer and the listener
    assert terminate_other_connections(clean_pg_url) >= 3

    events.store_event(records[1])
    events.store_event(records[2])
    assert runs.get_run_by_id("r1").run_id == "r1"
    runs.add_run(PipelineRun(pipeline_name="pipe", run_id="r2"))
    assert [run.run_id for run in runs.get_runs()] == ["r2", "r1"]
    assert events.get_logs_for_run("r1") == records[:3]
    assert wait_for(lambda: len(received) == 3)

    for record in records[3:]:
        events.store_event(record)
    assert wait_for(lambda: len(received) == len(records))
    assert received == records
    events.end_watch("r1", on_event)
    runs.dispose()
    events.dispose()
