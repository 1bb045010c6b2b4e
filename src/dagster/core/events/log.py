"""What the event log stores: one :class:`EventRecord` per structured event or log message.

:class:`DagsterEventRecord` wraps a :class:`~dagster.core.events.DagsterEvent`;
:class:`LogMessageRecord` is a plain ``context.log.*`` message. Both are serialized with
``dagster.serdes`` in the Dagster 0.7 format (``to_json`` / ``from_json``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from dagster import check
from dagster.core.events import DagsterEvent, DagsterEventType
from dagster.serdes import (
    deserialize_json_to_dagster_namedtuple,
    serialize_dagster_namedtuple,
    trust_stored_records,
    whitelist_for_serdes,
)
from dagster.utils.error import SerializableErrorInfo

# The attribute of a python ``logging.LogRecord`` under which the log manager attaches the
# record it already built, and the one under which it attaches its structured properties.
EVENT_RECORD_ATTR = "dagster_event_record"
DAGSTER_META_KEY = "dagster_meta"


class _EventRecordFields(
    NamedTuple(
        "_EventRecordFields",
        [
            ("error_info", Any),
            ("message", str),
            ("level", int),
            ("user_message", str),
            ("run_id", str),
            ("timestamp", float),
            ("step_key", Any),
            ("pipeline_name", Any),
            ("dagster_event", Any),
        ],
    )
):
    pass


@whitelist_for_serdes
class EventRecord(_EventRecordFields):
    """One entry of a run's event log.

    ``message`` is the formatted text (``"<pipeline> - <run_id> - <EVENT_TYPE> - <user_message>"``
    plus ``key = value`` lines), ``user_message`` the raw text, ``level`` a python logging level and
    ``timestamp`` epoch seconds.
    """

    def __new__(
        cls,
        error_info: SerializableErrorInfo | None,
        message: str,
        level: int,
        user_message: str,
        run_id: str,
        timestamp: float,
        step_key: str | None = None,
        pipeline_name: str | None = None,
        dagster_event: DagsterEvent | None = None,
    ):
        if error_info is not None:
            check.inst_param(error_info, "error_info", SerializableErrorInfo)
        if type(message) is not str:
            check.str_param(message, "message")
        if type(level) is not int:
            check.int_param(level, "level")
        if type(user_message) is not str:
            check.str_param(user_message, "user_message")
        if type(run_id) is not str:
            check.str_param(run_id, "run_id")
        if type(timestamp) is not float:
            timestamp = float(check.numeric_param(timestamp, "timestamp"))
        if dagster_event is not None and not isinstance(dagster_event, DagsterEvent):
            check.inst_param(dagster_event, "dagster_event", DagsterEvent)
        return tuple.__new__(
            cls,
            (
                error_info,
                message,
                level,
                user_message,
                run_id,
                timestamp,
                step_key,
                pipeline_name,
                dagster_event,
            ),
        )

    @property
    def is_dagster_event(self) -> bool:
        return self.dagster_event is not None

    @property
    def dagster_event_type(self) -> DagsterEventType | None:
        return self.dagster_event.event_type if self.dagster_event is not None else None

    def to_json(self) -> str:
        return serialize_dagster_namedtuple(self)

    @staticmethod
    def from_json(json_str: str) -> EventRecord:
        record = deserialize_json_to_dagster_namedtuple(json_str)
        if not isinstance(record, EventRecord):
            raise check.CheckError(f"Expected a stored EventRecord, got a {type(record).__name__}.")
        return record


@whitelist_for_serdes
class DagsterEventRecord(EventRecord):
    """An event log entry that carries a :class:`~dagster.core.events.DagsterEvent`."""


@whitelist_for_serdes
class LogMessageRecord(EventRecord):
    """An event log entry for a plain log message (``context.log.info(...)``)."""


# Stored records were checked when they were built: reading them back skips the checks.
trust_stored_records(EventRecord, DagsterEventRecord, LogMessageRecord)


def record_from_log_record(record: logging.LogRecord, run_id: str | None = None) -> EventRecord:
    """The :class:`EventRecord` for a python ``LogRecord``.

    A record emitted by a :class:`~dagster.core.log_manager.DagsterLogManager` already carries the
    one it built; any other record (from a plain python logger) becomes a LogMessageRecord.
    """
    built = getattr(record, EVENT_RECORD_ATTR, None)
    if built is not None:
        return built
    meta = getattr(record, DAGSTER_META_KEY, None) or {}
    message = record.getMessage()
    dagster_event = meta.get("dagster_event")
    cls = DagsterEventRecord if dagster_event is not None else LogMessageRecord
    return cls(
        None,
        message,
        record.levelno,
        meta.get("orig_message", message),
        meta.get("run_id") or run_id or "",
        record.created,
        meta.get("step_key"),
        meta.get("pipeline_name"),
        dagster_event,
    )


class EventRecordHandler(logging.Handler):
    """A logging handler that hands each record, as an :class:`EventRecord`, to a callback."""

    def __init__(self, event_record_callback: Callable[[EventRecord], Any], level: int = logging.DEBUG):
        super().__init__(level)
        self._callback = check.callable_param(event_record_callback, "event_record_callback")

    def emit(self, record: logging.LogRecord) -> None:
        self._callback(record_from_log_record(record))


def event_record_logger(event_record_callback: Callable[[EventRecord], Any]) -> logging.Logger:
    """A DEBUG-level python logger whose every record goes to ``event_record_callback`` as an EventRecord."""
    logger = logging.Logger("dagster-event-logger", logging.DEBUG)
    logger.addHandler(EventRecordHandler(event_record_callback))
    return logger


def construct_event_logger(event_record_callback: Callable[[EventRecord], Any]) -> Any:
    """A ``LoggerDefinition`` (for ``ModeDefinition(logger_defs=...)``) that hands every record of a run
    to ``event_record_callback`` as an :class:`EventRecord`. Select it in the run config with
    ``loggers: {<key>: {}}``."""
    from dagster.core.definitions.logger import LoggerDefinition

    check.callable_param(event_record_callback, "event_record_callback")
    return LoggerDefinition(
        lambda _init_context: event_record_logger(event_record_callback),
        description="Hands each event record of the run to a callback.",
    )
