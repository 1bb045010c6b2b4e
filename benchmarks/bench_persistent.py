"""Framework overhead per trivial step on a persistent SQLite instance (issue 5's 1 ms target).

Chains of 100 and 1,000 pass-through steps, in process, with filesystem system storage, on a
``DagsterInstance.local_temp()`` (SQLite run and event storage, local compute log capture): every
event is committed before the step moves on. Console printing is off (as in bench_execution).
Each figure is the best of a few runs after a warm-up run, wall and CPU time of this process.
A reference row times the disk alone for the files one step makes (0.7's layout: a directory and a
temp file renamed for the intermediate, two compute log files): on a shared VM file creation
swings from ~12 µs to ~900 µs, and the per-step figures swing with it.

Nothing is deleted until every figure is taken. Our VM's ext4 has no journal, and without one the
kernel will not reuse an inode freed in the last minute or more: every file created soon after
thousands were deleted nearby scans past them (0.15-0.9 ms of kernel time per file instead of
~15 µs, for minutes).
"""

from __future__ import annotations

import os
import tempfile
import time

from benchmarks import Row
from benchmarks.bench_execution import _chain, best_wall_and_cpu

RUN_CONFIG = {
    "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    "storage": {"filesystem": {}},
}
TARGET_MS = 1.0


def _time_runs(home: str, pipeline_def, repeats: int) -> tuple[float, float]:
    from dagster import execute_pipeline
    from dagster.core.instance import DagsterInstance

    instance = DagsterInstance.local_temp(home)
    execute_pipeline(pipeline_def, RUN_CONFIG, instance=instance)
    best = best_wall_and_cpu(lambda: execute_pipeline(pipeline_def, RUN_CONFIG, instance=instance), repeats)
    instance.dispose()
    return best


def _file_system_floor_ms(base: str, steps: int = 300) -> float:
    """What the disk alone takes for the files a step makes (0.7's layout): the intermediate's
    directory and temp file, its rename and read back, and the two compute log files. On a shared
    VM this swings from tens of microseconds to milliseconds; it tells how to read the rows above."""
    logs = os.path.join(base, "compute_logs")
    os.makedirs(logs)
    started = time.perf_counter()
    for index in range(steps):
        directory = os.path.join(base, f"step_{index}.compute")
        os.mkdir(directory)
        temp = os.path.join(directory, ".tmp-result")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"\x80\x04N.")
        os.close(fd)
        os.rename(temp, os.path.join(directory, "result"))
        fd = os.open(os.path.join(directory, "result"), os.O_RDONLY)
        os.read(fd, 64)
        os.close(fd)
        for extension in ("out", "err"):
            os.close(os.open(os.path.join(logs, f"step_{index}.{extension}"), os.O_RDWR | os.O_CREAT, 0o644))
    return (time.perf_counter() - started) * 1000 / steps


def run() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for length, repeats in ((100, 5), (1000, 2)):
            home = os.path.join(scratch, f"home-{length}")
            wall, cpu = _time_runs(home, _chain(length), repeats)
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
        floor = _file_system_floor_ms(os.path.join(scratch, "disk-alone"))
        rows.append(
            Row("persistent SQLite: the disk alone, files of one step", floor, "ms", "(reference)", True)
        )
    return rows
