"""DagsterLogManager: message format, levels, fan-out to python loggers and to the instance."""

from __future__ import annotations

import logging

import pytest

from dagster import check
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import EventMetadataEntry
from dagster.core.events import (
    DagsterEvent,
    DagsterEventType,
    EngineEventData,
    StepFailureData,
    StepSuccessData,
    UserFailureData,
)
from dagster.core.events.log import DagsterEventRecord, LogMessageRecord, event_record_logger
from dagster.core.log_manager import DagsterLogManager, coerce_valid_log_level
from dagster.utils.error import SerializableErrorInfo

STEP_TAGS = {"pipeline": "p", "solid": "a", "solid_definition": "a_def", "step_key": "a.compute"}


class RecordingInstance:
    """The one method the log manager calls on an instance, backed by a list."""

    def __init__(self):
        self.records = []

    def handle_new_event(self, record):
        self.records.append(record)


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _logger(name, level):
    logger = logging.Logger(name, level)
    handler = ListHandler()
    logger.addHandler(handler)
    return logger, handler


def _step_event(event_type, data=None, message="msg"):
    return DagsterEvent(
        event_type.value,
        "p",
        "a.compute",
        SolidHandle("a", None),
        "COMPUTE",
        STEP_TAGS,
        data,
        message,
    )


def test_plain_message_format_and_record():
    instance = RecordingInstance()
    manager = DagsterLogManager("run1", {"pipeline": "p", "team": "x"}, [], instance=instance)
    record = manager.info("hello", rows=3)
    assert isinstance(record, LogMessageRecord)
    assert instance.records == [record]
    assert record.message == 'p - run1 - hello\n                rows = 3\n                team = "x"'
    assert (record.level, record.user_message, record.run_id, record.pipeline_name) == (
        logging.INFO,
        "hello",
        "run1",
        "p",
    )
    assert record.dagster_event is None and not record.is_dagster_event
    assert isinstance(record.timestamp, float)


def test_message_without_pipeline_tag_says_system():
    manager = DagsterLogManager("123", {}, [], instance=RecordingInstance())
    assert manager.debug("test").message == "system - 123 - test"


def test_step_tags_are_sorted_and_pipeline_is_not_repeated():
    manager = DagsterLogManager("r", STEP_TAGS, [], instance=RecordingInstance())
    assert manager.warning("careful").message.split("\n") == [
        "p - r - careful",
        '               solid = "a"',
        '    solid_definition = "a_def"',
        '            step_key = "a.compute"',
    ]
    assert manager.warning("careful").step_key == "a.compute"


def test_event_message_includes_event_data_as_sorted_object():
    manager = DagsterLogManager("r", STEP_TAGS, [], instance=RecordingInstance())
    record = manager.log_dagster_event(
        _step_event(DagsterEventType.STEP_SUCCESS, StepSuccessData(12.5), "Finished.")
    )
    assert isinstance(record, DagsterEventRecord)
    assert record.level == logging.DEBUG
    assert record.message.split("\n") == [
        "p - r - STEP_SUCCESS - Finished.",
        ' event_specific_data = {"duration_ms": 12.5}',
        '               solid = "a"',
        '    solid_definition = "a_def"',
        '            step_key = "a.compute"',
    ]
    assert record.step_key == "a.compute" and record.pipeline_name == "p"
    assert record.user_message == "Finished."


def test_failure_event_is_error_level_with_error_lines_and_stack():
    error = SerializableErrorInfo("ValueError: boom\n", ["  File x, line 1\n", "    raise\n"], "ValueError")
    failure = StepFailureData(error, UserFailureData("fail", "why", [EventMetadataEntry.text("t", "l")]))
    manager = DagsterLogManager("r", STEP_TAGS, [], instance=RecordingInstance())
    record = manager.log_dagster_event(_step_event(DagsterEventType.STEP_FAILURE, failure, "failed."))
    assert record.level == logging.ERROR
    assert record.message.split("\n") == [
        "p - r - STEP_FAILURE - failed.",
        '            cls_name = "ValueError"',
        '       error_message = "ValueError: boom\\n"',
        '               solid = "a"',
        '    solid_definition = "a_def"',
        '            step_key = "a.compute"',
        '   user_failure_data = {"description": "why", "label": "fail", '
        '"metadata_entries": [["l", null, ["t"]]]}',
        "",
        "ValueError: boom",
        "",
        "  File x, line 1",
        "    raise",
        "",
    ]


def test_engine_error_shows_error_and_remaining_data():
    error = SerializableErrorInfo("Boom\n", [], "Exception")
    event = DagsterEvent(
        "ENGINE_EVENT", "p", event_specific_data=EngineEventData(error=error, marker_end="x"), message="m"
    )
    message = DagsterLogManager("r", {}, [], instance=RecordingInstance()).log_dagster_event(event).message
    assert message.split("\n") == [
        "p - r - ENGINE_EVENT - m",
        '            cls_name = "Exception"',
        '       error_message = "Boom\\n"',
        ' event_specific_data = {"marker_end": "x", "metadata_entries": []}',
        "",
        "Boom",
        "",
        "",
    ]


def test_fan_out_respects_logger_levels_and_carries_the_record():
    instance = RecordingInstance()
    debug_logger, debug_handler = _logger("d", logging.DEBUG)
    info_logger, info_handler = _logger("i", logging.INFO)
    manager = DagsterLogManager("r", STEP_TAGS, [debug_logger, info_logger], instance=instance)

    event_record = manager.log_dagster_event(_step_event(DagsterEventType.STEP_START))
    info_record = manager.info("note")

    assert instance.records == [event_record, info_record]
    assert [r.getMessage() for r in debug_handler.records] == [event_record.message, info_record.message]
    assert [r.getMessage() for r in info_handler.records] == [info_record.message]
    python_record = debug_handler.records[0]
    assert python_record.levelno == logging.DEBUG
    assert python_record.dagster_event_record is event_record
    assert python_record.dagster_meta["dagster_event"] is event_record.dagster_event
    assert python_record.dagster_meta["step_key"] == "a.compute"
    assert python_record.dagster_meta["orig_message"] == "msg"


def test_nothing_is_formatted_without_a_destination():
    quiet_logger, handler = _logger("q", logging.ERROR)
    manager = DagsterLogManager("r", STEP_TAGS, [quiet_logger])
    assert manager.debug("x") is None
    assert manager.log_dagster_event(_step_event(DagsterEventType.STEP_START)) is None
    assert handler.records == []


def test_levels_aliases_and_log():
    instance = RecordingInstance()
    manager = DagsterLogManager("r", {}, [], instance=instance)
    manager.debug("d")
    manager.info("i")
    manager.warning("w")
    manager.warn("w2")
    manager.error("e")
    manager.critical("c")
    manager.fatal("f")
    manager.log("INFO", "named")
    manager.log(5, "custom")
    assert [r.level for r in instance.records] == [10, 20, 30, 30, 40, 50, 50, 20, 5]
    assert coerce_valid_log_level("warn") == logging.WARNING
    with pytest.raises(check.CheckError, match="Bad value for log level 'LOUD'"):
        manager.log("LOUD", "x")


def test_reserved_keywords_are_rejected():
    manager = DagsterLogManager("r", {}, [], instance=RecordingInstance())
    with pytest.raises(check.CheckError, match='"message" is reserved'):
        manager.info("x", message="y")


def test_with_tags_keeps_destinations_and_adds_tags():
    instance = RecordingInstance()
    manager = DagsterLogManager("r", {"pipeline": "p"}, [], instance=instance).with_tags(solid="s")
    assert manager.logging_tags == {"pipeline": "p", "solid": "s"}
    assert manager.instance is instance
    assert manager.info("x").message == 'p - r - x\n               solid = "s"'


def test_dagster_event_passed_as_keyword_takes_the_event_path():
    instance = RecordingInstance()
    manager = DagsterLogManager("r", STEP_TAGS, [], instance=instance)
    event = _step_event(DagsterEventType.STEP_START, message="Started.")
    record = manager.debug("ignored text", dagster_event=event, pipeline_name="p")
    assert isinstance(record, DagsterEventRecord)
    assert record.dagster_event is event
    assert record.message.startswith("p - r - STEP_START - Started.")


def test_event_logger_turns_python_records_into_event_records():
    received = []
    event_logger = event_record_logger(received.append)
    manager = DagsterLogManager("r", STEP_TAGS, [event_logger])
    manager.info("hello")
    manager.log_dagster_event(_step_event(DagsterEventType.STEP_START))
    assert [type(r) for r in received] == [LogMessageRecord, DagsterEventRecord]
    assert received[0].user_message == "hello"

    logging_record = logging.LogRecord("x", logging.WARNING, __file__, 1, "plain %s", ("text",), None)
    event_logger.handle(logging_record)
    plain = received[-1]
    assert isinstance(plain, LogMessageRecord)
    assert (plain.message, plain.level) == ("plain text", logging.WARNING)


def test_constructor_checks_arguments():
    with pytest.raises(check.CheckError, match="handle_new_event"):
        DagsterLogManager("r", {}, [], instance=object())
    with pytest.raises(check.CheckError):
        DagsterLogManager("r", {}, ["not a logger"])


def test_unknown_level_names_fail_and_unknown_methods_do_not_exist():
    manager = DagsterLogManager("123", {}, [], instance=RecordingInstance())
    with pytest.raises(check.CheckError, match="Bad value for log level 'test'"):
        manager._log("test", "foobar", {})
    with pytest.raises(AttributeError):
        manager.trace("x")


def test_plain_python_logger_sees_the_formatted_message():
    python_logger, handler = _logger("plain", logging.DEBUG)
    manager = DagsterLogManager("123", {}, [python_logger])
    for method in (manager.debug, manager.info, manager.warning, manager.error, manager.critical):
        method("test")
    assert [r.getMessage() for r in handler.records] == ["system - 123 - test"] * 5
    assert [r.levelno for r in handler.records] == [10, 20, 30, 40, 50]


def test_event_logger_reads_structured_meta_without_an_attached_record():
    received = []
    event_logger = event_record_logger(received.append)
    event = _step_event(DagsterEventType.STEP_START, message="Started.")
    python_record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "formatted text", (), None)
    python_record.dagster_meta = {
        "dagster_event": event,
        "orig_message": "Started.",
        "run_id": "r9",
        "step_key": "a.compute",
        "pipeline_name": "p",
    }
    event_logger.handle(python_record)
    (record,) = received
    assert isinstance(record, DagsterEventRecord)
    assert (record.run_id, record.user_message, record.message) == ("r9", "Started.", "formatted text")
    assert record.dagster_event is event and record.step_key == "a.compute"
