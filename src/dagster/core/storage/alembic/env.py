"""Alembic environment: migrations always run on a connection handed over by the storage.

The storages call alembic with ``config.attributes["connection"]`` set (see ``dagster.core.storage.sql``);
offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError(
        "Dagster migrations run through the storages: use `dagster instance migrate` "
        "(or DagsterInstance.upgrade()), not the alembic command line."
    )

context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
