"""Validate a config value against a config type and turn it into what user code receives.

One walk over the value does both jobs of Dagster's two passes: it collects *every* structural
error (unknown or missing fields, type mismatches), and builds the processed value (defaults
filled in, Float coercion, Enum python values, env sources). Post-processing failures (an unset
environment variable) are kept apart and reported only when the structure is valid.

Hot path: each type's evaluator is looked up once per type object and cached; no deep copies or
re-resolution happen per call. Processed values are plain ``dict``/``list`` objects, built fresh
on every call, so user code may mutate them without affecting later runs or defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from dagster.config import errors as E
from dagster.config.config_type import ConfigScalarKind, ConfigType, ConfigTypeKind, ScalarUnion
from dagster.config.errors import EvaluationError
from dagster.config.field import FIELD_NO_DEFAULT_PROVIDED, Field, resolve_to_config_type


class EvaluateValueResult(
    NamedTuple("_EvaluateValueResult", [("success", bool), ("value", Any), ("errors", list)])
):
    """``success`` with the processed ``value``, or the list of every :class:`EvaluationError`."""

    @staticmethod
    def for_value(value: Any) -> EvaluateValueResult:
        return EvaluateValueResult(True, value, [])

    @staticmethod
    def for_errors(errors: list[EvaluationError]) -> EvaluateValueResult:
        return EvaluateValueResult(False, None, list(errors))

    def errors_at_level(self, *levels: str) -> list[EvaluationError]:
        """The errors whose stack's field names are exactly ``levels``."""
        return [error for error in self.errors if error.stack.levels == list(levels)]

    @property
    def error_messages(self) -> list[str]:
        return [error.message for error in self.errors]


class _Context:
    __slots__ = ("errors", "post_errors", "post_process", "copy_any")

    def __init__(self, post_process: bool):
        self.errors: list[EvaluationError] = []
        self.post_errors: list[EvaluationError] = []
        self.post_process = post_process
        self.copy_any = False


# A path is a linked list of (parent, step) pairs, root = None: O(1) per step on the hot path,
# flattened to a tuple only when an error is reported.
_Path = tuple | None
_Evaluator = Callable[[_Context, Any, Any], Any]
_COMPILED: dict[ConfigType, _Evaluator] = {}


def _flatten(path: _Path) -> tuple:
    steps = []
    while path is not None:
        path, step = path
        steps.append(step)
    steps.reverse()
    return tuple(steps)


def _copy_plain(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_plain(item) for key, item in value.items()}
    if kind is list:
        return [_copy_plain(item) for item in value]
    return value


def _mismatch(ctx: _Context, config_type: ConfigType, value: Any, path: _Path, make: Callable) -> None:
    if value is None:
        ctx.errors.append(E.create_none_not_allowed_error(_flatten(path), config_type))
    else:
        ctx.errors.append(make(_flatten(path), config_type, value))


def _compile(config_type: ConfigType) -> _Evaluator:
    """The evaluator of ``config_type``: built once per type object, then reused."""
    evaluator = _COMPILED.get(config_type)
    if evaluator is None:
        if config_type.kind == ConfigTypeKind.SCALAR:
            evaluator = _compile_scalar(config_type)
        else:
            evaluator = _COMPILERS[config_type.kind](config_type)
        _COMPILED[config_type] = evaluator
    return evaluator


def _compile_any(config_type: ConfigType) -> _Evaluator:
    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        return _copy_plain(value) if ctx.copy_any else value

    return evaluate


def _compile_scalar(config_type: Any) -> _Evaluator:
    scalar_kind = config_type.scalar_kind
    make = E.create_scalar_error
    if scalar_kind == ConfigScalarKind.INT:

        def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
            if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
                return value
            _mismatch(ctx, config_type, value, path, make)
            return None

    elif scalar_kind == ConfigScalarKind.FLOAT:

        def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
            kind = type(value)
            if (
                kind is float
                or kind is int
                or (isinstance(value, (int, float)) and not isinstance(value, bool))
            ):
                return float(value) if ctx.post_process else value
            _mismatch(ctx, config_type, value, path, make)
            return None

    elif scalar_kind == ConfigScalarKind.BOOL:

        def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
            if type(value) is bool:
                return value
            _mismatch(ctx, config_type, value, path, make)
            return None

    else:

        def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
            if type(value) is str or isinstance(value, str):
                return value
            _mismatch(ctx, config_type, value, path, make)
            return None

    return evaluate


def _compile_enum(config_type: Any) -> _Evaluator:
    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        if not isinstance(value, str):
            _mismatch(ctx, config_type, value, path, E.create_enum_type_mismatch_error)
            return None
        if not config_type.is_valid_config_enum_value(value):
            ctx.errors.append(E.create_enum_value_missing_error(_flatten(path), config_type, value))
            return None
        return config_type.to_python_value(value) if ctx.post_process else value

    return evaluate


def _compile_noneable(config_type: Any) -> _Evaluator:
    inner = _compile(config_type.inner_type)

    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        return None if value is None else inner(ctx, value, path)

    return evaluate


# Scalars whose valid values are exactly the instances of one python type and need no processing:
# a shape checks such fields inline instead of calling their evaluator.
_INLINE_SCALARS = {ConfigScalarKind.INT: int, ConfigScalarKind.STRING: str, ConfigScalarKind.BOOL: bool}
_CONSTANT = object()  # marks a default that is an immutable constant, stored in the entry


def _inline_type(config_type: ConfigType) -> type | None:
    if config_type.kind != ConfigTypeKind.SCALAR:
        return None
    return _INLINE_SCALARS.get(config_type.scalar_kind)  # type: ignore[attr-defined]


def _compile_array(config_type: Any) -> _Evaluator:
    inner = _compile(config_type.inner_type)
    inline = _inline_type(config_type.inner_type)

    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        if type(value) is not list and not isinstance(value, list):
            _mismatch(ctx, config_type, value, path, E.create_list_error)
            return None
        return [
            item if type(item) is inline else inner(ctx, item, (path, index))
            for index, item in enumerate(value)
        ]

    return evaluate


def _is_static(config_type: ConfigType) -> bool:
    """True if processing a value of this type is deterministic (no env sources or other hooks)."""
    return all(
        not (isinstance(inner, ScalarUnion) and type(inner).post_process is not ScalarUnion.post_process)
        for inner in config_type.type_iterator()
    )


def _compile_default(field: Field) -> Callable[[_Context, _Path], Any] | None:
    """A function giving the processed default of ``field``, fresh on each call; None if it has none."""
    if field._default_value is FIELD_NO_DEFAULT_PROVIDED:
        return None
    raw = field._default_value
    config_type = field.config_type
    static = _is_static(config_type)
    cache: list = []

    def evaluate_raw(ctx: _Context, path: _Path) -> Any:
        copy_any = ctx.copy_any
        ctx.copy_any = True
        try:
            return _compile(config_type)(ctx, raw, path)
        finally:
            ctx.copy_any = copy_any

    def default(ctx: _Context, path: _Path) -> Any:
        if cache and ctx.post_process:
            value = cache[0]
            kind = type(value)
            return _copy_plain(value) if kind is dict or kind is list else value
        if not (static and ctx.post_process):
            return evaluate_raw(ctx, path)
        result = _run(config_type, raw, True)
        if not result.success:  # report the errors at their real path
            return evaluate_raw(ctx, path)
        cache.append(result.value)
        return _copy_plain(result.value)

    return default


def _shape_entry(name: str, field: Field) -> tuple:
    """``(name, evaluator, inline type, default fn or _CONSTANT or None, constant, is_required)``."""
    inline = _inline_type(field.config_type)
    raw = field._default_value
    if inline is not None and type(raw) is inline:
        return (name, _compile(field.config_type), inline, _CONSTANT, raw, field.is_required)
    return (name, _compile(field.config_type), inline, _compile_default(field), None, field.is_required)


def _compile_shape(config_type: Any) -> _Evaluator:
    fields = config_type.fields
    entries = tuple(_shape_entry(name, field) for name, field in fields.items())
    permissive = config_type.kind == ConfigTypeKind.PERMISSIVE_SHAPE

    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            _mismatch(ctx, config_type, value, path, E.create_dict_type_mismatch_error)
            return None
        errors = ctx.errors
        start = len(errors)
        out = {}
        found = 0
        missing = None
        for name, child, inline, default, constant, required in entries:
            if name in value:
                found += 1
                item = value[name]
                out[name] = item if type(item) is inline else child(ctx, item, (path, name))
            elif default is _CONSTANT:
                out[name] = constant
            elif default is not None:
                out[name] = default(ctx, (path, name))
            elif required:
                if missing is None:
                    missing = [name]
                else:
                    missing.append(name)
        if found == len(value) and missing is None:
            return out
        header = []
        if found < len(value):
            extras = [key for key in value if key not in fields]
            if permissive:
                for key in extras:
                    out[key] = _copy_plain(value[key]) if ctx.copy_any else value[key]
            elif len(extras) == 1:
                header.append(E.create_field_not_defined_error(_flatten(path), config_type, extras[0]))
            else:
                header.append(E.create_fields_not_defined_error(_flatten(path), config_type, extras))
        if missing is not None:
            if len(missing) == 1:
                header.append(E.create_missing_required_field_error(_flatten(path), config_type, missing[0]))
            else:
                header.append(E.create_missing_required_fields_error(_flatten(path), config_type, missing))
        errors[start:start] = header
        return out

    return evaluate


def _compile_selector(config_type: Any) -> _Evaluator:
    fields = config_type.fields
    entries = {
        name: (_compile(field.config_type), field.config_type.has_fields) for name, field in fields.items()
    }
    if len(fields) == 1:
        ((only_name, only_field),) = fields.items()
        only_default = _compile_default(only_field)
        only_fills_empty = not only_field.is_required and only_field.config_type.has_fields
    else:
        only_name, only_default, only_fills_empty = None, None, False

    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            if value is None:
                ctx.errors.append(E.create_none_not_allowed_error(_flatten(path), config_type))
            else:
                ctx.errors.append(E.create_selector_type_error(_flatten(path), config_type, value))
            return None
        if len(value) == 1:
            ((name, field_value),) = value.items()
            entry = entries.get(name)
            if entry is None:
                ctx.errors.append(E.create_field_not_defined_error(_flatten(path), config_type, name))
                return None
            child, has_fields = entry
            if field_value is None and has_fields:
                field_value = {}
            return {name: child(ctx, field_value, (path, name))}
        if value:
            ctx.errors.append(E.create_selector_multiple_fields_error(_flatten(path), config_type, value))
            return None
        if only_name is None:
            ctx.errors.append(
                E.create_selector_multiple_fields_no_field_selected_error(_flatten(path), config_type)
            )
            return None
        if only_default is not None:
            return {only_name: only_default(ctx, (path, only_name))}
        if only_fills_empty:
            return {only_name: entries[only_name][0](ctx, {}, (path, only_name))}
        ctx.errors.append(E.create_selector_unspecified_value_error(_flatten(path), config_type))
        return None

    return evaluate


def _compile_scalar_union(config_type: Any) -> _Evaluator:
    scalar = _compile(config_type.scalar_type)
    non_scalar = _compile(config_type.non_scalar_type)
    hook = None if type(config_type).post_process is ScalarUnion.post_process else config_type.post_process

    def evaluate(ctx: _Context, value: Any, path: _Path) -> Any:
        if value is None:
            ctx.errors.append(E.create_none_not_allowed_error(_flatten(path), config_type))
            return None
        if isinstance(value, (dict, list)):
            start = len(ctx.errors)
            result = non_scalar(ctx, value, path)
            if hook is None or not ctx.post_process or len(ctx.errors) != start:
                return result
        else:
            start = len(ctx.errors)
            result = scalar(ctx, value, path)
            if len(ctx.errors) != start:
                ctx.errors[-1] = E.create_scalar_union_error(_flatten(path), config_type, value)
                return None
            if hook is None or not ctx.post_process:
                return result
        try:
            return hook(result)
        except Exception as exc:  # a post-processor's failure is a config error, never a crash
            ctx.post_errors.append(E.create_post_process_error(_flatten(path), value, exc))
            return None

    return evaluate


_COMPILERS: dict[ConfigTypeKind, Callable[[Any], _Evaluator]] = {
    ConfigTypeKind.ANY: _compile_any,
    ConfigTypeKind.ENUM: _compile_enum,
    ConfigTypeKind.NONEABLE: _compile_noneable,
    ConfigTypeKind.ARRAY: _compile_array,
    ConfigTypeKind.STRICT_SHAPE: _compile_shape,
    ConfigTypeKind.PERMISSIVE_SHAPE: _compile_shape,
    ConfigTypeKind.SELECTOR: _compile_selector,
    ConfigTypeKind.SCALAR_UNION: _compile_scalar_union,
}


def _run(config_type: ConfigType, value: Any, post_process: bool) -> EvaluateValueResult:
    ctx = _Context(post_process)
    result = (_COMPILED.get(config_type) or _compile(config_type))(ctx, value, None)
    if ctx.errors:
        return EvaluateValueResult(False, None, ctx.errors)
    if ctx.post_errors:
        return EvaluateValueResult(False, None, ctx.post_errors)
    return EvaluateValueResult(True, result, [])


def process_config(config_type_or_spec: Any, config_value: Any) -> EvaluateValueResult:
    """Validate ``config_value`` and return it processed (defaults, coercions, env sources), or all errors."""
    config_type = (
        config_type_or_spec
        if isinstance(config_type_or_spec, ConfigType)
        else resolve_to_config_type(config_type_or_spec)
    )
    return _run(config_type, config_value, True)


def validate_config(config_type_or_spec: Any, config_value: Any) -> EvaluateValueResult:
    """The structural pass only: all errors, or the value with defaults filled in (nothing post-processed)."""
    config_type = (
        config_type_or_spec
        if isinstance(config_type_or_spec, ConfigType)
        else resolve_to_config_type(config_type_or_spec)
    )
    return _run(config_type, config_value, False)


__all__ = ["EvaluateValueResult", "process_config", "validate_config"]
