"""Logger definitions for tests and tools: a callback logger and a JSON-lines file logger.

``define_structured_logger(name, callback, level)`` hands every record to ``callback`` as a
:class:`StructuredLoggerMessage`; ``define_json_file_logger(name, json_path, level)`` appends one
JSON object per record to a file. Both return a ``LoggerDefinition`` for a ``ModeDefinition``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from dagster import check
from dagster.serdes import pack_value

default_format_string = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
default_date_format_string = "%Y-%m-%d %H:%M:%S"


def define_default_formatter() -> logging.Formatter:
    return logging.Formatter(default_format_string, default_date_format_string)


class StructuredLoggerMessage(
    NamedTuple(
        "_StructuredLoggerMessage",
        [("name", str), ("message", str), ("level", int), ("meta", dict), ("record", logging.LogRecord)],
    )
):
    """One record as a structured logger callback receives it; ``meta`` is the Dagster context."""


class StructuredLoggerHandler(logging.Handler):
    """Calls ``callback(StructuredLoggerMessage)`` for each record."""

    def __init__(self, callback: Callable[[StructuredLoggerMessage], Any]):
        super().__init__()
        self.callback = check.callable_param(callback, "callback")

    def emit(self, record: logging.LogRecord) -> None:
        self.callback(
            StructuredLoggerMessage(
                name=record.name,
                message=record.getMessage(),
                level=record.levelno,
                meta=dict(getattr(record, "dagster_meta", None) or {}),
                record=record,
            )
        )


def _jsonable(value: Any) -> Any:
    try:
        return pack_value(value)
    except check.CheckError:
        return repr(value)


class JsonFileHandler(logging.Handler):
    """Appends each record, as one JSON object per line, to ``json_path``."""

    def __init__(self, json_path: str):
        super().__init__()
        self.json_path = check.str_param(json_path, "json_path")
        self._file_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        payload = {key: _jsonable(value) for key, value in meta.items()}
        payload.update(
            name=record.name,
            level=record.levelno,
            levelname=record.levelname,
            message=record.getMessage(),
            created=record.created,
        )
        line = json.dumps(payload, sort_keys=True, default=repr)
        with self._file_lock, open(self.json_path, "a", encoding="utf-8") as json_file:
            json_file.write(line + "\n")


def construct_single_handler_logger(name: str, level: int | str, handler: logging.Handler) -> Any:
    """A ``LoggerDefinition`` whose logger has exactly ``handler``, at ``level``."""
    from dagster.core.definitions.logger import LoggerDefinition
    from dagster.core.log_manager import coerce_valid_log_level

    check.str_param(name, "name")
    check.inst_param(handler, "handler", logging.Handler)
    level = coerce_valid_log_level(level)

    def logger_fn(_init_context: Any) -> logging.Logger:
        python_logger = logging.Logger(name, level)
        handler.setLevel(level)
        python_logger.addHandler(handler)
        return python_logger

    return LoggerDefinition(logger_fn, description=f"Logger {name!r} with a {type(handler).__name__}.")


def define_structured_logger(
    name: str, callback: Callable[[StructuredLoggerMessage], Any], level: int | str
) -> Any:
    """A logger definition that calls ``callback`` with each record."""
    return construct_single_handler_logger(name, level, StructuredLoggerHandler(callback))


def define_json_file_logger(name: str, json_path: str, level: int | str) -> Any:
    """A logger definition that appends JSON lines to ``json_path``."""
    return construct_single_handler_logger(name, level, JsonFileHandler(json_path))
