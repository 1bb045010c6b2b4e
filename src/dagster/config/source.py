"""Config values that may come from the environment: ``StringSource``, ``IntSource``, ``BoolSource``.

Each accepts the value itself, or ``{env: VAR_NAME}``; the variable is read when the config is
processed (after structural validation). An unset variable, or one that cannot be read as the
expected type, is a ``FAILED_POST_PROCESSING`` error naming the variable.
"""

from __future__ import annotations

import os
from typing import Any

from dagster.config.config_type import (
    ConfigBoolInstance,
    ConfigIntInstance,
    ConfigStringInstance,
    ScalarUnion,
)
from dagster.config.errors import PostProcessingError
from dagster.config.field_utils import Selector

_ENV_SELECTOR = Selector({"env": str})


def _read_env(var: str) -> str:
    value = os.getenv(var)
    if value is None:
        raise PostProcessingError(
            f'You have attempted to fetch the environment variable "{var}" which is not set. In order for '
            "this execution to succeed it must be set in this environment (or give the value directly "
            "in the config instead of {env: ...})."
        )
    return value


class StringSourceType(ScalarUnion):
    def __reduce__(self):
        return "StringSource"

    def __init__(self):
        super().__init__(ConfigStringInstance, _ENV_SELECTOR, _key="StringSourceType")

    def post_process(self, value: Any) -> Any:
        if isinstance(value, dict):
            return _read_env(value["env"])
        return value


class IntSourceType(ScalarUnion):
    def __reduce__(self):
        return "IntSource"

    def __init__(self):
        super().__init__(ConfigIntInstance, _ENV_SELECTOR, _key="IntSourceType")

    def post_process(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        var = value["env"]
        text = _read_env(var)
        try:
            return int(text)
        except ValueError:
            raise PostProcessingError(
                f'Value "{text}" stored in env variable "{var}" cannot be coerced into an int.'
            ) from None


_TRUE = frozenset(["true", "1", "yes", "on"])
_FALSE = frozenset(["false", "0", "no", "off"])


class BoolSourceType(ScalarUnion):
    """A bool, or ``{env: VAR}`` read as true/false, 1/0, yes/no or on/off (any case)."""

    def __reduce__(self):
        return "BoolSource"

    def __init__(self):
        super().__init__(ConfigBoolInstance, _ENV_SELECTOR, _key="BoolSourceType")

    def post_process(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        var = value["env"]
        text = _read_env(var)
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise PostProcessingError(
            f'Value "{text}" stored in env variable "{var}" cannot be coerced into a bool. '
            "Use one of true/false, 1/0, yes/no, on/off."
        )


StringSource = StringSourceType()
IntSource = IntSourceType()
BoolSource = BoolSourceType()

__all__ = ["BoolSource", "BoolSourceType", "IntSource", "IntSourceType", "StringSource", "StringSourceType"]
