"""Capture of a process's fds 1 and 2 into two files, for the compute log of one step.

``start_capture(out_path, err_path)`` points fds 1 and 2 at the two files (opened for appending,
``dup``/``dup2``) until ``stop_capture``, so output of Python code, C extensions and child processes
all lands in them. ``sys.stdout``/``sys.stderr`` and C stdio are flushed before and after, and the
Python streams are replaced for the step by stand-ins that write each ``write`` straight to fds 1/2:
printed lines reach the files at once, in order with raw fd writes, even where ``sys.stdout`` is not
fd 1 (under pytest's capture, in a notebook).

What a step writes is also copied to the fds it replaced ("mirrored"), so the console still shows
it, about every 50 ms while the step runs and completely when it ends. The copy is made from the
files by one thread per process (not through a pipe), so no writer can ever block on it.

fds are process-wide: captures nest within one thread (the inner one wins while it is open); a
capture requested while another thread holds one is skipped (``start_capture`` returns None; that
output goes to the files of the capture already open), because restoring fds out of order would
corrupt both.

Cost: a capture is about twenty system calls (two of them create the files when they are new, the
only costly ones) and takes the module's lock twice.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from typing import Any

MIRROR_INTERVAL = 0.05  # seconds between two copies of a running step's output to the console
MIRROR_IDLE_EXIT = 5.0  # seconds without any capture after which the mirror thread ends
_MIRROR_CHUNK = 1 << 20
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_APPEND


class _State:
    """The process's captures, under one lock: the thread that owns fds 1/2 and how many captures
    it has open (nested), and the open captures the mirror thread copies to the console. (One
    instance: attributes of an instance, not of a class, which CPython is slower to assign.)"""

    __slots__ = ("lock", "owner", "depth", "mirrored", "mirror_thread")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner: int | None = None
        self.depth = 0
        self.mirrored: list[FdCapture] = []
        self.mirror_thread: threading.Thread | None = None


_CAPTURES = _State()


def _after_fork_in_child() -> None:
    """In a forked child, the parent's mirror thread does not exist (and the captures it copied are
    the parent's), and locks held by other threads of the parent would never be released. The fds
    stay owned by the forking thread, which continues in the child: its captures nest as before."""
    _CAPTURES.lock = threading.Lock()
    _CAPTURES.mirrored = []
    _CAPTURES.mirror_thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _CStdio:
    """``fflush(NULL)`` of the C library, so output buffered by C code lands on the right side of a
    redirection (looked up on first use; None where there is no C library to ask)."""

    fflush: Any = False

    @classmethod
    def flush_all(cls) -> None:
        fflush = cls.fflush
        if fflush is False:
            try:
                import ctypes

                fflush = ctypes.CDLL(None).fflush
                fflush.argtypes, fflush.restype = [ctypes.c_void_p], None  # declared: a faster call
                cls.fflush = fflush
            except (OSError, AttributeError):
                fflush = cls.fflush = None
        if fflush is not None:
            fflush(None)


def _flush_all(stdout: Any, stderr: Any) -> None:
    """Flush the Python streams (whatever objects they are) and C stdio."""
    try:
        stdout.flush()
    except (AttributeError, OSError, ValueError):
        pass
    try:
        stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass
    _CStdio.flush_all()


_STAND_INS: dict[tuple[int, Any], io.TextIOWrapper] = {}


def _stand_in(fd: int, like: object) -> io.TextIOWrapper:
    """A line-buffered text stream that passes each ``write`` straight to ``fd`` (nothing is ever
    left in it), in the encoding of ``like`` (UTF-8 if Python does not know it). Made once per
    process and shared by all captures; one that a step closed or detached is replaced."""
    encoding = getattr(like, "encoding", None)
    stream = _STAND_INS.get((fd, encoding))
    try:
        if stream is not None and not stream.closed:
            return stream
    except ValueError:  # detached
        pass
    try:
        stream = _text_stream(fd, encoding or "utf-8")
    except (LookupError, TypeError):  # not the name of an encoding
        stream = _text_stream(fd, "utf-8")
    _STAND_INS[(fd, encoding)] = stream
    return stream


def _text_stream(fd: int, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.FileIO(fd, "w", closefd=False),
        encoding=encoding,
        errors="backslashreplace",
        line_buffering=True,
        write_through=True,
    )


def above_stdio(fd: int) -> int:
    """``fd`` renumbered above 2 (and the old number closed again). In a process started with its
    stdio closed, a file opened takes the number of stdout or stderr: a capture would then take it
    for the console (and write the step's output into it), and capture over it."""
    if fd > 2:
        return fd
    import fcntl  # (only here: a process started with its stdio closed)

    try:
        return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    finally:
        os.close(fd)


def _dup_or_none(fd: int) -> int | None:
    try:
        return os.dup(fd)
    except OSError:  # not open (a daemon's closed stdout)
        return None


def _restore(saved: int | None, fd: int) -> None:
    if saved is None:
        os.close(fd)
    else:
        os.dup2(saved, fd)
        os.close(saved)


def _mirror(path_fd: int, start: int, target_fd: int | None) -> int:
    """Copy the bytes of the file open at ``path_fd`` from ``start`` to its end to ``target_fd``;
    returns the offset reached. A console that cannot be written to is given up on."""
    offset = start
    # O_APPEND: writes land at the end whatever the offset, so asking for the end costs the writers
    # nothing, and less than a read that finds nothing new (most steps print nothing)
    end = os.lseek(path_fd, 0, os.SEEK_END)
    while offset < end:
        chunk = os.pread(path_fd, min(_MIRROR_CHUNK, end - offset), offset)
        if not chunk:  # truncated meanwhile
            return offset
        offset += len(chunk)
        view = memoryview(chunk)
        while view and target_fd is not None:
            try:
                written = os.write(target_fd, view)
            except OSError:
                return offset
            view = view[written:]
    return offset


def _mirror_loop() -> None:
    """The mirror thread: copy every interval while captures are open; exit after a while without
    any (a step starting does not wake the thread: that would cost a thread switch per step)."""
    last_busy = time.monotonic()
    while True:
        time.sleep(MIRROR_INTERVAL)
        with _CAPTURES.lock:
            if _CAPTURES.mirrored:
                last_busy = time.monotonic()
                for capture in _CAPTURES.mirrored:
                    try:
                        capture.copy_to_console()
                    except OSError:  # unreadable for now: the next round, or the step's end, retries
                        pass
            elif time.monotonic() - last_busy > MIRROR_IDLE_EXIT:
                _CAPTURES.mirror_thread = None
                return


class FdCapture:
    """fds 1/2 (and ``sys.stdout``/``sys.stderr``) pointed at two files until ``stop()``; made
    flushed, with the lock held. If opening the files or making the streams fails, fds and streams
    are left as they were."""

    __slots__ = (
        "_out_fd",
        "_err_fd",
        "_out_mirrored",
        "_err_mirrored",
        "_saved_out",
        "_saved_err",
        "_streams",
    )

    def __init__(self, out_path: str, err_path: str):
        out_fd = os.open(out_path, _OPEN_FLAGS, 0o644)
        try:
            err_fd = os.open(err_path, _OPEN_FLAGS, 0o644)
        except OSError:
            os.close(out_fd)
            raise
        if out_fd <= 2 or err_fd <= 2:  # they took the number of a closed stdin/stdout/stderr
            out_fd, err_fd = above_stdio(out_fd), above_stdio(err_fd)
        self._out_fd, self._err_fd = out_fd, err_fd
        self._out_mirrored = os.lseek(out_fd, 0, os.SEEK_END)
        self._err_mirrored = os.lseek(err_fd, 0, os.SEEK_END)
        stdout, stderr = self._streams = sys.stdout, sys.stderr
        self._saved_out, self._saved_err = _dup_or_none(1), _dup_or_none(2)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        try:  # (after the dup2s: a stream cannot be made on a closed fd 1 or 2)
            stand_ins = _stand_in(1, stdout), _stand_in(2, stderr)
        except BaseException:
            self._restore_fds()
            raise
        sys.stdout, sys.stderr = stand_ins

    def copy_to_console(self) -> None:
        """Mirror what was appended to the files since the last copy (called with the lock held)."""
        self._out_mirrored = _mirror(self._out_fd, self._out_mirrored, self._saved_out)
        self._err_mirrored = _mirror(self._err_fd, self._err_mirrored, self._saved_err)

    def stop(self) -> None:
        """Mirror the rest and restore fds and streams (called flushed, with the lock held)."""
        sys.stdout, sys.stderr = self._streams
        try:
            _CAPTURES.mirrored.remove(self)
        except ValueError:  # opened in the parent of this forked child: the parent mirrors it
            pass
        else:
            try:
                self.copy_to_console()
            except OSError:
                pass
        self._restore_fds()

    def _restore_fds(self) -> None:
        try:
            _restore(self._saved_out, 1)
            _restore(self._saved_err, 2)
        finally:
            os.close(self._out_fd)
            os.close(self._err_fd)


def start_capture(out_path: str, err_path: str) -> FdCapture | None:
    """Send fds 1 and 2 to ``out_path`` and ``err_path`` (appending) until ``stop_capture``.

    Returns None (and captures nothing) when another thread's capture is open; raises OSError,
    changing nothing, when a file cannot be opened."""
    me = threading.get_ident()
    _flush_all(sys.stdout, sys.stderr)
    lock = _CAPTURES.lock
    lock.acquire()
    try:
        if _CAPTURES.owner not in (None, me):
            return None
        capture = FdCapture(out_path, err_path)
        _CAPTURES.owner = me
        _CAPTURES.depth += 1
        _CAPTURES.mirrored.append(capture)
        if _CAPTURES.mirror_thread is None:
            thread = threading.Thread(target=_mirror_loop, name="dagster-compute-log-mirror", daemon=True)
            _CAPTURES.mirror_thread = thread
            thread.start()
        return capture
    finally:
        lock.release()


def stop_capture(capture: FdCapture | None) -> None:
    """Flush everything into the files, mirror the rest, and point fds 1/2 back where they were."""
    if capture is None:
        return
    _flush_all(sys.stdout, sys.stderr)
    lock = _CAPTURES.lock
    lock.acquire()
    try:
        capture.stop()
    finally:
        _CAPTURES.depth -= 1
        if _CAPTURES.depth == 0:
            _CAPTURES.owner = None
        lock.release()
