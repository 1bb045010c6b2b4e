"""The current user's crontab, edited line by line.

Lines are read with ``crontab -l`` and installed again with ``crontab <file>``. ``python-crontab``
parses single lines (schedule, command, comment, commented-out or not) and validates cron
expressions, but does not write the table: its writer re-renders every line of the user's crontab
(it moves ``VAR=value`` lines to the top, turns ``0 0 * * *`` into ``@daily``, comments out lines it
cannot parse), and lines that are not ours must stay exactly as they are.

Editing is a read-modify-write of the whole table, so two processes doing it at once would lose
one of the edits: ``edit_user_crontab`` holds an exclusive ``flock`` on a lock file shared by every
process of the user for the whole read-modify-write.
"""

from __future__ import annotations

import fcntl
import getpass
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dagster.core.scheduler import DagsterSchedulerError

__all__ = [
    "crontab_lock_path",
    "edit_user_crontab",
    "is_valid_cron_expression",
    "parse_job",
    "read_user_crontab",
]


def crontab_lock_path() -> str:
    """The lock file that serializes this user's crontab edits across processes: in ``/tmp`` itself,
    whatever ``TMPDIR`` a process has, so that every process of the user finds the same one."""
    directory = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    return os.path.join(directory, f"dagster-crontab-{os.getuid()}.lock")


def _crontab_module() -> Any:
    try:
        import crontab
    except ImportError as error:
        raise DagsterSchedulerError(
            f"SystemCronScheduler needs the python-crontab library ({error}). Install it with "
            "`pip install 'dagster[cron]'` (or `pip install python-crontab`)."
        )
    return crontab


def _require_crontab_binary() -> str:
    binary = shutil.which("crontab")
    if binary is None:
        raise DagsterSchedulerError(
            "SystemCronScheduler needs the `crontab` command, but it is not on PATH "
            f"({os.environ.get('PATH', '')}). Install cron (Debian/Ubuntu: `apt-get install cron`; "
            "`make install` does it when run as root), or configure another scheduler in dagster.yaml."
        )
    return binary


def is_valid_cron_expression(expression: str) -> bool:
    """Whether cron accepts ``expression`` as the schedule part of a crontab line."""
    return bool(_crontab_module().CronSlices.is_valid(expression))


def parse_job(line: str) -> Any | None:
    """The ``crontab.CronItem`` of a job line (also a commented-out one), or None for any other line
    (blank, comment, ``VAR=value``, unparsable)."""
    module = _crontab_module()
    item = module.CronItem.from_line(line, cron=module.CronTab())
    return item if item.is_valid() and item.command is not None else None


def read_user_crontab() -> list[str]:
    """The lines of the current user's crontab (none when the user has no crontab)."""
    binary = _require_crontab_binary()
    listed = subprocess.run([binary, "-l"], capture_output=True, text=True, check=False)
    if listed.returncode == 0:
        return listed.stdout.splitlines()
    if "no crontab for" in listed.stderr:
        return []
    raise DagsterSchedulerError(
        f"`{binary} -l` failed for user {getpass.getuser()} (exit code {listed.returncode}): "
        f"{listed.stderr.strip()}. Check that this user may use cron (/etc/cron.allow, /etc/cron.deny)."
    )


def _install_user_crontab(lines: list[str]) -> None:
    binary = _require_crontab_binary()
    with tempfile.NamedTemporaryFile("w", prefix="dagster-crontab-", suffix=".txt") as new_table:
        new_table.write("".join(f"{line}\n" for line in lines))
        new_table.flush()
        installed = subprocess.run([binary, new_table.name], capture_output=True, text=True, check=False)
    if installed.returncode != 0:
        raise DagsterSchedulerError(
            f"`{binary}` refused the new crontab of user {getpass.getuser()} (exit code "
            f"{installed.returncode}): {installed.stderr.strip()}. The crontab was left unchanged."
        )


@contextmanager
def _crontab_lock() -> Iterator[None]:
    descriptor = os.open(crontab_lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def edit_user_crontab(edit: Callable[[list[str]], list[str]]) -> list[str]:
    """Replace the user's crontab lines by ``edit(lines)`` under the lock (installing only when they
    changed) and return the lines read back afterwards."""
    with _crontab_lock():
        lines = read_user_crontab()
        edited = edit(list(lines))
        if edited == lines:
            return lines
        _install_user_crontab(edited)
        return read_user_crontab()
