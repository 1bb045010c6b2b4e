"""``Dict``: ``PythonDict`` (any dict, hydrated from a permissive config dict) and typed
``Dict[K, V]`` whose keys and values are checked."""

from __future__ import annotations

import typing

from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.types.config_schema import PassThroughInputHydrationConfig, permissive_schema
from dagster.core.types.dagster_type import (
    DagsterType,
    PythonObjectDagsterType,
    TypeFactory,
    resolve_dagster_type,
)
from dagster.core.types.results import mismatch_description, short_str, type_check_failed, type_check_passed

PythonDict = PythonObjectDagsterType(
    dict,
    name="PythonDict",
    is_builtin=True,
    description="A Python dict. From run config: any mapping (a permissive dict).",
    input_hydration_config=PassThroughInputHydrationConfig(permissive_schema, dict),
)


class _TypedPythonDict(DagsterType):
    def __init__(self, key_type: DagsterType, value_type: DagsterType):
        self.key_type = key_type
        self.value_type = value_type
        super().__init__(
            type_check_fn=self.type_check,
            key=f"TypedPythonDict.{key_type.key}.{value_type.key}",
            required_resource_keys=key_type.required_resource_keys | value_type.required_resource_keys,
        )
        self._expected = f"a dict (Dagster type {self.display_name})"

    @property
    def name(self) -> str | None:
        return None

    @property
    def display_name(self) -> str:
        return f"Dict[{self.key_type.display_name},{self.value_type.display_name}]"

    def __reduce__(self) -> typing.Any:
        return (create_typed_python_dict, (self.key_type, self.value_type))

    @property
    def type_params(self) -> list[DagsterType]:
        return [self.key_type, self.value_type]

    def type_check(self, context: typing.Any, value: object) -> typing.Any:
        if not isinstance(value, dict):
            return type_check_failed(mismatch_description(value, self._expected))
        key_check, value_check = self.key_type.type_check, self.value_type.type_check
        for key, item in value.items():
            result = key_check(context, key)
            if not result.success:
                return type_check_failed(
                    f'Key "{short_str(key)}" of the dict: {result.description or "failed its type check."}',
                    result.metadata_entries,
                )
            result = value_check(context, item)
            if not result.success:
                return type_check_failed(
                    f'Value at key "{short_str(key)}" of the dict: {result.description or "failed its type check."}',
                    result.metadata_entries,
                )
        return type_check_passed()


_TYPED_DICTS: dict[tuple[DagsterType, DagsterType], DagsterType] = {}


def create_typed_python_dict(key_type: object, value_type: object, where: str | None = None) -> DagsterType:
    """``Dict[key_type, value_type]`` (memoized per pair of types)."""
    pair = (resolve_dagster_type(key_type, where), resolve_dagster_type(value_type, where))
    typed = _TYPED_DICTS.get(pair)
    if typed is None:
        typed = _TYPED_DICTS.setdefault(pair, _TypedPythonDict(*pair))
    return typed


class _DictFactory(TypeFactory):
    """``Dict`` is ``PythonDict``; ``Dict[K, V]`` checks every key against K and value against V."""

    def __getitem__(self, params: object) -> DagsterType:
        if not isinstance(params, tuple) or len(params) != 2:
            raise DagsterInvalidDefinitionError(
                f"Dict[...] takes a key type and a value type, e.g. Dict[str, int]; got Dict[{params!r}]."
            )
        return create_typed_python_dict(*params)

    def bare_type(self, where: str | None) -> DagsterType:
        return PythonDict

    def __repr__(self) -> str:
        return "Dict"


Dict = _DictFactory()
