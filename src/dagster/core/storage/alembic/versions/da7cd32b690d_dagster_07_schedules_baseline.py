"""Baseline: the schedule storage database written by Dagster 0.7.16.

Nothing to do: it is here so that a 0.7 ``schedules.db`` is recognised as part of our history.

Revision ID: da7cd32b690d
Revises: c39c047fa021
"""

from __future__ import annotations

revision = "da7cd32b690d"
down_revision = "c39c047fa021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    return None


def downgrade() -> None:
    return None
