"""Types at work in real pipeline runs: inputs hydrated from run config, outputs materialized where
run config says, annotations resolved, and failed type checks stopping the step."""

from __future__ import annotations

import json
import pickle
import typing

import pytest

from dagster import (
    DagsterInvalidConfigError,
    DagsterTypeCheckDidNotPass,
    Materialization,
    execute_pipeline,
    pipeline,
    solid,
)
from dagster.core.types.config_schema import input_hydration_config, output_materialization_config
from dagster.core.types.decorator import usable_as_dagster_type


def test_scalar_input_from_json_file_and_output_to_pickle(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"value": 41}))
    target = str(tmp_path / "out.pkl")

    @solid
    def add_one(context, num: int) -> int:
        return num + 1

    @pipeline
    def adder():
        add_one()

    result = execute_pipeline(
        adder,
        environment_dict={
            "solids": {
                "add_one": {
                    "inputs": {"num": {"json": {"path": str(source)}}},
                    "outputs": [{"result": {"pickle": {"path": target}}}],
                }
            }
        },
    )
    assert result.success
    with open(target, "rb") as pickle_file:
        assert pickle.load(pickle_file) == 42
    materializations = [
        event.event_specific_data.materialization
        for event in result.event_list
        if event.event_type_value == "STEP_MATERIALIZATION"
    ]
    assert materializations == [Materialization.file(target)]


def test_list_input_from_config_and_annotation_resolution():
    @solid
    def total(context, numbers: typing.List[int]) -> int:  # noqa: UP006 - the typing form users write
        return sum(numbers)

    @pipeline
    def summing():
        total()

    result = execute_pipeline(
        summing, environment_dict={"solids": {"total": {"inputs": {"numbers": [1, {"value": 2}, 3]}}}}
    )
    assert result.success
    assert result.result_for_solid("total").output_value() == 6


def test_bad_input_config_is_a_config_error():
    @solid
    def echo(context, word: str) -> str:
        return word

    @pipeline
    def echoing():
        echo()

    with pytest.raises(DagsterInvalidConfigError):
        execute_pipeline(echoing, environment_dict={"solids": {"echo": {"inputs": {"word": 3}}}})


def test_failed_output_type_check_fails_the_step():
    @solid
    def wrong(context) -> int:
        return "not an int"

    @pipeline
    def wrong_pipeline():
        wrong()

    with pytest.raises(DagsterTypeCheckDidNotPass) as exc_info:
        execute_pipeline(wrong_pipeline)
    assert 'Value "not an int" of python type "str" must be an int.' in str(exc_info.value)
    result = execute_pipeline(wrong_pipeline, raise_on_error=False)
    assert not result.success


@input_hydration_config({"words": [str]})
def load_sentence(context, config_value):
    return Sentence(config_value["words"])


@output_materialization_config({"path": str})
def write_sentence(context, config_value, runtime_value):
    with open(config_value["path"], "w") as out:
        out.write(" ".join(runtime_value.words))
    return Materialization.file(config_value["path"], description="a sentence")


@usable_as_dagster_type(input_hydration_config=load_sentence, output_materialization_config=write_sentence)
class Sentence:
    def __init__(self, words):
        self.words = list(words)


def test_user_type_with_hydration_and_materialization(tmp_path):
    @solid
    def shout(context, sentence: Sentence) -> Sentence:
        return Sentence(word.upper() for word in sentence.words)

    @pipeline
    def shouting():
        shout()

    target = tmp_path / "sentence.txt"
    result = execute_pipeline(
        shouting,
        environment_dict={
            "solids": {
                "shout": {
                    "inputs": {"sentence": {"words": ["hello", "there"]}},
                    "outputs": [{"result": {"path": str(target)}}],
                }
            }
        },
    )
    assert result.success
    assert target.read_text() == "HELLO THERE"
    assert result.result_for_solid("shout").output_value().words == ["HELLO", "THERE"]
