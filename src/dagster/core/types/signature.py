"""Definition-time checks of what users hand the type system: functions and their arguments."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from dagster.core.errors import DagsterInvalidDefinitionError

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def fn_name(fn: Callable) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def check_positional_arity(fn: Callable, arg_names: tuple[str, ...], what: str) -> None:
    """Raise ``DagsterInvalidDefinitionError`` unless ``fn`` can be called with ``len(arg_names)``
    positional arguments. A leading parameter named ``self`` is ignored (an unbound method).
    ``what`` starts the message, e.g. ``'The type_check_fn of DagsterType "Foo"'``."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin or C callable without introspectable signature: trust it
    params = list(signature.parameters.values())
    if params and params[0].name == "self" and params[0].kind in _POSITIONAL:
        params = params[1:]
    positional = [p for p in params if p.kind in _POSITIONAL]
    required = [p for p in positional if p.default is inspect.Parameter.empty]
    has_varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    required_kwonly = [
        p for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    ]
    expected = len(arg_names)
    if len(required) <= expected and (len(positional) >= expected or has_varargs) and not required_kwonly:
        return
    raise DagsterInvalidDefinitionError(
        f"{what} must take exactly {expected} positional arguments ({', '.join(arg_names)}), "
        f"but {fn_name(fn)} has the signature {signature}."
    )


def check_config_object(obj: Any, cls: type, what: str, decorator: str, type_label: str) -> Any:
    """``obj`` if it is None or an instance of ``cls`` (built by ``@decorator``); else a clear error."""
    if obj is None or isinstance(obj, cls):
        return obj
    raise DagsterInvalidDefinitionError(
        f'{what} of DagsterType "{type_label}" must be built with @{decorator}(<config schema>) '
        f"around your function; got {obj!r}."
    )


def check_auto_plugins(auto_plugins: Any, type_label: str) -> list:
    """A list of TypeStoragePlugin classes (checked by shape: storage sits above the type system)."""
    if auto_plugins is None:
        return []
    if not isinstance(auto_plugins, (list, tuple)):
        raise DagsterInvalidDefinitionError(
            f'auto_plugins of DagsterType "{type_label}" must be a list of TypeStoragePlugin classes, '
            f"got {auto_plugins!r}."
        )
    for plugin in auto_plugins:
        if not isinstance(plugin, type) or not callable(getattr(plugin, "compatible_with_storage_def", None)):
            raise DagsterInvalidDefinitionError(
                f'auto_plugins of DagsterType "{type_label}" must contain TypeStoragePlugin subclasses '
                f"(classes with compatible_with_storage_def, set_object and get_object); got {plugin!r}."
            )
    return list(auto_plugins)


def check_resource_keys(keys: Any, owner: str) -> frozenset:
    """``required_resource_keys`` given to ``owner``, as a frozenset of strings."""
    if keys is None:
        return frozenset()
    if (
        isinstance(keys, str)
        or not isinstance(keys, Iterable)
        or not all(isinstance(key, str) for key in keys)
    ):
        raise DagsterInvalidDefinitionError(
            f"required_resource_keys of {owner} must be a set of resource key strings, got {keys!r}."
        )
    return frozenset(keys)
