"""Retry policy of a run: whether ``RetryRequested`` re-runs a step, and how many times it already did."""

from __future__ import annotations

from collections import defaultdict
from enum import Enum
from typing import Any

from dagster import check


class RetryMode(Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    # Retries are handled by an outer engine (e.g. a step run in a worker reports the request back).
    DEFERRED = "deferred"


class Retries:
    """The retry mode plus the number of attempts each step has made so far (keyed by step key)."""

    def __init__(self, mode: RetryMode, previous_attempts: dict[str, int] | None = None):
        self._mode = check.inst_param(mode, "mode", RetryMode)
        self._attempts: defaultdict[str, int] = defaultdict(int)
        for key, count in check.opt_dict_param(previous_attempts, "previous_attempts", str, int).items():
            self._attempts[key] = count

    @property
    def mode(self) -> RetryMode:
        return self._mode

    @property
    def enabled(self) -> bool:
        return self._mode is RetryMode.ENABLED

    @property
    def disabled(self) -> bool:
        return self._mode is RetryMode.DISABLED

    @property
    def deferred(self) -> bool:
        return self._mode is RetryMode.DEFERRED

    def get_attempt_count(self, key: str) -> int:
        """How many retries of step ``key`` were already requested."""
        return self._attempts[key]

    def mark_attempt(self, key: str) -> None:
        self._attempts[key] += 1

    def for_inner_plan(self) -> Retries:
        """The policy for a step run on behalf of an outer engine: enabled becomes deferred."""
        if self.enabled or self.deferred:
            return Retries(RetryMode.DEFERRED, dict(self._attempts))
        return Retries(RetryMode.DISABLED)

    def to_config(self) -> dict[str, Any]:
        """The run-config form (``{"enabled": {}}``), plus previous attempts when there are any."""
        value: dict[str, Any] = {}
        if self._attempts:
            value["previous_attempts"] = dict(self._attempts)
        return {self._mode.value: value}

    @staticmethod
    def from_config(config_value: dict | None) -> Retries:
        """Build from the executor's ``retries`` config: ``{"enabled": {}}`` or ``{"disabled": {}}``.

        ``None`` or ``{}`` means enabled (the default of the in-process and multiprocess executors).
        """
        if not config_value:
            return Retries(RetryMode.ENABLED)
        check.param_invariant(len(config_value) == 1, "config_value", "retries takes exactly one key")
        mode_name, options = next(iter(config_value.items()))
        try:
            mode = RetryMode(mode_name)
        except ValueError:
            valid = ", ".join(sorted(m.value for m in RetryMode))
            raise check.CheckError(f'Unknown retries mode "{mode_name}"; expected one of: {valid}.')
        return Retries(mode, (options or {}).get("previous_attempts"))

    def __repr__(self) -> str:
        return f"Retries({self._mode.value}, attempts={dict(self._attempts)})"
