"""Our schema revision without alembic: the head revision read from the migration scripts, and the
stamp that records a new database at it.

Every storage compares its database with the head revision on first use, and stamps a database it
has just created; importing alembic for that alone (with mako and a module per SQL dialect) costs
about a third of a second in every process. Alembic stays the tool that migrates, and reads the
same ``alembic_version`` table.
"""

from __future__ import annotations

import ast
import functools
import os

import sqlalchemy as db
from sqlalchemy.engine import Connection

from dagster.core.errors import DagsterInstanceSchemaError

# The table ``alembic stamp`` creates (alembic's default version table).
_VERSION_TABLE = db.Table(
    "alembic_version",
    db.MetaData(),
    db.Column("version_num", db.String(32), nullable=False),
    db.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def _revision_fields(path: str) -> tuple[str, tuple[str, ...]]:
    """``revision`` and the ``down_revision`` parents a migration script assigns at its top level."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), filename=path)
    fields = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("revision", "down_revision"):
                fields[node.targets[0].id] = ast.literal_eval(node.value)
    if not isinstance(fields.get("revision"), str):
        raise DagsterInstanceSchemaError(f"The migration script {path} assigns no revision id.")
    down = fields.get("down_revision")
    parents = () if down is None else (down,) if isinstance(down, str) else tuple(down)
    return fields["revision"], parents


@functools.cache
def read_head_revision(versions_dir: str) -> str:
    """The one revision of ``versions_dir`` that no other revises; raises if there is not exactly one.
    Read once per process."""
    revisions, revised = set(), set()
    for name in os.listdir(versions_dir):
        if name.endswith(".py") and not name.startswith("_"):
            revision, parents = _revision_fields(os.path.join(versions_dir, name))
            revisions.add(revision)
            revised.update(parents)
    heads = sorted(revisions - revised)
    if len(heads) != 1:
        raise DagsterInstanceSchemaError(
            f"The migration scripts in {versions_dir} have {len(heads)} heads ({', '.join(heads) or 'none'}); "
            "they must form one line of revisions."
        )
    return heads[0]


def stamp_revision(conn: Connection, revision: str) -> None:
    """Record ``revision`` as the database's schema revision, as ``alembic stamp`` does."""
    _VERSION_TABLE.create(conn, checkfirst=True)
    conn.execute(_VERSION_TABLE.delete())
    conn.execute(_VERSION_TABLE.insert().values(version_num=revision))
