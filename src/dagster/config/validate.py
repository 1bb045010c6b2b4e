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
from dagster.config.errors import EvaluationError, PostProcessingError
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


_Evaluator = Callable[[_Context, Any, Any, tuple], Any]
_EVALUATORS: dict[ConfigType, _Evaluator] = {}
_STATIC: dict[ConfigType, bool] = {}
_UNSET = object()


def _copy_plain(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_plain(item) for key, item in value.items()}
    if kind is list:
        return [_copy_plain(item) for item in value]
    return value


def _mismatch(ctx: _Context, config_type: ConfigType, value: Any, path: tuple, make: Callable) -> None:
    if value is None:
        ctx.errors.append(E.create_none_not_allowed_error(path, config_type))
    else:
        ctx.errors.append(make(path, config_type, value))


def _ev_any(ctx: _Context, config_type: ConfigType, value: Any, path: tuple) -> Any:
    return _copy_plain(value) if ctx.copy_any else value


def _ev_int(ctx: _Context, config_type: ConfigType, value: Any, path: tuple) -> Any:
    if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    _mismatch(ctx, config_type, value, path, E.create_scalar_error)
    return None


def _ev_float(ctx: _Context, config_type: ConfigType, value: Any, path: tuple) -> Any:
    kind = type(value)
    if kind is float or kind is int or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return float(value) if ctx.post_process else value
    _mismatch(ctx, config_type, value, path, E.create_scalar_error)
    return None


def _ev_bool(ctx: _Context, config_type: ConfigType, value: Any, path: tuple) -> Any:
    if type(value) is bool:
        return value
    _mismatch(ctx, config_type, value, path, E.create_scalar_error)
    return None


def _ev_string(ctx: _Context, config_type: ConfigType, value: Any, path: tuple) -> Any:
    if isinstance(value, str):
        return value
    _mismatch(ctx, config_type, value, path, E.create_scalar_error)
    return None


def _ev_enum(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if not isinstance(value, str):
        _mismatch(ctx, config_type, value, path, E.create_enum_type_mismatch_error)
        return None
    if not config_type.is_valid_config_enum_value(value):
        ctx.errors.append(E.create_enum_value_missing_error(path, config_type, value))
        return None
    return config_type.to_python_value(value) if ctx.post_process else value


def _ev_noneable(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if value is None:
        return None
    inner = config_type.inner_type
    return (_EVALUATORS.get(inner) or _evaluator_for(inner))(ctx, inner, value, path)


def _ev_array(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if not isinstance(value, list):
        _mismatch(ctx, config_type, value, path, E.create_list_error)
        return None
    inner = config_type.inner_type
    evaluate = _EVALUATORS.get(inner) or _evaluator_for(inner)
    return [evaluate(ctx, inner, item, path + (index,)) for index, item in enumerate(value)]


def _default(ctx: _Context, field: Field, path: tuple) -> Any:
    """The processed default of ``field``, fresh for each call (cached when deterministic)."""
    config_type = field.config_type
    if ctx.post_process and _is_static(config_type):
        cached = field._static_default
        if cached is FIELD_NO_DEFAULT_PROVIDED:
            result = _run(config_type, field._default_value, True)
            if result.success:  # otherwise evaluate below, which reports the errors at their path
                cached = field._static_default = result.value
        if cached is not FIELD_NO_DEFAULT_PROVIDED:
            return _copy_plain(cached)
    copy_any = ctx.copy_any
    ctx.copy_any = True
    try:
        return (_EVALUATORS.get(config_type) or _evaluator_for(config_type))(
            ctx, config_type, field._default_value, path
        )
    finally:
        ctx.copy_any = copy_any


def _ev_shape(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if not isinstance(value, Mapping):
        _mismatch(ctx, config_type, value, path, E.create_dict_type_mismatch_error)
        return None
    errors = ctx.errors
    start = len(errors)
    fields = config_type.fields
    out = {}
    found = 0
    missing = None
    for name, field in fields.items():
        if name in value:
            found += 1
            field_type = field.config_type
            out[name] = (_EVALUATORS.get(field_type) or _evaluator_for(field_type))(
                ctx, field_type, value[name], path + (name,)
            )
        elif field._default_value is not FIELD_NO_DEFAULT_PROVIDED:
            out[name] = _default(ctx, field, path + (name,))
        elif field.is_required:
            if missing is None:
                missing = [name]
            else:
                missing.append(name)
    header = None
    if found < len(value):
        extras = [key for key in value if key not in fields]
        if config_type.kind == ConfigTypeKind.PERMISSIVE_SHAPE:
            for key in extras:
                out[key] = _copy_plain(value[key]) if ctx.copy_any else value[key]
        elif len(extras) == 1:
            header = [E.create_field_not_defined_error(path, config_type, extras[0])]
        else:
            header = [E.create_fields_not_defined_error(path, config_type, extras)]
    if missing is not None:
        if header is None:
            header = []
        if len(missing) == 1:
            header.append(E.create_missing_required_field_error(path, config_type, missing[0]))
        else:
            header.append(E.create_missing_required_fields_error(path, config_type, missing))
    if header is not None:
        errors[start:start] = header
    return out


def _ev_selector(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if not isinstance(value, Mapping):
        if value is None:
            ctx.errors.append(E.create_none_not_allowed_error(path, config_type))
        else:
            ctx.errors.append(E.create_selector_type_error(path, config_type, value))
        return None
    fields = config_type.fields
    if len(value) > 1:
        ctx.errors.append(E.create_selector_multiple_fields_error(path, config_type, value))
        return None
    if not value:
        if len(fields) != 1:
            ctx.errors.append(E.create_selector_multiple_fields_no_field_selected_error(path, config_type))
            return None
        ((name, field),) = fields.items()
        if field._default_value is not FIELD_NO_DEFAULT_PROVIDED:
            return {name: _default(ctx, field, path + (name,))}
        if field.is_required or not field.config_type.has_fields:
            ctx.errors.append(E.create_selector_unspecified_value_error(path, config_type))
            return None
        field_value = {}
    else:
        ((name, field_value),) = value.items()
        field = fields.get(name)
        if field is None:
            ctx.errors.append(E.create_field_not_defined_error(path, config_type, name))
            return None
    field_type = fields[name].config_type
    if field_value is None and field_type.has_fields:
        field_value = {}
    evaluate = _EVALUATORS.get(field_type) or _evaluator_for(field_type)
    return {name: evaluate(ctx, field_type, field_value, path + (name,))}


def _ev_scalar_union(ctx: _Context, config_type: Any, value: Any, path: tuple) -> Any:
    if value is None:
        ctx.errors.append(E.create_none_not_allowed_error(path, config_type))
        return None
    start = len(ctx.errors)
    branch = config_type.non_scalar_type if isinstance(value, (dict, list)) else config_type.scalar_type
    result = (_EVALUATORS.get(branch) or _evaluator_for(branch))(ctx, branch, value, path)
    if not ctx.post_process or len(ctx.errors) != start:
        return result
    try:
        return config_type.post_process(result)
    except PostProcessingError as exc:
        ctx.post_errors.append(E.create_post_process_error(path, value, exc))
        return None


_SCALAR_EVALUATORS: dict[ConfigScalarKind, _Evaluator] = {
    ConfigScalarKind.INT: _ev_int,
    ConfigScalarKind.FLOAT: _ev_float,
    ConfigScalarKind.BOOL: _ev_bool,
    ConfigScalarKind.STRING: _ev_string,
}

_KIND_EVALUATORS: dict[ConfigTypeKind, _Evaluator] = {
    ConfigTypeKind.ANY: _ev_any,
    ConfigTypeKind.ENUM: _ev_enum,
    ConfigTypeKind.NONEABLE: _ev_noneable,
    ConfigTypeKind.ARRAY: _ev_array,
    ConfigTypeKind.STRICT_SHAPE: _ev_shape,
    ConfigTypeKind.PERMISSIVE_SHAPE: _ev_shape,
    ConfigTypeKind.SELECTOR: _ev_selector,
    ConfigTypeKind.SCALAR_UNION: _ev_scalar_union,
}


def _evaluator_for(config_type: ConfigType) -> _Evaluator:
    if config_type.kind == ConfigTypeKind.SCALAR:
        evaluator = _SCALAR_EVALUATORS[config_type.scalar_kind]  # type: ignore[attr-defined]
    else:
        evaluator = _KIND_EVALUATORS[config_type.kind]
    _EVALUATORS[config_type] = evaluator
    return evaluator


def _is_static(config_type: ConfigType) -> bool:
    """True if processing a value of this type is deterministic (no env sources or other hooks)."""
    static = _STATIC.get(config_type)
    if static is None:
        static = all(
            not (isinstance(inner, ScalarUnion) and type(inner).post_process is not ScalarUnion.post_process)
            for inner in config_type.type_iterator()
        )
        _STATIC[config_type] = static
    return static


def _run(config_type: ConfigType, value: Any, post_process: bool) -> EvaluateValueResult:
    ctx = _Context(post_process)
    result = (_EVALUATORS.get(config_type) or _evaluator_for(config_type))(ctx, config_type, value, ())
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
