"""Config types made of named fields: ``Shape`` (strict), ``Permissive`` and ``Selector``.

Each is memoized on a hash of its fields (names, types, required flags, defaults, descriptions)
and its description, so ``Shape({'a': int}) is Shape({'a': int})`` and its ``key`` is stable across
processes (``Shape.<sha1>``).
"""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Iterator

from dagster import check
from dagster.config.config_type import ConfigType, ConfigTypeKind
from dagster.config.field import (
    FIELD_NO_DEFAULT_PROVIDED,
    Field,
    _convert_fields,
    all_optional_type,
    convert_potential_field,
)
from dagster.core.errors import DagsterInvalidConfigDefinitionError, DagsterInvalidDefinitionError


def _fields_hash(fields: dict[str, Field], description: str | None) -> str:
    parts = []
    for name in sorted(fields):
        field = fields[name]
        default = field.default_value_as_json_str if field.default_provided else ""
        parts.append(
            f"{name}\x1f{field.config_type.key}\x1f{int(field.is_required)}\x1f{int(field.default_provided)}"
            f"\x1f{default}\x1f{field.description or ''}"
        )
    parts.append(f"description\x1f{description or ''}")
    return hashlib.sha1("\x1e".join(parts).encode("utf8")).hexdigest()


def _to_fields(cls_name: str, fields: typing.Any) -> dict[str, Field]:
    if not isinstance(fields, dict):
        raise DagsterInvalidConfigDefinitionError(
            fields, fields, [], reason=f"{cls_name} takes a dict of {{field name: schema or Field}}"
        )
    if all(isinstance(value, Field) for value in fields.values()) and all(isinstance(k, str) for k in fields):
        return dict(fields)
    return _convert_fields(fields, fields, [])


def _identity(cls: type, fields: dict[str, Field], description: str | None) -> tuple:
    """What makes two field types the same object: nested types by identity (they are memoized too)."""
    return (
        cls,
        description,
        tuple(
            (
                name,
                id(field.config_type),
                field.is_required,
                field.default_value_as_json_str if field.default_provided else None,
                field.description,
            )
            for name, field in fields.items()
        ),
    )


# identity tuple -> type. Holding the types keeps every id() in the keys alive, so ids are unique.
_MEMO: dict[tuple, ConfigType] = {}


class _ConfigHasFields(ConfigType):
    """Base of the field-bearing types; ``fields`` keeps declaration order."""

    fields: dict[str, Field]
    _kind: typing.ClassVar[ConfigTypeKind]

    def __new__(cls, fields: typing.Any, description: str | None = None):
        check.opt_str_param(description, "description")
        converted = _to_fields(cls.__name__, fields)
        identity = _identity(cls, converted, description)
        cached = _MEMO.get(identity)
        if cached is not None:
            return cached
        self = super().__new__(cls)
        self.fields = converted
        digest = _fields_hash(converted, description)
        self._setup(cls._make_key(digest, converted, description), cls._kind, description=description)
        _MEMO[identity] = self
        return self

    def __init__(self, fields: typing.Any, description: str | None = None):  # memoized in __new__
        pass

    @classmethod
    def _make_key(cls, digest: str, fields: dict[str, Field], description: str | None) -> str:
        return f"{cls.__name__}.{digest}"

    def type_iterator(self) -> Iterator[ConfigType]:
        for field in self.fields.values():
            yield from field.config_type.type_iterator()
        yield self

    def __reduce__(self):
        return (type(self), (self.fields, self.description))


class Shape(_ConfigHasFields):
    """A dict with exactly these fields: unknown keys are errors, defaults are filled in."""

    _kind = ConfigTypeKind.STRICT_SHAPE


class Permissive(_ConfigHasFields):
    """A dict whose declared fields are checked; any other keys pass through unchanged."""

    _kind = ConfigTypeKind.PERMISSIVE_SHAPE

    def __new__(cls, fields: typing.Any = None, description: str | None = None):
        return super().__new__(cls, {} if fields is None else fields, description)

    def __init__(self, fields: typing.Any = None, description: str | None = None):
        pass

    @classmethod
    def _make_key(cls, digest: str, fields: dict[str, Field], description: str | None) -> str:
        return "Permissive" if not fields and not description else f"Permissive.{digest}"


class Selector(_ConfigHasFields):
    """A dict with exactly one key naming one of the fields (a choice between alternatives)."""

    _kind = ConfigTypeKind.SELECTOR


def check_user_facing_opt_config_param(potential_field: typing.Any, param_name: str) -> Field | None:
    """The ``config=`` argument of a definition as a Field (None stays None), with an error naming the argument."""
    if potential_field is None:
        return None
    try:
        return convert_potential_field(potential_field)
    except DagsterInvalidConfigDefinitionError:
        raise
    except DagsterInvalidDefinitionError as exc:
        raise DagsterInvalidDefinitionError(f'Invalid "{param_name}" argument: {exc}') from exc


__all__ = [
    "FIELD_NO_DEFAULT_PROVIDED",
    "Permissive",
    "Selector",
    "Shape",
    "all_optional_type",
    "check_user_facing_opt_config_param",
    "convert_potential_field",
]
