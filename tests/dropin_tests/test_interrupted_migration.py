"""`dagster instance migrate` SIGKILLed at various points: the home is then untouched, or the next
`migrate` completes it with all of its history (never a half-converted home that stays broken).

Two ways to pick the point: the real command killed after a random delay, and a slowed-down copy
(``slow_migrate.py``: the same code, pausing around each writing step) killed right after a chosen
step began or ended, including inside an open transaction. The random choices come from a seed
printed in every failure message (set ``DROPIN_KILL_SEED`` to replay one).
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from .conftest import (
    COMMAND_TIMEOUT,
    DAGSTER_SCRIPT,
    assert_no_traceback,
    dagster_env,
    digest,
    migrate,
    run_dagster,
)
from .history import assert_history_intact, assert_run_list_output

SLOW_MIGRATE = os.path.join(os.path.dirname(__file__), "slow_migrate.py")
PAUSE = 0.3
# Markers printed by slow_migrate.py on the fixture, in order (see its docstring):
# 1-2 runs.db upgrade (1: inside its transaction), 3-4 events.db creation, then per 0.7 event file
# read (enter/exit), move (enter/exit) x 4, 21-22 schedules.db upgrade.
MARKERS = 22
FIXED_KILL_POINTS = [1, 4, 7, 21]
# The seed is used inside the tests only, so that every xdist worker collects the same tests.
SEED = int(os.environ.get("DROPIN_KILL_SEED", str(time.time_ns() % 1_000_000)))


def _stderr_lines(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def _pump() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=_pump, daemon=True).start()
    return lines


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=COMMAND_TIMEOUT)


def _kill_after_marker(home: str, marker: int, jitter: float) -> tuple[bool, str]:
    """Run the slowed migration and SIGKILL it ``jitter`` s after its ``marker``-th step marker.
    Returns (killed before finishing, the markers seen)."""
    process = subprocess.Popen(
        [sys.executable, SLOW_MIGRATE, str(PAUSE)],
        cwd=home,
        env=dagster_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        lines = _stderr_lines(process)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while len(seen) < marker:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                break
            if line.startswith("@@ "):
                seen.append(line.strip())
        time.sleep(jitter)
        killed = process.poll() is None
    finally:
        _kill(process)
    return killed, "; ".join(seen)


def _kill_after_delay(home: str, delay: float) -> bool:
    process = subprocess.Popen(
        [DAGSTER_SCRIPT, "instance", "migrate"],
        cwd=home,
        env=dagster_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(delay)
        killed = process.poll() is None
    finally:
        _kill(process)
    return killed


def _assert_untouched_or_resumable(home: str, original: dict, manifest: list[dict], context: str) -> None:
    if digest(home) == original:
        return  # untouched: the user can run migrate again, or keep using Dagster 0.7
    # Between the kill and the next migrate, commands fail cleanly or work; never a traceback.
    listed = run_dagster(["run", "list"], home)
    assert_no_traceback(listed)
    if listed.returncode == 0:
        assert_run_list_output(listed.stdout, manifest)
    else:
        lines = [line for line in (listed.stdout + listed.stderr).splitlines() if line.strip()]
        assert len(lines) == 1 and "`dagster instance migrate`" in lines[0], (context, lines)
    migrate(home)
    assert_history_intact(home, manifest)


@pytest.mark.slow
@pytest.mark.parametrize("point", [*FIXED_KILL_POINTS, "random"])
def test_migration_killed_at_a_step_leaves_the_home_untouched_or_resumable(old_home, manifest, point):
    rng = random.Random(f"{SEED}-{point}")
    marker = rng.randint(1, MARKERS) if point == "random" else point
    jitter = round(rng.uniform(0, PAUSE), 3)
    original = digest(old_home)
    killed, seen = _kill_after_marker(old_home, marker, jitter)
    context = f"seed {SEED}, killed after marker {marker} (+{jitter}s): {seen}"
    assert killed, f"the migration ended before it could be killed ({context})"
    _assert_untouched_or_resumable(old_home, original, manifest, context)


@pytest.mark.slow
@pytest.mark.parametrize("draw", [1, 2])
def test_migration_killed_after_a_random_delay_leaves_the_home_untouched_or_resumable(
    old_home, manifest, draw
):
    delay = round(random.Random(f"{SEED}-delay-{draw}").uniform(0.3, 4.0), 2)
    original = digest(old_home)
    killed = _kill_after_delay(old_home, delay)
    context = f"seed {SEED}, killed after {delay}s (still running: {killed})"
    _assert_untouched_or_resumable(old_home, original, manifest, context)
