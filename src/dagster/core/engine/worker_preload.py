"""What the fork server of the multiprocess engine loads once, so that workers forked from it start ready.

Importing this module (the fork server does, before it forks any worker) imports every module of
dagster's public surface and of the worker's own path (instance, SQLite storages, step execution),
and reads the head revision the storages' schema check compares a database with.
Nothing here opens a file for writing, a database connection or a thread, so forking afterwards is
safe. The user's code is not loaded: each worker loads it from the run's handle.
"""

from __future__ import annotations

import importlib

import dagster
from dagster.core.storage.sql import head_revision

WORKER_MODULES = (
    "dagster.core.engine.multiprocess_worker",
    "dagster.core.execution.worker_step",
    "dagster.core.execution.api",
    "dagster.core.execution.plan.plan",
    "dagster.core.execution.plan.active",
    "dagster.core.execution.plan.execute_plan",
    "dagster.core.execution.plan.execute_step",
    "dagster.core.definitions.environment_configs",
    "dagster.core.system_config.objects",
    "dagster.config.snap",
    "dagster.loggers",
    "dagster.core.instance",
    "dagster.core.storage.root",
    "dagster.core.storage.runs.sqlite",
    "dagster.core.storage.event_log.sqlite",
    "dagster.core.storage.local_compute_log_manager",
    "yaml",  # the configuration of the instance's storages
)


def preload() -> None:
    """Import the modules and read the head schema revision (both are cached for the process)."""
    for name in dagster.__all__:
        getattr(dagster, name)
    for module in WORKER_MODULES:
        importlib.import_module(module)
    head_revision()


preload()
