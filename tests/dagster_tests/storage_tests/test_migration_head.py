"""The head schema revision is read from our migration scripts without alembic, and agrees with it."""

from __future__ import annotations

import os
import shutil

import pytest
from alembic.script import ScriptDirectory

from dagster.core.errors import DagsterInstanceSchemaError
from dagster.core.storage import sql
from dagster.core.storage.migration_head import read_head_revision

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
