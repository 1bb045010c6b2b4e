"""Pipelines the multiprocess tests run; workers load them from this file through a handle."""

from __future__ import annotations

import os
import signal
import time

from dagster import (
    InputDefinition,
    Output,
    OutputDefinition,
    RetryRequested,
    lambda_solid,
    pipeline,
    solid,
)


@lambda_solid
def emit_one():
    return 1


@lambda_solid(input_defs=[InputDefinition("num", int)])
def add_one(num):
    return num + 1


@lambda_solid(input_defs=[InputDefinition("left", int), InputDefinition("right", int)])
def add(left, right):
    return left + right


@pipeline
def diamond():
    one = emit_one()
    add(add_one.alias("left_branch")(one), add_one.alias("right_branch")(one))


@solid(config=float)
def sleep_then_record(context):
    """Sleep, then print the pid so tests see which process ran the step."""
    time.sleep(context.solid_config)
    print(f"pid={os.getpid()}")
    return os.getpid()


@pipeline
def four_sleepers():
    for index in range(4):
        sleep_then_record.alias(f"sleep_{index}")()


@solid(config=str)
def crash(context):
    """Die the way the config says, without any chance to report it."""
    if context.solid_config == "exit":
        os._exit(7)
    os.kill(os.getpid(), signal.SIGKILL)


@lambda_solid
def after_crash(_value):
    return "never"


@pipeline
def crashing():
    after_crash.alias("downstream")(crash())
    sleep_then_record.alias("survivor")()


@solid
def flaky(context):
    marker = os.path.join(context.instance.root_directory, f"flaky-{context.run_id}")
    if not os.path.exists(marker):
        with open(marker, "w") as handle:
            handle.write("tried")
        raise RetryRequested(max_retries=2)
    return "second time lucky"


@solid(
    output_defs=[
        OutputDefinition(int, "present", is_required=False),
        OutputDefinition(int, "absent", is_required=False),
    ]
)
def only_one_output(_context):
    yield Output(5, "present")


@solid
def explode(_context):
    raise ValueError("boom in a worker")


@pipeline
def mixed():
    add_one.alias("after_present")(only_one_output().present)
    add_one.alias("after_absent")(only_one_output.alias("other")().absent)
    flaky()
    after_crash.alias("after_explode")(explode())


@solid(config={"me": str, "partner": str})
def rendezvous(context):
    """Announce this step, then wait for the partner step: only possible if both run at once."""
    directory = os.path.join(context.instance.root_directory, f"rendezvous-{context.run_id}")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, context.solid_config["me"]), "w") as handle:
        handle.write(str(os.getpid()))
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(directory, context.solid_config["partner"])):
        if time.monotonic() > deadline:
            raise Exception(
                f"{context.solid_config['partner']} never started while {context.solid_config['me']} ran"
            )
        time.sleep(0.02)
    return os.getpid()


@pipeline
def meet():
    rendezvous.alias("meet_a")()
    rendezvous.alias("meet_b")()


@pipeline
def failure_then_chain():
    """A failing step with three steps in a chain below it: every one of them must be skipped."""
    add_one.alias("third")(add_one.alias("second")(after_crash.alias("first")(explode())))


@solid
def where_am_i(_context):
    """What a worker sees of its process: its parent, its environment and its working directory."""
    return {
        "ppid": os.getppid(),
        "greeting": os.environ.get("DAGSTER_TEST_GREETING"),
        "cwd": os.getcwd(),
    }


@pipeline
def introspect():
    where_am_i()
