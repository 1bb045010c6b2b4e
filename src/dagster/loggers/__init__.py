"""The built-in loggers: ``colored_console_logger`` (the default) and ``json_console_logger``.

Both write to the process's stderr as it is at the time of each record (so captured streams and
redirections see them), with config ``{log_level?: str = 'INFO', name?: str = 'dagster'}``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

from dagster.config.field import Field
from dagster.core.definitions.logger import LoggerDefinition, logger

LOG_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"

_LEVEL_COLORS = {
    logging.DEBUG: "\x1b[34m",
    logging.INFO: "\x1b[32m",
    logging.WARNING: "\x1b[33m",
    logging.ERROR: "\x1b[31m",
    logging.CRITICAL: "\x1b[1;31m",
}
_RESET = "\x1b[0m"

_CONFIG = {
    "log_level": Field(str, is_required=False, default_value="INFO"),
    "name": Field(str, is_required=False, default_value="dagster"),
}


class _StderrHandler(logging.StreamHandler):
    """A stream handler that looks up ``sys.stderr`` at every record instead of keeping the first one."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _use_color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


class ColoredFormatter(logging.Formatter):
    """Colours the level name when the stream is a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if _use_color(sys.stderr):
            color = _LEVEL_COLORS.get(record.levelno)
            if color:
                text = text.replace(record.levelname, f"{color}{record.levelname}{_RESET}", 1)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per record: every attribute of the record, non-JSON values as their repr."""

    def format(self, record: logging.LogRecord) -> str:
        payload = dict(record.__dict__)
        payload["msg"] = record.getMessage()
        payload.pop("args", None)
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=repr)


def _level(init_context: Any) -> int:
    level_name = str(init_context.logger_config["log_level"]).upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        from dagster.core.errors import DagsterInvalidConfigError

        raise DagsterInvalidConfigError(
            f'Invalid log_level "{init_context.logger_config["log_level"]}" in the config of the console logger: '
            "use one of DEBUG, INFO, WARNING, ERROR, CRITICAL.",
            [],
            init_context.logger_config,
        )
    return level


def _build_logger(init_context: Any, formatter: logging.Formatter) -> logging.Logger:
    level = _level(init_context)
    klass = logging.getLoggerClass()
    logger_ = klass(init_context.logger_config["name"], level=level)
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    logger_.addHandler(handler)
    return logger_


@logger(config=_CONFIG, description="The default colored console logger.")
def colored_console_logger(init_context: Any) -> logging.Logger:
    return _build_logger(init_context, ColoredFormatter(LOG_FORMAT))


@logger(config=_CONFIG, description="A console logger that writes each record as one JSON object.")
def json_console_logger(init_context: Any) -> logging.Logger:
    return _build_logger(init_context, JsonFormatter())


def default_loggers() -> dict[str, LoggerDefinition]:
    return {"console": colored_console_logger}


__all__ = ["colored_console_logger", "default_loggers", "json_console_logger"]
