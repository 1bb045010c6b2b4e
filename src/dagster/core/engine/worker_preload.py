"""What the fork server of the multiprocess engine loads once, so that workers forked from it start ready.

Importing this module (the fork server does, before it forks any worker) imports the modules a
worker needs to load a pipeline and run its steps (definitions, config, instance, SQLite storages,
step execution), and reads the head revision the storages' schema check compares a database with.
Parts of the public surface that running a step does not use (test helpers, results, schedule
decorators) are left to the workers that need them.
Nothing here opens a file for writing, a database connection or a thread, so forking afterwards is
safe. The user's code is not loaded: each worker loads it from the run's handle.
"""

from __future__ import annotations

import importlib

from dagster.core.storage.sql import head_revision

WORKER_MODULES = (
    # Loading the user's code through its handle.
    "dagster.core.definitions.decorators",
    "dagster.core.definitions.handle",
    "dagster.core.definitions.repository",
    # Opening the instance from its ref.
    "dagster.core.instance",
    "dagster.core.storage.root",
    "dagster.core.storage.runs.sqlite",
    "dagster.core.storage.event_log.sqlite",
    "dagster.core.storage.local_compute_log_manager",
    "yaml",
    # Planning the run and executing a step of it.
    "dagster.core.engine.multiprocess_worker",
    "dagster.core.execution.worker_step",
    "dagster.core.execution.api",
    "dagster.core.execution.plan.plan",
    "dagster.core.execution.plan.active",
    "dagster.core.execution.plan.execute_plan",
    "dagster.core.execution.plan.execute_step",
    "dagster.core.definitions.environment_configs",
    "dagster.core.system_config.objects",
    "dagster.core.storage.system_storage",
    "dagster.core.engine.init",
    "dagster.config.snap",
    "dagster.loggers",
)


def preload() -> None:
    """Import the modules and read the head schema revision (both are cached for the process)."""
    for module in WORKER_MODULES:
        importlib.import_module(module)
    head_revision()


preload()
