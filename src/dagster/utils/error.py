"""Errors as serializable records, so a failure in one process can be stored and shown in another."""

from __future__ import annotations

import traceback
from typing import NamedTuple

from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class SerializableErrorInfo(
    NamedTuple(
        "_SerializableErrorInfo",
        [
            ("message", str),
            ("stack", list),
            ("cls_name", "str | None"),
            ("cause", "SerializableErrorInfo | None"),
        ],
    )
):
    def __new__(
        cls, message: str, stack: list, cls_name: str | None, cause: SerializableErrorInfo | None = None
    ):
        return super().__new__(cls, message, list(stack), cls_name, cause)

    def to_string(self) -> str:
        text = self.message.rstrip() + "\n" + "".join(self.stack)
        if self.cause:
            text += "\nThe above exception was caused by the following exception:\n" + self.cause.to_string()
        return text

    def __str__(self) -> str:
        return self.to_string()


def serializable_error_info_from_exc_info(exc_info) -> SerializableErrorInfo:
    """Build a :class:`SerializableErrorInfo` from ``sys.exc_info()``, following ``__cause__`` chains."""
    exc_type, exc_value, exc_tb = exc_info
    return _error_info(exc_type, exc_value, exc_tb)


def _error_info(exc_type, exc_value, exc_tb) -> SerializableErrorInfo:
    message = "".join(traceback.format_exception_only(exc_type, exc_value))
    stack = traceback.format_tb(exc_tb) if exc_tb is not None else []
    cause_exc = exc_value.__cause__ if exc_value is not None else None
    cause = (
        _error_info(type(cause_exc), cause_exc, cause_exc.__traceback__) if cause_exc is not None else None
    )
    return SerializableErrorInfo(message, stack, exc_type.__name__ if exc_type else None, cause)
