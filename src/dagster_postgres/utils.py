"""Connection settings of the PostgreSQL storages: the ``dagster.yaml`` config, URLs, connections.

The three storages share one config type, a Selector::

    config:
      postgres_url: "postgresql://user:pass@host:5432/db"     # either a URL ...
      postgres_db:                                            # ... or its parts
        username: {env: PGUSER}
        password: {env: PGPASSWORD}
        hostname: db.internal
        db_name: dagster
        port: 5432                                            # optional, 5432 by default

Errors never show the password: URLs are printed with it masked, and it is removed from the
driver's own messages.
"""

from __future__ import annotations

from typing import Any

from dagster import check
from dagster.core.errors import DagsterError

DEFAULT_PORT = 5432
SQLALCHEMY_DRIVER = "postgresql+psycopg"

# Schemes that mean "PostgreSQL" in a configured URL; all are served by psycopg 3.
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")


class DagsterPostgresConnectionError(DagsterError):
    """The PostgreSQL server of a storage cannot be reached, or refuses the connection."""


def pg_config() -> Any:
    """The config type of the PostgreSQL storages (a Selector of ``postgres_url`` or ``postgres_db``)."""
    from dagster import Field, IntSource, Selector, StringSource

    return Selector(
        {
            "postgres_url": Field(StringSource, description="postgresql://user:password@host:port/db"),
            "postgres_db": Field(
                {
                    "username": Field(StringSource),
                    "password": Field(StringSource, is_required=False),
                    "hostname": Field(StringSource),
                    "db_name": Field(StringSource),
                    "port": Field(IntSource, is_required=False, default_value=DEFAULT_PORT),
                }
            ),
        }
    )


def get_conn_string(
    username: str, password: str | None, hostname: str, db_name: str, port: int | str = DEFAULT_PORT
) -> str:
    """A ``postgresql://`` URL from its parts; user name and password are URL-quoted."""
    from sqlalchemy.engine import URL

    url = URL.create(
        "postgresql",
        username=check.str_param(username, "username"),
        password=check.opt_str_param(password, "password") or None,
        host=check.str_param(hostname, "hostname"),
        port=int(port),
        database=check.str_param(db_name, "db_name"),
    )
    return url.render_as_string(hide_password=False)


def pg_url_from_config(config_value: dict) -> str:
    """The URL a validated ``pg_config()`` value stands for."""
    check.dict_param(config_value, "config_value")
    if config_value.get("postgres_url") is not None:
        return config_value["postgres_url"]
    parts = check.dict_elem(config_value, "postgres_db")
    return get_conn_string(
        parts["username"],
        parts.get("password"),
        parts["hostname"],
        parts["db_name"],
        parts.get("port", DEFAULT_PORT),
    )


def sqlalchemy_url(url: str) -> Any:
    """``url`` as a SQLAlchemy URL object using the psycopg 3 driver."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    check.str_param(url, "url")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DagsterPostgresConnectionError(
            "The PostgreSQL URL is not valid; expected postgresql://user:password@host:port/database "
            "(config key postgres_url)."
        ) from exc
    except ValueError as exc:  # a port that is not a number
        raise DagsterPostgresConnectionError(
            "The PostgreSQL URL is not valid: its port is not a number; expected "
            "postgresql://user:password@host:port/database (config key postgres_url)."
        ) from exc
    if parsed.drivername not in _POSTGRES_SCHEMES:
        raise DagsterPostgresConnectionError(
            f'The PostgreSQL URL {parsed.render_as_string(hide_password=True)} has scheme "{parsed.drivername}"; '
            "use postgresql://user:password@host:port/database (config key postgres_url)."
        )
    return parsed.set(drivername=SQLALCHEMY_DRIVER)


def libpq_url(url: str) -> str:
    """``url`` in the form libpq (and ``psycopg.connect``) accepts."""
    return sqlalchemy_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """Where ``url`` points, for messages: host, port, database and user, never the password."""
    parsed = sqlalchemy_url(url)
    return (
        f"host {parsed.host or 'localhost'}, port {parsed.port or DEFAULT_PORT}, "
        f'database "{parsed.database}"' + (f', user "{parsed.username}"' if parsed.username else "")
    )


def connection_error(url: str, exc: BaseException) -> DagsterPostgresConnectionError:
    """A :class:`DagsterPostgresConnectionError` for ``url`` explaining ``exc`` (password removed)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = reason[0] if reason else type(exc).__name__
    password = sqlalchemy_url(url).password
    if password:
        text = text.replace(str(password), "***")
    return DagsterPostgresConnectionError(
        f"Could not connect to PostgreSQL ({describe_url(url)}): {text}. Check that the server is "
        "running and reachable, that the database exists, and the postgres_url / postgres_db "
        "settings of the storage in dagster.yaml."
    )


def get_conn(conn_string: str, **kwargs: Any) -> Any:
    """A new psycopg 3 connection to ``conn_string`` in autocommit mode (the caller closes it).

    Raises :class:`DagsterPostgresConnectionError` when the server cannot be reached.
    """
    import psycopg

    try:
        return psycopg.connect(libpq_url(conn_string), autocommit=True, **kwargs)
    except psycopg.OperationalError as exc:
        raise connection_error(conn_string, exc) from exc
