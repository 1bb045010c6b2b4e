"""Values a system storage cannot write or read fail their step, with a message naming the step, the
output and the file, not the whole run with a bare pickle error."""

from __future__ import annotations

import json
import os
import threading

import pytest

from dagster import (
    DagsterType,
    InputDefinition,
    OutputDefinition,
    RunConfig,
    SerializationStrategy,
    execute_pipeline,
    pipeline,
    solid,
)
from dagster.core.instance import DagsterInstance
from dagster.core.storage.intermediates_manager import DagsterIntermediateStorageError

FS = {"storage": {"filesystem": {}}}


@solid(output_defs=[OutputDefinition(name="lock_out")])
def emit_lock(_):
    return threading.Lock()


@solid
def emit_number(_):
    return 3


@solid
def add_one(_, number):
    return number + 1


@pipeline
def lock_pipeline():
    emit_lock()
    add_one(emit_number())


@pytest.fixture
def instance(tmp_path):
    return DagsterInstance.local_temp(str(tmp_path / "home"))


def _step_failures(result):
    return {
        event.step_key: event.event_specific_data.error
        for event in result.event_list
        if event.is_step_failure
    }


def test_an_unpicklable_output_fails_its_step_and_names_output_and_step(instance):
    result = execute_pipeline(lock_pipeline, environment_dict=FS, instance=instance, raise_on_error=False)

    assert not result.success
    assert result.result_for_solid("add_one").output_value() == 4  # the other steps still ran
    error = _step_failures(result)["emit_lock.compute"]
    path = os.path.join(
        instance.root_directory, "storage", result.run_id, "intermediates", "emit_lock.compute"
    )
    assert error.cls_name == "DagsterIntermediateStorageError"
    assert error.message.startswith(
        "dagster.core.storage.intermediates_manager.DagsterIntermediateStorageError: Could not store output "
        f'"lock_out" of step "emit_lock.compute" (type "Any", serialization strategy "pickle") at '
        f"file://{path}/lock_out: TypeError: cannot pickle '_thread.lock' object. Return a value"
    )
    assert error.cause.cls_name == "TypeError"
    assert os.listdir(path) == []  # no partial file, no temp file left behind
    assert instance.get_run_by_id(result.run_id).status.value == "FAILURE"


def test_an_unpicklable_output_raises_the_named_error_under_raise_on_error(instance):
    with pytest.raises(
        DagsterIntermediateStorageError, match='output "lock_out" of step "emit_lock.compute"'
    ) as info:
        execute_pipeline(lock_pipeline, environment_dict=FS, instance=instance)
    assert isinstance(info.value.user_exception, TypeError)
    assert isinstance(info.value.__cause__, TypeError)


@pipeline
def number_pipeline():
    add_one(emit_number())


def test_a_damaged_stored_value_fails_the_reading_step_in_re_execution(instance):
    first = execute_pipeline(number_pipeline, environment_dict=FS, instance=instance)
    stored = os.path.join(
        instance.root_directory, "storage", first.run_id, "intermediates", "emit_number.compute", "result"
    )
    with open(stored, "wb") as damaged:
        damaged.write(b"\x80\x05not a pickle")

    again = execute_pipeline(
        number_pipeline,
        environment_dict=FS,
        instance=instance,
        run_config=RunConfig(previous_run_id=first.run_id, step_keys_to_execute=["add_one.compute"]),
        raise_on_error=False,
    )

    assert not again.success
    error = _step_failures(again)["add_one.compute"]
    copied = os.path.join(
        instance.root_directory, "storage", again.run_id, "intermediates", "emit_number.compute", "result"
    )
    assert error.cls_name == "DagsterIntermediateStorageError"
    assert (
        f'Could not read output "result" of step "emit_number.compute" (type "Any", serialization strategy '
        f'"pickle") at file://{copied}: UnpicklingError:'
    ) in error.message
    assert 'execute step "emit_number.compute" again' in error.message


class AsciiOnly(SerializationStrategy):
    def __init__(self):
        super().__init__("ascii_json", write_mode="w", read_mode="r", encoding="ascii")

    def serialize(self, value, write_file_obj):
        write_file_obj.write(json.dumps(value, ensure_ascii=False))

    def deserialize(self, read_file_obj):
        return json.loads(read_file_obj.read())


AsciiDict = DagsterType(
    name="AsciiDict",
    type_check_fn=lambda _, value: isinstance(value, dict),
    serialization_strategy=AsciiOnly(),
)


@solid(output_defs=[OutputDefinition(AsciiDict)])
def emit_text(_):
    return {"city": "Zürich"}


@solid(input_defs=[InputDefinition("text", AsciiDict)])
def read_text(_, text):
    return text


@pipeline
def text_pipeline():
    read_text(emit_text())


def test_a_custom_strategy_that_raises_names_itself_and_leaves_no_file(instance):
    result = execute_pipeline(text_pipeline, environment_dict=FS, instance=instance, raise_on_error=False)

    error = _step_failures(result)["emit_text.compute"]
    assert (
        'Could not store output "result" of step "emit_text.compute" (type "AsciiDict", serialization '
        'strategy "ascii_json")'
    ) in error.message
    assert "UnicodeEncodeError" in error.message
    directory = os.path.join(
        instance.root_directory, "storage", result.run_id, "intermediates", "emit_text.compute"
    )
    assert os.listdir(directory) == []
    assert result.result_for_solid("read_text").skipped


def test_in_memory_storage_keeps_unpicklable_values(instance):
    result = execute_pipeline(lock_pipeline, instance=instance)
    assert result.success
    assert type(result.result_for_solid("emit_lock").output_value("lock_out")) is type(threading.Lock())


def test_a_storage_directory_that_cannot_be_made_fails_the_step_and_says_so(instance, tmp_path):
    not_a_directory = tmp_path / "a_file"
    not_a_directory.write_text("in the way")
    storage = {"storage": {"filesystem": {"config": {"base_dir": str(not_a_directory)}}}}

    result = execute_pipeline(
        number_pipeline, environment_dict=storage, instance=instance, raise_on_error=False
    )

    error = _step_failures(result)["emit_number.compute"]
    assert error.cls_name == "DagsterIntermediateStorageError"
    assert 'Could not store output "result" of step "emit_number.compute"' in error.message
    assert (
        f"at file://{not_a_directory}/storage/{result.run_id}/intermediates/emit_number.compute/result: "
        in (error.message)
    )
    assert error.message.endswith(
        "Check that the storage directory can be created and written to, and has free space.\n"
    )
    assert not_a_directory.read_text() == "in the way"
