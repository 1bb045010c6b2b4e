"""Outputs of solids, and how a composite solid's outputs map from its children's."""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import DEFAULT_OUTPUT, check_valid_name
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.types.dagster_type import resolve_dagster_type


class OutputDefinition:
    """An output of a solid: its Dagster type, name (default ``result``) and whether it is required.

    ``is_optional`` is the deprecated inverse of ``is_required``.
    """

    def __init__(
        self,
        dagster_type: Any = None,
        name: str | None = None,
        description: str | None = None,
        is_optional: bool | None = None,
        is_required: bool | None = None,
    ):
        self._name = check_valid_name(check.opt_str_param(name, "name", DEFAULT_OUTPUT), "output name")
        self._dagster_type = resolve_dagster_type(dagster_type, f'output "{self._name}"')
        self._description = check.opt_str_param(description, "description")
        check.opt_bool_param(is_optional, "is_optional")
        check.opt_bool_param(is_required, "is_required")
        if is_optional is not None:
            if is_required is not None and is_required == is_optional:
                raise DagsterInvariantViolationError(
                    f'Output "{self._name}" sets is_optional={is_optional} and is_required={is_required}, which '
                    "contradict each other. Use only is_required."
                )
            warnings.warn(
                f'Output "{self._name}": is_optional is deprecated, use is_required={not is_optional} instead.',
                DeprecationWarning,
                stacklevel=2,
            )
            is_required = not is_optional
        self._is_required = True if is_required is None else is_required

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
    def is_required(self) -> bool:
        return self._is_required

    @property
    def optional(self) -> bool:
        return not self._is_required

    is_optional = optional

    def mapping_from(self, solid_name: str, output_name: str | None = None) -> OutputMapping:
        """Map output ``output_name`` (default ``result``) of inner solid ``solid_name`` to this output."""
        return OutputMapping(self, solid_name, output_name)

    def __repr__(self) -> str:
        return f"OutputDefinition(name={self._name!r}, dagster_type={self._dagster_type.display_name})"


class OutputMapping(
    NamedTuple(
        "_OutputMapping", [("definition", OutputDefinition), ("solid_name", str), ("output_name", str)]
    )
):
    """Output ``output_name`` of inner solid ``solid_name`` exposed as the composite output ``definition``."""

    def __new__(cls, definition: OutputDefinition, solid_name: str, output_name: str | None = None):
        return super().__new__(
            cls,
            check.inst_param(definition, "definition", OutputDefinition),
            check.str_param(solid_name, "solid_name"),
            check.opt_str_param(output_name, "output_name", DEFAULT_OUTPUT),
        )
