"""The head schema revision is read from our migration scripts, and a new database is stamped,
without alembic; alembic computes and reads the very same."""

from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as db
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dagster.core.errors import DagsterInstanceSchemaError
from dagster.core.storage import sql
from dagster.core.storage.migration_head import read_head_revision, stamp_revision

VERSIONS = os.path.join(sql._ALEMBIC_DIR, "versions")


def test_the_head_read_from_the_scripts_is_the_one_alembic_computes():
    assert sql.head_revision() == ScriptDirectory(sql._ALEMBIC_DIR).get_current_head()


def _copy_scripts(tmp_path):
    versions = tmp_path / "versions"
    shutil.copytree(VERSIONS, versions, ignore=shutil.ignore_patterns("__pycache__"))
    return versions


def test_a_new_script_on_top_becomes_the_head(tmp_path):
    versions = _copy_scripts(tmp_path)
    (versions / "0a1b2c3d4e5f_next.py").write_text(
        '"""Next."""\nrevision = "0a1b2c3d4e5f"\ndown_revision = "4f3b8e1a2c6d"\n'
    )
    assert read_head_revision(str(versions)) == "0a1b2c3d4e5f"


def test_two_scripts_revising_the_same_parent_are_refused_naming_both_heads(tmp_path):
    versions = _copy_scripts(tmp_path)
    for revision in ("aaaaaaaaaaaa", "bbbbbbbbbbbb"):
        (versions / f"{revision}_branch.py").write_text(
            f'revision = "{revision}"\ndown_revision = ("4f3b8e1a2c6d",)\n'
        )
    with pytest.raises(DagsterInstanceSchemaError) as excinfo:
        read_head_revision(str(versions))
    assert "have 2 heads (aaaaaaaaaaaa, bbbbbbbbbbbb)" in str(excinfo.value)


def test_a_script_without_a_revision_id_is_named(tmp_path):
    versions = _copy_scripts(tmp_path)
    (versions / "broken.py").write_text("down_revision = None\n")
    with pytest.raises(DagsterInstanceSchemaError, match="broken.py assigns no revision id"):
        read_head_revision(str(versions))


def _version_table(engine):
    with engine.connect() as conn:
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'alembic_version'").scalar()
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    return ddl, rows


def test_a_new_database_is_stamped_exactly_as_alembic_stamps_it(tmp_path):
    ours = db.create_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    theirs = db.create_engine(f"sqlite:///{tmp_path / 'theirs.db'}")
    with ours.begin() as conn:
        sql.stamp_head(conn)
    with theirs.begin() as conn:
        command.stamp(sql._alembic_config(conn), "head")

    assert _version_table(ours) == _version_table(theirs)
    assert _version_table(ours)[1] == [(sql.head_revision(),)]
    with ours.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == sql.head_revision()


def test_stamping_again_replaces_the_revision(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'db.db'}")
    with engine.begin() as conn:
        stamp_revision(conn, "c39c047fa021")
        stamp_revision(conn, sql.head_revision())
    assert _version_table(engine)[1] == [(sql.head_revision(),)]
