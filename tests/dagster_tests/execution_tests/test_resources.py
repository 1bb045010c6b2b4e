"""Resources: only the needed ones are built, in key order, and torn down in reverse after the run."""

from __future__ import annotations

import pytest

from dagster import (
    Field,
    Int,
    ModeDefinition,
    execute_pipeline,
    pipeline,
    resource,
    solid,
)
from dagster.core.errors import DagsterUnknownResourceError

from .helpers import quiet, summary


def tracked_resource(name: str, log: list, fail_teardown: bool = False):
    @resource(config=Field(Int, is_required=False, default_value=0))
    def _resource(init_context):
        log.append(f"init {name} {init_context.resource_config}")
        yield f"{name}-value"
        log.append(f"teardown {name}")
        if fail_teardown:
            raise RuntimeError(f"{name} teardown broke")

    return _resource


def build(log, fail_step=False, fail_teardown=False):
    @solid(required_resource_keys={"a", "b"})
    def use(context):
        log.append(f"use {context.resources.a} {context.resources.b}")
        if fail_step:
            raise ValueError("step failed")
        return 1

    mode = ModeDefinition(
        resource_defs={
            "b": tracked_resource("b", log, fail_teardown=fail_teardown),
            "a": tracked_resource("a", log),
            "unused": tracked_resource("unused", log),
        }
    )

    @pipeline(mode_defs=[mode])
    def p():
        use()

    return p


def test_teardown_runs_after_the_steps_in_reverse_order(instance):
    log = []
    result = execute_pipeline(build(log), quiet({"resources": {"a": {"config": 5}}}), instance=instance)
    assert result.success
    assert log == ["init a 5", "init b 0", "use a-value b-value", "teardown b", "teardown a"]
    rows = summary(result.event_list)
    assert rows[:3] == [
        ("ENGINE_EVENT", None, "Starting initialization of resources [a,b]."),
        ("ENGINE_EVENT", None, "Finished initialization of resources [a,b]."),
        ("PIPELINE_START", None, 'Started execution of pipeline "p".'),
    ]
    assert rows[-1][0] == "PIPELINE_SUCCESS"


def test_teardown_runs_when_the_run_fails_even_with_raise_on_error(instance):
    log = []
    with pytest.raises(ValueError, match="step failed"):
        execute_pipeline(build(log, fail_step=True), quiet(), instance=instance)
    assert log[-2:] == ["teardown b", "teardown a"]

    log.clear()
    result = execute_pipeline(build(log, fail_step=True), quiet(), instance=instance, raise_on_error=False)
    assert not result.success
    assert log[-2:] == ["teardown b", "teardown a"]


def test_failing_teardown_is_reported_and_the_others_still_run(instance):
    log = []
    result = execute_pipeline(build(log, fail_teardown=True), quiet(), instance=instance)
    assert log[-2:] == ["teardown b", "teardown a"]
    last = result.event_list[-1]
    assert last.event_type_value == "ENGINE_EVENT"
    assert last.message == "Teardown of resources [b] failed."
    assert last.engine_event_data.error.message == "RuntimeError: b teardown broke\n"


def test_undeclared_resource_access_is_an_actionable_error(instance):
    @solid(required_resource_keys={"a"})
    def peek(context):
        return context.resources.b

    mode = ModeDefinition(resource_defs={"a": tracked_resource("a", []), "b": tracked_resource("b", [])})

    @pipeline(mode_defs=[mode])
    def p():
        peek()

    with pytest.raises(DagsterUnknownResourceError, match="Unknown resource `b`"):
        execute_pipeline(p, quiet(), instance=instance)


def test_interrupt_marks_the_run_failed_and_tears_resources_down(instance):
    from dagster.core.storage.pipeline_run import PipelineRunStatus

    log = []

    @solid(required_resource_keys={"a"})
    def interrupted(_):
        raise KeyboardInterrupt

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"a": tracked_resource("a", log)})])
    def p():
        interrupted()

    with pytest.raises(KeyboardInterrupt):
        execute_pipeline(p, quiet(), instance=instance, raise_on_error=False)
    assert log == ["init a 0", "teardown a"]
    (run,) = instance.get_runs()
    assert run.status == PipelineRunStatus.FAILURE
    stored = [r.dagster_event for r in instance.all_logs(run.run_id) if r.dagster_event]
    assert [e.event_type_value for e in stored][-2:] == ["ENGINE_EVENT", "PIPELINE_FAILURE"]
    assert stored[-2].message == "The run was interrupted (KeyboardInterrupt)."
