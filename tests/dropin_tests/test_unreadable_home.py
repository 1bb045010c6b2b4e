"""A home we cannot read (a corrupt database, a schema newer than ours): every command says which
file and what is wrong, in one message, without a traceback."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from contextlib import closing

import pytest

from .conftest import FIXTURE_HOME, assert_no_traceback, digest, migrate, run_dagster
from .history import assert_history_intact

NEWER_REVISION = "ffffffffffff"
BROKEN_EVENT_FILE = os.path.join("history", "runs", "1b28093c-2df8-4b5f-b830-036220a9564b.db")


def _corrupt(path: str) -> None:
    with open(path, "wb") as handle:
        handle.write(random.Random(7).randbytes(8192))


def _stamp(path: str, revision: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()


def _only_line(result) -> str:
    assert result.returncode != 0, result.stdout + result.stderr
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout + result.stderr
    return lines[0]


CASES = {
    "corrupt-runs-db": (os.path.join("history", "runs.db"), _corrupt, "file is not a database"),
    "newer-runs-db": (
        os.path.join("history", "runs.db"),
        lambda path: _stamp(path, NEWER_REVISION),
        f"schema revision {NEWER_REVISION}, which this version does not know",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_run_list_names_the_unreadable_file(old_home, case):
    relative, damage, what = CASES[case]
    path = os.path.join(old_home, relative)
    damage(path)
    before = digest(old_home)
    line = _only_line(run_dagster(["run", "list"], old_home))
    assert path in line and what in line, line
    assert digest(old_home) == before


@pytest.mark.parametrize(
    "case",
    [
        "corrupt-runs-db",
        "newer-runs-db",
    ],
)
def test_migrate_names_the_unreadable_run_database(old_home, case):
    relative, damage, what = CASES[case]
    path = os.path.join(old_home, relative)
    damage(path)
    result = run_dagster(["instance", "migrate"], old_home)
    line = _only_line(result)
    assert path in line and what in line, line


@pytest.mark.parametrize(
    "damage, what",
    [
        (_corrupt, "file is not a database"),
        (lambda path: _stamp(path, NEWER_REVISION), f"schema revision {NEWER_REVISION}"),
    ],
    ids=["corrupt", "newer"],
)
def test_migrate_names_an_unreadable_07_event_file_and_resumes_once_it_is_fixed(
    old_home, manifest, damage, what
):
    path = os.path.join(old_home, BROKEN_EVENT_FILE)
    damage(path)
    result = run_dagster(["instance", "migrate"], old_home)
    line = _only_line(result)
    assert path in line and what in line, line
    # The user puts the good file back (from a backup): the next migrate finishes the job.
    shutil.copyfile(os.path.join(FIXTURE_HOME, BROKEN_EVENT_FILE), path)
    migrate(old_home)
    assert_history_intact(old_home, manifest)


def test_a_migrate_that_fails_on_an_unreadable_file_writes_nothing(old_home):
    _corrupt(os.path.join(old_home, BROKEN_EVENT_FILE))
    before = digest(old_home)
    result = run_dagster(["instance", "migrate"], old_home)
    assert result.returncode != 0
    assert digest(old_home) == before
