"""``python -m benchmarks [name ...]``: run the benchmark modules and print one table."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import benchmarks


def main(argv: list[str]) -> int:
    wanted = set(argv)
    names = sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.startswith("bench_")
    )
    rows, failures = [], 0
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows.extend(module.run())
        except Exception:
            failures += 1
            print(f"{name} failed:\n{traceback.format_exc()}", file=sys.stderr)
        print(f"  ran {name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    width = max([len(r.name) for r in rows] + [9])
    print(f"{'benchmark':<{width}}  {'value':>12}  {'unit':<8}  {'target':<18}  ok")
    print("-" * (width + 48))
    for row in rows:
        mark = "yes" if row.ok else "NO"
        print(f"{row.name:<{width}}  {row.value:>12.3f}  {row.unit:<8}  {row.target:<18}  {mark}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
