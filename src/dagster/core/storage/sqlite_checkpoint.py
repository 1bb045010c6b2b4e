"""WAL checkpoints of a SQLite file, in a background thread instead of in the committing writer.

SQLite's automatic checkpoint runs inside whichever commit pushes the WAL past 1,000 pages, and with
``synchronous=NORMAL`` a checkpoint is the only moment SQLite calls ``fsync``: that commit then
takes milliseconds while the others take tens of microseconds, so on a persistent instance about
half of the time spent writing events went to checkpoints. Our connections turn the automatic
checkpoint off; each process counts its own write transactions per file and, every
``CHECKPOINT_EVERY_COMMITS``, wakes a thread that runs a ``PASSIVE`` checkpoint while writers go
on; once the WAL is longer than ``RESTART_AFTER_FRAMES``, a second one, for the frames they added
meanwhile, holds our write lock for that short moment: only a checkpoint no write overlapped lets
SQLite start the WAL over, so the WAL stays bounded (it grew without end otherwise). A checkpoint also runs when the file's engine is disposed and when
the process exits, if anything was committed since. Frames not copied yet stay in the WAL, where
readers find them: a failed checkpoint loses nothing.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
import urllib.parse
import weakref
from contextlib import AbstractContextManager

# Write transactions (of this process, on one file) between two checkpoints. An event commit adds
# two or three pages to the WAL, so this keeps it near SQLite's default of 1,000 pages.
CHECKPOINT_EVERY_COMMITS = 400
# WAL frames (pages of 4 KiB) after which a checkpoint makes SQLite start the WAL over (~32 MiB).
RESTART_AFTER_FRAMES = 8192

_LIVE: weakref.WeakSet[WalCheckpointer] = weakref.WeakSet()


class WalCheckpointer:
    """Checkpoints the WAL of the database at ``path`` after every few commits of this process;
    ``write_lock`` is the lock our writers of that file take (see ``sql.WriteLock``)."""

    def __init__(self, path: str, write_lock: AbstractContextManager | None = None) -> None:
        self._path = path
        self._write_lock = write_lock
        self._pid = os.getpid()
        self._pending = 0
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        _LIVE.add(self)

    def note_commit(self) -> None:
        """Call after each committed write transaction on this file."""
        if self._pid != os.getpid():  # a forked child: the parent's thread did not come along
            self._pid, self._pending, self._thread, self._wake = os.getpid(), 0, None, threading.Event()
        self._pending += 1
        if self._pending < CHECKPOINT_EVERY_COMMITS or self._closed:
            return
        self._pending = 0
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="dagster-sqlite-checkpoint", daemon=True)
            self._thread.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the thread; checkpoint now if anything was committed since the last checkpoint."""
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        if self._pending and self._pid == os.getpid():
            self._pending = 0
            checkpoint(self._path)

    def _serve(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            # SQLite starts the WAL over (writing at its start again, into blocks the file already
            # has, with a small index) only when a write transaction begins after a checkpoint that
            # copied every frame and overlapped no write. So the bulk is copied while writers go on;
            # once the WAL is long, the few frames they add meanwhile are copied under the write lock
            # (which holds writers back for that checkpoint's fsync, hence not every time).
            frames = checkpoint(self._path)
            if frames is not None and frames >= RESTART_AFTER_FRAMES and self._write_lock is not None:
                with self._write_lock:
                    checkpoint(self._path)


def checkpoint(path: str) -> int | None:
    """A passive checkpoint of ``path``'s WAL; how many frames the WAL holds (None if it failed). A
    failure is left to the next one (frames not copied stay in the WAL, where readers find them)."""
    try:
        # mode=rw: a file deleted meanwhile (a removed temp instance) is not created again, empty.
        connection = sqlite3.connect(
            f"file:{urllib.parse.quote(path)}?mode=rw",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error:
        return None
    try:
        _busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames
    except (sqlite3.Error, TypeError):
        return None
    finally:
        connection.close()


@atexit.register
def _checkpoint_at_exit() -> None:
    for checkpointer in list(_LIVE):
        checkpointer.close()
