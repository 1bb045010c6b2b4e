"""``TypeCheck`` results and failure descriptions shared by the type checks.

Definitions import the type system, so ``TypeCheck`` is imported on first use rather than at import.
"""

from __future__ import annotations

import typing

_CACHE: dict[str, typing.Any] = {}


def type_check_cls() -> type:
    """The ``TypeCheck`` class (imported once, on first use)."""
    cls = _CACHE.get("cls")
    if cls is None:
        from dagster.core.definitions.events import TypeCheck

        cls = _CACHE["cls"] = TypeCheck
    return cls


def type_check_passed() -> typing.Any:
    """The shared ``TypeCheck(True)``."""
    passed = _CACHE.get("passed")
    if passed is None:
        passed = _CACHE["passed"] = type_check_cls()(True)
    return passed


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
