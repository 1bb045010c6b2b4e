"""PostgreSQL storage for a Dagster instance: runs, event logs and schedules in one database.

``dagster.yaml``::

    run_storage:
      module: dagster_postgres.run_storage
      class: PostgresRunStorage
      config:
        postgres_db: {username: {env: PGUSER}, password: {env: PGPASSWORD}, hostname: db, db_name: dagster}
    event_log_storage:
      module: dagster_postgres.event_log
      class: PostgresEventLogStorage
      config: {postgres_url: "postgresql://user:password@db:5432/dagster"}
    schedule_storage:
      module: dagster_postgres.schedule_storage
      class: PostgresScheduleStorage
      config: {postgres_url: {env: DAGSTER_PG_URL}}

The storage classes are imported on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from dagster_postgres.version import __version__

_LAZY = {
    "PostgresEventLogStorage": "dagster_postgres.event_log",
    "PostgresRunStorage": "dagster_postgres.run_storage",
    "PostgresScheduleStorage": "dagster_postgres.schedule_storage",
    "DagsterPostgresConnectionError": "dagster_postgres.utils",
    "get_conn": "dagster_postgres.utils",
    "get_conn_string": "dagster_postgres.utils",
    "pg_config": "dagster_postgres.utils",
    "pg_url_from_config": "dagster_postgres.utils",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
