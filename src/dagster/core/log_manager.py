"""``DagsterLogManager``: ``context.log``, and the path every event takes to the event log."""

from __future__ import annotations

import logging
import time
from typing import Any

from dagster import check
from dagster.core.events import DagsterEvent
from dagster.core.events.log import (
    DAGSTER_META_KEY,
    EVENT_RECORD_ATTR,
    DagsterEventRecord,
    EventRecord,
    LogMessageRecord,
)
from dagster.core.events.text import event_lines, tag_lines

LEVELS_BY_NAME = {
    "CRITICAL": logging.CRITICAL,
    "FATAL": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "WARN": logging.WARNING,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
}

_FAILURE_EVENT_VALUES = frozenset({"STEP_FAILURE", "PIPELINE_FAILURE", "PIPELINE_INIT_FAILURE"})


def coerce_valid_log_level(log_level: int | str) -> int:
    """A python logging level from an int or a name (``'debug'``, ``'WARN'``, ...)."""
    if isinstance(log_level, int) and not isinstance(log_level, bool):
        return log_level
    if isinstance(log_level, str) and log_level.upper() in LEVELS_BY_NAME:
        return LEVELS_BY_NAME[log_level.upper()]
    raise check.CheckError(
        f"Bad value for log level {log_level!r}: use an int or one of "
        f"{', '.join(repr(name) for name in LEVELS_BY_NAME)}."
    )


class DagsterLogManager:
    """``context.log``: formats messages with the run's context and fans them out.

    ``DagsterLogManager(run_id, logging_tags, loggers, instance=None)``

    - ``debug/info/warning/warn/error/critical/fatal(msg, **kwargs)`` and ``log(level, msg, **kwargs)``
      log a plain message; ``kwargs`` become extra ``key = value`` lines.
    - ``log_dagster_event(event, level=None)`` is the fast path for a
      :class:`~dagster.core.events.DagsterEvent` (level: ERROR for failure events, DEBUG otherwise).

    Each call builds exactly one :class:`~dagster.core.events.log.EventRecord`
    (a ``DagsterEventRecord`` or a ``LogMessageRecord``) and hands it

    1. to ``instance.handle_new_event(record)`` when an ``instance`` is attached (any object with
       that method: the :class:`DagsterInstance` of the run). Attach the instance here rather than
       adding ``instance.get_logger()`` to ``loggers``, or every record is stored twice; and
    2. to each python logger in ``loggers`` enabled for the level, as
       ``logger.log(level, record.message, extra={"dagster_meta": {...}, "dagster_event_record": record})``.

    The text is formatted only when a destination exists, and the ``key = value`` lines of the
    manager's own tags are formatted once per manager. ``with_tags(**tags)`` returns a manager with
    more tags and the same loggers and instance (a step context's manager adds the step's tags).
    """

    __slots__ = (
        "_run_id",
        "_logging_tags",
        "_loggers",
        "_instance",
        "_tag_lines",
        "_prefix_pipeline",
        "_run_part",
    )

    def __init__(
        self,
        run_id: str,
        logging_tags: dict,
        loggers: list[logging.Logger],
        instance: Any = None,
    ):
        self._run_id = check.str_param(run_id, "run_id")
        self._logging_tags = check.dict_param(logging_tags, "logging_tags")
        self._loggers = check.list_param(loggers, "loggers", of_type=logging.Logger)
        if instance is not None and not callable(getattr(instance, "handle_new_event", None)):
            raise check.CheckError(f"instance must have a handle_new_event(record) method, got {instance!r}.")
        self._instance = instance
        self._tag_lines = tag_lines(logging_tags)
        self._prefix_pipeline = logging_tags.get("pipeline")
        self._run_part = f" - {run_id} - "

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def logging_tags(self) -> dict:
        return self._logging_tags

    @property
    def loggers(self) -> list[logging.Logger]:
        return self._loggers

    @property
    def instance(self) -> Any:
        return self._instance

    def with_tags(self, **new_tags: Any) -> DagsterLogManager:
        """A manager with ``new_tags`` added (the step executor makes one per step: keep it cheap)."""
        child = object.__new__(DagsterLogManager)
        child._run_id = self._run_id
        child._logging_tags = {**self._logging_tags, **new_tags}
        child._loggers = self._loggers
        child._instance = self._instance
        child._tag_lines = {**self._tag_lines, **tag_lines(new_tags)}
        for key, value in new_tags.items():
            if value is None:
                child._tag_lines.pop(key, None)
        child._prefix_pipeline = child._logging_tags.get("pipeline")
        child._run_part = self._run_part
        return child

    # -- formatting -----------------------------------------------------------------------------

    def _format(
        self,
        pipeline_name: str | None,
        event_type_value: str | None,
        user_message: str,
        extra_lines: dict[str, str] | None,
        suffix: str = "",
    ) -> str:
        prefix = " - ".join(
            part for part in (pipeline_name or "system", self._run_id, event_type_value, user_message) if part
        )
        if extra_lines:
            lines = {**self._tag_lines, **extra_lines}
        else:
            lines = self._tag_lines
        if lines:
            prefix += "\n" + "\n".join(lines[key] for key in sorted(lines))
        return prefix + suffix

    def format_event_message(self, event: DagsterEvent) -> str:
        """The text an event is logged and stored with."""
        extra_lines, suffix = event_lines(event, self._logging_tags)
        text = f"{event.pipeline_name or 'system'}{self._run_part}{event.event_type_value}"
        if event.message:
            text += " - " + event.message
        lines = {**self._tag_lines, **extra_lines} if extra_lines else self._tag_lines
        if lines:
            text += "\n" + "\n".join([lines[key] for key in sorted(lines)])
        return text + suffix

    # -- events ---------------------------------------------------------------------------------

    def log_dagster_event(self, event: DagsterEvent, level: int | None = None) -> EventRecord | None:
        """Record ``event``: one DagsterEventRecord to the instance and the enabled loggers.

        Returns the record, or None when there was nowhere to send it.
        """
        if level is None:
            level = logging.ERROR if event.event_type_value in _FAILURE_EVENT_VALUES else logging.DEBUG
        enabled = [logger for logger in self._loggers if logger.isEnabledFor(level)]
        if self._instance is None and not enabled:
            return None
        record = DagsterEventRecord(
            None,
            self.format_event_message(event),
            level,
            event.message or "",
            self._run_id,
            time.time(),
            event.step_key,
            event.pipeline_name,
            event,
        )
        if self._instance is not None:
            self._instance.handle_new_event(record)
        if enabled:
            self._emit(record, enabled, {"dagster_event": event, "pipeline_name": event.pipeline_name})
        return record

    # -- plain messages -------------------------------------------------------------------------

    def _log(self, level: int | str, msg: str, kwargs: dict) -> EventRecord | None:
        if type(level) is not int:
            level = coerce_valid_log_level(level)
        if type(msg) is not str:
            check.str_param(msg, "msg")
        dagster_event = kwargs.pop("dagster_event", None)
        if dagster_event is not None and not kwargs.keys() - {"pipeline_name"}:
            return self.log_dagster_event(check.inst(dagster_event, DagsterEvent), level)
        enabled = [logger for logger in self._loggers if logger.isEnabledFor(level)]
        if self._instance is None and not enabled:
            return None
        for reserved in ("message", "orig_message", "extra", "exc_info"):
            if reserved in kwargs:
                raise check.CheckError(
                    f'"{reserved}" is reserved and cannot be passed as a keyword to context.log.'
                )
        extra_lines = tag_lines(kwargs)
        suffix = ""
        event_type_value = None
        pipeline_name = kwargs.get("pipeline_name") or self._prefix_pipeline
        if dagster_event is not None:
            data_lines, suffix = event_lines(check.inst(dagster_event, DagsterEvent), self._logging_tags)
            extra_lines.update(data_lines)
            event_type_value = dagster_event.event_type_value
            pipeline_name = dagster_event.pipeline_name
        message = self._format(pipeline_name, event_type_value, msg, extra_lines, suffix)
        meta = dict(kwargs)
        if dagster_event is not None:
            meta["dagster_event"] = dagster_event
            step_key = dagster_event.step_key
            record_cls: type[EventRecord] = DagsterEventRecord
        else:
            step_key = self._logging_tags.get("step_key")
            record_cls = LogMessageRecord
        record = record_cls(
            None, message, level, msg, self._run_id, time.time(), step_key, pipeline_name, dagster_event
        )
        if self._instance is not None:
            self._instance.handle_new_event(record)
        if enabled:
            self._emit(record, enabled, meta)
        return record

    def _emit(self, record: EventRecord, enabled: list[logging.Logger], message_props: dict) -> None:
        meta = {
            "run_id": self._run_id,
            "orig_message": record.user_message,
            "log_timestamp": record.timestamp,
            **self._logging_tags,
            **message_props,
        }
        extra = {DAGSTER_META_KEY: meta, EVENT_RECORD_ATTR: record}
        for logger in enabled:
            logger.log(record.level, record.message, extra=extra)

    def log(self, level: int | str, msg: str, **kwargs: Any) -> EventRecord | None:
        """Log ``msg`` at ``level`` (an int or a level name)."""
        return self._log(level, msg, kwargs)

    def debug(self, msg: str, **kwargs: Any) -> EventRecord | None:
        return self._log(logging.DEBUG, msg, kwargs)

    def info(self, msg: str, **kwargs: Any) -> EventRecord | None:
        return self._log(logging.INFO, msg, kwargs)

    def warning(self, msg: str, **kwargs: Any) -> EventRecord | None:
        return self._log(logging.WARNING, msg, kwargs)

    warn = warning

    def error(self, msg: str, **kwargs: Any) -> EventRecord | None:
        return self._log(logging.ERROR, msg, kwargs)

    def critical(self, msg: str, **kwargs: Any) -> EventRecord | None:
        return self._log(logging.CRITICAL, msg, kwargs)

    fatal = critical

    def __repr__(self) -> str:
        return f"DagsterLogManager(run_id={self._run_id!r}, logging_tags={self._logging_tags!r})"
