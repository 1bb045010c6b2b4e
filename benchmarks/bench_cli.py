"""Start-up cost of the command line, measured as the wall time of real subprocesses.

``import dagster`` (target < 150 ms) and ``dagster pipeline list`` on the tutorial repository
(target < 500 ms), and a whole ``dagster pipeline execute`` of the hello world pipeline on a
persistent SQLite instance (process start to exit; our own aim: < 1 s), each the median of several runs after one warm-up. The CPU time (user + system)
of the same processes is reported too: on a loaded machine the wall time mostly measures the wait
for a core, the CPU time what the command itself costs.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks import Row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = os.path.join(ROOT, "examples", "tutorial")
DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")
RUNS = 7


def _median_ms(argv: list[str], cwd: str, dagster_home: str | None = None) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``argv``, in milliseconds."""
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)
    if dagster_home is not None:
        env["DAGSTER_HOME"] = dagster_home
    # As on a user's machine: bytecode is cached (the warm-up run writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    walls, cpus = [], []
    for attempt in range(RUNS + 1):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wall = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if attempt:  # the first run warms the OS file cache and the bytecode cache
            walls.append(wall)
            cpus.append((after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def run() -> list[Row]:
    import_wall, import_cpu = _median_ms([sys.executable, "-c", "import dagster"], ROOT)
    help_wall, help_cpu = _median_ms([DAGSTER, "--help"], ROOT)
    list_wall, list_cpu = _median_ms([DAGSTER, "pipeline", "list"], TUTORIAL)
    with tempfile.TemporaryDirectory() as home:
        execute_wall, _ = _median_ms([DAGSTER, "pipeline", "execute", "hello_world_pipeline"], TUTORIAL, home)
    return [
        Row("cli: import dagster (wall)", import_wall, "ms", "< 150 ms", import_wall < 150),
        Row("cli: import dagster (cpu)", import_cpu, "ms", "< 150 ms", import_cpu < 150),
        Row("cli: dagster --help (wall)", help_wall, "ms", "< 500 ms", help_wall < 500),
        Row("cli: dagster pipeline list, tutorial (wall)", list_wall, "ms", "< 500 ms", list_wall < 500),
        Row("cli: dagster pipeline list, tutorial (cpu)", list_cpu, "ms", "< 500 ms", list_cpu < 500),
        Row(
            "cli: pipeline execute hello_world, SQLite (wall)",
            execute_wall,
            "ms",
            "< 1000 ms",
            execute_wall < 1000,
        ),
    ]
