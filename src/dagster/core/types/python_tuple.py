"""``Tuple``: ``PythonTuple`` (any tuple) and typed ``Tuple[T1, T2, ...]`` with a fixed length and
one type per position. Both hydrate from a config list."""

from __future__ import annotations

import typing

from dagster.core.types.config_schema import PassThroughInputHydrationConfig, any_array_schema
from dagster.core.types.dagster_type import (
    DagsterType,
    PythonObjectDagsterType,
    TypeFactory,
    resolve_dagster_type,
)
from dagster.core.types.results import mismatch_description, type_check_failed, type_check_passed

PythonTuple = PythonObjectDagsterType(
    tuple,
    name="PythonTuple",
    is_builtin=True,
    description="A Python tuple. From run config: a list of values.",
    input_hydration_config=PassThroughInputHydrationConfig(any_array_schema, tuple),
)


class _TypedPythonTuple(DagsterType):
    def __init__(self, item_types: tuple[DagsterType, ...]):
        self.item_types = item_types
        super().__init__(
            type_check_fn=self.type_check,
            key="TypedPythonTuple" + "".join(f".{item.key}" for item in item_types),
            input_hydration_config=PassThroughInputHydrationConfig(any_array_schema, tuple),
            required_resource_keys=frozenset().union(*(item.required_resource_keys for item in item_types)),
        )
        self._expected = f"a tuple (Dagster type {self.display_name})"

    @property
    def name(self) -> str | None:
        return None

    @property
    def display_name(self) -> str:
        return f"Tuple[{','.join(item.display_name for item in self.item_types)}]"

    def __reduce__(self) -> typing.Any:
        return (create_typed_tuple, self.item_types)

    @property
    def type_params(self) -> list[DagsterType]:
        return list(self.item_types)

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if not isinstance(value, tuple):
            return type_check_failed(mismatch_description(value, self._expected))
        if len(value) != len(self.item_types):
            return type_check_failed(
                f"A tuple of {len(value)} items was given where Dagster type {self.display_name} "
                f"expects {len(self.item_types)}."
            )
        for index, (item_type, item) in enumerate(zip(self.item_types, value)):
            result = item_type.type_check(context, item)
            if not result.success:
                return type_check_failed(
                    f"Item at index {index} of the tuple: {result.description or 'failed its type check.'}",
                    result.metadata_entries,
                )
        return type_check_passed()


_TYPED_TUPLES: dict[tuple[DagsterType, ...], DagsterType] = {}


def create_typed_tuple(*dagster_type_args: object, where: str | None = None) -> DagsterType:
    """``Tuple[T1, T2, ...]`` (memoized per sequence of item types)."""
    items = tuple(resolve_dagster_type(arg, where) for arg in dagster_type_args)
    typed = _TYPED_TUPLES.get(items)
    if typed is None:
        typed = _TYPED_TUPLES.setdefault(items, _TypedPythonTuple(items))
    return typed


class _TupleFactory(TypeFactory):
    """``Tuple`` is ``PythonTuple``; ``Tuple[T1, T2]`` checks length and each item."""

    def __getitem__(self, params: object) -> DagsterType:
        return create_typed_tuple(*(params if isinstance(params, tuple) else (params,)))

    def bare_type(self, where: str | None) -> DagsterType:
        return PythonTuple

    def __repr__(self) -> str:
        return "Tuple"


Tuple = _TupleFactory()
