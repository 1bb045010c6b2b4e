"""``DagsterType``: the runtime type of a solid input or output, the builtins, ``List``,
``Optional``, and :func:`resolve_dagster_type`, which maps what users write (``int``,
``typing.List[str]``, ``dagster.Int``, a registered class, ...) to a ``DagsterType``.

Type checks run for every input and output of every step, so the builtin checks are plain
``isinstance`` tests returning a shared passing ``TypeCheck``; nothing is introspected per call.
Parametrized types (``List[Int]``, ``Optional[String]``, ...) are memoized per inner type, so the
same annotation always gives the same object.
"""

from __future__ import annotations

import types as pytypes
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import Enum

from dagster import builtins, check
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.config_schema import (
    BuiltinSchemas,
    InputHydrationConfig,
    ListInputHydrationConfig,
    NoneableInputHydrationConfig,
    OutputMaterializationConfig,
)
from dagster.core.types.marshal import PickleSerializationStrategy, SerializationStrategy
from dagster.core.types.results import (
    mismatch_description,
    short_str,
    type_check_cls,
    type_check_failed,
    type_check_passed,
)
from dagster.core.types.signature import (
    check_auto_plugins,
    check_config_object,
    check_positional_arity,
    check_resource_keys,
)
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class DagsterTypeKind(Enum):
    ANY = "ANY"
    SCALAR = "SCALAR"
    LIST = "LIST"
    NOTHING = "NOTHING"
    NULLABLE = "NULLABLE"
    REGULAR = "REGULAR"


# ---------------------------------------------------------------------------------------------
# DagsterType

_DEFAULT_SERIALIZATION = PickleSerializationStrategy()


class DagsterType:
    """The runtime type of solid inputs and outputs.

    ``type_check_fn(context, value)`` returns a bool or a :class:`TypeCheck`. Optional parts say how
    values of the type are loaded from run config (``input_hydration_config``), written where run
    config says (``output_materialization_config``) and stored between steps
    (``serialization_strategy``, pickle by default; ``auto_plugins`` for specific storages).
    """

    def __init__(
        self,
        type_check_fn: Callable,
        key: str | None = None,
        name: str | None = None,
        is_builtin: bool = False,
        description: str | None = None,
        input_hydration_config: InputHydrationConfig | None = None,
        output_materialization_config: OutputMaterializationConfig | None = None,
        serialization_strategy: SerializationStrategy | None = None,
        auto_plugins: list | None = None,
        required_resource_keys: typing.Any = None,
        kind: DagsterTypeKind = DagsterTypeKind.REGULAR,
    ):
        if key is None and name is None:
            raise DagsterInvalidDefinitionError(
                "A DagsterType needs a name: DagsterType(type_check_fn, name='MyType', ...)."
            )
        self.key: str = check.str_param(key if key is not None else name, "key")
        self._name: str | None = check.opt_str_param(name, "name")
        label = self._name or self.key
        check.callable_param(type_check_fn, "type_check_fn")
        check_positional_arity(
            type_check_fn, ("context", "value"), f'The type_check_fn of DagsterType "{label}"'
        )
        self._type_check_fn = type_check_fn
        self.is_builtin: bool = check.bool_param(is_builtin, "is_builtin")
        self.description: str | None = check.opt_str_param(description, "description")
        self.kind: DagsterTypeKind = check.inst_param(kind, "kind", DagsterTypeKind)
        self.input_hydration_config = check_config_object(
            input_hydration_config,
            InputHydrationConfig,
            "input_hydration_config",
            "input_hydration_config",
            label,
        )
        self.output_materialization_config = check_config_object(
            output_materialization_config,
            OutputMaterializationConfig,
            "output_materialization_config",
            "output_materialization_config",
            label,
        )
        if serialization_strategy is not None and not isinstance(
            serialization_strategy, SerializationStrategy
        ):
            raise DagsterInvalidDefinitionError(
                f'serialization_strategy of DagsterType "{label}" must be a SerializationStrategy instance '
                f"(e.g. PickleSerializationStrategy()), got {serialization_strategy!r}."
            )
        self.serialization_strategy: SerializationStrategy = serialization_strategy or _DEFAULT_SERIALIZATION
        self.auto_plugins: list = check_auto_plugins(auto_plugins, label)
        keys = check_resource_keys(required_resource_keys, f'DagsterType "{label}"')
        if self.input_hydration_config is not None:
            keys |= self.input_hydration_config.required_resource_keys()
        if self.output_materialization_config is not None:
            keys |= self.output_materialization_config.required_resource_keys()
        self.required_resource_keys: frozenset = keys

    @property
    def type_check_fn(self) -> Callable:
        return self._type_check_fn

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        """Run the type check and return a ``TypeCheck``; a bool result is wrapped."""
        result = self._type_check_fn(context, value)
        if result is True:
            return type_check_passed()
        if result is False:
            return type_check_failed(None)
        if isinstance(result, type_check_cls()):
            return result
        raise DagsterInvariantViolationError(
            f'The type check function of Dagster type "{self.display_name}" returned {short_str(result)!r} of '
            f"python type {type(result).__name__}. It must return a bool or a TypeCheck."
        )

    @property
    def name(self) -> str | None:
        """The type's name; None for unnamed parametrized types such as ``List[Int]``."""
        return self._name

    @property
    def display_name(self) -> str:
        return self._name or self.key

    @property
    def is_nothing(self) -> bool:
        return self.kind is DagsterTypeKind.NOTHING

    @property
    def is_any(self) -> bool:
        return self.kind is DagsterTypeKind.ANY

    @property
    def is_scalar(self) -> bool:
        return self.kind is DagsterTypeKind.SCALAR

    @property
    def is_list(self) -> bool:
        return self.kind is DagsterTypeKind.LIST

    @property
    def is_nullable(self) -> bool:
        return self.kind is DagsterTypeKind.NULLABLE

    @property
    def type_params(self) -> list[DagsterType]:
        """The types this one is parametrized by (``[Int]`` for ``List[Int]``)."""
        return []

    @property
    def type_param_keys(self) -> list[str]:
        return [param.key for param in self.type_params]

    @property
    def inner_types(self) -> list[DagsterType]:
        """Every type nested in this one, recursively (``[List[Int], Int]`` for ``List[List[Int]]``)."""
        result: list[DagsterType] = []
        for param in self.type_params:
            result.append(param)
            result.extend(param.inner_types)
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display_name}>"

    def __reduce__(self) -> typing.Any:
        # Builtins unpickle to the very same object, so identity checks hold across processes.
        if self.is_builtin and _find_builtin(self.key) is self:
            return (builtin_dagster_type, (self.key,))
        return super().__reduce__()


class PythonObjectDagsterType(DagsterType):
    """A type whose check is ``isinstance(value, python_type)``; named after the class by default."""

    def __init__(
        self, python_type: type, key: str | None = None, name: str | None = None, **kwargs: typing.Any
    ):
        if not isinstance(python_type, type):
            raise DagsterInvalidDefinitionError(
                f"PythonObjectDagsterType needs a Python class as python_type, got {python_type!r}."
            )
        if "type_check_fn" in kwargs:
            raise DagsterInvalidDefinitionError(
                f"PythonObjectDagsterType({python_type.__name__}) checks isinstance itself and takes no "
                "type_check_fn. For a custom check, use DagsterType(type_check_fn, name=...)."
            )
        self.python_type = python_type
        name = check.opt_str_param(name, "name", default=python_type.__name__)
        super().__init__(type_check_fn=self.type_check, key=key or name, name=name, **kwargs)
        self._expected = f'an instance of "{python_type.__name__}" (Dagster type "{name}")'

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if isinstance(value, self.python_type):
            return type_check_passed()
        return type_check_failed(mismatch_description(value, self._expected))


# ---------------------------------------------------------------------------------------------
# builtins


class _BuiltinScalar(DagsterType):
    def __init__(
        self, name: str, python_types: tuple, expected: str, hydration: InputHydrationConfig, description: str
    ):
        self._python_types = python_types
        self._bool_ok = bool in python_types
        self._expected = expected
        super().__init__(
            type_check_fn=self.type_check,
            key=name,
            name=name,
            is_builtin=True,
            description=description,
            input_hydration_config=hydration,
            output_materialization_config=BuiltinSchemas.BUILTIN_OUTPUT,
            kind=DagsterTypeKind.SCALAR,
        )

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if isinstance(value, self._python_types) and (self._bool_ok or value.__class__ is not bool):
            return type_check_passed()
        return type_check_failed(mismatch_description(value, self._expected))


class Anyish(DagsterType):
    """A type every value passes (kind ANY): ``Any`` and the types :func:`create_any_type` makes."""

    def __init__(self, key: str, name: str, **kwargs: typing.Any):
        super().__init__(
            type_check_fn=self.type_check, key=key, name=name, kind=DagsterTypeKind.ANY, **kwargs
        )

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        return type_check_passed()


class _Nothing(DagsterType):
    def __init__(self):
        super().__init__(
            type_check_fn=self.type_check,
            key="Nothing",
            name="Nothing",
            is_builtin=True,
            kind=DagsterTypeKind.NOTHING,
            description="Carries no value: a Nothing input only orders solids.",
        )

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if value is None:
            return type_check_passed()
        return type_check_failed(mismatch_description(value, "None (a Nothing output carries no value)"))


def create_any_type(
    name: str,
    input_hydration_config: InputHydrationConfig | None = None,
    output_materialization_config: OutputMaterializationConfig | None = None,
    serialization_strategy: SerializationStrategy | None = None,
    description: str | None = None,
    auto_plugins: list | None = None,
) -> DagsterType:
    """A named type that accepts every value, e.g. for values you only want to label."""
    return Anyish(
        key=name,
        name=name,
        description=description,
        input_hydration_config=input_hydration_config,
        output_materialization_config=output_materialization_config,
        serialization_strategy=serialization_strategy,
        auto_plugins=auto_plugins,
    )


Any = Anyish(
    key="Any",
    name="Any",
    is_builtin=True,
    description="Any value.",
    input_hydration_config=BuiltinSchemas.ANY_INPUT,
    output_materialization_config=BuiltinSchemas.BUILTIN_OUTPUT,
)
Bool = _BuiltinScalar("Bool", (bool,), "a bool", BuiltinSchemas.BOOL_INPUT, "A bool (True or False).")
Float = _BuiltinScalar(
    "Float", (float, int), "a float", BuiltinSchemas.FLOAT_INPUT, "A float (an int is accepted)."
)
Int = _BuiltinScalar("Int", (int,), "an int", BuiltinSchemas.INT_INPUT, "An int (a bool is not accepted).")
String = _BuiltinScalar("String", (str,), "a string", BuiltinSchemas.STRING_INPUT, "A string.")
Path = _BuiltinScalar(
    "Path", (str,), "a string (a path)", BuiltinSchemas.STRING_INPUT, "A filesystem path, as a string."
)
Nothing = _Nothing()

ALL_RUNTIME_BUILTINS: list[DagsterType] = [Any, Bool, Float, Int, String, Nothing, Path]


def _find_builtin(key: str) -> DagsterType | None:
    for builtin in [*ALL_RUNTIME_BUILTINS, *_collection_types().values()]:
        if builtin.key == key:
            return builtin
    return None


def builtin_dagster_type(key: str) -> DagsterType:
    """The builtin type with this key (``Int``, ``PythonDict``, ...)."""
    builtin = _find_builtin(key)
    if builtin is None:
        raise DagsterInvariantViolationError(f'There is no builtin Dagster type with key "{key}".')
    return builtin


# ---------------------------------------------------------------------------------------------
# List and Optional


class _ListType(DagsterType):
    def __init__(self, inner: DagsterType):
        self.inner_type = inner
        self._check_items = not inner.is_any
        hydration = inner.input_hydration_config
        super().__init__(
            type_check_fn=self.type_check,
            key=f"List.{inner.key}",
            kind=DagsterTypeKind.LIST,
            input_hydration_config=ListInputHydrationConfig(hydration) if hydration is not None else None,
            required_resource_keys=inner.required_resource_keys,
        )
        self._expected = f"a list (Dagster type {self.display_name})"

    @property
    def name(self) -> str | None:
        return None

    @property
    def display_name(self) -> str:
        return f"[{self.inner_type.display_name}]"

    def __reduce__(self) -> typing.Any:
        return (create_list_type, (self.inner_type,))

    @property
    def type_params(self) -> list[DagsterType]:
        return [self.inner_type]

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if not isinstance(value, list):
            return type_check_failed(mismatch_description(value, self._expected))
        if self._check_items:
            inner = self.inner_type
            if isinstance(inner, _BuiltinScalar):  # inline isinstance loop: no call per item
                python_types, bool_ok = inner._python_types, inner._bool_ok
                for item in value:
                    if not isinstance(item, python_types) or (not bool_ok and item.__class__ is bool):
                        break
                else:
                    return type_check_passed()
            for index, item in enumerate(value):
                result = inner.type_check(context, item)
                if not result.success:
                    return type_check_failed(
                        f"Item at index {index} of the list: {result.description or 'failed its type check.'}",
                        result.metadata_entries,
                    )
        return type_check_passed()


class _NullableType(DagsterType):
    def __init__(self, inner: DagsterType):
        self.inner_type = inner
        hydration = inner.input_hydration_config
        super().__init__(
            type_check_fn=self.type_check,
            key=f"Optional.{inner.key}",
            kind=DagsterTypeKind.NULLABLE,
            input_hydration_config=NoneableInputHydrationConfig(hydration) if hydration is not None else None,
            required_resource_keys=inner.required_resource_keys,
        )

    @property
    def name(self) -> str | None:
        return None

    @property
    def display_name(self) -> str:
        return f"{self.inner_type.display_name}?"

    def __reduce__(self) -> typing.Any:
        return (create_nullable_type, (self.inner_type,))

    @property
    def type_params(self) -> list[DagsterType]:
        return [self.inner_type]

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if value is None:
            return type_check_passed()
        return self.inner_type.type_check(context, value)


_LIST_TYPES: dict[DagsterType, DagsterType] = {}
_NULLABLE_TYPES: dict[DagsterType, DagsterType] = {}


def create_list_type(inner: object, where: str | None = None) -> DagsterType:
    """``List[inner]`` (memoized per inner type)."""
    inner_type = resolve_dagster_type(inner, where)
    list_type = _LIST_TYPES.get(inner_type)
    if list_type is None:
        list_type = _LIST_TYPES.setdefault(inner_type, _ListType(inner_type))
    return list_type


def create_nullable_type(inner: object, where: str | None = None) -> DagsterType:
    """``Optional[inner]`` (memoized per inner type)."""
    inner_type = resolve_dagster_type(inner, where)
    if inner_type.is_nothing:
        raise DagsterInvalidDefinitionError(
            f"Invalid type{_for(where)}: Optional[Nothing]. Nothing carries no value, so it cannot be optional; "
            "use Nothing itself."
        )
    nullable = _NULLABLE_TYPES.get(inner_type)
    if nullable is None:
        nullable = _NULLABLE_TYPES.setdefault(inner_type, _NullableType(inner_type))
    return nullable


class TypeFactory(ABC):
    """Base of the subscriptable type builders ``List``, ``Optional``, ``Dict``, ``Set``, ``Tuple``."""

    @abstractmethod
    def bare_type(self, where: str | None) -> DagsterType:
        """The type the builder stands for when used bare (``Dict`` → ``PythonDict``)."""


class _ListFactory(TypeFactory):
    """``List[T]`` or ``List(T)``: a list whose items are all of type ``T``. ``List`` is ``List[Any]``."""

    def __getitem__(self, inner: object) -> DagsterType:
        return create_list_type(inner)

    def __call__(self, inner: object) -> DagsterType:
        return create_list_type(inner)

    def bare_type(self, where: str | None) -> DagsterType:
        return create_list_type(Any)

    def __repr__(self) -> str:
        return "List"


class _OptionalFactory(TypeFactory):
    """``Optional[T]``: a value of type ``T`` or None."""

    def __getitem__(self, inner: object) -> DagsterType:
        return create_nullable_type(inner)

    def bare_type(self, where: str | None) -> DagsterType:
        raise DagsterInvalidDefinitionError(
            f"Invalid type{_for(where)}: Optional needs an inner type, e.g. Optional[Int] or Optional[str]."
        )

    def __repr__(self) -> str:
        return "Optional"


List = _ListFactory()
Optional = _OptionalFactory()


# ---------------------------------------------------------------------------------------------
# resolving what users write to a DagsterType

_PYTHON_TYPE_REGISTRY: dict[type, DagsterType] = {}


def register_python_type(python_type: type, dagster_type: DagsterType) -> None:
    """Map ``python_type`` (a class) to ``dagster_type`` for annotations and type arguments."""
    if not isinstance(python_type, type):
        raise DagsterInvalidDefinitionError(
            f"Only Python classes can be mapped to a Dagster type, got {python_type!r}."
        )
    if not isinstance(dagster_type, DagsterType):
        raise DagsterInvalidDefinitionError(
            f"{python_type.__name__} can only be mapped to a DagsterType instance, got {dagster_type!r}."
        )
    existing = _PYTHON_TYPE_REGISTRY.get(python_type)
    if existing is not None and existing is not dagster_type:
        raise DagsterInvalidDefinitionError(
            f'The Python type {python_type.__module__}.{python_type.__qualname__} is already mapped to Dagster type "'
            f'{existing.display_name}"; it cannot also be mapped to "{dagster_type.display_name}".'
        )
    _PYTHON_TYPE_REGISTRY[python_type] = dagster_type


def _collection_types() -> dict[object, DagsterType]:
    from dagster.core.types.python_dict import PythonDict
    from dagster.core.types.python_set import PythonSet
    from dagster.core.types.python_tuple import PythonTuple

    return {dict: PythonDict, set: PythonSet, tuple: PythonTuple}


_SIMPLE_TYPES: dict[object, DagsterType] = {
    None: Any,
    typing.Any: Any,
    int: Int,
    float: Float,
    bool: Bool,
    str: String,
    builtins.Int: Int,
    builtins.Float: Float,
    builtins.Bool: Bool,
    builtins.String: String,
    builtins.Nothing: Nothing,
}

_ACCEPTED = (
    "A type can be: a DagsterType (Int, Float, Bool, String, Any, Nothing, Path, List[...], Optional[...], "
    "Dict, Set, Tuple, PythonObjectDagsterType(cls), ...); int, float, bool, str, list, dict, tuple or set; "
    "typing.List/Optional/Dict/Set/Tuple[...] of types; dagster.Int/Float/Bool/String/Nothing/Any; or a class "
    "decorated with @usable_as_dagster_type (or registered with make_python_type_usable_as_dagster_type)."
)


def _for(where: str | None) -> str:
    return f" for {where}" if where else ""


def _invalid(obj: object, where: str | None) -> DagsterInvalidDefinitionError:
    if isinstance(obj, type) and issubclass(obj, DagsterType):
        reason = f"the class {obj.__name__} was given; pass an instance of it instead."
    elif type(obj).__module__.startswith("dagster.config") or (
        isinstance(obj, type) and obj.__module__.startswith("dagster.config")
    ):
        reason = (
            f"{obj!r} is a config type. Config types describe run config, not the values solids pass "
            "to each other; use a Dagster type such as Int or String."
        )
    elif isinstance(obj, type):
        qualified = f"{obj.__module__}.{obj.__qualname__}"
        reason = (
            f"the class {qualified} is not a Dagster type. Decorate it with @usable_as_dagster_type, register it "
            f"with make_python_type_usable_as_dagster_type({obj.__name__}, <DagsterType>), or pass "
            f"PythonObjectDagsterType({obj.__name__})."
        )
    elif isinstance(obj, str):
        reason = f"the string {obj!r} was given; pass the type object itself (for example Int, not 'Int')."
    else:
        reason = f"{short_str(repr(obj))} (of python type {type(obj).__name__}) is not a type."
    return DagsterInvalidDefinitionError(f"Invalid type{_for(where)}: {reason} {_ACCEPTED}")


def _resolve_typing(obj: object, origin: object, where: str | None) -> DagsterType:
    args = typing.get_args(obj)
    if origin is list:
        return create_list_type(args[0] if args else Any, where)
    if origin is typing.Union or origin is pytypes.UnionType:
        others = [arg for arg in args if arg is not type(None)]
        if len(others) == 1 and len(args) == 2:
            return create_nullable_type(others[0], where)
        raise DagsterInvalidDefinitionError(
            f"Invalid type{_for(where)}: {obj!r}. A union of types is not a Dagster type; only "
            "Optional[X] (a union of one type with None) is supported."
        )
    if origin is dict:
        from dagster.core.types.python_dict import PythonDict, create_typed_python_dict

        return create_typed_python_dict(args[0], args[1], where) if args else PythonDict
    if origin is set:
        from dagster.core.types.python_set import PythonSet, create_typed_runtime_set

        return create_typed_runtime_set(args[0], where) if args else PythonSet
    if origin is tuple:
        from dagster.core.types.python_tuple import PythonTuple, create_typed_tuple

        if Ellipsis in args:
            raise DagsterInvalidDefinitionError(
                f"Invalid type{_for(where)}: {obj!r}. Variable-length tuples are not supported; list each "
                "item type (Tuple[int, str]) or use List[...]."
            )
        return create_typed_tuple(*args, where=where) if args else PythonTuple
    raise _invalid(obj, where)


def resolve_dagster_type(dagster_type: object, where: str | None = None) -> DagsterType:
    """Map a type argument or annotation to a ``DagsterType``.

    ``where`` names the place the type was given (e.g. ``'input "x" of solid "s"'``) for the error
    message. Raises ``DagsterInvalidDefinitionError`` naming the offending object otherwise.
    """
    if isinstance(dagster_type, DagsterType):
        return dagster_type
    try:
        found = _SIMPLE_TYPES.get(dagster_type) or _PYTHON_TYPE_REGISTRY.get(dagster_type)  # type: ignore[arg-type]
        if found is None and dagster_type is list:
            found = create_list_type(Any)
        if found is None and isinstance(dagster_type, type):
            found = _collection_types().get(dagster_type)
    except TypeError:  # unhashable: certainly not a type
        raise _invalid(dagster_type, where) from None
    if found is not None:
        return found
    if isinstance(dagster_type, TypeFactory):
        return dagster_type.bare_type(where)
    origin = typing.get_origin(dagster_type)
    if origin is not None:
        return _resolve_typing(dagster_type, origin, where)
    raise _invalid(dagster_type, where)
