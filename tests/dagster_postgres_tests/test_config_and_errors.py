"""Config of the PostgreSQL storages (URL or parts, each from the environment) and the error a
user sees when the server cannot be reached."""

from __future__ import annotations

import pytest

from dagster.config.field import resolve_to_config_type
from dagster.config.validate import process_config
from dagster.serdes import ConfigurableClassData
from dagster_postgres import (
    DagsterPostgresConnectionError,
    PostgresEventLogStorage,
    PostgresRunStorage,
    PostgresScheduleStorage,
    get_conn,
    get_conn_string,
    pg_config,
    pg_url_from_config,
)
from dagster_postgres.utils import describe_url, libpq_url, sqlalchemy_url

SECRET = "s3cr:t/p@ss"


def processed(value):
    result = process_config(resolve_to_config_type(pg_config()), value)
    assert result.success, result.errors
    return result.value


def test_postgres_url_and_parts(monkeypatch):
    assert pg_url_from_config(processed({"postgres_url": "postgresql://u:p@h:5433/d"})) == (
        "postgresql://u:p@h:5433/d"
    )
    parts = {"username": "dagster", "password": SECRET, "hostname": "db.internal", "db_name": "history"}
    assert pg_url_from_config(processed({"postgres_db": parts})) == (
        "postgresql://dagster:s3cr%3At%2Fp%40ss@db.internal:5432/history"
    )
    monkeypatch.setenv("PG_TEST_USER", "env_user")
    monkeypatch.setenv("PG_TEST_PORT", "6543")
    monkeypatch.setenv("PG_TEST_URL", "postgresql://x@y:1/z")
    from_env = {
        "username": {"env": "PG_TEST_USER"},
        "hostname": "h",
        "db_name": "d",
        "port": {"env": "PG_TEST_PORT"},
    }
    assert pg_url_from_config(processed({"postgres_db": from_env})) == "postgresql://env_user@h:6543/d"
    assert pg_url_from_config(processed({"postgres_url": {"env": "PG_TEST_URL"}})) == "postgresql://x@y:1/z"


def test_config_errors_name_the_key():
    config_type = resolve_to_config_type(pg_config())
    both = process_config(config_type, {"postgres_url": "postgresql://h/d", "postgres_db": {}})
    assert not both.success
    missing = process_config(config_type, {"postgres_db": {"username": "u", "hostname": "h"}})
    assert not missing.success
    assert "db_name" in " ".join(error.message for error in missing.errors)
    unset = process_config(config_type, {"postgres_url": {"env": "PG_TEST_NOT_SET_ANYWHERE"}})
    assert not unset.success
    assert "PG_TEST_NOT_SET_ANYWHERE" in " ".join(error.message for error in unset.errors)


def test_every_storage_is_built_from_yaml_config():
    for module, class_name, klass in (
        ("dagster_postgres.run_storage", "PostgresRunStorage", PostgresRunStorage),
        ("dagster_postgres.event_log", "PostgresEventLogStorage", PostgresEventLogStorage),
        ("dagster_postgres.schedule_storage", "PostgresScheduleStorage", PostgresScheduleStorage),
    ):
        data = ConfigurableClassData(module, class_name, "postgres_url: postgresql://u@127.0.0.1:1/d\n")
        storage = data.rehydrate()
        assert type(storage) is klass
        assert storage.inst_data == data
        assert storage.postgres_url == "postgresql://u@127.0.0.1:1/d"
        storage.dispose()


def test_urls_for_the_driver_and_for_messages():
    assert str(sqlalchemy_url("postgres://u@h/d")) == "postgresql+psycopg://u@h/d"
    assert libpq_url("postgresql+psycopg2://u:p@h:5/d") == "postgresql://u:p@h:5/d"
    url = get_conn_string("u", SECRET, "h", "d", 7)
    assert describe_url(url) == 'host h, port 7, database "d", user "u"'
    with pytest.raises(DagsterPostgresConnectionError, match="scheme"):
        sqlalchemy_url("mysql://u@h/d")


def test_unreachable_server_names_host_port_and_database_but_not_the_password():
    url = get_conn_string("dagster", SECRET, "127.0.0.1", "history", 1)
    storage = PostgresRunStorage(url)
    with pytest.raises(DagsterPostgresConnectionError) as raised:
        storage.get_runs()
    message = str(raised.value)
    assert message.startswith('Could not connect to PostgreSQL (host 127.0.0.1, port 1, database "history"')
    assert "dagster.yaml" in message
    assert SECRET not in message and "s3cr" not in message
    storage.dispose()
    events = PostgresEventLogStorage(url)
    with pytest.raises(DagsterPostgresConnectionError, match="port 1"):
        events.watch("r1", -1, lambda record: None)
    with pytest.raises(DagsterPostgresConnectionError, match="port 1"):
        events.get_logs_for_run("r1")
    events.dispose()
    with pytest.raises(DagsterPostgresConnectionError, match="port 1"):
        get_conn(url)


@pytest.mark.postgres
def test_missing_database_is_named(postgres_server_url):
    url = postgres_server_url.rsplit("/", 1)[0] + "/dagster_no_such_database"
    storage = PostgresEventLogStorage(url)
    with pytest.raises(DagsterPostgresConnectionError, match='database "dagster_no_such_database"') as raised:
        storage.get_logs_for_run("r1")
    assert "does not exist" in str(raised.value)
    storage.dispose()


@pytest.mark.postgres
def test_get_conn_is_autocommit(pg_db_url):
    with get_conn(pg_db_url) as conn:
        assert conn.autocommit
        assert conn.execute("SELECT current_database()").fetchone()[0] == pg_db_url.rsplit("/", 1)[1]


def test_url_with_a_port_that_is_not_a_number_is_a_clear_error():
    url = f"postgresql://dagster:{SECRET}@127.0.0.1:notaport/history"
    with pytest.raises(DagsterPostgresConnectionError, match="its port is not a number") as raised:
        PostgresRunStorage(url)
    assert "config key postgres_url" in str(raised.value)
    assert "s3cr" not in str(raised.value)
