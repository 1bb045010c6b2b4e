"""Celery settings: the defaults, what the executor config adds, and the Celery app built from them."""

from __future__ import annotations

import os

from dagster import check

DEFAULT_QUEUE = "dagster"
DEFAULT_PRIORITY = 5
TASK_NAME = "dagster_celery.execute_step"

QUEUE_TAG = "dagster-celery/queue"
PRIORITY_TAG = "dagster-celery/priority"
RUN_PRIORITY_TAG = "dagster-celery/run_priority"

DEFAULT_CONFIG = {
    "worker_prefetch_multiplier": 1,
    "broker_transport_options": {
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    "task_default_priority": DEFAULT_PRIORITY,
    "task_default_queue": DEFAULT_QUEUE,
}


def default_broker() -> str:
    return f"pyamqp://guest@{os.getenv('DAGSTER_CELERY_BROKER_HOST', 'localhost')}:5672//"


def default_backend() -> str:
    return "rpc://"


def celery_settings(executor_config: dict | None) -> dict:
    """Celery's own settings for the ``celery`` executor config (broker, backend, include, config_source)."""
    config = check.opt_dict_param(executor_config, "executor_config", key_type=str)
    settings = {**DEFAULT_CONFIG, **(config.get("config_source") or {})}
    settings["broker_url"] = config.get("broker") or default_broker()
    settings["result_backend"] = config.get("backend") or default_backend()
    includes = list(config.get("include") or [])
    settings["include"] = includes
    # Results are plain JSON: lists of serialized events.
    settings.setdefault("task_serializer", "json")
    settings.setdefault("result_serializer", "json")
    settings.setdefault("accept_content", ["json"])
    return settings
