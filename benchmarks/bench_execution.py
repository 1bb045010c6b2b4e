"""Framework overhead per trivial step: chains of 100 and 1,000 steps, in process, ephemeral instance.

Each solid passes its input through, so the time measured is the framework's: planning, run
creation (with its snapshots), events, type checks and in-memory intermediates, and the result.
Console printing is switched off for the measurement (``loggers: {console: {config: {log_level:
CRITICAL}}}``): the default console logger prints every event at DEBUG, which would measure the
terminal instead. Every run uses a fresh ephemeral instance, as ``execute_pipeline(p)`` does.

Each figure is the best (minimum) of several runs after three warm-up runs: schemas and plans are
cached per pipeline, as for any repeated execution in one process, and the minimum is the run least
disturbed by other processes. Both wall time and this process's CPU time are reported, because the
benchmark machine is shared (under load, wall time measures the neighbours too).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from benchmarks import Row

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
TARGET_MS = 0.3


def _chain(length: int):
    from dagster import DependencyDefinition, PipelineDefinition, SolidInvocation, lambda_solid

    @lambda_solid
    def start():
        return 1

    @lambda_solid
    def passthrough(num):
        return num

    dependencies = {}
    for index in range(1, length):
        upstream = "start" if index == 1 else f"step_{index - 1}"
        dependencies[SolidInvocation("passthrough", alias=f"step_{index}")] = {
            "num": DependencyDefinition(upstream)
        }
    return PipelineDefinition(
        solid_defs=[start, passthrough], dependencies=dependencies, name=f"chain_{length}"
    )


def _time_runs(pipeline_def, repeats: int) -> tuple[float, float]:
    """Best wall time and best CPU time (seconds) of ``execute_pipeline``."""
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance

    for _ in range(3):  # warm-up: caches, and the allocator / GC settling after imports
        execute_pipeline(pipeline_def, QUIET, instance=DagsterInstance.ephemeral())
    return best_wall_and_cpu(
        lambda: execute_pipeline(pipeline_def, QUIET, instance=DagsterInstance.ephemeral()), repeats
    )


def best_wall_and_cpu(execute: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best wall time and best CPU time (seconds) of ``execute()``, which returns a run result
    that must be a success."""
    walls, cpus = [], []
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = execute()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        assert result.success
    return min(walls), min(cpus)


def measure(repeats_small: int = 15, repeats_large: int = 8) -> dict[str, float]:
    wall_100, cpu_100 = _time_runs(_chain(100), repeats_small)
    wall_1000, cpu_1000 = _time_runs(_chain(1000), repeats_large)
    return {
        "wall_100_ms": wall_100 * 10,
        "wall_1000_ms": wall_1000,
        "cpu_100_ms": cpu_100 * 10,
        "cpu_1000_ms": cpu_1000,
        "wall_ratio": wall_1000 / wall_100,
        "cpu_ratio": cpu_1000 / cpu_100,
    }


def _per_step(name: str, value: float) -> Row:
    return Row(name, value, "ms", f"< {TARGET_MS}", value < TARGET_MS)


def run() -> list[Row]:
    figures = measure()
    return [
        _per_step("execution: 100-step chain, per step (wall)", figures["wall_100_ms"]),
        _per_step("execution: 1000-step chain, per step (wall)", figures["wall_1000_ms"]),
        _per_step("execution: 100-step chain, per step (cpu)", figures["cpu_100_ms"]),
        _per_step("execution: 1000-step chain, per step (cpu)", figures["cpu_1000_ms"]),
        Row(
            "execution: 1000/100-step time (wall)",
            figures["wall_ratio"],
            "x",
            "<= 11",
            figures["wall_ratio"] <= 11,
        ),
        Row(
            "execution: 1000/100-step time (cpu)",
            figures["cpu_ratio"],
            "x",
            "<= 11",
            figures["cpu_ratio"] <= 11,
        ),
    ]
