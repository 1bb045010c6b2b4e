"""Failures: each produces a failed run with the right event and a message a user can act on."""

from __future__ import annotations

import logging

import pytest

from dagster import (
    DagsterType,
    EventMetadataEntry,
    Failure,
    InputDefinition,
    Int,
    ModeDefinition,
    Output,
    OutputDefinition,
    String,
    TypeCheck,
    execute_pipeline,
    lambda_solid,
    logger,
    pipeline,
    resource,
    solid,
)
from dagster.core.errors import (
    DagsterLoggerFunctionError,
    DagsterResourceFunctionError,
    DagsterStepOutputNotFoundError,
    DagsterTypeCheckDidNotPass,
    DagsterTypeCheckError,
)
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .helpers import quiet, summary, types_of


class BoomError(Exception):
    pass


@lambda_solid
def start():
    return 1


@lambda_solid
def explode(num):
    raise BoomError(f"boom with {num}")


@lambda_solid
def after(num):
    return num


@pipeline
def broken():
    after(explode(start()))


def test_solid_that_raises_fails_the_step_skips_downstream_and_fails_the_run(instance):
    result = execute_pipeline(broken, quiet(), instance=instance, raise_on_error=False)
    assert not result.success
    assert summary(result.event_list)[5:] == [
        ("STEP_START", "explode.compute", 'Started execution of step "explode.compute".'),
        ("STEP_INPUT", "explode.compute", 'Got input "num" of type "Any". (Type check passed).'),
        ("STEP_FAILURE", "explode.compute", 'Execution of step "explode.compute" failed.'),
        ("STEP_SKIPPED", "after.compute", 'Skipped execution of step "after.compute".'),
        ("ENGINE_EVENT", None, "Finished steps in process (pid: N) in <dur>"),
        ("PIPELINE_FAILURE", None, 'Execution of pipeline "broken" failed.'),
    ]
    failure = result.result_for_solid("explode").failure_data
    assert failure.error.cls_name == "BoomError"
    assert failure.error.message.endswith("BoomError: boom with 1\n")
    assert 'raise BoomError(f"boom with {num}")' in "".join(failure.error.stack)
    assert result.result_for_solid("after").skipped
    assert instance.get_run_by_id(result.run_id).status == PipelineRunStatus.FAILURE


def test_raise_on_error_reraises_the_original_exception_after_recording_events(instance):
    with pytest.raises(BoomError, match="boom with 1"):
        execute_pipeline(broken, quiet(), instance=instance)
    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    stored = [r.dagster_event.event_type_value for r in instance.all_logs(run.run_id) if r.dagster_event]
    assert stored[-2:] == ["STEP_FAILURE", "PIPELINE_FAILURE"]
    assert "ENGINE_EVENT" not in stored[-2:]


@lambda_solid
def intentional():
    raise Failure("the data is stale", metadata_entries=[EventMetadataEntry.text("3 days", "age")])


def test_failure_carries_user_failure_data_and_propagates_as_is(instance):
    @pipeline
    def p():
        intentional()

    result = execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    data = result.result_for_solid("intentional").failure_data
    assert data.user_failure_data.label == "intentional-failure"
    assert data.user_failure_data.description == "the data is stale"
    assert data.user_failure_data.metadata_entries[0].entry_data.text == "3 days"
    with pytest.raises(Failure, match="the data is stale"):
        execute_pipeline(p, quiet(), instance=instance)


EvenInt = DagsterType(
    name="EvenInt",
    type_check_fn=lambda _, value: TypeCheck(
        isinstance(value, int) and value % 2 == 0, description=f"{value!r} is not an even int"
    ),
)


@solid(output_defs=[OutputDefinition(EvenInt)])
def odd(_):
    return 3


@pipeline
def bad_output():
    after(odd())


def test_output_type_check_failure(instance):
    result = execute_pipeline(bad_output, quiet(), instance=instance, raise_on_error=False)
    assert not result.success
    rows = summary(result.event_list)
    assert rows[3:6] == [
        (
            "STEP_OUTPUT",
            "odd.compute",
            'Yielded output "result" of type "EvenInt". Warning! Type check failed.',
        ),
        ("STEP_FAILURE", "odd.compute", 'Execution of step "odd.compute" failed.'),
        ("STEP_SKIPPED", "after.compute", 'Skipped execution of step "after.compute".'),
    ]
    output_event = result.event_list[3]
    assert output_event.step_output_data.type_check_data.description == "3 is not an even int"
    error = result.result_for_solid("odd").failure_data.error
    assert error.cls_name == "DagsterTypeCheckDidNotPass"
    assert 'Type check failed for step output "result" of step "odd.compute"' in error.message
    assert '(expected type "EvenInt"): 3 is not an even int' in error.message
    with pytest.raises(DagsterTypeCheckDidNotPass):
        execute_pipeline(bad_output, quiet(), instance=instance)


@lambda_solid(input_defs=[InputDefinition("text", String)])
def wants_string(text):
    return text


def test_input_type_check_failure(instance):
    @pipeline
    def p():
        wants_string(start())

    result = execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    step_input = next(e for e in result.event_list if e.event_type_value == "STEP_INPUT")
    assert step_input.message == 'Got input "text" of type "String". Warning! Type check failed.'
    assert not step_input.step_input_data.type_check_data.success
    assert result.result_for_solid("wants_string").failure_data.error.cls_name == "DagsterTypeCheckDidNotPass"


def _raising_check(_, value):
    raise ValueError("checker crashed")


@solid(output_defs=[OutputDefinition(DagsterType(name="Crashy", type_check_fn=_raising_check))])
def crashy(_):
    return 1


def test_type_check_function_that_raises(instance):
    @pipeline
    def p():
        crashy()

    result = execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    assert types_of(result.event_list)[3] == "STEP_FAILURE"
    error = result.result_for_solid("crashy").failure_data.error
    assert error.cls_name == "DagsterTypeCheckError"
    assert 'type check of type "Crashy" for output "result" of step "crashy.compute"' in error.message
    assert error.cause.cls_name == "ValueError"
    assert error.cause.message == "ValueError: checker crashed\n"
    with pytest.raises(DagsterTypeCheckError) as exc_info:
        execute_pipeline(p, quiet(), instance=instance)
    assert isinstance(exc_info.value.user_exception, ValueError)


@solid(output_defs=[OutputDefinition(Int, "needed")])
def forgets_output(_):
    yield from ()


def test_missing_required_output(instance):
    @pipeline
    def p():
        forgets_output()

    result = execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    error = result.result_for_solid("forgets_output").failure_data.error
    assert error.cls_name == "DagsterStepOutputNotFoundError"
    assert 'did not yield its required output "needed"' in error.message
    with pytest.raises(DagsterStepOutputNotFoundError):
        execute_pipeline(p, quiet(), instance=instance)


@resource
def broken_resource(_):
    raise ConnectionError("database unreachable")


@solid(required_resource_keys={"db"})
def uses_db(context):
    return context.resources.db


def test_resource_init_failure_is_a_pipeline_init_failure(instance):
    @pipeline(mode_defs=[ModeDefinition(resource_defs={"db": broken_resource})])
    def needs_db():
        uses_db()

    result = execute_pipeline(needs_db, quiet(), instance=instance, raise_on_error=False)
    assert not result.success
    assert summary(result.event_list) == [
        ("ENGINE_EVENT", None, "Starting initialization of resources [db]."),
        ("ENGINE_EVENT", None, "Initialization of resources [db] failed."),
        (
            "PIPELINE_INIT_FAILURE",
            None,
            'Pipeline failure during initialization of pipeline "needs_db". '
            "This may be due to a failure in initializing a resource or logger.",
        ),
    ]
    error = result.event_list[2].pipeline_init_failure_data.error
    assert error.cls_name == "DagsterResourceFunctionError"
    assert 'resource "db"' in error.message and "ConnectionError: database unreachable" in error.message
    assert "resources:db:config" in error.message
    assert error.cause.cls_name == "ConnectionError"
    assert result.event_list[1].engine_event_data.error.cls_name == "ConnectionError"
    # Quirk kept: a run that fails to initialize never started.
    assert instance.get_run_by_id(result.run_id).status == PipelineRunStatus.NOT_STARTED

    with pytest.raises(DagsterResourceFunctionError) as exc_info:
        execute_pipeline(needs_db, quiet(), instance=instance)
    assert isinstance(exc_info.value.user_exception, ConnectionError)


@logger
def broken_logger(_):
    raise RuntimeError("no log sink")


def test_logger_init_failure_is_a_pipeline_init_failure(instance):
    @pipeline(mode_defs=[ModeDefinition(logger_defs={"bad": broken_logger})])
    def p():
        start()

    result = execute_pipeline(p, {"loggers": {"bad": {}}}, instance=instance, raise_on_error=False)
    assert types_of(result.event_list) == ["PIPELINE_INIT_FAILURE"]
    error = result.event_list[0].pipeline_init_failure_data.error
    assert error.cls_name == "DagsterLoggerFunctionError"
    assert 'logger "bad"' in error.message and "RuntimeError: no log sink" in error.message
    assert "loggers:bad:config" in error.message
    stored = [r.dagster_event.event_type_value for r in instance.all_logs(result.run_id) if r.dagster_event]
    assert stored == ["PIPELINE_INIT_FAILURE"]
    with pytest.raises(DagsterLoggerFunctionError):
        execute_pipeline(p, {"loggers": {"bad": {}}}, instance=instance)


@logger
def sink_gone_logger(_):
    class Explodes(logging.Handler):
        def emit(self, record):
            raise OSError("log sink is gone")

    log = logging.Logger("explodes", logging.DEBUG)
    log.addHandler(Explodes())
    return log


def test_logger_that_raises_while_logging_still_leaves_a_failed_run(instance):
    @pipeline(mode_defs=[ModeDefinition(logger_defs={"sink": sink_gone_logger})])
    def p():
        start()

    with pytest.raises(OSError, match="log sink is gone"):
        execute_pipeline(p, {"loggers": {"sink": {}}}, instance=instance, raise_on_error=False)
    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    stored = [r.dagster_event for r in instance.all_logs(run.run_id) if r.dagster_event]
    assert [e.event_type_value for e in stored] == ["PIPELINE_START", "ENGINE_EVENT", "PIPELINE_FAILURE"]
    assert stored[1].message == "An unexpected error interrupted the run: OSError: log sink is gone"
    assert stored[1].engine_event_data.error.cls_name == "OSError"


def _single_solid_pipeline(solid_def):
    @pipeline(name=f"run_{solid_def.name}")
    def p():
        solid_def()

    return p


@solid
def yields_unknown_output(_):
    yield Output(1, "nope")


@solid
def yields_twice(_):
    yield Output(1)
    yield Output(2)


@solid
def yields_garbage(_):
    yield 42


@pytest.mark.parametrize(
    "solid_def, expected",
    [
        (
            yields_unknown_output,
            'yielded an output named "nope", which the solid does not define. Its outputs are: "result".',
        ),
        (yields_twice, 'yielded output "result" more than once'),
        (yields_garbage, "it may only yield Output, Materialization or ExpectationResult"),
    ],
)
def test_misbehaving_compute_functions_fail_the_step_with_a_clear_message(instance, solid_def, expected):
    result = execute_pipeline(
        _single_solid_pipeline(solid_def), quiet(), instance=instance, raise_on_error=False
    )
    assert not result.success
    error = result.result_for_solid(solid_def.name).failure_data.error
    assert error.cls_name == "DagsterInvariantViolationError"
    assert f'Compute function of solid "{solid_def.name}"' in error.message
    assert expected in error.message


def test_an_executor_that_cannot_run_here_is_an_init_failure(instance):
    config = quiet({"execution": {"multiprocess": {}}, "storage": {"filesystem": {}}})
    result = execute_pipeline(broken, config, instance=instance, raise_on_error=False)
    assert types_of(result.event_list) == ["PIPELINE_INIT_FAILURE"]
    error = result.event_list[0].pipeline_init_failure_data.error
    assert error.cls_name == "DagsterUnmetExecutorRequirementsError"
