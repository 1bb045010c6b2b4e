"""Start-up cost of the command line, measured as the wall time of real subprocesses.

``import dagster`` (target < 150 ms) and ``dagster pipeline list`` on the tutorial repository
(target < 500 ms), each the median of several runs after one warm-up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from benchmarks import Row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = os.path.join(ROOT, "examples", "tutorial")
DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")
RUNS = 7


def _median_wall_ms(argv: list[str], cwd: str) -> float:
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)
    times = []
    for attempt in range(RUNS + 1):
        started = time.perf_counter()
        subprocess.run(
            argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if attempt:  # the first run warms the OS file cache and the bytecode cache
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> list[Row]:
    import_ms = _median_wall_ms([sys.executable, "-c", "import dagster"], ROOT)
    help_ms = _median_wall_ms([DAGSTER, "--help"], ROOT)
    list_ms = _median_wall_ms([DAGSTER, "pipeline", "list"], TUTORIAL)
    return [
        Row("cli: import dagster (wall)", import_ms, "ms", "< 150 ms", import_ms < 150),
        Row("cli: dagster --help (wall)", help_ms, "ms", "< 500 ms", help_ms < 500),
        Row("cli: dagster pipeline list, tutorial (wall)", list_ms, "ms", "< 500 ms", list_ms < 500),
    ]
