"""The exact messages and levels of the events a real run emits, and the records the instance stores."""

from __future__ import annotations

import logging
import re

from dagster import (
    ExpectationResult,
    Failure,
    InputDefinition,
    Int,
    Materialization,
    Output,
    execute_pipeline,
    lambda_solid,
    pipeline,
    solid,
)
from dagster.core.events.log import DagsterEventRecord, LogMessageRecord
from dagster.core.instance import DagsterInstance


@lambda_solid
def emit() -> int:
    return 3


@solid(input_defs=[InputDefinition("num", Int)])
def check_it(context, num):
    context.log.info("checking", rows=num)
    yield Materialization(label="table")
    yield Materialization(label="described", description="Wrote the table.")
    yield ExpectationResult(success=True, label="positive")
    yield ExpectationResult(success=False, label="even")
    yield Output(num)


@pipeline
def messages():
    check_it(emit())


def _messages(result, step_key):
    return [(e.event_type_value, e.message) for e in result.event_list if e.step_key == step_key]


def test_step_and_pipeline_messages():
    instance = DagsterInstance.ephemeral()
    result = execute_pipeline(messages, instance=instance)
    assert result.event_list[0].message == 'Started execution of pipeline "messages".'
    assert result.event_list[-1].message == 'Finished execution of pipeline "messages".'
    events = _messages(result, "check_it.compute")
    success = events.pop()
    assert success[0] == "STEP_SUCCESS"
    assert re.fullmatch(r'Finished execution of step "check_it\.compute" in \d+ms\.', success[1])
    assert events == [
        ("STEP_START", 'Started execution of step "check_it.compute".'),
        ("STEP_INPUT", 'Got input "num" of type "Int". (Type check passed).'),
        ("STEP_MATERIALIZATION", "Materialized value table."),
        ("STEP_MATERIALIZATION", "Wrote the table."),
        ("STEP_EXPECTATION_RESULT", "Expectation positive passed"),
        ("STEP_EXPECTATION_RESULT", "Expectation even failed"),
        ("STEP_OUTPUT", 'Yielded output "result" of type "Any". (Type check passed).'),
    ]

    records = instance.all_logs(result.run_id)
    assert len([r for r in records if isinstance(r, DagsterEventRecord)]) == len(result.event_list)
    log_message = next(r for r in records if isinstance(r, LogMessageRecord))
    assert log_message.level == logging.INFO
    assert log_message.step_key == "check_it.compute"
    assert log_message.message.startswith(f"messages - {result.run_id} - checking\n")
    assert "                rows = 3" in log_message.message.split("\n")
    start = next(
        r
        for r in records
        if r.is_dagster_event and r.dagster_event.is_step_start and r.step_key == "check_it.compute"
    )
    assert start.level == logging.DEBUG
    assert start.message.split("\n") == [
        f'messages - {result.run_id} - STEP_START - Started execution of step "check_it.compute".',
        '               solid = "check_it"',
        '    solid_definition = "check_it"',
        '            step_key = "check_it.compute"',
    ]


@solid
def fail(_context) -> int:
    raise Failure(description="bad data")


@solid
def after(_context, num: int) -> int:
    return num


@pipeline
def failing():
    after(fail())


def test_failure_and_skip_messages_and_levels():
    instance = DagsterInstance.ephemeral()
    result = execute_pipeline(failing, raise_on_error=False, instance=instance)
    assert ("STEP_FAILURE", 'Execution of step "fail.compute" failed.') in _messages(result, "fail.compute")
    assert _messages(result, "after.compute") == [
        ("STEP_SKIPPED", 'Skipped execution of step "after.compute".')
    ]
    assert result.event_list[-1].message == 'Execution of pipeline "failing" failed.'

    records = instance.all_logs(result.run_id)
    failure = next(r for r in records if r.is_dagster_event and r.dagster_event.is_step_failure)
    assert failure.level == logging.ERROR
    lines = failure.message.split("\n")
    assert lines[0] == f'failing - {result.run_id} - STEP_FAILURE - Execution of step "fail.compute" failed.'
    assert '            cls_name = "Failure"' in lines
    assert any(line.startswith("   user_failure_data = ") and "bad data" in line for line in lines)
    pipeline_failure = records[-1]
    assert pipeline_failure.dagster_event.is_pipeline_failure and pipeline_failure.level == logging.ERROR
