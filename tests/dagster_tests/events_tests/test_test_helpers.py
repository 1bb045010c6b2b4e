"""dagster.utils.test: execute_solid, execute_solid(s)_within_pipeline, check_dagster_type, temp paths."""

from __future__ import annotations

import logging
import os

import pytest

from dagster import (
    DagsterInvariantViolationError,
    Field,
    InputDefinition,
    List,
    ModeDefinition,
    OutputDefinition,
    PresetDefinition,
    composite_solid,
    lambda_solid,
    pipeline,
    resource,
    solid,
)
from dagster.core.definitions.dependency import DependencyDefinition, SolidInvocation
from dagster.core.definitions.events import Failure, TypeCheck
from dagster.core.definitions.pipeline import PipelineDefinition
from dagster.core.execution.context.system import SystemPipelineExecutionContext
from dagster.core.execution.results import CompositeSolidExecutionResult, SolidExecutionResult
from dagster.core.instance import DagsterInstance
from dagster.core.types.dagster_type import DagsterType
from dagster.utils.log import define_structured_logger
from dagster.utils.test import (
    check_dagster_type,
    create_test_pipeline_execution_context,
    execute_solid,
    execute_solid_within_pipeline,
    execute_solids_within_pipeline,
    get_temp_dir,
    get_temp_file_name,
    get_temp_file_names,
    yield_empty_pipeline_context,
)


@solid(config=Field(int, is_required=False, default_value=1))
def add(context, left: int, right: int) -> int:
    return left + right + context.solid_config - 1


@lambda_solid
def one() -> int:
    return 1


@lambda_solid
def double(num: int) -> int:
    return num * 2


@pipeline(
    preset_defs=[PresetDefinition("bump", {"solids": {"add_them": {"config": 11}}})],
)
def math():
    add.alias("add_them")(one(), double(one.alias("other_one")()))


def test_execute_solid_with_inputs_and_config():
    result = execute_solid(
        add,
        input_values={"left": 2, "right": 3},
        environment_dict={"solids": {"add": {"config": 5}}},
    )
    assert isinstance(result, SolidExecutionResult)
    assert result.success
    assert result.output_value() == 9


def test_execute_solid_with_resources_and_tags():
    @resource
    def number(_init_context):
        return 40

    @solid(required_resource_keys={"number"})
    def use_number(context) -> int:
        assert context.get_tag("team") == "data"
        return context.resources.number + 2

    result = execute_solid(
        use_number, mode_def=ModeDefinition(resource_defs={"number": number}), tags={"team": "data"}
    )
    assert result.output_value() == 42


def test_execute_solid_composite():
    @composite_solid(output_defs=[OutputDefinition(int)])
    def doubled_twice(num: int):
        return double.alias("second")(double.alias("first")(num))

    result = execute_solid(doubled_twice, input_values={"num": 3})
    assert isinstance(result, CompositeSolidExecutionResult)
    assert result.output_value() == 12


def test_execute_solid_failure_without_raising():
    @solid
    def broken(_context):
        raise Failure("nope")

    result = execute_solid(broken, raise_on_error=False)
    assert not result.success
    assert result.failure_data.user_failure_data.description == "nope"
    with pytest.raises(Failure):
        execute_solid(broken)


def test_execute_solid_rejects_unknown_inputs():
    with pytest.raises(DagsterInvariantViolationError, match='input "middle", which solid "add"'):
        execute_solid(add, input_values={"middle": 1})


def test_execute_solid_within_pipeline_stubs_inputs():
    result = execute_solid_within_pipeline(math, "add_them", inputs={"left": 10, "right": 20})
    assert result.output_value() == 30
    assert execute_solid_within_pipeline(math, "double", inputs={"num": 4}).output_value() == 8


def test_execute_solids_within_pipeline_keeps_internal_dependencies():
    results = execute_solids_within_pipeline(
        math, ["other_one", "double", "add_them"], inputs={"add_them": {"left": 100}}
    )
    assert set(results) == {"other_one", "double", "add_them"}
    assert results["add_them"].output_value() == 102


def test_within_pipeline_with_preset():
    result = execute_solid_within_pipeline(math, "add_them", inputs={"left": 1, "right": 1}, preset="bump")
    assert result.output_value() == 12
    with pytest.raises(DagsterInvariantViolationError, match="do not also pass environment_dict"):
        execute_solid_within_pipeline(
            math, "add_them", preset="bump", environment_dict={"solids": {}}, inputs={"left": 1}
        )


def test_within_pipeline_errors_name_the_problem():
    with pytest.raises(DagsterInvariantViolationError, match='solid "one"'):
        execute_solids_within_pipeline(math, ["double"], inputs={"one": {"x": 1}})
    with pytest.raises(DagsterInvariantViolationError, match='input "x" of solid "double"'):
        execute_solid_within_pipeline(math, "double", inputs={"x": 1})


def test_aliased_solids_keep_their_definitions():
    pipeline_def = PipelineDefinition(
        solid_defs=[one, double],
        name="aliased",
        dependencies={
            SolidInvocation("double", "twice"): {"num": DependencyDefinition("one")},
        },
    )
    results = execute_solids_within_pipeline(pipeline_def, ["twice"], inputs={"twice": {"num": 7}})
    assert results["twice"].output_value() == 14


def test_check_dagster_type():
    assert check_dagster_type(int, 1).success
    failed = check_dagster_type(int, "a")
    assert isinstance(failed, TypeCheck) and not failed.success
    assert check_dagster_type(List[int], [1, 2]).success

    def raise_failure(_context, _value):
        raise Failure(description="always fails")

    failing_type = DagsterType(raise_failure, name="AlwaysFails")
    assert check_dagster_type(failing_type, 1) == TypeCheck(success=False, description="always fails")

    with pytest.raises(DagsterInvariantViolationError, match="does not take typing types"):
        check_dagster_type(list[int], [1])


def test_create_test_pipeline_execution_context_logs_to_given_loggers():
    messages = []
    context = create_test_pipeline_execution_context(
        {"test": define_structured_logger("test", messages.append, logging.DEBUG)}
    )
    assert isinstance(context, SystemPipelineExecutionContext)
    context.log.info("hello")
    assert [m.meta["orig_message"] for m in messages] == ["hello"]


def test_temp_paths():
    with get_temp_dir() as temp_dir:
        assert os.path.isdir(temp_dir)
        with open(os.path.join(temp_dir, "f"), "w") as handle:
            handle.write("x")
    assert not os.path.exists(temp_dir)
    with get_temp_file_name() as name:
        assert os.path.isfile(name)
    assert not os.path.exists(name)
    with get_temp_file_names(2) as names:
        assert len(set(names)) == 2 and all(os.path.isfile(n) for n in names)
    assert not any(os.path.exists(n) for n in names)


def test_input_definition_types_are_checked_through_stubs():
    @solid(input_defs=[InputDefinition("text", str)])
    def shout(_context, text):
        return text.upper()

    assert execute_solid(shout, input_values={"text": "hi"}).output_value() == "HI"
    failed = execute_solid(shout, input_values={"text": 3}, raise_on_error=False)
    assert not failed.success


def test_yield_empty_pipeline_context_uses_run_id_and_instance():
    instance = DagsterInstance.ephemeral()
    with yield_empty_pipeline_context(run_id="fixed-run", instance=instance) as context:
        assert context.run_id == "fixed-run"
        context.log.info("inside")
    assert [r.user_message for r in instance.all_logs("fixed-run")] == ["inside"]
