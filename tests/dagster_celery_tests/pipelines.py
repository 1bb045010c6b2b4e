"""Pipelines the Celery tests run; Celery workers load them from this file through a handle."""

from __future__ import annotations

import os

from dagster import InputDefinition, ModeDefinition, default_executors, lambda_solid, pipeline, solid
from dagster_celery import celery_executor

CELERY_MODE = ModeDefinition(executor_defs=default_executors + [celery_executor])


@lambda_solid
def emit_one():
    return 1


@lambda_solid(input_defs=[InputDefinition("num", int)])
def add_one(num):
    return num + 1


@lambda_solid(input_defs=[InputDefinition("left", int), InputDefinition("right", int)])
def add(left, right):
    return left + right


@solid(tags={"dagster-celery/priority": "7"})
def where_am_i(context):
    print(f"running in {os.getpid()}")
    return os.getpid()


@pipeline(mode_defs=[CELERY_MODE])
def celery_diamond():
    one = emit_one()
    add(add_one.alias("left_branch")(one), add_one.alias("right_branch")(one))
    where_am_i()


@solid(tags={"dagster-celery/queue": "nobody-listens-here"})
def on_a_lonely_queue(_context):
    return 1


@pipeline(mode_defs=[CELERY_MODE])
def celery_other_queue():
    on_a_lonely_queue()


@lambda_solid
def kill_own_worker():
    print("about to kill worker", flush=True)
    os.kill(os.getpid(), 9)


@pipeline(mode_defs=[CELERY_MODE])
def celery_worker_dies():
    add_one(kill_own_worker())
    emit_one()
