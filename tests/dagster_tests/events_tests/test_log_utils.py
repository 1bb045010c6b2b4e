"""dagster.utils.log: the structured (callback) logger and the JSON-lines file logger."""

from __future__ import annotations

import json
import logging

from dagster.core.definitions.logger import LoggerDefinition
from dagster.core.events import DagsterEvent
from dagster.core.log_manager import DagsterLogManager
from dagster.utils.log import define_json_file_logger, define_structured_logger


def test_structured_logger_receives_messages_with_meta():
    received = []
    definition = define_structured_logger("cb", received.append, logging.INFO)
    assert isinstance(definition, LoggerDefinition)
    python_logger = definition.logger_fn(None)
    manager = DagsterLogManager("run", {"pipeline": "p", "solid": "s"}, [python_logger])
    manager.debug("too quiet")
    manager.info("hello", extra_key=1)
    assert len(received) == 1
    message = received[0]
    assert message.name == "cb" and message.level == logging.INFO
    assert message.message.startswith("p - run - hello")
    assert message.meta["orig_message"] == "hello"
    assert message.meta["solid"] == "s" and message.meta["extra_key"] == 1
    assert message.meta["run_id"] == "run"


def test_json_file_logger_appends_lines(tmp_path):
    path = tmp_path / "log.jsonl"
    python_logger = define_json_file_logger("jf", str(path), "DEBUG").logger_fn(None)
    manager = DagsterLogManager("run", {"pipeline": "p"}, [python_logger])
    manager.warning("first")
    manager.log_dagster_event(DagsterEvent("PIPELINE_START", "p", message="Started."))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["orig_message"] for line in lines] == ["first", "Started."]
    assert lines[0]["levelname"] == "WARNING" and lines[0]["name"] == "jf"
    assert lines[1]["dagster_event"]["__class__"] == "DagsterEvent"
    assert lines[1]["dagster_event"]["event_type_value"] == "PIPELINE_START"


def test_construct_event_logger_is_a_logger_definition_for_modes():
    from collections import defaultdict

    from dagster import ModeDefinition, PipelineDefinition, execute_pipeline, lambda_solid
    from dagster.core.events.log import EventRecord, construct_event_logger

    events = defaultdict(list)

    def callback(record):
        assert isinstance(record, EventRecord)
        if record.is_dagster_event:
            events[record.dagster_event.event_type_value].append(record)

    @lambda_solid
    def noop():
        return None

    pipeline_def = PipelineDefinition(
        name="callback_pipeline",
        solid_defs=[noop],
        mode_defs=[ModeDefinition(logger_defs={"callback": construct_event_logger(callback)})],
    )
    result = execute_pipeline(pipeline_def, {"loggers": {"callback": {}}})
    assert result.success
    assert len(events["PIPELINE_START"]) == 1 and len(events["PIPELINE_SUCCESS"]) == 1
    assert len(events["STEP_SUCCESS"]) == 1
    assert events["STEP_START"][0].step_key == "noop.compute"


def test_json_file_logger_writes_unserializable_values_as_repr(tmp_path):
    path = tmp_path / "log.jsonl"
    python_logger = define_json_file_logger("jf", str(path), logging.INFO).logger_fn(None)
    marker = object()
    DagsterLogManager("run", {}, [python_logger]).info("with object", thing=marker)
    (line,) = [json.loads(text) for text in path.read_text().splitlines()]
    assert line["thing"] == repr(marker)
