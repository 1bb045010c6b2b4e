"""WAL checkpoints of the SQLite event log happen in a background thread, and on dispose."""

from __future__ import annotations

import os
import sqlite3
import time

from dagster.core.events.log import LogMessageRecord
from dagster.core.instance import DagsterInstance
from dagster.core.storage import sqlite_checkpoint


def message(run_id: str, index: int) -> LogMessageRecord:
    return LogMessageRecord(
        error_info=None,
        message=f"message {index}",
        level=20,
        user_message=f"message {index}",
        run_id=run_id,
        timestamp=time.time(),
    )


def rows_in_main_file(path: str) -> int:
    """Rows that reached the database file itself (a read that ignores the WAL; before the first
    checkpoint even the table is only in the WAL)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE name = 'event_logs'").fetchall()
        return connection.execute("SELECT COUNT(*) FROM event_logs").fetchone()[0] if tables else 0
    finally:
        connection.close()


def events_db(instance: DagsterInstance) -> str:
    return os.path.join(instance.root_directory, "history", "runs", "events.db")


def test_commits_do_not_checkpoint_but_a_background_thread_does(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    storage = instance._event_storage
    storage.store_event(message("run", 0))
    path = events_db(instance)
    assert rows_in_main_file(path) == 0  # still only in the WAL: no writer checkpointed

    # The schema's creation was a commit too: this many events make sure the thread is woken.
    total = sqlite_checkpoint.CHECKPOINT_EVERY_COMMITS
    for index in range(1, total):
        storage.store_event(message("run", index))
    deadline = time.monotonic() + 10
    while rows_in_main_file(path) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    # What was committed when the thread ran reached the database file; the rest is in the WAL.
    assert total - 2 <= rows_in_main_file(path) <= total
    assert len(instance.all_logs("run")) == total


def test_disposing_the_instance_checkpoints_what_is_left(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    storage = instance._event_storage
    storage.store_events([message("run", index) for index in range(5)])
    storage.store_event(message("run", 5))
    path = events_db(instance)
    instance.dispose()
    assert rows_in_main_file(path) == 6
    reopened = DagsterInstance.local_temp(str(tmp_path))
    assert [record.user_message for record in reopened.all_logs("run")] == [f"message {i}" for i in range(6)]


def test_the_wal_is_started_over_during_a_long_burst_of_commits(tmp_path, monkeypatch):
    # Without a checkpoint that no write overlaps, SQLite never reuses the WAL and it grows for ever.
    # (The WAL is started over from a length smaller than in production, to keep the test short.)
    monkeypatch.setattr(sqlite_checkpoint, "RESTART_AFTER_FRAMES", 500)
    instance = DagsterInstance.local_temp(str(tmp_path))
    storage = instance._event_storage
    wal = events_db(instance) + "-wal"
    sizes = []
    for round_ in range(6):
        for index in range(sqlite_checkpoint.CHECKPOINT_EVERY_COMMITS):
            storage.store_event(message("run", round_ * 1000 + index))
        sizes.append(os.path.getsize(wal))
    assert len(instance.all_logs("run")) == 6 * sqlite_checkpoint.CHECKPOINT_EVERY_COMMITS
    assert max(sizes) < 4 * sizes[0], sizes  # growing without a restart would reach 6x


def test_a_checkpoint_of_a_deleted_database_creates_nothing(tmp_path):
    path = tmp_path / "gone.db"
    assert sqlite_checkpoint.checkpoint(str(path)) is None
    assert not path.exists()
