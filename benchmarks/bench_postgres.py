"""PostgreSQL storage benchmarks, in a fresh database on the server at 127.0.0.1:5432 (or the
server of ``$DAGSTER_BENCH_POSTGRES_URL``), dropped afterwards.

- framework overhead per trivial step: a 100-step chain executed in process on a persistent
  instance whose run, event log and schedule storages are PostgreSQL (compute logs captured to
  files as usual), best of several runs after warm-ups; for comparison, in turns with it, the same
  chain on a SQLite instance, and on PostgreSQL in a second database with ``synchronous_commit =
  off`` (a DBA's choice we do not make: each commit is then acknowledged before its WAL flush);
- what one ``store_event`` costs (each event is committed before the call returns, so with the
  server's default ``synchronous_commit = on`` most of it is waiting for the WAL flush), and a
  group of 3 events stored by one ``store_events`` call (one commit) against 3 ``store_event``,
  and against a bare commit (the WAL flush every durable write waits for: on a shared machine it
  swings from 0.3 to several ms, and the chain's figure with it);
- ``get_runs(limit=25)`` with 100,000 runs stored: no filter, a tag filter, a cursor;
- LISTEN/NOTIFY: time from ``store_event`` returning to the watch callback running.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import statistics
import tempfile
import threading
import time
import uuid

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
GROUPS = 300
GROUP_SIZE = 3


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


def _instance_overrides(url: str) -> dict:
    """dagster.yaml overrides putting all three storages in the database at ``url``."""
    config = {"config": {"postgres_url": url}}
    return {
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


def _time_chains(variants: dict[str, dict | None]) -> dict[str, tuple[float, float, float, float]]:
    """For each variant (dagster.yaml overrides of a persistent instance): (best wall, median wall,
    best CPU) ms per step, and events per step, of the 100-step chain. The variants run in turns,
    so that the load of a shared machine weighs on all of them alike."""
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance

    pipeline_def = _chain(CHAIN)
    scale = 1000 / CHAIN
    with contextlib.ExitStack() as stack:
        instances = {}
        for name, overrides in variants.items():
            home = stack.enter_context(tempfile.TemporaryDirectory())
            instances[name] = DagsterInstance.local_temp(home, overrides=overrides)
            stack.callback(instances[name].dispose)
            for _ in range(2):
                assert execute_pipeline(pipeline_def, QUIET, instance=instances[name]).success
        walls: dict[str, list[float]] = {name: [] for name in variants}
        cpus: dict[str, list[float]] = {name: [] for name in variants}
        events_per_step = {}
        for _ in range(7):
            for name, instance in instances.items():
                gc.collect()
                wall, cpu = time.perf_counter(), time.process_time()
                result = execute_pipeline(pipeline_def, QUIET, instance=instance)
                cpus[name].append(time.process_time() - cpu)
                walls[name].append(time.perf_counter() - wall)
                assert result.success
                events_per_step[name] = len(instance.all_logs(result.run_id)) / CHAIN
        return {
            name: (
                min(walls[name]) * scale,
                statistics.median(walls[name]) * scale,
                min(cpus[name]) * scale,
                events_per_step[name],
            )
            for name in variants
        }


def _bench_chain(url: str, async_url: str) -> list[Row]:
    timings = _time_chains(
        {"postgres": _instance_overrides(url), "sqlite": None, "async": _instance_overrides(async_url)}
    )
    best, median, cpu, events_per_step = timings["postgres"]
    return [
        Row("postgres: 100-step chain, per step (wall, best)", best, "ms", "< 3", best < 3),
        Row("postgres: 100-step chain, per step (wall, median)", median, "ms", "< 3", median < 3),
        Row("postgres: 100-step chain, per step (our CPU)", cpu, "ms", "info", True),
        Row("postgres: same chain on SQLite instance (wall, best)", timings["sqlite"][0], "ms", "info", True),
        Row(
            "postgres: chain, database synchronous_commit=off (best)", timings["async"][0], "ms", "info", True
        ),
        Row("postgres: events stored per step", events_per_step, "events", "info", True),
    ]


def _records(run_id: str, count: int) -> list[LogMessageRecord]:
    return [
        LogMessageRecord(None, f"bench - {run_id} - {i}", logging.INFO, str(i), run_id, time.time(), "bench")
        for i in range(count)
    ]


def _bench_store_event(url: str) -> list[Row]:
    storage = PostgresEventLogStorage(url)
    records = _records("store-bench", STORE_EVENTS)
    storage.store_event(records[0])
    started = time.perf_counter()
    for record in records:
        storage.store_event(record)
    per_event = (time.perf_counter() - started) / len(records) * 1e6
    with psycopg.connect(url) as conn:
        synchronous_commit = conn.execute("SHOW synchronous_commit").fetchone()[0]

    # A group of 3 events (what a step hands over at a time) in one store_events call, against the
    # same 3 events in 3 store_event calls, and against the server's floor: the commit of a one-int
    # row in a table without index or trigger; in turns.
    one_call, three_calls, bare_commits = [], [], []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_commit (x integer)")
        for _ in range(GROUPS):
            group = _records("group-bench", GROUP_SIZE)
            started = time.perf_counter()
            storage.store_events(group)
            one_call.append((time.perf_counter() - started) * 1e6)
            group = _records("group-bench", GROUP_SIZE)
            started = time.perf_counter()
            for record in group:
                storage.store_event(record)
            three_calls.append((time.perf_counter() - started) * 1e6)
            started = time.perf_counter()
            conn.execute("INSERT INTO bench_commit VALUES (1)")
            bare_commits.append((time.perf_counter() - started) * 1e6)

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
        Row(
            "postgres: 3 events in one store_events (median)", statistics.median(one_call), "us", "info", True
        ),
        Row(
            "postgres: 3 events in 3 store_event (median)", statistics.median(three_calls), "us", "info", True
        ),
        Row(
            "postgres: server's floor, a bare commit (median)",
            statistics.median(bare_commits),
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
    # What a DBA trading the last moments before a server crash for speed gets (not our default).
    async_name = f"{name}_async"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{async_name}"')
        admin.execute(f'ALTER DATABASE "{async_name}" SET synchronous_commit = off')
    url, async_url = (SERVER_URL.rsplit("/", 1)[0] + "/" + db_name for db_name in (name, async_name))
    try:
        return _bench_chain(url, async_url) + _bench_store_event(url) + _bench_get_runs(url)
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            for db_name in (name, async_name):
                admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
