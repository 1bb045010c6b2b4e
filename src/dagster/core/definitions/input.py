"""Inputs of solids, and how a composite solid's inputs map onto its children's."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import check_valid_name
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.dagster_type import resolve_dagster_type


class _NoValue:
    """Marks an input without a default value (``None`` is a valid default)."""

    def __repr__(self) -> str:
        return "<no value>"


NO_DEFAULT_VALUE = _NoValue()


class InputDefinition:
    """An input of a solid: its name, Dagster type, description and optional default value.

    A default on a builtin scalar type is type checked here; a ``Nothing`` input cannot have one.
    """

    def __init__(
        self,
        name: str,
        dagster_type: Any = None,
        description: str | None = None,
        default_value: Any = NO_DEFAULT_VALUE,
    ):
        self._name = check_valid_name(name, "input name")
        self._dagster_type = resolve_dagster_type(dagster_type, f'input "{name}"')
        self._description = check.opt_str_param(description, "description")
        if default_value is not NO_DEFAULT_VALUE:
            if self._dagster_type.is_nothing:
                raise DagsterInvalidDefinitionError(
                    f'Input "{name}" has type Nothing, which carries no value, so it cannot have a '
                    "default_value. Remove the default_value."
                )
            if self._dagster_type.is_scalar:
                type_check = self._dagster_type.type_check(None, default_value)
                if not type_check.success:
                    reason = (type_check.description or "wrong type").rstrip(".")
                    raise DagsterInvalidDefinitionError(
                        f'Default value {default_value!r} of input "{name}" does not pass the type check of '
                        f"its type {self._dagster_type.display_name}: {reason}."
                        " Give a default of the declared type."
                    )
        self._default_value = default_value

    @property
    def name(self) -> str:
        return self._name

    @property
    def dagster_type(self):
        return self._dagster_type

    runtime_type = dagster_type

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def has_default_value(self) -> bool:
        return self._default_value is not NO_DEFAULT_VALUE

    @property
    def default_value(self) -> Any:
        if self._default_value is NO_DEFAULT_VALUE:
            raise DagsterInvariantViolationError(
                f'Input "{self._name}" has no default value: check has_default_value first.'
            )
        return self._default_value

    def mapping_to(self, solid_name: str, input_name: str) -> InputMapping:
        """Map this (composite) input onto input ``input_name`` of the inner solid ``solid_name``."""
        return InputMapping(self, solid_name, input_name)

    def __repr__(self) -> str:
        return f"InputDefinition(name={self._name!r}, dagster_type={self._dagster_type.display_name})"


class InputMapping(
    NamedTuple("_InputMapping", [("definition", InputDefinition), ("solid_name", str), ("input_name", str)])
):
    """A composite solid's input (``definition``) feeding input ``input_name`` of inner solid ``solid_name``."""

    def __new__(cls, definition: InputDefinition, solid_name: str, input_name: str):
        return super().__new__(
            cls,
            check.inst_param(definition, "definition", InputDefinition),
            check.str_param(solid_name, "solid_name"),
            check.str_param(input_name, "input_name"),
        )
