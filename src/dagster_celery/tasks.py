"""The Celery task that runs one step, and the app ``celery -A dagster_celery.tasks worker`` serves.

The worker's broker and backend come from the config module that ``dagster-celery worker start``
passes with ``--config``; the task itself carries everything else (how to load the user's code,
the instance, the run), serialized as JSON.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from dagster.core.execution.worker_step import StepTask, execute_step_in_worker
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple
from dagster_celery.config import TASK_NAME

ENGINE_NAME = "CeleryEngine"


def step_payload(task: StepTask) -> dict:
    """The JSON form of a step task."""
    return {
        "handle": task.handle_dict,
        "instance_ref": serialize_dagster_namedtuple(task.instance_ref),
        "pipeline_run": serialize_dagster_namedtuple(task.pipeline_run),
        "step_key": task.step_key,
        "retries": task.retries,
    }


def run_step_payload(payload: dict) -> dict:
    """Run the step a payload describes in this process; return where it ran and its events."""
    # The record classes must be registered before their JSON can be read.
    import dagster.core.instance.ref  # noqa: F401
    import dagster.core.storage.pipeline_run  # noqa: F401

    task = StepTask(
        handle_dict=payload["handle"],
        instance_ref=deserialize_json_to_dagster_namedtuple(payload["instance_ref"]),
        pipeline_run=deserialize_json_to_dagster_namedtuple(payload["pipeline_run"]),
        step_key=payload["step_key"],
        retries=payload["retries"],
        engine_name=ENGINE_NAME,
    )
    events = [serialize_dagster_namedtuple(event) for event in execute_step_in_worker(task)]
    return {"pid": os.getpid(), "host": socket.gethostname(), "events": events}


_APPS: dict[str, Any] = {}


def make_app(settings: dict | None = None) -> Any:
    """A Celery app with the step task registered, configured with ``settings`` (one app per settings).

    Without settings the app is left for ``celery --config <module>`` to configure: that is the app
    workers serve.
    """
    key = json.dumps(settings, sort_keys=True, default=str)
    app = _APPS.get(key)
    if app is None:
        from celery import Celery

        app = Celery("dagster")
        if settings is not None:
            app.conf.update(settings)
        app.task(name=TASK_NAME)(run_step_payload)
        _APPS[key] = app
    return app


# The app workers serve; their broker and backend come from the ``--config`` module.
app = make_app()
