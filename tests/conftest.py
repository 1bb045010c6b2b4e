"""Suite-wide fixtures: reaching the machine's services the way CI demands.

When ``CI`` is set, a test whose service (PostgreSQL, Redis, RabbitMQ) cannot be reached FAILS;
on a developer machine it is skipped with the reason. Tests ask for a service with
``require_service("postgres")`` or the ``postgres_url`` / ``redis_url`` fixtures.
"""

from __future__ import annotations

import os
import shutil
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


def require(available: bool, missing: str) -> None:
    """Skip (locally) or fail (under CI) a test whose prerequisite is missing: ``missing`` says
    what is missing and how to get it."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}; CI requires it.")
    pytest.skip(missing)


def require_service(name: str) -> None:
    """Skip (locally) or fail (under CI) when the named service is not listening."""
    host, port = SERVICES[name]
    require(
        service_reachable(name), f"{name} is not reachable at {host}:{port} (start the service, see README)"
    )


def require_command(command: str, package: str) -> None:
    """Skip (locally) or fail (under CI) when a system command is not installed."""
    require(
        shutil.which(command) is not None,
        f"the `{command}` command is not installed (apt-get install {package}; `make install` does it as root)",
    )


def require_root(what: str) -> None:
    """Skip (locally) or fail (under CI, which runs as root on our machines) without root."""
    require(os.geteuid() == 0, f"{what} needs root")


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
