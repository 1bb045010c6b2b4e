"""``python -m benchmarks [name ...]``: run the benchmark modules and print one table.

Each module runs in a fresh interpreter of its own, as a user's process would: threads, pools,
clusters and caches one area leaves behind must not weigh on the next area's figures.

Scratch files (instances, intermediates, compute logs) go under ``.bench-tmp/`` in the checkout
unless ``TMPDIR`` is set. Our VM's ext4 has no journal, and without one the kernel avoids reusing
an inode freed in the last one to five minutes: after a module deletes thousands of files, every
file created near them scans past them all (0.15-0.9 ms of kernel time per file instead of 12-15
µs, for minutes; the shared ``/tmp`` was in that state for much of a day). ``.bench-tmp`` is marked
a top directory for ext4's allocator (``chattr +T``), so each module's scratch directory lands in
a block group of its own, away from what the modules before it deleted.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import time
import traceback

import benchmarks
from benchmarks import Row

_CHILD_FLAG = "--one-module"


def _run_here(name: str) -> int:
    """Run one module in this process and print its rows as JSON (the parent reads them)."""
    try:
        rows = importlib.import_module(f"benchmarks.{name}").run()
    except Exception:
        print(f"{name} failed:\n{traceback.format_exc()}", file=sys.stderr)
        return 1
    print(json.dumps([list(row) for row in rows]))
    return 0


def _child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    if "TMPDIR" not in environment:
        scratch = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".bench-tmp")
        os.makedirs(scratch, exist_ok=True)
        if shutil.which("chattr"):
            # Best effort: file systems without the flag refuse it and nothing changes.
            subprocess.run(["chattr", "+T", scratch], stderr=subprocess.DEVNULL, check=False)
        environment["TMPDIR"] = scratch
    return environment


def _run_apart(name: str) -> tuple[list[Row], bool]:
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks", _CHILD_FLAG, name],
        stdout=subprocess.PIPE,
        text=True,
        env=_child_environment(),
    )
    print(f"  ran {name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        if lines:
            print("\n".join(lines), file=sys.stderr)
        return [], False
    return [Row(*fields) for fields in json.loads(lines[-1])], True


def main(argv: list[str]) -> int:
    if argv[:1] == [_CHILD_FLAG]:
        return _run_here(argv[1])
    wanted = set(argv)
    names = sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.startswith("bench_")
    )
    rows, failures = [], 0
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        module_rows, ok = _run_apart(name)
        rows.extend(module_rows)
        failures += not ok
    width = max([len(r.name) for r in rows] + [9])
    print(f"{'benchmark':<{width}}  {'value':>12}  {'unit':<8}  {'target':<18}  ok")
    print("-" * (width + 48))
    for row in rows:
        mark = "yes" if row.ok else "NO"
        print(f"{row.name:<{width}}  {row.value:>12.3f}  {row.unit:<8}  {row.target:<18}  {mark}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
