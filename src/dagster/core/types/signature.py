"""Definition-time checks of the user functions the type system calls."""

from __future__ import annotations

import inspect
from collections.abc import Callable

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
