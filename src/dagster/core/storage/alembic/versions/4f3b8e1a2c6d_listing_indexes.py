"""Indexes for every query that lists: runs by status, pipeline and time; tags; events by run.

Applies to whichever of our tables the database holds (run, event log and schedule storages
share this history).

Revision ID: 4f3b8e1a2c6d
Revises: c63a27054f08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4f3b8e1a2c6d"
down_revision = "c63a27054f08"
branch_labels = None
depends_on = None

_INDEXES = {
    "runs": [
        ("idx_runs_status", "status, id"),
        ("idx_runs_pipeline_name", "pipeline_name, id"),
        ("idx_runs_create_timestamp", "create_timestamp"),
    ],
    "run_tags": [
        ("idx_run_tags", '"key", value, run_id'),
        ("idx_run_tags_run_id", "run_id"),
    ],
    "event_logs": [
        ("idx_event_logs_run_id", "run_id, id"),
    ],
    "schedule_ticks": [
        ("idx_schedule_ticks", "repository_name, schedule_name, id"),
    ],
}


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    for table, indexes in _INDEXES.items():
        if table in tables:
            for name, columns in indexes:
                op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def downgrade() -> None:
    for indexes in _INDEXES.values():
        for name, _columns in indexes:
            op.execute(f"DROP INDEX IF EXISTS {name}")
