"""PostgreSQL storage benchmarks, in a fresh database on the server at 127.0.0.1:5432 (or the
server of ``$DAGSTER_BENCH_POSTGRES_URL``), dropped afterwards.

- framework overhead per trivial step: a 100-step chain executed in process on a persistent
  instance whose run, event log and schedule storages are PostgreSQL (compute logs captured to
  files as usual), best of several runs after warm-ups; for comparison the same chain on a SQLite
  instance, and on PostgreSQL with ``synchronous_commit = off`` set on the database (a DBA's
  choice we do not make: each event is then acknowledged before its WAL flush); and what one
  ``store_event`` costs (each event is committed before the call returns, so with the server's
  default ``synchronous_commit = on`` most of it is waiting for the WAL flush);
- ``get_runs(limit=25)`` with 100,000 runs stored: no filter, a tag filter, a cursor;
- LISTEN/NOTIFY: time from ``store_event`` returning to the watch callback running.
"""

from __future__ import annotations

import gc
import logging
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable

import psycopg

from benchmarks import Row
from benchmarks.bench_storage import fill_runs, time_get_runs
from dagster.core.events.log import LogMessageRecord
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

SERVER_URL = os.environ.get("DAGSTER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
CHAIN = 100
RUNS = 100_000
STORE_EVENTS = 1_000


def _median_ms(fn: Callable[[], object], repeat: int = 30) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _chain(length: int):
    from dagster import DependencyDefinition, PipelineDefinition, SolidInvocation, lambda_solid

    @lambda_solid
    def start():
        return 1

    @lambda_solid
    def passthrough(num):
        return num

    dependencies = {
        SolidInvocation("passthrough", alias=f"step_{index}"): {
            "num": DependencyDefinition("start" if index == 1 else f"step_{index - 1}")
        }
        for index in range(1, length)
    }
    return PipelineDefinition(
        solid_defs=[start, passthrough], dependencies=dependencies, name=f"chain_{length}"
    )


def _time_chain(overrides: dict | None) -> tuple[float, float, float, float]:
    """(best wall, median wall, best CPU) ms per step, and events per step, of the 100-step chain
    on a persistent instance with ``overrides`` in its dagster.yaml."""
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance

    pipeline_def = _chain(CHAIN)
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as home:
        instance = DagsterInstance.local_temp(home, overrides=overrides)
        for _ in range(2):
            assert execute_pipeline(pipeline_def, QUIET, instance=instance).success
        for _ in range(7):
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            result = execute_pipeline(pipeline_def, QUIET, instance=instance)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            assert result.success
        events_per_step = len(instance.all_logs(result.run_id)) / CHAIN
        instance.dispose()
    scale = 1000 / CHAIN
    return min(walls) * scale, statistics.median(walls) * scale, min(cpus) * scale, events_per_step


def _bench_chain(url: str) -> list[Row]:
    config = {"config": {"postgres_url": url}}
    overrides = {
        "run_storage": {"module": "dagster_postgres.run_storage", "class": "PostgresRunStorage", **config},
        "event_log_storage": {
            "module": "dagster_postgres.event_log",
            "class": "PostgresEventLogStorage",
            **config,
        },
        "schedule_storage": {
            "module": "dagster_postgres.schedule_storage",
            "class": "PostgresScheduleStorage",
            **config,
        },
    }
    best, median, cpu, events_per_step = _time_chain(overrides)
    sqlite_best, _sqlite_median, _sqlite_cpu, _events = _time_chain(None)
    # What a DBA trading the last moments of a server crash for speed gets (not our default).
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" SET synchronous_commit = off')
    async_best, _async_median, _async_cpu, _events = _time_chain(overrides)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" RESET synchronous_commit')
    return [
        Row("postgres: 100-step chain, per step (wall, best)", best, "ms", "< 3", best < 3),
        Row("postgres: 100-step chain, per step (wall, median)", median, "ms", "< 3", median < 3),
        Row("postgres: 100-step chain, per step (our CPU)", cpu, "ms", "info", True),
        Row("postgres: same chain on SQLite instance (wall, best)", sqlite_best, "ms", "info", True),
        Row("postgres: chain, database synchronous_commit=off (best)", async_best, "ms", "info", True),
        Row("postgres: events stored per step", events_per_step, "events", "info", True),
    ]


def _bench_store_event(url: str) -> list[Row]:
    storage = PostgresEventLogStorage(url)
    records = [
        LogMessageRecord(None, f"bench - r - {i}", logging.INFO, str(i), "store-bench", time.time(), "bench")
        for i in range(STORE_EVENTS)
    ]
    storage.store_event(records[0])
    started = time.perf_counter()
    for record in records:
        storage.store_event(record)
    per_event = (time.perf_counter() - started) / len(records) * 1e6
    with psycopg.connect(url) as conn:
        synchronous_commit = conn.execute("SHOW synchronous_commit").fetchone()[0]

    received = []
    arrived = threading.Event()

    def on_event(record) -> None:
        received.append(time.perf_counter())
        arrived.set()

    storage.watch("watch-bench", -1, on_event)
    latencies = []
    for index in range(50):
        arrived.clear()
        storage.store_event(
            LogMessageRecord(None, "m", logging.INFO, str(index), "watch-bench", time.time(), "b")
        )
        stored = time.perf_counter()
        assert arrived.wait(5)
        latencies.append((received[-1] - stored) * 1000)
    storage.end_watch("watch-bench", on_event)
    storage.dispose()
    latency = statistics.median(latencies)
    return [
        Row(
            f"postgres: store_event (committed, synchronous_commit={synchronous_commit})",
            per_event,
            "us",
            "info",
            True,
        ),
        Row("postgres: store_event -> watch callback (NOTIFY)", latency, "ms", "< 200", latency < 200),
    ]


def _bench_get_runs(url: str) -> list[Row]:
    storage = PostgresRunStorage(url)
    before = storage.get_runs_count()
    fill_runs(storage, RUNS)
    with storage.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    assert storage.get_runs_count() == before + RUNS
    plain, tagged, paged = time_get_runs(storage)
    storage.dispose()
    return [
        Row("postgres: get_runs(limit=25), 100k runs", plain, "ms", "< 20", plain < 20),
        Row("postgres: get_runs(tag filter, limit=25)", tagged, "ms", "< 20", tagged < 20),
        Row("postgres: get_runs(cursor, limit=25)", paged, "ms", "< 20", paged < 20),
    ]


def run() -> list[Row]:
    name = f"dagster_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = SERVER_URL.rsplit("/", 1)[0] + "/" + name
    try:
        return _bench_chain(url) + _bench_store_event(url) + _bench_get_runs(url)
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
