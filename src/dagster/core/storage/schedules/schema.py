"""Tables of the schedule storage: the 0.7 layout (same table and column names) plus a tick index."""

from __future__ import annotations

import sqlalchemy as db

ScheduleStorageSqlMetadata = db.MetaData()

ScheduleTable = db.Table(
    "schedules",
    ScheduleStorageSqlMetadata,
    db.Column("id", db.Integer, primary_key=True, autoincrement=True),
    db.Column("repository_name", db.String(255)),
    db.Column("schedule_name", db.String),
    db.Column("status", db.String(63)),
    db.Column("schedule_body", db.String),
    db.Column("create_timestamp", db.DateTime, server_default=db.text("CURRENT_TIMESTAMP")),
    db.Column("update_timestamp", db.DateTime, server_default=db.text("CURRENT_TIMESTAMP")),
    db.UniqueConstraint("repository_name", "schedule_name"),
)

ScheduleTickTable = db.Table(
    "schedule_ticks",
    ScheduleStorageSqlMetadata,
    db.Column("id", db.Integer, primary_key=True, autoincrement=True),
    db.Column("repository_name", db.String(255)),
    db.Column("schedule_name", db.String),
    db.Column("status", db.String(63)),
    db.Column("timestamp", db.types.TIMESTAMP),
    db.Column("tick_body", db.String),
    db.Column("create_timestamp", db.DateTime, server_default=db.text("CURRENT_TIMESTAMP")),
    db.Column("update_timestamp", db.DateTime, server_default=db.text("CURRENT_TIMESTAMP")),
)

db.Index(
    "idx_schedule_ticks",
    ScheduleTickTable.c.repository_name,
    ScheduleTickTable.c.schedule_name,
    ScheduleTickTable.c.id,
)

SCHEDULE_STORAGE_TABLE_NAMES = ["schedules", "schedule_ticks"]
