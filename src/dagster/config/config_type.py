"""Config types: the schema side of the config system.

Every config type has a stable ``key`` (used in snapshots and messages), a ``kind`` and, for the
parameterized ones, ``type_params``. Instances are memoized where the inputs allow it
(``Array(Int) is Array(Int)``), so a schema is built once and compared by identity afterwards.
Field-bearing types (``Shape``, ``Permissive``, ``Selector``) live in :mod:`dagster.config.field_utils`.
"""

from __future__ import annotations

import enum as python_enum
import typing
from collections.abc import Iterator

from dagster import check
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class ConfigTypeKind(python_enum.Enum):
    ANY = "ANY"
    SCALAR = "SCALAR"
    ENUM = "ENUM"
    SELECTOR = "SELECTOR"
    STRICT_SHAPE = "STRICT_SHAPE"
    PERMISSIVE_SHAPE = "PERMISSIVE_SHAPE"
    SCALAR_UNION = "SCALAR_UNION"
    # Type parameterized kinds
    ARRAY = "ARRAY"
    NONEABLE = "NONEABLE"

    @staticmethod
    def has_fields(kind: ConfigTypeKind) -> bool:
        return kind in (ConfigTypeKind.SELECTOR, ConfigTypeKind.STRICT_SHAPE, ConfigTypeKind.PERMISSIVE_SHAPE)

    @staticmethod
    def is_shape(kind: ConfigTypeKind) -> bool:
        return kind in (ConfigTypeKind.STRICT_SHAPE, ConfigTypeKind.PERMISSIVE_SHAPE)


@whitelist_for_serdes
class ConfigScalarKind(python_enum.Enum):
    INT = "INT"
    STRING = "STRING"
    FLOAT = "FLOAT"
    BOOL = "BOOL"


class ConfigType:
    """Base class of every config type. Compared by identity; instances are immutable."""

    kind: ConfigTypeKind
    key: str
    given_name: str | None
    description: str | None
    type_params: list[ConfigType] | None

    def _setup(
        self,
        key: str,
        kind: ConfigTypeKind,
        given_name: str | None = None,
        description: str | None = None,
        type_params: list[ConfigType] | None = None,
    ) -> None:
        self.key = check.str_param(key, "key")
        self.kind = check.inst_param(kind, "kind", ConfigTypeKind)
        self.given_name = check.opt_str_param(given_name, "given_name")
        self.description = check.opt_str_param(description, "description")
        self.type_params = type_params

    def __init__(
        self,
        key: str,
        kind: ConfigTypeKind,
        given_name: str | None = None,
        description: str | None = None,
        type_params: list[ConfigType] | None = None,
    ):
        self._setup(key, kind, given_name, description, type_params)

    @property
    def has_fields(self) -> bool:
        return ConfigTypeKind.has_fields(self.kind)

    @property
    def inner_types(self) -> list[ConfigType]:
        """Every config type nested in this one (not including itself), depth first."""
        return [t for t in self.type_iterator() if t is not self]

    def type_iterator(self) -> Iterator[ConfigType]:
        """Yield every nested type, depth first, then this one (a type nested twice is yielded twice)."""
        for param in self.type_params or ():
            yield from param.type_iterator()
        yield self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key}>"


class ConfigScalar(ConfigType):
    """A scalar config type (``Int``, ``Float``, ``Bool``, ``String``)."""

    def __init__(self, key: str, given_name: str | None, scalar_kind: ConfigScalarKind, **kwargs):
        self.scalar_kind = check.inst_param(scalar_kind, "scalar_kind", ConfigScalarKind)
        super().__init__(key, ConfigTypeKind.SCALAR, given_name=given_name, **kwargs)


class _Singleton:
    """Mixin: pickles as a reference to the module-level instance named ``_instance_name``."""

    _instance_name: typing.ClassVar[str]

    def __reduce__(self):
        return self._instance_name


class Int(_Singleton, ConfigScalar):
    _instance_name = "ConfigIntInstance"

    def __init__(self):
        super().__init__("Int", "Int", ConfigScalarKind.INT, description="A 64-bit integer (not a bool).")


class String(_Singleton, ConfigScalar):
    _instance_name = "ConfigStringInstance"

    def __init__(self):
        super().__init__("String", "String", ConfigScalarKind.STRING, description="A string.")


class Bool(_Singleton, ConfigScalar):
    _instance_name = "ConfigBoolInstance"

    def __init__(self):
        super().__init__("Bool", "Bool", ConfigScalarKind.BOOL, description="A boolean (true or false).")


class Float(_Singleton, ConfigScalar):
    _instance_name = "ConfigFloatInstance"

    def __init__(self):
        super().__init__("Float", "Float", ConfigScalarKind.FLOAT, description="A number (int or float).")


class Any(_Singleton, ConfigType):
    _instance_name = "ConfigAnyInstance"

    def __init__(self):
        super().__init__(
            "Any", ConfigTypeKind.ANY, given_name="Any", description="Any value, including null."
        )


ConfigAnyInstance = Any()
ConfigBoolInstance = Bool()
ConfigFloatInstance = Float()
ConfigIntInstance = Int()
ConfigStringInstance = String()

ALL_CONFIG_BUILTINS: frozenset[ConfigType] = frozenset(
    [ConfigAnyInstance, ConfigBoolInstance, ConfigFloatInstance, ConfigIntInstance, ConfigStringInstance]
)


def _inner(inner_type: typing.Any, what: str) -> ConfigType:
    from dagster.config.field import resolve_to_config_type

    return resolve_to_config_type(inner_type, what=what)


class Array(ConfigType):
    """A list whose every item is valid for ``inner_type``. ``Array(Int) is Array(Int)``."""

    _cache: typing.ClassVar[dict[ConfigType, Array]] = {}
    inner_type: ConfigType

    def __new__(cls, inner_type: typing.Any):
        inner = _inner(inner_type, "the inner type of Array")
        cached = Array._cache.get(inner) if cls is Array else None
        if cached is not None:
            return cached
        self = super().__new__(cls)
        self.inner_type = inner
        self._setup(
            f"Array.{inner.key}",
            ConfigTypeKind.ARRAY,
            description=f"List of {inner.key}",
            type_params=[inner],
        )
        if cls is Array:
            Array._cache[inner] = self
        return self

    def __init__(self, inner_type: typing.Any):  # everything happens in __new__ (memoized)
        pass

    def __reduce__(self):
        return (Array, (self.inner_type,))


class Noneable(ConfigType):
    """``None``, or a value valid for ``inner_type``. ``Noneable(Int) is Noneable(Int)``."""

    _cache: typing.ClassVar[dict[ConfigType, Noneable]] = {}
    inner_type: ConfigType

    def __new__(cls, inner_type: typing.Any):
        inner = _inner(inner_type, "the inner type of Noneable")
        cached = Noneable._cache.get(inner) if cls is Noneable else None
        if cached is not None:
            return cached
        self = super().__new__(cls)
        self.inner_type = inner
        self._setup(f"Noneable.{inner.key}", ConfigTypeKind.NONEABLE, type_params=[inner])
        if cls is Noneable:
            Noneable._cache[inner] = self
        return self

    def __init__(self, inner_type: typing.Any):  # everything happens in __new__ (memoized)
        pass

    def __reduce__(self):
        return (Noneable, (self.inner_type,))


class EnumValue:
    """One allowed value of an :class:`Enum`: the string in config and the python value it becomes."""

    __slots__ = ("config_value", "python_value", "description")

    def __init__(self, config_value: str, python_value: typing.Any = None, description: str | None = None):
        self.config_value = check.str_param(config_value, "config_value")
        self.python_value = config_value if python_value is None else python_value
        self.description = check.opt_str_param(description, "description")

    def __repr__(self) -> str:
        return f"EnumValue({self.config_value!r}, {self.python_value!r})"


class Enum(ConfigType):
    """A string chosen from ``enum_values``; validation returns the matching ``python_value``."""

    def __init__(self, name: str, enum_values: list[EnumValue], description: str | None = None):
        check.str_param(name, "name")
        self.enum_values = check.list_param(enum_values, "enum_values", of_type=EnumValue)
        check.param_invariant(len(enum_values) > 0, "enum_values", "An Enum needs at least one EnumValue.")
        self._by_config_value = {ev.config_value: ev.python_value for ev in self.enum_values}
        check.param_invariant(
            len(self._by_config_value) == len(self.enum_values),
            "enum_values",
            f"Enum {name} has duplicate config values.",
        )
        super().__init__(name, ConfigTypeKind.ENUM, given_name=name, description=description)

    @property
    def config_values(self) -> list[str]:
        return [ev.config_value for ev in self.enum_values]

    def is_valid_config_enum_value(self, config_value: typing.Any) -> bool:
        return isinstance(config_value, str) and config_value in self._by_config_value

    def to_python_value(self, config_value: str) -> typing.Any:
        return self._by_config_value[config_value]

    @classmethod
    def from_python_enum(cls, enum: type[python_enum.Enum], name: str | None = None) -> Enum:
        """An Enum whose config values are the member names and whose python values are the members."""
        check.subclass_param(enum, "enum", python_enum.Enum)
        return cls(name or enum.__name__, [EnumValue(member.name, member) for member in enum])


class ScalarUnion(ConfigType):
    """A scalar, or (when a dict or list is given) a value valid for ``non_scalar_type``."""

    def __init__(self, scalar_type: typing.Any, non_scalar_type: typing.Any, _key: str | None = None):
        from dagster.config.field import resolve_to_config_type

        self.scalar_type = resolve_to_config_type(scalar_type, what="the scalar type of ScalarUnion")
        self.non_scalar_type = resolve_to_config_type(
            non_scalar_type, what="the non-scalar type of ScalarUnion"
        )
        check.param_invariant(
            self.scalar_type.kind == ConfigTypeKind.SCALAR,
            "scalar_type",
            f"ScalarUnion needs a scalar type (Int, Float, Bool, String) first, got {self.scalar_type.key}.",
        )
        check.param_invariant(
            self.non_scalar_type.kind
            in (
                ConfigTypeKind.STRICT_SHAPE,
                ConfigTypeKind.PERMISSIVE_SHAPE,
                ConfigTypeKind.SELECTOR,
                ConfigTypeKind.ARRAY,
            ),
            "non_scalar_type",
            f"ScalarUnion needs a Shape, Permissive, Selector or Array second, got {self.non_scalar_type.key}.",
        )
        key = _key or f"ScalarUnion.{self.scalar_type.key}-{self.non_scalar_type.key}"
        super().__init__(
            key, ConfigTypeKind.SCALAR_UNION, type_params=[self.scalar_type, self.non_scalar_type]
        )

    def post_process(self, value: typing.Any) -> typing.Any:
        """Turn the validated value into what the user code receives (identity by default)."""
        return value


__all__ = [
    "ALL_CONFIG_BUILTINS",
    "Any",
    "Array",
    "Bool",
    "ConfigAnyInstance",
    "ConfigBoolInstance",
    "ConfigFloatInstance",
    "ConfigIntInstance",
    "ConfigScalar",
    "ConfigScalarKind",
    "ConfigStringInstance",
    "ConfigType",
    "ConfigTypeKind",
    "Enum",
    "EnumValue",
    "Float",
    "Int",
    "Noneable",
    "ScalarUnion",
    "String",
]
