"""ActiveExecution: the readiness bookkeeping shared by engines."""

from __future__ import annotations

import time

from dagster import RetryRequested, execute_pipeline, lambda_solid, pipeline, solid
from dagster.core.events import DagsterEvent, StepRetryData
from dagster.core.execution.api import create_execution_plan
from dagster.core.execution.plan.active import ActiveExecution
from dagster.core.execution.retries import Retries, RetryMode

from .helpers import quiet


@lambda_solid
def root():
    return 1


@lambda_solid
def left(num):
    return num


@lambda_solid
def right(num):
    return num


@lambda_solid
def join(a, b):
    return a + b


@lambda_solid
def lonely():
    return 0


@pipeline
def graph():
    value = root()
    join(left(value), right(value))
    lonely()


def keys(steps):
    return [step.key for step in steps]


def test_steps_are_handed_out_level_by_level_and_failures_skip_downstream():
    plan = create_execution_plan(graph)
    active = ActiveExecution(plan, Retries(RetryMode.ENABLED))
    assert keys(active.get_steps_to_execute()) == ["lonely.compute", "root.compute"]
    assert active.get_steps_to_execute() == []
    active.mark_succeeded("root.compute")
    active.mark_succeeded("lonely.compute")
    assert keys(active.get_steps_to_execute()) == ["left.compute", "right.compute"]
    active.mark_failed("left.compute")
    assert keys(active.get_steps_to_skip()) == ["join.compute"]
    assert not active.is_complete
    active.mark_succeeded("right.compute")
    assert active.is_complete
    assert active.failed_or_skipped == {"left.compute", "join.compute"}


def _retry_event(step_key: str, seconds: float) -> DagsterEvent:
    return DagsterEvent(
        "STEP_UP_FOR_RETRY", "graph", step_key, event_specific_data=StepRetryData(None, seconds)
    )


def test_a_step_up_for_retry_comes_back_after_its_wait():
    plan = create_execution_plan(graph)
    retries = Retries(RetryMode.ENABLED)
    active = ActiveExecution(plan, retries)
    active.get_steps_to_execute()
    active.handle_event(_retry_event("root.compute", 0.2))
    assert retries.get_attempt_count("root.compute") == 1
    assert active.get_steps_to_execute() == []
    assert 0 < active.seconds_until_next_retry() <= 0.2
    time.sleep(0.2)
    assert keys(active.get_steps_to_execute()) == ["root.compute"]


def test_deferred_retries_end_the_step_here():
    plan = create_execution_plan(graph).build_subset_plan(["root.compute", "left.compute"])
    active = ActiveExecution(plan, Retries(RetryMode.DEFERRED))
    active.get_steps_to_execute()
    active.handle_event(_retry_event("root.compute", 0))
    assert keys(active.get_steps_to_skip()) == ["left.compute"]
    assert active.is_complete


def test_other_ready_steps_run_while_a_retry_waits(instance):
    order = []

    @solid
    def slow_flaky(_):
        order.append("flaky")
        if order.count("flaky") == 1:
            raise RetryRequested(max_retries=1, seconds_to_wait=0.1)
        return 1

    @solid
    def steady(_):
        order.append("steady")
        return 2

    @pipeline
    def p():
        slow_flaky()
        steady()

    assert execute_pipeline(p, quiet(), instance=instance).success
    assert order == ["flaky", "steady", "flaky"]
