"""Baseline: the per-run event log databases written by Dagster 0.7.x.

Dagster 0.7.16 stamped its per-run event log files with this revision. Nothing to do: it is
here so that such a database is recognised as part of our history.

Revision ID: c39c047fa021
Revises:
"""

from __future__ import annotations

revision = "c39c047fa021"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    return None


def downgrade() -> None:
    return None
