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
