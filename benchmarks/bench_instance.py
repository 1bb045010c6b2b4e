"""Instance costs: handle_new_event on a persistent SQLite instance, the dead-run check on a
listing, and building an instance from its ref (what every worker pays). Compute log capture has
its own module, ``bench_compute_logs``."""

from __future__ import annotations

import tempfile
import time

from benchmarks import Row
from dagster.core.events import DagsterEvent
from dagster.core.events.log import DagsterEventRecord
from dagster.core.instance import DagsterInstance
from dagster.core.storage.pipeline_run import PipelineRunStatus


def _record(run_id: str, event_type: str, step_key: str | None = None) -> DagsterEventRecord:
    return DagsterEventRecord(
        None,
        f"bench - {run_id} - {event_type}",
        10,
        event_type,
        run_id,
        time.time(),
        step_key,
        "bench",
        DagsterEvent(event_type, "bench", step_key=step_key),
    )


def _per_call_us(fn, count: int) -> float:
    started = time.perf_counter()
    for index in range(count):
        fn(index)
    return (time.perf_counter() - started) / count * 1e6


def run() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as home:
        instance = DagsterInstance.local_temp(home)
        run = instance.create_run(pipeline_name="bench")
        instance.handle_new_event(_record(run.run_id, "PIPELINE_START"))
        records = [_record(run.run_id, "STEP_OUTPUT", f"s{index}.compute") for index in range(2000)]
        cost = _per_call_us(lambda index: instance.handle_new_event(records[index]), len(records))
        rows.append(
            Row("handle_new_event (SQLite, step event)", cost, "us", "< 125 (8/step, 1 ms)", cost < 125)
        )

        runs = [instance.create_run(pipeline_name="bench") for _ in range(200)]
        cost = _per_call_us(
            lambda index: instance.handle_new_event(_record(runs[index].run_id, "PIPELINE_START")), len(runs)
        )
        rows.append(Row("handle_new_event (SQLite, PIPELINE_START)", cost, "us", "< 1000", cost < 1000))

        for started_run in runs[:25]:
            assert (
                started_run.run_id
                and instance.get_run_by_id(started_run.run_id).status == PipelineRunStatus.STARTED
            )
        cost = _per_call_us(lambda _index: instance.get_runs(limit=25), 200)
        rows.append(Row("get_runs(limit=25), 25 STARTED runs checked", cost, "us", "< 20000", cost < 20000))

        ref = instance.get_ref()
        cost = _per_call_us(lambda _index: DagsterInstance.from_ref(ref).dispose(), 20)
        rows.append(Row("DagsterInstance.from_ref (SQLite)", cost / 1000, "ms", "< 50", cost / 1000 < 50))
        instance.dispose()

    ephemeral = DagsterInstance.ephemeral()
    memory_run = ephemeral.create_run(pipeline_name="bench")
    memory_records = [
        _record(memory_run.run_id, "STEP_OUTPUT", f"s{index}.compute") for index in range(20000)
    ]
    cost = _per_call_us(lambda index: ephemeral.handle_new_event(memory_records[index]), len(memory_records))
    rows.append(Row("handle_new_event (in memory)", cost, "us", "< 20", cost < 20))
    cost = _per_call_us(lambda _index: DagsterInstance.ephemeral(), 2000)
    rows.append(Row("DagsterInstance.ephemeral()", cost, "us", "< 50", cost < 50))
    return rows
