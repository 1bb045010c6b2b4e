"""``TypeCheck`` results and failure descriptions shared by the type checks.

Definitions import the type system, so ``TypeCheck`` is imported on first use rather than at import.
"""

from __future__ import annotations

import typing

_PASSED: list = []


def type_check_cls() -> type:
    from dagster.core.definitions.events import TypeCheck

    return TypeCheck


def type_check_passed() -> typing.Any:
    """The shared ``TypeCheck(True)``."""
    if not _PASSED:
        _PASSED.append(type_check_cls()(True))
    return _PASSED[0]


def type_check_failed(description: str | None, metadata_entries: list | None = None) -> typing.Any:
    return type_check_cls()(False, description, metadata_entries)


def short_str(value: object, limit: int = 100) -> str:
    """``str(value)``, cut to ``limit`` characters, for messages about arbitrary user values."""
    try:
        text = str(value)
    except Exception:  # a broken __str__ must not hide the type check result
        text = object.__repr__(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def mismatch_description(value: object, expected: str) -> str:
    return f'Value "{short_str(value)}" of python type "{type(value).__name__}" must be {expected}.'
