"""Config-driven behaviour (solid config, inputs and outputs config, composites, modes, presets) and
what a compute function sees on its context."""

from __future__ import annotations

import json

import pytest

from dagster import (
    Field,
    InputDefinition,
    Int,
    ModeDefinition,
    OutputDefinition,
    PresetDefinition,
    String,
    composite_solid,
    execute_pipeline,
    lambda_solid,
    pipeline,
    resource,
    solid,
)
from dagster.core.errors import DagsterInvalidConfigError, DagsterInvariantViolationError

from .helpers import quiet, summary


@solid(config={"factor": Int}, input_defs=[InputDefinition("num", Int)], output_defs=[OutputDefinition(Int)])
def scale(context, num):
    return num * context.solid_config["factor"]


def test_solid_config_and_outputs_materialized_from_config(instance, tmp_path):
    @pipeline
    def p():
        scale()

    out = tmp_path / "out.json"
    config = quiet(
        {
            "solids": {
                "scale": {
                    "config": {"factor": 3},
                    "inputs": {"num": {"value": 5}},
                    "outputs": [{"result": {"json": {"path": str(out)}}}],
                }
            }
        }
    )
    result = execute_pipeline(p, config, instance=instance)
    assert result.result_for_solid("scale").output_value() == 15
    assert json.loads(out.read_text()) == {"value": 15}
    rows = summary(result.event_list)
    output_index = [row[0] for row in rows].index("STEP_OUTPUT")
    assert rows[output_index + 1][0] == "STEP_MATERIALIZATION"
    assert result.result_for_solid("scale").materializations_during_compute[0].label == "out.json"


def test_input_hydration_error_names_the_config_path(instance, tmp_path):
    @pipeline
    def p():
        scale()

    missing = tmp_path / "missing.json"
    config = quiet(
        {"solids": {"scale": {"config": {"factor": 1}, "inputs": {"num": {"json": {"path": str(missing)}}}}}}
    )
    result = execute_pipeline(p, config, instance=instance, raise_on_error=False)
    assert not result.success
    error = result.result_for_solid("scale").failure_data.error
    assert error.cls_name == "DagsterInputHydrationConfigError"
    assert 'loading input "num" of step "scale.compute"' in error.message
    assert "solids:scale:inputs:num" in error.message
    assert error.cause.cls_name == "FileNotFoundError"


def test_bad_config_raises_before_a_run_exists(instance):
    @pipeline
    def p():
        scale()

    with pytest.raises(DagsterInvalidConfigError, match="Error in config for pipeline p"):
        execute_pipeline(p, quiet({"solids": {"scale": {"config": {"factor": "x"}}}}), instance=instance)
    assert instance.get_runs() == []


@lambda_solid(input_defs=[InputDefinition("text", String)])
def shout(text):
    return text.upper()


@composite_solid(input_defs=[InputDefinition("text", String)])
def loud(text):
    return shout(text)


def test_composite_input_from_config(instance):
    @pipeline
    def p():
        loud()

    result = execute_pipeline(p, quiet({"solids": {"loud": {"inputs": {"text": "hi"}}}}), instance=instance)
    assert result.result_for_solid("loud").output_value() == "HI"


@solid(config=Field(Int))
def configured_leaf(context):
    return context.solid_config


@composite_solid(config={"base": Int}, config_fn=lambda cfg: {"configured_leaf": {"config": cfg["base"] * 2}})
def mapped():
    return configured_leaf()


def test_composite_config_mapping_reaches_the_leaf(instance):
    @pipeline
    def p():
        mapped()

    result = execute_pipeline(p, quiet({"solids": {"mapped": {"config": {"base": 21}}}}), instance=instance)
    assert result.result_for_handle("mapped.configured_leaf").output_value() == 42


@resource
def greeting(_):
    return "hello"


@resource
def other_greeting(_):
    return "bonjour"


@solid(required_resource_keys={"greeting"})
def greet(context):
    return context.resources.greeting


modes = [
    ModeDefinition("en", resource_defs={"greeting": greeting}),
    ModeDefinition("fr", resource_defs={"greeting": other_greeting}),
]


@pipeline(mode_defs=modes, preset_defs=[PresetDefinition("french", environment_dict=quiet(), mode="fr")])
def multi_mode():
    greet()


def test_modes_and_presets(instance):
    assert (
        execute_pipeline(multi_mode, quiet(), mode="fr", instance=instance)
        .result_for_solid("greet")
        .output_value()
        == "bonjour"
    )
    assert (
        execute_pipeline(multi_mode, preset="french", instance=instance)
        .result_for_solid("greet")
        .output_value()
        == "bonjour"
    )
    with pytest.raises(DagsterInvariantViolationError, match="has several modes"):
        execute_pipeline(multi_mode, quiet(), instance=instance)
    with pytest.raises(DagsterInvariantViolationError, match='has no mode "de"'):
        execute_pipeline(multi_mode, quiet(), mode="de", instance=instance)
    with pytest.raises(DagsterInvariantViolationError, match="Pass only one of them"):
        execute_pipeline(multi_mode, mode="fr", preset="french", instance=instance)


def test_context_exposes_run_solid_and_tags(instance):
    seen = {}

    @solid
    def inspect_context(context):
        seen["run_id"] = context.run_id
        seen["solid"] = context.solid.name
        seen["handle"] = context.solid_handle.to_string()
        seen["definition"] = context.solid_def.name
        seen["pipeline"] = context.pipeline_def.name
        seen["mode"] = context.mode_def.name
        seen["tag"] = context.get_tag("owner")
        seen["has_missing_tag"] = context.has_tag("missing")
        seen["environment_dict"] = context.environment_dict
        seen["file_manager"] = context.file_manager is not None

    @pipeline
    def p():
        inspect_context()

    result = execute_pipeline(p, quiet(), tags={"owner": "ana"}, instance=instance)
    assert seen == {
        "run_id": result.run_id,
        "solid": "inspect_context",
        "handle": "inspect_context",
        "definition": "inspect_context",
        "pipeline": "p",
        "mode": "default",
        "tag": "ana",
        "has_missing_tag": False,
        "environment_dict": quiet(),
        "file_manager": True,
    }
