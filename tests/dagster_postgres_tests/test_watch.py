"""Watching through LISTEN/NOTIFY within one process: one listener thread whatever the number of
watches and storages, gone when the last watch ends; callbacks that raise do not stop others."""

from __future__ import annotations

import threading

import pytest
from storage_tests.utils.event_log_storage import log_record

from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.notify import notifier

from .test_reconnect import wait_for

pytestmark = pytest.mark.postgres


def listener_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "dagster-postgres-listener"]


def test_one_listener_thread_for_all_watches(clean_pg_url):
    first = PostgresEventLogStorage(clean_pg_url)
    second = PostgresEventLogStorage(clean_pg_url)
    got: dict[str, list[str]] = {"a1": [], "a2": [], "b": []}

    def collect(name):
        return lambda record: got[name].append(record.user_message)

    def broken(record):
        raise ValueError("a callback that fails")

    callbacks = {"a1": collect("a1"), "a2": collect("a2"), "b": collect("b")}
    first.store_event(log_record("run-a", "before", 1.0))
    first.watch("run-a", -1, callbacks["a1"])
    first.watch("run-a", -1, broken)
    second.watch("run-a", 0, callbacks["a2"])
    second.watch("run-b", -1, callbacks["b"])
    assert len(listener_threads()) == 1
    assert notifier().watch_count() == 4

    for index in range(3):
        second.store_event(log_record("run-a", f"a{index}", 2.0))
        first.store_event(log_record("run-b", f"b{index}", 2.0))
    assert wait_for(lambda: len(got["a1"]) == 4 and len(got["a2"]) == 3 and len(got["b"]) == 3)
    assert got == {"a1": ["before", "a0", "a1", "a2"], "a2": ["a0", "a1", "a2"], "b": ["b0", "b1", "b2"]}
    assert len(listener_threads()) == 1

    first.end_watch("run-a", callbacks["a1"])
    first.store_event(log_record("run-a", "after", 3.0))
    assert wait_for(lambda: len(got["a2"]) == 4)
    assert got["a1"] == ["before", "a0", "a1", "a2"]

    first.dispose()  # ends the watches made through it
    assert notifier().watch_count() == 2
    second.end_watch("run-a", callbacks["a2"])
    second.end_watch("run-b", callbacks["b"])
    assert wait_for(lambda: not listener_threads())
    assert not notifier().is_listening()

    # and it starts again with the next watch
    again = []
    second.watch("run-b", 2, lambda record: again.append(record.user_message))
    second.store_event(log_record("run-b", "b3", 4.0))
    assert wait_for(lambda: again == ["b3"])
    second.dispose()
    assert wait_for(lambda: not listener_threads())
