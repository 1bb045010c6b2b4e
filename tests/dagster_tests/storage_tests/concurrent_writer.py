"""A writer process for test_sqlite_concurrency: ``python concurrent_writer.py BASE_DIR WORKER GO_FILE``.

It opens the instance's SQLite run and event storages, waits until GO_FILE exists (so that all
writers start together), then adds its runs, each followed by its events in sequence.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from dagster.core.events.log import LogMessageRecord
from dagster.core.storage.event_log import SqliteEventLogStorage
from dagster.core.storage.pipeline_run import PipelineRun
from dagster.core.storage.runs import SqliteRunStorage

RUNS_PER_PROCESS = 50
EVENTS_PER_RUN = 10


def main(base_dir: str, worker: int, go_file: str) -> None:
    runs = SqliteRunStorage.from_local(base_dir)
    events = SqliteEventLogStorage(os.path.join(base_dir, "runs"))
    while not os.path.exists(go_file):
        time.sleep(0.01)
    for run_index in range(RUNS_PER_PROCESS):
        run_id = f"w{worker}-r{run_index}"
        runs.add_run(PipelineRun(pipeline_name="pipe", run_id=run_id, tags={"worker": str(worker)}))
        for seq in range(EVENTS_PER_RUN):
            events.store_event(
                LogMessageRecord(None, f"pipe - {run_id} - {seq}", logging.INFO, str(seq), run_id, float(seq))
            )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
