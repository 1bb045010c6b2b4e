"""The console view of a run for ``dagster pipeline execute``: one line per meaningful event, then a summary.

Colours come from ``click.style`` and are dropped automatically when stdout is not a terminal.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from typing import Any

import click

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_STEP_STATUS_STYLE = {
    "STEP_START": ("START", "blue"),
    "STEP_SUCCESS": ("OK", "green"),
    "STEP_FAILURE": ("FAIL", "red"),
    "STEP_SKIPPED": ("SKIP", "yellow"),
    "STEP_UP_FOR_RETRY": ("RETRY", "yellow"),
    "STEP_RESTARTED": ("RETRY", "yellow"),
}


def _error_text(error: Any) -> str:
    """The user's own exception out of a ``SerializableErrorInfo`` chain, with the user's frames only."""
    if error is None:
        return ""
    innermost = error
    while getattr(innermost, "cause", None) is not None:
        innermost = innermost.cause
    frames = [frame for frame in getattr(innermost, "stack", None) or [] if not _is_framework_frame(frame)]
    lines = []
    if innermost is not error:
        lines.append(_short_name(error.message.strip()))
    if frames:
        lines.append("Traceback (most recent call last):")
        lines.append("".join(frames).rstrip())
    lines.append(_short_name(innermost.message.rstrip()))
    return "\n".join(lines)


def _is_framework_error(error: Any) -> bool:
    """Whether ``error`` is one of Dagster's own errors (a ``DagsterError`` that does not wrap user
    code): its message says what is wrong and how to fix it, so its traceback (our frames, and
    those of the libraries we call, such as SQLAlchemy) would only bury it."""
    from dagster.core import errors

    cls = getattr(errors, error.cls_name or "", None)
    return (
        isinstance(cls, type)
        and issubclass(cls, errors.DagsterError)
        and not issubclass(cls, errors.DagsterUserCodeExecutionError)
    )


def _short_name(message: str) -> str:
    """``dagster.core.errors.DagsterXError: ...`` as ``DagsterXError: ...`` (our module paths are noise)."""
    return re.sub(r"^dagster(?:\.\w+)+\.(\w+): ", r"\1: ", message)


def _is_framework_frame(frame_text: str) -> bool:
    """A formatted traceback entry (``  File "...", line N, in f``) from inside the dagster package."""
    first_line = frame_text.strip().splitlines()[0] if frame_text.strip() else ""
    return first_line.startswith(f'File "{_PACKAGE_DIR}{os.sep}')


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


class RunSummary:
    """Counts collected while printing, reported at the end."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.succeeded: list[str] = []
        self.failed: list[str] = []
        self.skipped: list[str] = []
        self.materializations = 0
        self.pipeline_failed = False


class EventPrinter:
    """Prints each ``DagsterEvent`` of a run as it arrives (``__call__``), then ``print_summary``."""

    def __init__(self, echo: Callable[[str], None] | None = None) -> None:
        self._echo = echo or (lambda line: click.echo(line))
        self.summary = RunSummary()
        # Whether an engine event's error (with its traceback, for user code) has been printed.
        self.engine_error_shown = False

    def _line(self, status: str, color: str, subject: str, detail: str = "") -> None:
        stamp = time.strftime("%H:%M:%S")
        label = click.style(f"{status:<6}", fg=color, bold=True)
        subject_text = click.style(subject, bold=True)
        self._echo(f"{click.style(stamp, dim=True)} {label} {subject_text}{'  ' + detail if detail else ''}")

    def __call__(self, event: Any) -> None:
        kind = event.event_type_value
        data = event.event_specific_data
        step = event.step_key or ""
        if kind in _STEP_STATUS_STYLE:
            self._step_event(kind, step, data, event)
        elif kind == "PIPELINE_START":
            self._line("RUN", "blue", event.pipeline_name, "started")
        elif kind in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE", "PIPELINE_INIT_FAILURE"):
            self._pipeline_end(kind, event, data)
        elif kind == "STEP_OUTPUT":
            output = getattr(getattr(data, "step_output_handle", None), "output_name", "result")
            check = getattr(data, "type_check_data", None)
            failed = check is not None and not check.success
            detail = f"output {output}" + (click.style(" failed its type check", fg="red") if failed else "")
            self._line("", "white", step, click.style(detail, dim=not failed))
        elif kind == "STEP_MATERIALIZATION":
            self.summary.materializations += 1
            self._line("", "white", step, f"materialized {self._materialization_text(data)}")
        elif kind == "STEP_EXPECTATION_RESULT":
            result = getattr(data, "expectation_result", None)
            passed = bool(getattr(result, "success", False))
            label = getattr(result, "label", None) or "expectation"
            color = "green" if passed else "yellow"
            self._line(
                "",
                "white",
                step,
                click.style(f"expectation {label} {'passed' if passed else 'failed'}", fg=color),
            )
        elif kind == "ENGINE_EVENT" and getattr(data, "error", None) is not None:
            self.engine_error_shown = True
            self._line("ENGINE", "red", event.pipeline_name, event.message or "")
            if not _is_framework_error(data.error):
                self._echo(_indent(_error_text(data.error), "    "))
            elif _short_name(data.error.message.strip()) not in (event.message or ""):
                self._echo(_indent(_short_name(data.error.message.strip()), "    "))

    def log_message(self, record: Any) -> None:
        """A message the user's code logged (``context.log.info`` ...), at INFO or above."""
        level = logging.getLevelName(record.level)
        color = {"INFO": "white", "WARNING": "yellow"}.get(level, "red")
        subject = record.step_key or record.pipeline_name or ""
        self._line(level[:6], color, subject, record.user_message or record.message or "")

    def _step_event(self, kind: str, step: str, data: Any, event: Any) -> None:
        status, color = _STEP_STATUS_STYLE[kind]
        if kind == "STEP_SUCCESS":
            self.summary.succeeded.append(step)
            duration = getattr(data, "duration_ms", None)
            self._line(
                status, color, step, f"succeeded in {_duration(duration)}" if duration is not None else ""
            )
        elif kind == "STEP_FAILURE":
            self.summary.failed.append(step)
            self._line(status, color, step, "failed")
            error = getattr(data, "error", None)
            if error is not None:
                self._echo(click.style(_indent(_error_text(error), "    "), fg="red"))
        elif kind == "STEP_SKIPPED":
            self.summary.skipped.append(step)
            self._line(status, color, step, "skipped")
        elif kind == "STEP_UP_FOR_RETRY":
            self._line(status, color, step, event.message or "up for retry")
        elif kind == "STEP_START":
            self._line(status, color, step)
        else:
            self._line(status, color, step, event.message or "")

    def _pipeline_end(self, kind: str, event: Any, data: Any) -> None:
        if kind == "PIPELINE_SUCCESS":
            return
        self.summary.pipeline_failed = True
        if kind == "PIPELINE_INIT_FAILURE":
            self._line("FAIL", "red", event.pipeline_name, "could not start (resources, loggers or storage)")
            error = getattr(data, "error", None)
            if error is None:
                return
            # The engine event before it already showed the user's traceback: the summary line is enough.
            text = _short_name(error.message.strip()) if self.engine_error_shown else _error_text(error)
            self._echo(click.style(_indent(text, "    "), fg="red"))

    @staticmethod
    def _materialization_text(data: Any) -> str:
        materialization = getattr(data, "materialization", None)
        if materialization is None:
            return ""
        parts = [materialization.label]
        for entry in getattr(materialization, "metadata_entries", None) or []:
            value = getattr(entry.entry_data, "path", None) or getattr(entry.entry_data, "text", None)
            if value is None:
                value = getattr(entry.entry_data, "url", None)
            if value is not None:
                parts.append(f"{entry.label}={value}")
        return " ".join(str(part) for part in parts)

    def print_summary(self, run_id: str, status: str, compute_logs: str | None) -> None:
        summary = self.summary
        elapsed = time.monotonic() - summary.started
        color = "green" if status == "SUCCESS" else "red"
        self._echo("")
        self._echo(f"Run {run_id} {click.style(status, fg=color, bold=True)} in {elapsed:.2f}s")
        self._echo(
            f"  steps: {len(summary.succeeded)} succeeded, {len(summary.failed)} failed, "
            f"{len(summary.skipped)} skipped"
            + (f"; {summary.materializations} materialization(s)" if summary.materializations else "")
        )
        if summary.failed:
            self._echo(f"  failed steps: {', '.join(summary.failed)}")
        self._echo(f"  compute logs: {compute_logs or 'not captured (ephemeral instance: set DAGSTER_HOME)'}")


def _duration(duration_ms: float) -> str:
    if duration_ms < 1000:
        return f"{duration_ms:.1f} ms"
    return f"{duration_ms / 1000:.2f} s"
