"""Pipelines the Dask tests run; Dask workers load them from this file through a handle."""

from __future__ import annotations

import os
import time

from dagster import InputDefinition, ModeDefinition, default_executors, lambda_solid, pipeline, solid
from dagster_dask import dask_executor

DASK_MODE = ModeDefinition(executor_defs=default_executors + [dask_executor])


@lambda_solid
def emit_one():
    return 1


@lambda_solid(input_defs=[InputDefinition("num", int)])
def add_one(num):
    return num + 1


@lambda_solid(input_defs=[InputDefinition("left", int), InputDefinition("right", int)])
def add(left, right):
    return left + right


@solid(tags={"dagster-dask/resource_requirements": '{"SLOTS": 1}'})
def where_am_i(context):
    print(f"running in {os.getpid()}")
    return os.getpid()


@pipeline(mode_defs=[DASK_MODE])
def dask_diamond():
    one = emit_one()
    add(add_one.alias("left_branch")(one), add_one.alias("right_branch")(one))
    where_am_i()


@pipeline(mode_defs=[DASK_MODE])
def dask_chain():
    add_one(emit_one())


@lambda_solid(input_defs=[InputDefinition("num", int)])
def kill_own_worker(num):
    print("about to kill worker", flush=True)
    os.kill(os.getpid(), 9)


@lambda_solid(input_defs=[InputDefinition("num", int)])
def slow_sibling(num):
    time.sleep(2)
    return num


@pipeline(mode_defs=[DASK_MODE])
def dask_worker_dies():
    one = emit_one()
    add_one(kill_own_worker(one))
    slow_sibling(one)
