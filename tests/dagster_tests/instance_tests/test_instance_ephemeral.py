from __future__ import annotations

import logging

import pytest

from dagster.core.errors import DagsterInvariantViolationError, DagsterRunConflict
from dagster.core.events import DagsterEventType, EngineEventData
from dagster.core.instance import DagsterInstance, InstanceType
from dagster.core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus
from dagster.utils.error import SerializableErrorInfo


def test_ephemeral_components():
    instance = DagsterInstance.ephemeral()
    assert instance.is_ephemeral and not instance.is_persistent
    assert isinstance(instance.compute_log_manager, NoOpComputeLogManager)
    assert instance.schedule_storage is None and instance.scheduler is None and instance.run_launcher is None
    assert instance.root_directory == DagsterInstance.temp_storage()
    assert instance.intermediates_directory("r1").startswith(instance.root_directory)
    assert instance.file_manager_directory("r1").endswith("/storage/r1/files")
    assert not instance.telemetry_enabled
    with pytest.raises(DagsterInvariantViolationError, match="ephemeral"):
        instance.get_ref()
    assert "run_storage:\n  class: InMemoryRunStorage" in instance.info_str()
    assert InstanceType.EPHEMERAL.value == "EPHEMERAL"


def test_ephemeral_tempdir(tmp_path):
    instance = DagsterInstance.ephemeral(str(tmp_path))
    assert instance.root_directory == str(tmp_path)
    assert instance.intermediates_directory("abc") == f"{tmp_path}/storage/abc/"


def test_runs_and_events_round_trip():
    instance = DagsterInstance.ephemeral()
    run = instance.create_run(pipeline_name="p", tags={"team": "a"})
    other = instance.create_run(pipeline_name="q")
    assert instance.has_run(run.run_id)
    assert instance.get_run_by_id(run.run_id) == run
    assert [r.run_id for r in instance.get_runs()] == [other.run_id, run.run_id]
    assert instance.get_runs_count(PipelineRunsFilter(pipeline_name="p")) == 1
    assert instance.get_run_tags() == [("team", {"a"})]
    instance.add_run_tags(run.run_id, {"extra": "1"})
    assert instance.get_run_by_id(run.run_id).tags == {"team": "a", "extra": "1"}

    seen = []
    instance.add_event_listener(run.run_id, seen.append)
    event = instance.report_engine_event("hello", run, cls=DagsterInstance, step_key="a.compute")
    assert event.message == "[DagsterInstance] hello"
    assert event.event_type == DagsterEventType.ENGINE_EVENT
    (record,) = instance.all_logs(run.run_id)
    assert seen == [record]
    assert record.level == logging.INFO and record.step_key == "a.compute"
    assert record.dagster_event.event_specific_data == EngineEventData([])

    error = SerializableErrorInfo("boom", [], "ValueError")
    instance.report_engine_event("bad", run, EngineEventData(error=error))
    assert instance.all_logs(run.run_id)[1].level == logging.ERROR
    assert instance.logs_after(run.run_id, 0) == instance.all_logs(run.run_id)[1:]

    instance.report_run_failed(run)
    failed = instance.get_run_by_id(run.run_id)
    assert failed.status == PipelineRunStatus.FAILURE
    last = instance.all_logs(run.run_id)[-1]
    assert last.dagster_event.event_type_value == "PIPELINE_FAILURE"
    assert "marked as failed from outside the execution context" in last.message
    assert instance.get_run_stats(run.run_id).end_time == last.timestamp

    instance.delete_run(run.run_id)
    assert not instance.has_run(run.run_id) and instance.all_logs(run.run_id) == []
    instance.wipe()
    assert instance.get_runs() == []


def test_get_or_create_run_conflict():
    instance = DagsterInstance.ephemeral()
    run = instance.get_or_create_run(pipeline_name="p", run_id="r1")
    assert instance.get_or_create_run(pipeline_name="p", run_id="r1") == run
    with pytest.raises(DagsterRunConflict, match="pipeline_name"):
        instance.get_or_create_run(pipeline_name="other", run_id="r1")


def test_launch_without_launcher():
    instance = DagsterInstance.ephemeral()
    run = instance.create_run(pipeline_name="p")
    with pytest.raises(DagsterInvariantViolationError, match="run_launcher"):
        instance.launch_run(run.run_id)


def test_ephemeral_upgrade_has_nothing_to_do():
    lines = []
    DagsterInstance.ephemeral().upgrade(lines.append)
    assert lines == []


def test_get_logger_stores_structured_log_records():
    instance = DagsterInstance.ephemeral()
    logger = instance.get_logger()
    logger.warning(
        "p - r1 - hello",
        extra={"dagster_meta": {"run_id": "r1", "pipeline_name": "p", "orig_message": "hello"}},
    )
    (record,) = instance.all_logs("r1")
    assert type(record).__name__ == "LogMessageRecord"
    assert (record.user_message, record.message, record.level, record.pipeline_name) == (
        "hello",
        "p - r1 - hello",
        logging.WARNING,
        "p",
    )
