"""Checks shared by every definition: valid names, tags, config schemas and plug-in functions."""

from __future__ import annotations

import inspect
import json
import keyword
import re
from collections.abc import Callable, Mapping
from typing import Any

from dagster import check
from dagster.core.errors import DagsterInvalidDefinitionError

DEFAULT_OUTPUT = "result"

DISALLOWED_NAMES = frozenset(
    {
        "context",
        "conf",
        "config",
        "meta",
        "arg_dict",
        "dict",
        "input_arg_dict",
        "output_arg_dict",
        "int",
        "str",
        "float",
        "bool",
        "input",
        "output",
        "type",
    }
    | set(keyword.kwlist)
)

VALID_NAME_REGEX = re.compile(r"^[A-Za-z0-9_]+$")

SYSTEM_TAG_PREFIX = "dagster/"


def is_valid_name(name: str) -> bool:
    return name not in DISALLOWED_NAMES and VALID_NAME_REGEX.match(name) is not None


def check_valid_name(name: str, what: str = "name") -> str:
    """Return ``name`` if it can name a solid, input or output; raise a definition error otherwise.

    ``what`` says what is being named (``'solid'``, ``'input "x" of solid "y"'``...) for the message.
    """
    check.str_param(name, "name")
    if name in DISALLOWED_NAMES:
        raise DagsterInvalidDefinitionError(
            f'"{name}" is not a valid {what}: it is a Python keyword or a name Dagster reserves '
            f"({', '.join(sorted(DISALLOWED_NAMES - set(keyword.kwlist)))}). Choose another name."
        )
    if not VALID_NAME_REGEX.match(name):
        raise DagsterInvalidDefinitionError(
            f'"{name}" is not a valid {what}: names may only contain letters, digits and underscores '
            "(regex ^[A-Za-z0-9_]+$)."
        )
    return name


def validate_tags(tags: Mapping[str, Any] | None, owner: str = "definition") -> dict[str, str]:
    """Tags as a ``{str: str}`` dict: non-string values are stored as their JSON text.

    A value that does not survive a JSON round trip is a definition error naming the key.
    """
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise DagsterInvalidDefinitionError(f"Tags of {owner} must be a dict, got {type(tags).__name__}.")
    valid: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(key, str):
            raise DagsterInvalidDefinitionError(
                f"Tag keys of {owner} must be strings, got {key!r} of type {type(key).__name__}."
            )
        if isinstance(value, str):
            valid[key] = value
            continue
        try:
            text = json.dumps(value)
            round_trips = json.loads(text) == value
        except (TypeError, ValueError):
            round_trips = False
        if not round_trips:
            raise DagsterInvalidDefinitionError(
                f'Tag "{key}" of {owner} has value {value!r}, which cannot be stored: a tag value must be a '
                "string or a JSON-serializable value that reads back equal (dicts, lists, numbers, bools)."
            )
        valid[key] = text
    return valid


def check_user_tags(tags: Mapping[str, str], owner: str) -> None:
    """Reject tag keys in the ``dagster/`` namespace, which the system reserves for itself."""
    for key in tags:
        if key.startswith(SYSTEM_TAG_PREFIX):
            raise DagsterInvalidDefinitionError(
                f'Tag "{key}" of {owner} uses the reserved prefix "{SYSTEM_TAG_PREFIX}". Rename the tag.'
            )


def config_field_from_spec(config: Any, owner: str) -> Any:
    """Resolve a ``config=`` argument (any config spec, or ``None``) to a ``Field`` or ``None``."""
    if config is None:
        return None
    from dagster.config.field import Field
    from dagster.config.field_utils import convert_potential_field
    from dagster.core.errors import DagsterInvalidConfigDefinitionError

    if isinstance(config, Field):
        return config
    try:
        return convert_potential_field(config)
    except (DagsterInvalidConfigDefinitionError, DagsterInvalidDefinitionError) as exc:
        # Keep the class (callers may catch it) and say whose config it is.
        exc.args = (f"Invalid config schema for {owner}: {exc}", *exc.args[1:])
        raise


def check_init_fn(fn: Callable, what: str, owner: str) -> Callable:
    """A plug-in function (resource, logger, executor, storage) must accept one positional argument."""
    if not callable(fn):
        raise DagsterInvalidDefinitionError(f"The {what} of {owner} must be callable, got {fn!r}.")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn
    params = list(signature.parameters.values())
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    has_varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    required = [p for p in positional if p.default is inspect.Parameter.empty]
    if has_varargs or (positional and len(required) <= 1):
        return fn
    fn_name = getattr(fn, "__name__", repr(fn))
    raise DagsterInvalidDefinitionError(
        f"The {what} '{fn_name}' of {owner} must take exactly one positional argument (the init context), "
        f"but its signature is {fn_name}{signature}. Define it as def {fn_name}(init_context): ..."
    )


def format_names(names: Any) -> str:
    """``"a", "b"`` for messages that list names."""
    return ", ".join(f'"{name}"' for name in names)
