"""``Set``: ``PythonSet`` (any set) and typed ``Set[T]`` whose items are checked. Both hydrate from
a config list."""

from __future__ import annotations

import typing

from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.types.config_schema import (
    ListInputHydrationConfig,
    PassThroughInputHydrationConfig,
    any_array_schema,
)
from dagster.core.types.dagster_type import (
    DagsterType,
    PythonObjectDagsterType,
    TypeFactory,
    resolve_dagster_type,
)
from dagster.core.types.results import mismatch_description, short_str, type_check_failed, type_check_passed

PythonSet = PythonObjectDagsterType(
    set,
    name="PythonSet",
    is_builtin=True,
    description="A Python set. From run config: a list of values.",
    input_hydration_config=PassThroughInputHydrationConfig(any_array_schema, set),
)


class _TypedPythonSet(DagsterType):
    def __init__(self, item_type: DagsterType):
        self.item_type = item_type
        hydration = item_type.input_hydration_config
        super().__init__(
            type_check_fn=self.type_check,
            key=f"TypedPythonSet.{item_type.key}",
            input_hydration_config=ListInputHydrationConfig(hydration, set)
            if hydration is not None
            else None,
            required_resource_keys=item_type.required_resource_keys,
        )
        self._expected = f"a set (Dagster type {self.display_name})"

    @property
    def name(self) -> str | None:
        return None

    @property
    def display_name(self) -> str:
        return f"Set[{self.item_type.display_name}]"

    def __reduce__(self) -> typing.Any:
        return (create_typed_runtime_set, (self.item_type,))

    @property
    def type_params(self) -> list[DagsterType]:
        return [self.item_type]

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if not isinstance(value, set):
            return type_check_failed(mismatch_description(value, self._expected))
        item_check = self.item_type.type_check
        for item in value:
            result = item_check(context, item)
            if not result.success:
                return type_check_failed(
                    f'Item "{short_str(item)}" of the set: {result.description or "failed its type check."}',
                    result.metadata_entries,
                )
        return type_check_passed()


_TYPED_SETS: dict[DagsterType, DagsterType] = {}


def create_typed_runtime_set(item_type: object, where: str | None = None) -> DagsterType:
    """``Set[item_type]`` (memoized per item type). ``Set[Nothing]`` is invalid."""
    item = resolve_dagster_type(item_type, where)
    if item.is_nothing:
        raise DagsterInvalidDefinitionError(
            f"Invalid type{f' for {where}' if where else ''}: Set[Nothing]. Nothing carries no value, so a "
            "set cannot hold it; use Nothing itself to order solids."
        )
    typed = _TYPED_SETS.get(item)
    if typed is None:
        typed = _TYPED_SETS.setdefault(item, _TypedPythonSet(item))
    return typed


class _SetFactory(TypeFactory):
    """``Set`` is ``PythonSet``; ``Set[T]`` checks every item against T."""

    def __getitem__(self, item_type: object) -> DagsterType:
        return create_typed_runtime_set(item_type)

    def bare_type(self, where: str | None) -> DagsterType:
        return PythonSet

    def __repr__(self) -> str:
        return "Set"


Set = _SetFactory()
