"""`dagster instance migrate`, slowed down at each step that writes, for the interruption tests.

Run as ``python slow_migrate.py <pause seconds>`` with ``DAGSTER_HOME`` set. Before and after each
writing step (a schema check/creation, an Alembic upgrade, reading a 0.7 per-run file, moving a
file) it prints ``@@ <enter|exit> <step>`` to stderr and pauses, so that a test can SIGKILL it at
a chosen point, including inside an open transaction. The real migration code runs unchanged.
"""

from __future__ import annotations

import functools
import os
import sys
import time


def _slowed(name: str, fn, pause: float):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print(f"@@ enter {name}", file=sys.stderr, flush=True)
        time.sleep(pause)
        result = fn(*args, **kwargs)
        print(f"@@ exit {name}", file=sys.stderr, flush=True)
        time.sleep(pause)
        return result

    return wrapper


def main() -> None:
    pause = float(sys.argv[1])
    from dagster.cli import main as dagster_main
    from dagster.core.storage import sql
    from dagster.core.storage.event_log.sqlite import legacy

    for module, name in (
        (sql, "ensure_schema"),
        (sql, "upgrade_to_head"),
        (legacy, "_read_legacy_file"),
        (os, "replace"),
    ):
        original = getattr(module, name)  # AttributeError here: the migration code was reorganised
        setattr(module, name, _slowed(name, original, pause))
    sys.argv = ["dagster", "instance", "migrate"]
    dagster_main()


if __name__ == "__main__":
    main()
