"""What went wrong with an instance's SQLite file or directory, said so that a user can fix it.

SQLite reports a damaged file, a read-only directory or a full disk with a terse message
("database disk image is malformed", "attempt to write a readonly database", ...) that names
neither the file nor the remedy. :func:`sqlite_file_error` turns such a failure into a
``DagsterInstanceSchemaError`` that names both; :func:`ensure_storage_dir` does the same for the
directory a storage keeps its files in.
"""

from __future__ import annotations

import os
from typing import Any

from dagster.core.errors import DagsterInstanceSchemaError


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return "this user"


def _damaged(path: str) -> str:
    return (
        "The file is damaged or is not a SQLite database; nothing in it was changed. Restore it from a "
        f"backup, or move it aside (`mv {path} {path}.broken`) and a new, empty one is created on next "
        f"use; `sqlite3 {path}.broken .recover` salvages what is still readable."
    )


def _not_writable(path: str) -> str:
    name = os.path.basename(path)
    return (
        f"User {_user()} cannot write {path} or its directory: SQLite writes {name}-wal, {name}-shm and "
        f"{name}.write-lock beside the file, even to read it. Make the directory and these files "
        "writable for this user (chown/chmod), or set DAGSTER_HOME to a directory this user owns."
    )


def _disk_full(path: str) -> str:
    return (
        f"The disk holding {path} is full. What was stored before is intact; free some space "
        f"(`df -h {os.path.dirname(path)}`) and try again."
    )


def _cannot_open(path: str) -> str:
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        return directory_problem(directory, "") or f"The directory {directory} is missing."
    if os.path.isdir(path):
        return f"{path} is a directory; move it aside so that the database file can be created."
    return _not_writable(path)


def _io_error(path: str) -> str:
    return (
        f"The disk holding {path} is full or failing, the file reached the size limit (`ulimit -f`), or "
        f"{_user()} may not create files next to it "
        f"(SQLite needs {os.path.basename(path)}-shm there, even to read). Check `df -h "
        f"{os.path.dirname(path)}` and the directory's permissions, then try again."
    )


# Substrings of SQLite's messages (lower case) -> the advice for each.
_ADVICE = (
    ("malformed", _damaged),
    ("not a database", _damaged),
    ("readonly", _not_writable),
    ("disk is full", _disk_full),
    ("unable to open database file", _cannot_open),
    ("disk i/o error", _io_error),
)


def sqlite_file_error(path: str, exc: BaseException) -> DagsterInstanceSchemaError | None:
    """A clear error for ``exc``, raised by SQLite working on ``path``, if it is a problem of the
    file, its directory or its disk; None for any other error (busy, constraint, SQL)."""
    message = str(getattr(exc, "orig", exc))
    lowered = message.lower()
    for needle, advice in _ADVICE:
        if needle in lowered:
            return DagsterInstanceSchemaError(f"Cannot use the database {path}: {message}. {advice(path)}")
    return None


def directory_problem(path: str, what: str) -> str | None:
    """Why ``path`` cannot be used as a directory (a file is in the way, no permission), or None."""
    probe = path.rstrip(os.sep) or os.sep
    while probe and not os.path.lexists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if os.path.lexists(probe) and not os.path.isdir(probe):
        return (
            f"{probe} is a file, but {what}{path} must be a directory there. Move the file aside "
            "(or point the instance at another directory in dagster.yaml)."
        )
    if os.path.isdir(probe) and not os.access(probe, os.W_OK | os.X_OK) and probe != path.rstrip(os.sep):
        return (
            f"User {_user()} cannot create {path}: {probe} is not writable for this user. Create it, "
            "or make it writable (chown/chmod), or set DAGSTER_HOME to a directory this user owns."
        )
    return None


def ensure_storage_dir(path: str, what: str) -> str:
    """Create the directory ``path`` (``mkdir -p``) or raise a clear error saying why it cannot be.

    ``what`` names its role in messages, e.g. ``"the run storage directory "``."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        reason = directory_problem(path, what) or f"Cannot create {what}{path}: {exc.strerror}."
        raise DagsterInstanceSchemaError(reason) from exc
    return path


def raise_for_file_error(path: str, exc: Any) -> None:
    """Raise the clear form of ``exc`` (see :func:`sqlite_file_error`) if it has one."""
    clear = sqlite_file_error(path, exc)
    if clear is not None:
        raise clear from exc
