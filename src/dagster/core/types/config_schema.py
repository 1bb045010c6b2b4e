"""Loading input values from run config (``inputs:``) and materializing outputs where run config
says (``outputs:``), per Dagster type.

An input hydration config has a ``schema_type`` (the config type of the input's ``inputs:`` entry)
and ``construct_from_config_value(context, config_value)``. An output materialization config has a
``schema_type`` and ``materialize_runtime_value(context, config_value, runtime_value)``, which
returns the list of :class:`Materialization` it produced. Users build both with the
:func:`input_hydration_config` / :func:`output_materialization_config` decorators.

The builtin schemas are built on first use and cached, so importing the type system does not build
config types.
"""

from __future__ import annotations

import json
import pickle
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dagster import builtins, check
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.marshal import write_atomically
from dagster.core.types.results import short_str
from dagster.core.types.signature import check_positional_arity, check_resource_keys, fn_name

if TYPE_CHECKING:  # definitions import the type system, so events are imported where used
    from dagster.core.definitions.events import Materialization


class InputHydrationConfig(ABC):
    """Builds an input value from the input's entry under ``solids.<solid>.inputs`` in run config."""

    @property
    @abstractmethod
    def schema_type(self) -> Any:
        """The config type the ``inputs:`` entry is validated against."""

    def required_resource_keys(self) -> frozenset:
        return frozenset()

    @abstractmethod
    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        """Return the input value for the validated ``config_value``."""


class OutputMaterializationConfig(ABC):
    """Writes an output value where its entry under ``solids.<solid>.outputs`` in run config says."""

    @property
    @abstractmethod
    def schema_type(self) -> Any:
        """The config type each ``outputs:`` entry is validated against."""

    def required_resource_keys(self) -> frozenset:
        return frozenset()

    @abstractmethod
    def materialize_runtime_value(
        self, context: Any, config_value: Any, runtime_value: Any
    ) -> list[Materialization]:
        """Write ``runtime_value`` as ``config_value`` says; return what was materialized."""


# ---------------------------------------------------------------------------------------------
# builtin schemas (scalars, Any)


def _config_type_of(spec: Any) -> Any:
    from dagster.config.field import resolve_to_config_type

    return resolve_to_config_type(spec)


def _path_shape() -> dict:
    return {"path": builtins.String}


def _selected(config_value: Mapping) -> tuple[str, Any]:
    ((key, value),) = config_value.items()
    return key, value


def _load_selected(key: str, value: Any) -> Any:
    """Load the value a ``{value: v}``, ``{json: {path}}`` or ``{pickle: {path}}`` entry names."""
    if key == "value":
        return value
    path = value["path"]
    if key == "json":
        with open(path, encoding="utf-8") as json_file:
            data = json.load(json_file)
        if not isinstance(data, dict) or "value" not in data:
            raise DagsterInvariantViolationError(
                f'The JSON file "{path}" named in run config must hold an object with a "value" key, '
                f'like {{"value": 3}}; it holds {short_str(repr(data))}.'
            )
        return data["value"]
    with open(path, "rb") as pickle_file:
        return pickle.load(pickle_file)


class BuiltinScalarInputHydrationConfig(InputHydrationConfig):
    """``3`` or ``{value: 3}`` or ``{json: {path: f.json}}`` or ``{pickle: {path: f.pkl}}``."""

    def __init__(self, scalar_spec: Any):
        self._scalar_spec = scalar_spec

    @cached_property
    def schema_type(self) -> Any:
        from dagster.config.config_type import ScalarUnion
        from dagster.config.field_utils import Selector

        scalar = _config_type_of(self._scalar_spec)
        return ScalarUnion(
            scalar_type=scalar,
            non_scalar_type=Selector({"value": scalar, "json": _path_shape(), "pickle": _path_shape()}),
        )

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        if isinstance(config_value, Mapping):
            return _load_selected(*_selected(config_value))
        return config_value


class AnyInputHydrationConfig(InputHydrationConfig):
    """``{value: <anything>}`` or ``{json: {path}}`` or ``{pickle: {path}}`` (no bare form)."""

    @cached_property
    def schema_type(self) -> Any:
        from dagster.config.field_utils import Selector

        return Selector({"value": builtins.Any, "json": _path_shape(), "pickle": _path_shape()})

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        return _load_selected(*_selected(config_value))


class BuiltinOutputMaterializationConfig(OutputMaterializationConfig):
    """``{json: {path}}`` writes ``{"value": v}`` as JSON; ``{pickle: {path}}`` pickles the value."""

    @cached_property
    def schema_type(self) -> Any:
        from dagster.config.field_utils import Selector

        return Selector({"json": _path_shape(), "pickle": _path_shape()})

    def materialize_runtime_value(
        self, context: Any, config_value: Any, runtime_value: Any
    ) -> list[Materialization]:
        key, selected = _selected(config_value)
        path = selected["path"]
        if key == "json":
            write_atomically(path, "w", lambda out: json.dump({"value": runtime_value}, out))
        else:
            write_atomically(
                path, "wb", lambda out: pickle.dump(runtime_value, out, protocol=pickle.HIGHEST_PROTOCOL)
            )
        from dagster.core.definitions.events import Materialization

        return [Materialization.file(path)]


class BuiltinSchemas:
    """The shared hydration / materialization configs of the builtin types."""

    INT_INPUT = BuiltinScalarInputHydrationConfig(builtins.Int)
    FLOAT_INPUT = BuiltinScalarInputHydrationConfig(builtins.Float)
    BOOL_INPUT = BuiltinScalarInputHydrationConfig(builtins.Bool)
    STRING_INPUT = BuiltinScalarInputHydrationConfig(builtins.String)
    ANY_INPUT = AnyInputHydrationConfig()
    BUILTIN_OUTPUT = BuiltinOutputMaterializationConfig()


# ---------------------------------------------------------------------------------------------
# collection schemas (built from the inner type's schema)


class ListInputHydrationConfig(InputHydrationConfig):
    """An ``Array`` of the inner type's input schema; each item is hydrated by the inner type."""

    def __init__(self, inner: InputHydrationConfig, collect: Callable[[list], Any] = list):
        self._inner = inner
        self._collect = collect

    @cached_property
    def schema_type(self) -> Any:
        from dagster.config.config_type import Array

        return Array(self._inner.schema_type)

    def required_resource_keys(self) -> frozenset:
        return self._inner.required_resource_keys()

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        construct = self._inner.construct_from_config_value
        return self._collect([construct(context, item) for item in config_value])


class NoneableInputHydrationConfig(InputHydrationConfig):
    """``Noneable`` of the inner type's input schema: null gives None."""

    def __init__(self, inner: InputHydrationConfig):
        self._inner = inner

    @cached_property
    def schema_type(self) -> Any:
        from dagster.config.config_type import Noneable

        return Noneable(self._inner.schema_type)

    def required_resource_keys(self) -> frozenset:
        return self._inner.required_resource_keys()

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        if config_value is None:
            return None
        return self._inner.construct_from_config_value(context, config_value)


def any_array_schema() -> Any:
    """``Array(Any)``: the config of Set and Tuple inputs."""
    from dagster.config.config_type import Array

    return Array(_config_type_of(builtins.Any))


def permissive_schema() -> Any:
    """``Permissive()``: the config of dict inputs."""
    from dagster.config.field_utils import Permissive

    return Permissive()


class PassThroughInputHydrationConfig(InputHydrationConfig):
    """A fixed config type whose validated value is converted by ``convert`` (e.g. ``set``, ``dict``)."""

    def __init__(self, schema_fn: Callable[[], Any], convert: Callable[[Any], Any]):
        self._schema_fn = schema_fn
        self._convert = convert

    @cached_property
    def schema_type(self) -> Any:
        return self._schema_fn()

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        return self._convert(config_value)


# ---------------------------------------------------------------------------------------------
# user-defined configs (decorators)


def _resolve_schema(config_cls: Any, decorator_name: str) -> Any:
    from dagster.config.field import Field, resolve_to_config_type

    if isinstance(config_cls, Field):
        return config_cls.config_type
    return resolve_to_config_type(config_cls, what=f"the config schema of @{decorator_name}")


class _FunctionInputHydrationConfig(InputHydrationConfig):
    def __init__(self, config_type: Any, func: Callable, required_resource_keys: frozenset):
        self._config_type = config_type
        self._func = func
        self._required_resource_keys = required_resource_keys

    @property
    def schema_type(self) -> Any:
        return self._config_type

    def required_resource_keys(self) -> frozenset:
        return self._required_resource_keys

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        return self._func(context, config_value)

    def __repr__(self) -> str:
        return f"input_hydration_config({fn_name(self._func)})"


def _as_materializations(result: Any, func: Callable) -> list[Materialization]:
    from dagster.core.definitions.events import Materialization

    if isinstance(result, Materialization):
        return [result]
    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Iterable):
        items = [result]
    else:
        items = list(result)
    for item in items:
        if not isinstance(item, Materialization):
            raise DagsterInvariantViolationError(
                f'The output materialization function "{fn_name(func)}" must return a Materialization '
                f"(or an iterable of them) describing what it wrote, e.g. Materialization.file(path); "
                f"it returned {short_str(repr(item))} of type {type(item).__name__}."
            )
    return items


class _FunctionOutputMaterializationConfig(OutputMaterializationConfig):
    def __init__(self, config_type: Any, func: Callable, required_resource_keys: frozenset):
        self._config_type = config_type
        self._func = func
        self._required_resource_keys = required_resource_keys

    @property
    def schema_type(self) -> Any:
        return self._config_type

    def required_resource_keys(self) -> frozenset:
        return self._required_resource_keys

    def materialize_runtime_value(
        self, context: Any, config_value: Any, runtime_value: Any
    ) -> list[Materialization]:
        return _as_materializations(self._func(context, config_value, runtime_value), self._func)

    def __repr__(self) -> str:
        return f"output_materialization_config({fn_name(self._func)})"


def input_hydration_config(
    config_cls: Any, required_resource_keys: Any = None
) -> Callable[[Callable], InputHydrationConfig]:
    """Decorate ``fn(context, config_value) -> value`` to load a type's inputs from run config::

    @input_hydration_config(Selector({"csv": {"path": str}}))
    def load_frame(context, config_value):
        return read_csv(config_value["csv"]["path"])

    DataFrame = PythonObjectDagsterType(Frame, input_hydration_config=load_frame)
    """
    config_type = _resolve_schema(config_cls, "input_hydration_config")
    keys = check_resource_keys(required_resource_keys, "@input_hydration_config")

    def wrap(func: Callable) -> InputHydrationConfig:
        check.callable_param(func, "func")
        check_positional_arity(func, ("context", "config_value"), "The @input_hydration_config function")
        return _FunctionInputHydrationConfig(config_type, func, keys)

    return wrap


def output_materialization_config(
    config_cls: Any, required_resource_keys: Any = None
) -> Callable[[Callable], OutputMaterializationConfig]:
    """Decorate ``fn(context, config_value, runtime_value)`` to write a type's outputs where run
    config says. It returns (or yields) the :class:`Materialization` of what it wrote."""
    config_type = _resolve_schema(config_cls, "output_materialization_config")
    keys = check_resource_keys(required_resource_keys, "@output_materialization_config")

    def wrap(func: Callable) -> OutputMaterializationConfig:
        check.callable_param(func, "func")
        check_positional_arity(
            func, ("context", "config_value", "runtime_value"), "The @output_materialization_config function"
        )
        return _FunctionOutputMaterializationConfig(config_type, func, keys)

    return wrap


def _selector_schema(config_cls: Any, decorator_name: str, alternative: str) -> Any:
    from dagster.config.config_type import ConfigTypeKind

    config_type = _resolve_schema(config_cls, decorator_name)
    if config_type.kind != ConfigTypeKind.SELECTOR:
        raise DagsterInvalidDefinitionError(
            f"@{decorator_name} needs a Selector schema (Selector({{...}})), got the config type "
            f"{config_type.key}. Use @{alternative} for other schemas."
        )
    return config_type


def input_selector_schema(
    config_cls: Any, required_resource_keys: Any = None
) -> Callable[[Callable], InputHydrationConfig]:
    """Like :func:`input_hydration_config` for a ``Selector`` schema: the function receives the
    chosen key and its value, ``fn(context, selector_key, selector_value)``."""
    config_type = _selector_schema(config_cls, "input_selector_schema", "input_hydration_config")
    keys = check_resource_keys(required_resource_keys, "@input_selector_schema")

    def wrap(func: Callable) -> InputHydrationConfig:
        check.callable_param(func, "func")
        check_positional_arity(
            func, ("context", "selector_key", "selector_value"), "The @input_selector_schema function"
        )

        def construct(context: Any, config_value: Any) -> Any:
            return func(context, *_selected(config_value))

        construct.__qualname__ = fn_name(func)
        return _FunctionInputHydrationConfig(config_type, construct, keys)

    return wrap


def output_selector_schema(
    config_cls: Any, required_resource_keys: Any = None
) -> Callable[[Callable], OutputMaterializationConfig]:
    """Like :func:`output_materialization_config` for a ``Selector`` schema:
    ``fn(context, selector_key, selector_value, runtime_value)``."""
    config_type = _selector_schema(config_cls, "output_selector_schema", "output_materialization_config")
    keys = check_resource_keys(required_resource_keys, "@output_selector_schema")

    def wrap(func: Callable) -> OutputMaterializationConfig:
        check.callable_param(func, "func")
        check_positional_arity(
            func,
            ("context", "selector_key", "selector_value", "runtime_value"),
            "The @output_selector_schema function",
        )

        def materialize(context: Any, config_value: Any, runtime_value: Any) -> Any:
            selector_key, selector_value = _selected(config_value)
            return func(context, selector_key, selector_value, runtime_value)

        materialize.__qualname__ = fn_name(func)
        return _FunctionOutputMaterializationConfig(config_type, materialize, keys)

    return wrap
