"""What the three PostgreSQL storages share: construction from a URL or ``dagster.yaml`` config,
their database, schema revision, upgrade and disposal. Each storage adds only its SQL base class
and what is particular to it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.engine import Connection

from dagster import check
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster_postgres.database import PostgresDatabase
from dagster_postgres.utils import pg_config, pg_url_from_config


class PostgresStorage(ConfigurableClass):
    """Mixed in before a ``Sql*Storage`` base; the subclass names its schema in class attributes."""

    schema_metadata: Any  # the SQLAlchemy MetaData of its tables
    schema_table_names: list[str]
    # Run after the tables are created (a staticmethod in the subclass), or None.
    schema_hook: Callable[[Connection], None] | None = None

    def __init__(self, postgres_url: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__()
        self.postgres_url = check.str_param(postgres_url, "postgres_url")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._db = PostgresDatabase(
            postgres_url, self.schema_metadata, self.schema_table_names, self.schema_hook
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._db!r})"

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> Any:
        """``postgres_url`` or ``postgres_db`` (see :func:`dagster_postgres.utils.pg_config`)."""
        return pg_config()

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: dict) -> Any:
        return cls(pg_url_from_config(config_value), inst_data=inst_data)

    @classmethod
    def create_clean_storage(cls, postgres_url: str) -> Any:
        """Drop this storage's tables (all their rows are lost) and return a storage on fresh ones."""
        storage = cls(postgres_url)
        storage._db.drop_tables()
        storage._db.ensure_schema()
        return storage

    @property
    def database_url(self) -> str:
        return self._db.conn_string

    def connect(self, run_id: str | None = None) -> AbstractContextManager[Connection]:
        return self._db.connect()

    def schema_revision(self) -> str | None:
        """The schema revision stamped in the database (None before the first use, and for a
        database Dagster 0.7 left: see :meth:`is_unversioned_07`)."""
        return self._db.revision()

    def is_unversioned_07(self) -> bool:
        """True when the database was made by Dagster 0.7, which recorded no schema revision."""
        return self._db.is_unversioned_07()

    def upgrade(self) -> None:
        self._db.upgrade()

    def dispose(self) -> None:
        super().dispose()
        self._db.dispose()
