"""execute_plan: running a one-step subset of a run's plan, as a worker of a parallel engine does."""

from __future__ import annotations

from dagster import RetryRequested, lambda_solid, pipeline
from dagster.core.execution.api import create_execution_plan, execute_plan
from dagster.core.execution.config import RunConfig
from dagster.core.execution.retries import Retries, RetryMode
from dagster.core.instance import DagsterInstance

from .helpers import quiet, types_of

FS = quiet({"storage": {"filesystem": {}}})


@lambda_solid
def produce():
    return 21


@lambda_solid
def double(num):
    return num * 2


@lambda_solid
def wants_retry(num):
    raise RetryRequested(max_retries=2)


@pipeline
def work():
    value = produce()
    double(value)
    wants_retry(value)


def test_steps_run_one_at_a_time_share_the_runs_intermediates(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    plan = create_execution_plan(work, FS)
    run = instance.create_run_for_pipeline(work, execution_plan=plan, environment_dict=FS)

    first = execute_plan(plan.build_subset_plan(["produce.compute"]), instance, run)
    assert types_of(first) == ["STEP_START", "STEP_OUTPUT", "OBJECT_STORE_OPERATION", "STEP_SUCCESS"]

    second = execute_plan(plan.build_subset_plan(["double.compute"]), instance, run)
    assert types_of(second) == [
        "STEP_START",
        "OBJECT_STORE_OPERATION",
        "STEP_INPUT",
        "STEP_OUTPUT",
        "OBJECT_STORE_OPERATION",
        "STEP_SUCCESS",
    ]
    assert (
        second[1].message
        == "Retrieved intermediate object for input num in filesystem object store using pickle."
    )


def test_deferred_retries_report_the_request_instead_of_retrying(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    plan = create_execution_plan(work, FS, run_config=RunConfig())
    run = instance.create_run_for_pipeline(work, execution_plan=plan, environment_dict=FS)
    execute_plan(plan.build_subset_plan(["produce.compute"]), instance, run)

    retries = Retries(RetryMode.ENABLED).for_inner_plan()
    assert retries.deferred
    events = execute_plan(plan.build_subset_plan(["wants_retry.compute"]), instance, run, retries=retries)
    assert types_of(events)[-1] == "STEP_UP_FOR_RETRY"
    assert types_of(events).count("STEP_START") == 1

    # The outer engine counts the attempt and runs the step again: it restarts, then gives up.
    retries.mark_attempt("wants_retry.compute")
    retries.mark_attempt("wants_retry.compute")
    again = execute_plan(plan.build_subset_plan(["wants_retry.compute"]), instance, run, retries=retries)
    assert types_of(again)[0] == "STEP_RESTARTED"
    assert types_of(again)[-1] == "STEP_FAILURE"
    assert Retries.from_config(retries.to_config()).get_attempt_count("wants_retry.compute") == 2
