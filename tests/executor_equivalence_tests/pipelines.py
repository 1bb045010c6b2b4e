"""The pipelines every executor must run alike; workers load them from this file."""

from __future__ import annotations

import os
import sys

from dagster import (
    InputDefinition,
    ModeDefinition,
    Output,
    OutputDefinition,
    RetryRequested,
    default_executors,
    lambda_solid,
    pipeline,
    solid,
)
from dagster_celery import celery_executor
from dagster_dask import dask_executor

ALL_EXECUTORS = ModeDefinition(executor_defs=default_executors + [dask_executor, celery_executor])


@lambda_solid
def start():
    return 1


@lambda_solid(input_defs=[InputDefinition("num", int)])
def double(num):
    return num * 2


@lambda_solid(input_defs=[InputDefinition("nums", list)])
def total(nums):
    return sum(nums)


@pipeline(mode_defs=[ALL_EXECUTORS])
def chain():
    double.alias("third")(double.alias("second")(double.alias("first")(start())))


@pipeline(mode_defs=[ALL_EXECUTORS])
def fan_out_fan_in():
    one = start()
    total([double.alias(f"branch_{index}")(one) for index in range(3)])


@solid(
    output_defs=[
        OutputDefinition(int, "yielded", is_required=False),
        OutputDefinition(int, "not_yielded", is_required=False),
    ]
)
def optional_outputs(_context):
    yield Output(3, "yielded")


@pipeline(mode_defs=[ALL_EXECUTORS])
def optional():
    outputs = optional_outputs()
    double.alias("after_yielded")(outputs.yielded)
    double.alias("after_not_yielded")(outputs.not_yielded)


@solid
def flaky(context):
    marker = os.path.join(context.instance.root_directory, f"flaky-{context.run_id}")
    if not os.path.exists(marker):
        with open(marker, "w") as handle:
            handle.write("first attempt")
        raise RetryRequested(max_retries=1)
    return 10


@pipeline(mode_defs=[ALL_EXECUTORS])
def retries():
    double(flaky())


@solid
def fails(_context):
    raise ValueError("this step always fails")


@pipeline(mode_defs=[ALL_EXECUTORS])
def failing():
    double.alias("after_failure")(fails())
    double.alias("unaffected")(start())


@solid
def talks(_context):
    print("to stdout from the step")
    print("to stderr from the step", file=sys.stderr)
    return "said it"


@pipeline(mode_defs=[ALL_EXECUTORS])
def compute_logs():
    talks()
