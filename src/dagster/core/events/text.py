"""The text of log lines: ``{key:>20} = <json>`` lines for tags and event data, and error text.

Event data is shown as a JSON object of its fields (sorted keys; nested records as arrays), the
way Dagster 0.7 wrote it into stored messages. This runs for every event, so the records a step
always emits (input, output, success) have direct encoders; the rest go through one reusable C
JSON encoder. ``tests/dagster_tests/events_tests/test_event_text.py`` checks that both paths agree.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from dagster.core.events.data import (
    StepFailureData,
    StepInputData,
    StepOutputData,
    StepSuccessData,
    TypeCheckData,
)
from dagster.utils.error import SerializableErrorInfo

# Keys never shown as ``key = value`` lines: they are in the prefix, duplicated, or inferable.
SKIPPED_KEYS = frozenset(
    {
        "dagster_event",
        "event_type_value",
        "logging_tags",
        "message",
        "pipeline_name",
        "pipeline",
        "solid_handle",
        "step_kind_value",
    }
)

# One reusable C encoder for our own records (never circular, so no cycle markers): building a
# JSONEncoder per call, as ``json.dumps`` with options does, costs more than the encoding itself.
if c_make_encoder is not None:
    _ENCODE_RECORD = c_make_encoder(None, repr, encode_basestring_ascii, None, ": ", ", ", True, False, True)
else:  # an interpreter without the C accelerator
    _PY_ENCODER = json.JSONEncoder(sort_keys=True, default=repr, check_circular=False)

    def _ENCODE_RECORD(value: Any, _level: int) -> Any:
        return _PY_ENCODER.iterencode(value)


def _encode(value: Any) -> str:
    return "".join(_ENCODE_RECORD(value, 0))


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring_ascii(value)


def _type_check_array(data: TypeCheckData | None) -> str:
    if data is None:
        return "null"
    entries = _encode(data.metadata_entries) if data.metadata_entries else "[]"
    success = "true" if data.success else "false"
    return f"[{success}, {_string(data.label)}, {_string(data.description)}, {entries}]"


def _input_object(data: StepInputData) -> str:
    return f'{{"input_name": {_string(data.input_name)}, "type_check_data": {_type_check_array(data.type_check_data)}}}'


def _output_object(data: StepOutputData) -> str:
    handle = data.step_output_handle
    materialization = data.intermediate_materialization
    return (
        '{"intermediate_materialization": '
        + ("null" if materialization is None else _encode(materialization))
        + f', "step_output_handle": [{_string(handle.step_key)}, {_string(handle.output_name)}]'
        + f', "type_check_data": {_type_check_array(data.type_check_data)}}}'
    )


def _success_object(data: StepSuccessData) -> str:
    return f'{{"duration_ms": {_encode(data.duration_ms)}}}'


_DIRECT_ENCODERS = {
    StepInputData: _input_object,
    StepOutputData: _output_object,
    StepSuccessData: _success_object,
}


def record_object(value: tuple) -> str:
    """A record as a JSON object of its fields (the generic path)."""
    return _encode(dict(zip(value._fields, value)))


def dump_value(value: Any) -> str:
    """JSON text of a line's value; records are shown as objects of their fields."""
    if type(value) is str:
        return encode_basestring_ascii(value)
    direct = _DIRECT_ENCODERS.get(type(value))
    if direct is not None:
        return direct(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return record_object(value)
    return json.dumps(value, sort_keys=True, default=repr)


def line(key: str, value: Any) -> str:
    return f"{key:>20} = {dump_value(value)}"


def tag_lines(tags: dict) -> dict[str, str]:
    """The lines of a dict of tags or keyword arguments (skipped keys and None values left out)."""
    return {
        key: line(key, value) for key, value in tags.items() if key not in SKIPPED_KEYS and value is not None
    }


def error_text(error: SerializableErrorInfo) -> str:
    text = error.message + "\n" + "".join(error.stack)
    if error.cause is not None:
        text += "\nThe above exception was caused by the following exception:\n" + error_text(error.cause)
    return text


# Event data records that never carry an error (no attribute lookup that would raise).
_DATA_WITHOUT_ERROR = frozenset(_DIRECT_ENCODERS)


def event_lines(event: Any, logging_tags: dict) -> tuple[dict[str, str], str]:
    """The lines an event adds to those of ``logging_tags``, and the error text appended after them."""
    lines: dict[str, str] = {}
    step_key = event.step_key
    if step_key is not None and step_key != logging_tags.get("step_key"):
        lines["step_key"] = line("step_key", step_key)
    data = event.event_specific_data
    if data is None:
        return lines, ""
    error = None if type(data) in _DATA_WITHOUT_ERROR else getattr(data, "error", None)
    if not isinstance(error, SerializableErrorInfo):
        lines["event_specific_data"] = line("event_specific_data", data)
        return lines, ""
    lines["cls_name"] = line("cls_name", error.cls_name)
    lines["error_message"] = line("error_message", error.message)
    if isinstance(data, StepFailureData):
        if data.user_failure_data is not None:
            lines["user_failure_data"] = line("user_failure_data", data.user_failure_data)
    else:
        rest = {key: value for key, value in data._asdict().items() if key != "error" and value is not None}
        if rest:
            lines["event_specific_data"] = line("event_specific_data", rest)
    return lines, "\n\n" + error_text(error)
