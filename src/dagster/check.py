"""Argument checks used across the code base.

Every failure raises :class:`CheckError` (or a subclass) whose message names the parameter, so a
programming mistake points at the exact argument that was wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


class CheckError(Exception):
    """An argument or invariant check failed."""


class ParameterCheckError(CheckError):
    """A parameter had the wrong type or value."""


class ElementCheckError(CheckError):
    """An element of a list, tuple, set or dict had the wrong type."""


class NotImplementedCheckError(CheckError):
    """A method that must be overridden was not."""


def _type_name(ttype: Any) -> str:
    if isinstance(ttype, tuple):
        return " or ".join(t.__name__ for t in ttype)
    return getattr(ttype, "__name__", repr(ttype))


def _param_error(obj: Any, param_name: str, expected: str, desc: str | None = None) -> ParameterCheckError:
    extra = f" Description: {desc}" if desc else ""
    return ParameterCheckError(
        f'Param "{param_name}" is not {expected}. Got {obj!r} which is type {type(obj)}.{extra}'
    )


def failed(desc: str) -> None:
    raise CheckError(f"Failure condition: {desc}")


def not_implemented(desc: str) -> None:
    raise NotImplementedCheckError(f"Not implemented: {desc}")


def invariant(condition: Any, desc: str | None = None) -> bool:
    if not condition:
        raise CheckError(f"Invariant failed. Description: {desc}" if desc else "Invariant failed.")
    return True


def param_invariant(condition: Any, param_name: str, desc: str | None = None) -> None:
    if not condition:
        raise ParameterCheckError(f'Invariant violation for parameter "{param_name}". Description: {desc}')


def inst_param(obj: Any, param_name: str, ttype: Any, desc: str | None = None) -> Any:
    if not isinstance(obj, ttype):
        raise _param_error(obj, param_name, f"a {_type_name(ttype)}", desc)
    return obj


def opt_inst_param(obj: Any, param_name: str, ttype: Any, default: Any = None) -> Any:
    if obj is None:
        return default
    return inst_param(obj, param_name, ttype)


def inst(obj: Any, ttype: Any, desc: str | None = None) -> Any:
    if not isinstance(obj, ttype):
        raise CheckError(f"Expected a {_type_name(ttype)}, got {obj!r}. {desc or ''}".strip())
    return obj


def opt_inst(obj: Any, ttype: Any, desc: str | None = None, default: Any = None) -> Any:
    return default if obj is None else inst(obj, ttype, desc)


def subclass_param(obj: Any, param_name: str, superclass: type) -> type:
    if not (isinstance(obj, type) and issubclass(obj, superclass)):
        raise _param_error(obj, param_name, f"a subclass of {superclass.__name__}")
    return obj


def opt_subclass_param(obj: Any, param_name: str, superclass: type) -> type | None:
    return None if obj is None else subclass_param(obj, param_name, superclass)


def callable_param(obj: Any, param_name: str) -> Callable:
    if not callable(obj):
        raise _param_error(obj, param_name, "callable")
    return obj


def opt_callable_param(obj: Any, param_name: str, default: Any = None) -> Any:
    return default if obj is None else callable_param(obj, param_name)


def is_callable(obj: Any, desc: str | None = None) -> Callable:
    if not callable(obj):
        raise CheckError(f"Must be callable. Got {obj!r}. {desc or ''}".strip())
    return obj


def _scalar(kind: type | tuple, kind_name: str):
    def check(obj: Any, param_name: str) -> Any:
        if not isinstance(obj, kind) or (kind_name in ("an int", "a float") and isinstance(obj, bool)):
            raise _param_error(obj, param_name, kind_name)
        return obj

    def opt_check(obj: Any, param_name: str, default: Any = None) -> Any:
        return default if obj is None else check(obj, param_name)

    return check, opt_check


str_param, opt_str_param = _scalar(str, "a string")
int_param, opt_int_param = _scalar(int, "an int")
float_param, opt_float_param = _scalar((int, float), "a float")
bool_param, opt_bool_param = _scalar(bool, "a bool")
numeric_param, opt_numeric_param = _scalar((int, float), "a number")


def str_elem(ddict: Mapping, key: str) -> str:
    return inst(ddict[key], str, f'Element "{key}"')


def opt_str_elem(ddict: Mapping, key: str) -> str | None:
    value = ddict.get(key)
    return None if value is None else inst(value, str, f'Element "{key}"')


def dict_elem(ddict: Mapping, key: str) -> dict:
    return inst(ddict[key], dict, f'Element "{key}"')


def opt_dict_elem(ddict: Mapping, key: str) -> dict:
    value = ddict.get(key)
    return {} if value is None else inst(value, dict, f'Element "{key}"')


def _check_elements(items: Any, param_name: str, of_type: Any) -> None:
    if of_type is None:
        return
    for item in items:
        if not isinstance(item, of_type):
            raise ElementCheckError(
                f'Member of "{param_name}" is not a {_type_name(of_type)}. Got {item!r} of type {type(item)}.'
            )


def _sequence(kind: type, kind_name: str):
    def check(obj: Any, param_name: str, of_type: Any = None) -> Any:
        if not isinstance(obj, kind):
            raise _param_error(obj, param_name, kind_name)
        _check_elements(obj, param_name, of_type)
        return obj

    def opt_check(obj: Any, param_name: str, of_type: Any = None) -> Any:
        if obj is None:
            return kind()
        return check(obj, param_name, of_type)

    def opt_nullable_check(obj: Any, param_name: str, of_type: Any = None) -> Any:
        return None if obj is None else check(obj, param_name, of_type)

    return check, opt_check, opt_nullable_check


list_param, opt_list_param, opt_nullable_list_param = _sequence(list, "a list")
tuple_param, opt_tuple_param, opt_nullable_tuple_param = _sequence(tuple, "a tuple")
set_param, opt_set_param, opt_nullable_set_param = _sequence(set, "a set")


def is_list(obj: Any, of_type: Any = None, desc: str | None = None) -> list:
    if not isinstance(obj, list):
        raise CheckError(f"Expected a list, got {obj!r}. {desc or ''}".strip())
    _check_elements(obj, desc or "list", of_type)
    return obj


def is_tuple(obj: Any, of_type: Any = None, desc: str | None = None) -> tuple:
    if not isinstance(obj, tuple):
        raise CheckError(f"Expected a tuple, got {obj!r}. {desc or ''}".strip())
    _check_elements(obj, desc or "tuple", of_type)
    return obj


def _check_mapping(obj: Mapping, param_name: str, key_type: Any, value_type: Any) -> None:
    if key_type is not None:
        _check_elements(obj.keys(), param_name, key_type)
    if value_type is not None:
        _check_elements(obj.values(), param_name, value_type)


def dict_param(obj: Any, param_name: str, key_type: Any = None, value_type: Any = None) -> dict:
    if not isinstance(obj, Mapping):
        raise _param_error(obj, param_name, "a dict")
    _check_mapping(obj, param_name, key_type, value_type)
    return obj  # type: ignore[return-value]


def opt_dict_param(obj: Any, param_name: str, key_type: Any = None, value_type: Any = None) -> dict:
    return {} if obj is None else dict_param(obj, param_name, key_type, value_type)


def opt_nullable_dict_param(obj: Any, param_name: str, key_type: Any = None, value_type: Any = None) -> Any:
    return None if obj is None else dict_param(obj, param_name, key_type, value_type)


def is_dict(obj: Any, key_type: Any = None, value_type: Any = None, desc: str | None = None) -> dict:
    if not isinstance(obj, Mapping):
        raise CheckError(f"Expected a dict, got {obj!r}. {desc or ''}".strip())
    _check_mapping(obj, desc or "dict", key_type, value_type)
    return obj  # type: ignore[return-value]


def sequence_param(obj: Any, param_name: str, of_type: Any = None) -> Sequence:
    if not isinstance(obj, Sequence) or isinstance(obj, str):
        raise _param_error(obj, param_name, "a sequence")
    _check_elements(obj, param_name, of_type)
    return obj


def opt_sequence_param(obj: Any, param_name: str, of_type: Any = None) -> Sequence:
    return [] if obj is None else sequence_param(obj, param_name, of_type)


def generator_param(obj: Any, param_name: str) -> Any:
    import inspect

    if not inspect.isgenerator(obj):
        raise _param_error(obj, param_name, "a generator")
    return obj


def type_param(obj: Any, param_name: str) -> type:
    if not isinstance(obj, type):
        raise _param_error(obj, param_name, "a type")
    return obj


def opt_type_param(obj: Any, param_name: str, default: Any = None) -> Any:
    return default if obj is None else type_param(obj, param_name)
