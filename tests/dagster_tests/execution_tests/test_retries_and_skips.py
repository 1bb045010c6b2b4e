"""RetryRequested (with its wait and max_retries), disabled retries, and skips from optional outputs."""

from __future__ import annotations

import time

import pytest

from dagster import (
    InputDefinition,
    Int,
    Nothing,
    Output,
    OutputDefinition,
    RetryRequested,
    execute_pipeline,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.errors import DagsterExecutionStepExecutionError

from .helpers import quiet, summary, types_of


def flaky_pipeline(fail_times: int, max_retries: int, seconds_to_wait=None):
    attempts = []

    @solid
    def flaky(_):
        attempts.append(time.monotonic())
        if len(attempts) <= fail_times:
            raise RetryRequested(max_retries=max_retries, seconds_to_wait=seconds_to_wait)
        return len(attempts)

    @lambda_solid
    def downstream(num):
        return num * 100

    @pipeline
    def p():
        downstream(flaky())

    return p, attempts


def test_step_is_retried_until_it_succeeds(instance):
    p, attempts = flaky_pipeline(fail_times=2, max_retries=3)
    result = execute_pipeline(p, quiet(), instance=instance)
    assert result.success
    assert len(attempts) == 3
    assert result.result_for_solid("downstream").output_value() == 300
    flaky_rows = [row for row in summary(result.event_list) if row[1] == "flaky.compute"]
    assert flaky_rows == [
        ("STEP_START", "flaky.compute", 'Started execution of step "flaky.compute".'),
        (
            "STEP_UP_FOR_RETRY",
            "flaky.compute",
            'Execution of step "flaky.compute" failed and has requested a retry.',
        ),
        ("STEP_RESTARTED", "flaky.compute", 'Started re-execution (attempt # 2) of step "flaky.compute".'),
        (
            "STEP_UP_FOR_RETRY",
            "flaky.compute",
            'Execution of step "flaky.compute" failed and has requested a retry.',
        ),
        ("STEP_RESTARTED", "flaky.compute", 'Started re-execution (attempt # 3) of step "flaky.compute".'),
        ("STEP_OUTPUT", "flaky.compute", 'Yielded output "result" of type "Any". (Type check passed).'),
        ("STEP_SUCCESS", "flaky.compute", 'Finished execution of step "flaky.compute" in <dur>.'),
    ]
    retry_data = result.event_list[3].step_retry_data
    assert retry_data.error.cls_name == "RetryRequested"


def test_retry_waits_seconds_to_wait(instance):
    p, attempts = flaky_pipeline(fail_times=1, max_retries=1, seconds_to_wait=0.2)
    result = execute_pipeline(p, quiet(), instance=instance)
    assert result.success
    assert attempts[1] - attempts[0] >= 0.2
    retry = next(e for e in result.event_list if e.event_type_value == "STEP_UP_FOR_RETRY")
    assert (
        retry.message == 'Execution of step "flaky.compute" failed and has requested a retry in 0.2 seconds.'
    )
    assert retry.step_retry_data.seconds_to_wait == 0.2


def test_exceeding_max_retries_fails_the_step(instance):
    p, attempts = flaky_pipeline(fail_times=5, max_retries=2)
    result = execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    assert not result.success
    assert len(attempts) == 3
    assert types_of(result.event_list).count("STEP_UP_FOR_RETRY") == 2
    error = result.result_for_solid("flaky").failure_data.error
    assert error.message == 'Step "flaky.compute" exceeded max_retries of 2.\n'
    assert result.result_for_solid("downstream").skipped
    fresh, _ = flaky_pipeline(fail_times=5, max_retries=2)
    with pytest.raises(DagsterExecutionStepExecutionError, match="exceeded max_retries of 2"):
        execute_pipeline(fresh, quiet(), instance=instance)


def test_disabled_retries_fail_at_the_first_request(instance):
    p, attempts = flaky_pipeline(fail_times=1, max_retries=3)
    config = quiet({"execution": {"in_process": {"config": {"retries": {"disabled": {}}}}}})
    result = execute_pipeline(p, config, instance=instance, raise_on_error=False)
    assert len(attempts) == 1
    assert "STEP_UP_FOR_RETRY" not in types_of(result.event_list)
    message = result.result_for_solid("flaky").failure_data.error.message
    assert "raised RetryRequested but retries are disabled" in message
    assert "retries: {enabled: {}}" in message


@solid(
    output_defs=[
        OutputDefinition(Int, "always"),
        OutputDefinition(Int, "maybe", is_required=False),
    ]
)
def branch(_):
    yield Output(1, "always")


@lambda_solid(input_defs=[InputDefinition("num", Int)])
def consume(num):
    return num


@lambda_solid(input_defs=[InputDefinition("num", Int)])
def consume_again(num):
    return num


def test_missing_optional_output_skips_downstream_transitively(instance):
    @pipeline
    def p():
        outputs = branch()
        consume.alias("from_always")(outputs.always)
        consume_again(consume.alias("from_maybe")(outputs.maybe))

    result = execute_pipeline(p, quiet(), instance=instance)
    assert result.success
    assert result.result_for_solid("from_always").output_value() == 1
    assert result.result_for_solid("from_maybe").skipped
    assert result.result_for_solid("consume_again").skipped
    skipped = [row for row in summary(result.event_list) if row[0] == "STEP_SKIPPED"]
    assert skipped == [
        ("STEP_SKIPPED", "from_maybe.compute", 'Skipped execution of step "from_maybe.compute".'),
        ("STEP_SKIPPED", "consume_again.compute", 'Skipped execution of step "consume_again.compute".'),
    ]
    reasons = [r.user_message for r in instance.all_logs(result.run_id) if r.dagster_event is None]
    assert any('no value stored for input "num" (from branch.compute:maybe)' in reason for reason in reasons)


def test_nothing_dependencies_order_steps(instance):
    order = []

    @solid(output_defs=[OutputDefinition(Nothing)])
    def first(_):
        order.append("first")

    @solid(input_defs=[InputDefinition("after", Nothing)])
    def second(_):
        order.append("second")
        return 2

    @pipeline
    def p():
        second(after=first())

    result = execute_pipeline(p, quiet(), instance=instance)
    assert result.success
    assert order == ["first", "second"]
    assert "STEP_INPUT" not in types_of(result.event_list)
