"""The ``event_logs`` table: the 0.7 layout (same column names), indexed by run and id."""

from __future__ import annotations

import sqlalchemy as db

SqlEventLogStorageMetadata = db.MetaData()

SqlEventLogStorageTable = db.Table(
    "event_logs",
    SqlEventLogStorageMetadata,
    db.Column("id", db.Integer, primary_key=True, autoincrement=True),
    db.Column("run_id", db.String(255)),
    db.Column("event", db.Text, nullable=False),
    db.Column("dagster_event_type", db.Text),
    db.Column("timestamp", db.types.TIMESTAMP),
    db.Column("step_key", db.String),
    db.Column("asset_key", db.String),
)

# Every read is by run (then row id). 0.7 also indexed step_key, which no query uses; each index
# costs a page write per event, so we keep only this one and a partial asset key index (only
# materializations have one).
db.Index("idx_event_logs_run_id", SqlEventLogStorageTable.c.run_id, SqlEventLogStorageTable.c.id)
HAS_ASSET_KEY = SqlEventLogStorageTable.c.asset_key.isnot(None)
# Partial on SQLite here; dagster_postgres makes it partial on PostgreSQL too (naming that dialect
# here would load it, ~50 ms, in every process: CLI commands and pool workers included).
ASSET_KEY_INDEX = db.Index("idx_asset_key", SqlEventLogStorageTable.c.asset_key, sqlite_where=HAS_ASSET_KEY)

EVENT_LOG_TABLE_NAMES = ["event_logs"]
