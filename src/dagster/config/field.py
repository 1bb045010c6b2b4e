"""``Field`` and the resolution of config schema specs ("potential fields") to config types.

A spec may be a config type, a python scalar type (``int``, ``str``, ...), one of the
``dagster.Int``-style builtins, ``typing.Any``, a dict ``{name: spec}`` (a :class:`Shape`), a
one-element list ``[spec]`` (an :class:`Array`), or ``typing.List[...]`` / ``typing.Optional[...]``
(``Array`` / ``Noneable``).
"""

from __future__ import annotations

import enum
import json
import types
import typing
import warnings

from dagster import builtins, check
from dagster.config.config_type import (
    Array,
    ConfigAnyInstance,
    ConfigBoolInstance,
    ConfigFloatInstance,
    ConfigIntInstance,
    ConfigStringInstance,
    ConfigType,
    ConfigTypeKind,
    Noneable,
)
from dagster.core.errors import (
    DagsterInvalidConfigDefinitionError,
    DagsterInvalidConfigError,
    DagsterInvalidDefinitionError,
)


class _NoDefault:
    """Sentinel: a Field was given no ``default_value``."""

    _instance: _NoDefault | None = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "FIELD_NO_DEFAULT_PROVIDED"

    def __reduce__(self):
        return (_NoDefault, ())


FIELD_NO_DEFAULT_PROVIDED = _NoDefault()

_SIMPLE_TYPES: dict[typing.Any, ConfigType] = {
    int: ConfigIntInstance,
    float: ConfigFloatInstance,
    bool: ConfigBoolInstance,
    str: ConfigStringInstance,
    builtins.Int: ConfigIntInstance,
    builtins.Float: ConfigFloatInstance,
    builtins.Bool: ConfigBoolInstance,
    builtins.String: ConfigStringInstance,
    typing.Any: ConfigAnyInstance,
}

VALID_SPECS_HELP = (
    "A config schema is one of: a config type (Int, Float, Bool, String, Any, Shape(...), Permissive(...), "
    "Selector(...), Array(...), Noneable(...), Enum(...), ScalarUnion(...), StringSource, IntSource, BoolSource); "
    "a python scalar type (int, float, bool, str); a dict {field_name: schema}; a one-element list [schema]; "
    "typing.List[schema] or typing.Optional[schema]; or, inside a dict, a Field(schema, ...)."
)


def _is_dagster_type(obj: typing.Any) -> bool:
    """True for a runtime DagsterType instance or class (checked by name: config sits below types)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return any(klass.__name__ == "DagsterType" for klass in cls.__mro__)


def _describe(obj: typing.Any) -> str:
    if isinstance(obj, type):
        return obj.__name__
    return repr(obj)


def _resolve(spec: typing.Any, original_root: typing.Any, stack: list[str]) -> ConfigType | None:
    """Resolve ``spec`` or return None when it is not a config schema at all (caller reports)."""
    if isinstance(spec, ConfigType):
        return spec
    try:
        simple = _SIMPLE_TYPES.get(spec)
    except TypeError:  # unhashable: a dict or list spec
        simple = None
    if simple is not None:
        return simple
    if spec is None:
        return ConfigAnyInstance
    if isinstance(spec, dict):
        from dagster.config.field_utils import Shape

        return Shape(_convert_fields(spec, original_root, stack))
    if isinstance(spec, list):
        if len(spec) != 1:
            raise DagsterInvalidConfigDefinitionError(
                original_root,
                spec,
                stack,
                reason=f"an Array is written as a list of exactly one element ([int]); this list has {len(spec)}",
            )
        return Array(_resolve_or_raise(spec[0], original_root, stack))
    if spec is list:
        return Array(ConfigAnyInstance)
    where = f" at :{':'.join(stack)}" if stack else ""
    if isinstance(spec, type) and issubclass(spec, ConfigType):
        raise DagsterInvalidDefinitionError(
            f"The config type class {spec.__name__} was passed{where} where a config type is expected: "
            f"pass an instance instead (e.g. {spec.__name__}(...)), or a python type such as int or str."
        )
    if _is_dagster_type(spec):
        raise DagsterInvalidDefinitionError(
            f"You have passed a Dagster runtime type ({_describe(spec)}){where} where a config schema is "
            "expected. Config types and Dagster types are separate systems: use a config type such as "
            "Int, String, Array(...), Noneable(...) or a dict of them. " + VALID_SPECS_HELP
        )
    origin = typing.get_origin(spec)
    if origin is list and len(typing.get_args(spec)) == 1:
        return Array(_resolve_or_raise(typing.get_args(spec)[0], original_root, stack))
    if spec is typing.List:  # noqa: UP006 - the bare typing alias is a valid spec
        return Array(ConfigAnyInstance)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(spec)
        non_none = [arg for arg in args if arg is not type(None)]
        if len(args) == 2 and len(non_none) == 1:
            return Noneable(_resolve_or_raise(non_none[0], original_root, stack))
    return None


def _resolve_or_raise(spec: typing.Any, original_root: typing.Any, stack: list[str]) -> ConfigType:
    resolved = _resolve(spec, original_root, stack)
    if resolved is None:
        raise DagsterInvalidConfigDefinitionError(
            original_root,
            spec,
            stack,
            reason=f"{_describe(spec)} is not a config schema",
        )
    return resolved


def _convert_fields(spec: dict, original_root: typing.Any, stack: list[str]) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for name, value in spec.items():
        if not isinstance(name, str):
            raise DagsterInvalidConfigDefinitionError(
                original_root, spec, stack, reason=f"field names must be strings, got {name!r}"
            )
        fields[name] = _convert_field(value, original_root, stack + [name])
    return fields


def _convert_field(spec: typing.Any, original_root: typing.Any, stack: list[str]) -> Field:
    if isinstance(spec, Field):
        return spec
    if spec is None:
        raise DagsterInvalidConfigDefinitionError(
            original_root,
            spec,
            stack,
            reason="Fields cannot be None; give a schema such as int, str or a dict",
        )
    return Field(_resolve_or_raise(spec, original_root, stack))


def convert_potential_field(potential_field: typing.Any) -> Field:
    """Turn a schema spec, or a :class:`Field`, into a :class:`Field`."""
    return _convert_field(potential_field, potential_field, [])


def resolve_to_config_type(spec: typing.Any, what: str = "config") -> ConfigType:
    """Resolve a schema spec to its config type (memoized: equal specs give the same object).

    Raises ``DagsterInvalidConfigDefinitionError`` for a bad dict/list spec (naming the path) and
    ``DagsterInvalidDefinitionError`` for anything else that is not a config schema.
    """
    if isinstance(spec, ConfigType):
        return spec
    if isinstance(spec, Field):
        raise DagsterInvalidDefinitionError(
            f"A Field was passed as {what}, where a config type is expected. Pass the Field's type "
            "(its first argument) instead, or use the Field as the value of a dict entry."
        )
    resolved = _resolve(spec, spec, [])
    if resolved is None:
        raise DagsterInvalidDefinitionError(
            f"{_describe(spec)!s} (of type {type(spec).__name__}) was passed as {what}, but it is not a "
            f"config schema. {VALID_SPECS_HELP}"
        )
    return resolved


def all_optional_type(config_type: ConfigType) -> bool:
    """True for a Shape/Permissive whose every field is optional (such a field is optional itself)."""
    if not ConfigTypeKind.is_shape(config_type.kind):
        return False
    return all(not field.is_required for field in config_type.fields.values())  # type: ignore[attr-defined]


def _json_or_repr(value: typing.Any) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


class Field:
    """A config field: its type, whether it is required, its default and description.

    Required-ness when neither ``is_required`` nor ``is_optional`` is given: a field with a
    ``default_value`` is optional; otherwise it is required unless its type is a Shape/Permissive
    whose fields are all optional (then its default is the dict of the inner defaults).
    """

    __slots__ = (
        "config_type",
        "is_required",
        "description",
        "_default_value",
        "_default_json",
    )

    def __init__(
        self,
        config: typing.Any,
        default_value: typing.Any = FIELD_NO_DEFAULT_PROVIDED,
        is_optional: bool | None = None,
        is_required: bool | None = None,
        description: str | None = None,
    ):
        if config is None:
            raise DagsterInvalidDefinitionError(
                "Field(None) is not a config schema. Give the type of the field, e.g. Field(int). "
                + VALID_SPECS_HELP
            )
        self.config_type: ConfigType = resolve_to_config_type(config, what="the type of a Field")
        self.description = check.opt_str_param(description, "description")
        check.param_invariant(
            not callable(default_value),
            "default_value",
            "A Field's default_value cannot be a callable: give the value itself.",
        )
        if is_optional is not None:
            warnings.warn(
                '"is_optional" of Field is deprecated: use "is_required" (its inverse).',
                DeprecationWarning,
                stacklevel=2,
            )
            check.bool_param(is_optional, "is_optional")
            check.param_invariant(
                is_required is None or is_required == (not is_optional),
                "is_required",
                "is_optional and is_required contradict each other; give only is_required.",
            )
            is_required = not is_optional
        check.opt_bool_param(is_required, "is_required")
        provided = default_value is not FIELD_NO_DEFAULT_PROVIDED
        check.param_invariant(
            not (provided and is_required is True),
            "is_required",
            "A required field cannot have a default_value: the default would never be used.",
        )
        self._default_value = default_value
        if provided:
            self._check_default(default_value)
        if is_required is None:
            is_required = not provided and not all_optional_type(self.config_type)
            if not is_required and not provided:
                self._default_value = self._implied_default()
        self.is_required: bool = is_required
        self._default_json: str | None = None

    def _check_default(self, default_value: typing.Any) -> None:
        from dagster.config.validate import validate_config

        if self.config_type.kind == ConfigTypeKind.ENUM and isinstance(default_value, enum.Enum):
            raise DagsterInvalidDefinitionError(
                f"The default_value of a field of config enum type {self.config_type.key} is the python enum "
                f"member {default_value!r}. Give the config string instead, one of "
                f"{self.config_type.config_values}."  # type: ignore[attr-defined]
            )
        result = validate_config(self.config_type, default_value)
        if not result.success:
            raise DagsterInvalidConfigError("Invalid default_value for Field.", result.errors, default_value)

    def _implied_default(self) -> typing.Any:
        from dagster.config.validate import validate_config

        result = validate_config(self.config_type, {})
        if not result.success:
            raise DagsterInvalidConfigError(
                "Unable to resolve implicit default_value for Field.", result.errors, None
            )
        return result.value

    @property
    def is_optional(self) -> bool:
        return not self.is_required

    @property
    def default_provided(self) -> bool:
        return self._default_value is not FIELD_NO_DEFAULT_PROVIDED

    @property
    def default_value(self) -> typing.Any:
        check.invariant(self.default_provided, "Asking for the default value of a Field that has none.")
        return self._default_value

    @property
    def default_value_as_json_str(self) -> str:
        check.invariant(self.default_provided, "Asking for the default value of a Field that has none.")
        if self._default_json is None:
            self._default_json = _json_or_repr(self._default_value)
        return self._default_json

    def __repr__(self) -> str:
        default = f", default_value={self._default_value!r}" if self.default_provided else ""
        return f"Field({self.config_type.key}{default}, is_required={self.is_required})"


__all__ = [
    "FIELD_NO_DEFAULT_PROVIDED",
    "Field",
    "all_optional_type",
    "convert_potential_field",
    "resolve_to_config_type",
]
