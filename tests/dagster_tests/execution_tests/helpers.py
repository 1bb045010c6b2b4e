"""Helpers shared by the execution tests."""

from __future__ import annotations

import re

# The default logger prints every event at DEBUG; tests read events, not console output.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def quiet(environment_dict: dict | None = None) -> dict:
    return {**QUIET, **(environment_dict or {})}


def types_of(events) -> list[str]:
    return [event.event_type_value for event in events]


def summary(events) -> list[tuple[str, str | None, str]]:
    """``(event type, step key, message)`` per event, with pids and durations masked."""
    rows = []
    for event in events:
        message = re.sub(r"pid: \d+", "pid: N", event.message or "")
        message = re.sub(r" in \d+(\.\d+)?(ms|s)\b", " in <dur>", message)
        rows.append((event.event_type_value, event.step_key, message))
    return rows
