"""Baseline: the run storage database written by Dagster 0.7.16 (runs, run_tags, snapshots).

Nothing to do: it is here so that a 0.7 ``runs.db`` is recognised as part of our history.

Revision ID: c63a27054f08
Revises: da7cd32b690d
"""

from __future__ import annotations

revision = "c63a27054f08"
down_revision = "da7cd32b690d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    return None


def downgrade() -> None:
    return None
