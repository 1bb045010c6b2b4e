"""Fixtures of the PostgreSQL storage tests: a fresh database per test session on the server at
127.0.0.1:5432 (dropped afterwards), cleaned before each test.

Under ``CI`` a missing server fails the tests (``postgres_server_url`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import sys
import uuid

import psycopg
import pytest

from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

# The shared event log suite lives in tests/dagster_tests/storage_tests (a test package without a
# parent package): make it importable from here.
_DAGSTER_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "dagster_tests")
if _DAGSTER_TESTS not in sys.path:
    sys.path.insert(0, _DAGSTER_TESTS)


def database_url(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_db_url(postgres_server_url):
    """A new database for this test session (one per xdist worker), dropped at the end."""
    name = f"dagster_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(postgres_server_url, name)
    with psycopg.connect(postgres_server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def clean_pg_url(pg_db_url):
    """The session database, emptied: no tables, no revision stamp, no trigger function."""
    with psycopg.connect(pg_db_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return pg_db_url


@pytest.fixture
def run_storage(clean_pg_url):
    storage = PostgresRunStorage.create_clean_storage(clean_pg_url)
    yield storage
    storage.dispose()


@pytest.fixture
def event_storage(clean_pg_url):
    storage = PostgresEventLogStorage.create_clean_storage(clean_pg_url)
    yield storage
    storage.dispose()


@pytest.fixture
def schedule_storage(clean_pg_url):
    storage = PostgresScheduleStorage.create_clean_storage(clean_pg_url)
    yield storage
    storage.dispose()
