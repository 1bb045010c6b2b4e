"""Suite-wide fixtures: reaching the machine's services the way CI demands.

When ``CI`` is set, a test whose service (PostgreSQL, Redis, RabbitMQ) cannot be reached FAILS;
on a developer machine it is skipped with the reason. Tests ask for a service with
``require_service("postgres")`` or the ``postgres_url`` / ``redis_url`` fixtures.
"""

from __future__ import annotations

import os
import socket

import pytest

SERVICES = {
    "postgres": ("127.0.0.1", 5432),
    "redis": ("127.0.0.1", 6379),
    "rabbitmq": ("127.0.0.1", 5672),
}


def service_reachable(name: str) -> bool:
    host, port = SERVICES[name]
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str) -> None:
    """Skip (locally) or fail (under CI) when the named service is not listening."""
    if service_reachable(name):
        return
    host, port = SERVICES[name]
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI requires it (start the service, see README).")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """URL of the server's maintenance database (tests create and drop their own databases)."""
    require_service("postgres")
    return "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def redis_url() -> str:
    require_service("redis")
    return "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def _restore_import_path():
    """Loading user code puts its directory on ``sys.path``; undo that after each test so a file
    one test wrote (say a ``string.py``) cannot shadow a module in later tests or in the processes
    they spawn (spawned children inherit ``sys.path``)."""
    import sys

    saved = list(sys.path)
    yield
    sys.path[:] = saved
