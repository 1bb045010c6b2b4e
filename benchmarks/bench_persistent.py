"""Framework overhead per trivial step on a persistent SQLite instance (issue 5's 1 ms target).

Chains of 100 and 1,000 pass-through steps, in process, with filesystem system storage, on a
``DagsterInstance.local_temp()`` (SQLite run and event storage, local compute log capture): every
event is committed before the step moves on. Console printing is off (as in bench_execution).
Each figure is the best of a few runs after a warm-up run, wall and CPU time of this process.
"""

from __future__ import annotations

import gc
import tempfile
import time

from benchmarks import Row
from benchmarks.bench_execution import _chain

RUN_CONFIG = {
    "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    "storage": {"filesystem": {}},
}
TARGET_MS = 1.0


def _time_runs(pipeline_def, repeats: int) -> tuple[float, float]:
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance

    with tempfile.TemporaryDirectory() as home:
        instance = DagsterInstance.local_temp(home)
        execute_pipeline(pipeline_def, RUN_CONFIG, instance=instance)
        walls, cpus = [], []
        for _ in range(repeats):
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            result = execute_pipeline(pipeline_def, RUN_CONFIG, instance=instance)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            assert result.success
        instance.dispose()
    return min(walls), min(cpus)


def run() -> list[Row]:
    rows = []
    for length, repeats in ((100, 5), (1000, 2)):
        wall, cpu = _time_runs(_chain(length), repeats)
        for kind, value in (("wall", wall), ("cpu", cpu)):
            per_step = value * 1000 / length
            rows.append(
                Row(
                    f"persistent SQLite: {length}-step chain, per step ({kind})",
                    per_step,
                    "ms",
                    f"< {TARGET_MS}",
                    per_step < TARGET_MS,
                )
            )
    return rows
