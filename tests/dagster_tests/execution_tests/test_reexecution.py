"""Re-execution with filesystem storage reuses the outputs stored by the previous run."""

from __future__ import annotations

import logging
import os

import pytest

from dagster import RunConfig, execute_pipeline, lambda_solid, pipeline
from dagster.core.errors import DagsterInvariantViolationError, DagsterRunNotFoundError
from dagster.core.instance import DagsterInstance
from dagster.core.storage.tags import PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG

from .helpers import quiet, types_of

CALLS: list[str] = []


@lambda_solid
def load():
    CALLS.append("load")
    return [1, 2, 3]


@lambda_solid
def transform(rows):
    CALLS.append("transform")
    if os.environ.get("TRANSFORM_BROKEN"):
        raise ValueError("transform is broken")
    return [row * 10 for row in rows]


@pipeline
def etl():
    transform(load())


FS = {"storage": {"filesystem": {}}}


@pytest.fixture
def persistent_instance(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    yield instance
    instance.dispose()


def test_reexecution_reuses_stored_outputs(persistent_instance, monkeypatch):
    instance = persistent_instance
    CALLS.clear()
    monkeypatch.setenv("TRANSFORM_BROKEN", "1")
    first = execute_pipeline(etl, quiet(FS), instance=instance, raise_on_error=False)
    assert not first.success
    assert CALLS == ["load", "transform"]
    stored = os.path.join(
        instance.intermediates_directory(first.run_id), "intermediates", "load.compute", "result"
    )
    assert os.path.exists(stored)

    monkeypatch.delenv("TRANSFORM_BROKEN")
    CALLS.clear()
    second = execute_pipeline(
        etl,
        quiet(FS),
        run_config=RunConfig(previous_run_id=first.run_id, step_keys_to_execute=["transform.compute"]),
        instance=instance,
    )
    assert second.success
    assert CALLS == ["transform"]
    assert second.result_for_solid("transform").output_value() == [10, 20, 30]
    types = types_of(second.event_list)
    assert types[:2] == ["PIPELINE_START", "OBJECT_STORE_OPERATION"]
    copy_event = second.event_list[1]
    assert copy_event.event_specific_data.op == "CP_OBJECT"
    assert "load.compute" not in {e.step_key for e in second.event_list if e.event_type_value == "STEP_START"}

    run = instance.get_run_by_id(second.run_id)
    assert run.parent_run_id == first.run_id and run.root_run_id == first.run_id
    assert run.tags[PARENT_RUN_ID_TAG] == first.run_id and run.tags[ROOT_RUN_ID_TAG] == first.run_id
    assert run.step_keys_to_execute == ["transform.compute"]

    third = execute_pipeline(
        etl,
        quiet(FS),
        run_config=RunConfig(previous_run_id=second.run_id, step_keys_to_execute=["transform.compute"]),
        instance=instance,
    )
    assert instance.get_run_by_id(third.run_id).root_run_id == first.run_id


def test_reexecution_needs_a_known_run_and_persistent_storage(persistent_instance):
    with pytest.raises(DagsterRunNotFoundError, match="no such run"):
        execute_pipeline(
            etl, quiet(FS), run_config=RunConfig(previous_run_id="nope"), instance=persistent_instance
        )
    first = execute_pipeline(etl, quiet(FS), instance=persistent_instance)
    with pytest.raises(DagsterInvariantViolationError, match="in-memory system storage"):
        execute_pipeline(
            etl,
            quiet(),
            run_config=RunConfig(previous_run_id=first.run_id, step_keys_to_execute=["transform.compute"]),
            instance=persistent_instance,
        )


def test_each_step_runs_inside_its_compute_log_capture(persistent_instance):
    import sys

    from dagster.core.storage.compute_log_manager import ComputeIOType

    @lambda_solid
    def chatty():
        print("to stdout from chatty")
        print("to stderr from chatty", file=sys.stderr)
        return 1

    @lambda_solid
    def quiet_one(num):
        print(f"quiet got {num}")
        return num

    @pipeline
    def talk():
        quiet_one(chatty())

    result = execute_pipeline(talk, quiet(), instance=persistent_instance)
    manager = persistent_instance.compute_log_manager
    out = manager.read_logs_file(result.run_id, "chatty.compute", ComputeIOType.STDOUT)
    err = manager.read_logs_file(result.run_id, "chatty.compute", ComputeIOType.STDERR)
    assert "to stdout from chatty" in out.data and "to stderr from chatty" in err.data
    assert "quiet got" not in out.data
    second = manager.read_logs_file(result.run_id, "quiet_one.compute", ComputeIOType.STDOUT)
    assert second.data.strip() == "quiet got 1"
    assert manager.is_watch_completed(result.run_id, "chatty.compute")


@lambda_solid
def publish(rows):
    CALLS.append("publish")
    return sum(rows)


@pipeline
def etl_and_publish():
    publish(transform(load()))


def _step_starts(result):
    return [event.step_key for event in result.event_list if event.event_type_value == "STEP_START"]


def _reexecute(instance, previous_run_id, step_keys):
    return execute_pipeline(
        etl_and_publish,
        quiet(FS),
        run_config=RunConfig(previous_run_id=previous_run_id, step_keys_to_execute=step_keys),
        instance=instance,
    )


def test_an_output_the_previous_run_did_not_store_is_copied_from_its_ancestors(persistent_instance):
    instance = persistent_instance
    full = execute_pipeline(etl_and_publish, quiet(FS), instance=instance)
    only_publish = _reexecute(instance, full.run_id, ["publish.compute"])
    assert _step_starts(only_publish) == ["publish.compute"]

    # The last run stored transform's output (copied) but not load's: load's comes from the root run.
    CALLS.clear()
    wider = _reexecute(instance, only_publish.run_id, ["transform.compute", "publish.compute"])
    assert wider.success
    assert CALLS == ["transform", "publish"]
    assert _step_starts(wider) == ["transform.compute", "publish.compute"]
    assert wider.result_for_solid("publish").output_value() == 60
    assert not [event for event in wider.event_list if event.event_type_value == "STEP_SKIPPED"]


def test_an_output_no_ancestor_stored_skips_the_step_and_names_the_runs_searched(persistent_instance):
    instance = persistent_instance
    full = execute_pipeline(etl_and_publish, quiet(FS), instance=instance)
    os.remove(
        os.path.join(instance.intermediates_directory(full.run_id), "intermediates", "load.compute", "result")
    )
    only_publish = _reexecute(instance, full.run_id, ["publish.compute"])
    wider = _reexecute(instance, only_publish.run_id, ["transform.compute", "publish.compute"])
    assert [event.step_key for event in wider.event_list if event.event_type_value == "STEP_SKIPPED"] == [
        "transform.compute",
        "publish.compute",
    ]
    warnings = [
        record.user_message
        for record in instance.all_logs(wider.run_id)
        if record.dagster_event is None and record.level == logging.WARNING
    ]
    assert any(
        f"run {only_publish.run_id}" in message
        and f"Its ancestors {full.run_id} did not store it either." in message
        for message in warnings
    ), warnings
