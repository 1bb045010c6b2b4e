"""The pieces of an execution plan: steps, their inputs (and where each comes from) and outputs.

The event data records that name plan objects (``StepOutputHandle``, ``StepKind``,
``StepSuccessData``, ``StepFailureData``, ...) are defined with the events and re-exported here,
where Dagster 0.7 code imports them from.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from dagster.core.events import (
    StepFailureData,
    StepInputData,
    StepKind,
    StepOutputData,
    StepOutputHandle,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)

__all__ = [
    "ExecutionStep",
    "StepFailureData",
    "StepInput",
    "StepInputData",
    "StepInputSourceType",
    "StepKind",
    "StepOutput",
    "StepOutputData",
    "StepOutputHandle",
    "StepRetryData",
    "StepSuccessData",
    "TypeCheckData",
    "UserFailureData",
]


def is_framework_checked(dagster_type: Any) -> bool:
    """True for types whose check is our own code (Any, builtin scalars): no user code boundary needed."""
    from dagster.core.types.dagster_type import DagsterTypeKind

    return dagster_type.is_any or (dagster_type.kind is DagsterTypeKind.SCALAR and dagster_type.is_builtin)


def type_resource_keys(dagster_type: Any, for_input: bool) -> frozenset:
    """Resources a type needs: its own, plus its input hydration or output materialization config's."""
    keys = set(dagster_type.required_resource_keys or ())
    config = dagster_type.input_hydration_config if for_input else dagster_type.output_materialization_config
    if config is not None:
        keys.update(config.required_resource_keys() or ())
    return frozenset(keys)


class StepInputSourceType(Enum):
    SINGLE_OUTPUT = "SINGLE_OUTPUT"  # one upstream step output
    MULTIPLE_OUTPUTS = "MULTIPLE_OUTPUTS"  # fan-in: a list of upstream step outputs
    CONFIG = "CONFIG"  # hydrated from the run config's ``inputs:`` section
    DEFAULT_VALUE = "DEFAULT_VALUE"  # the input definition's default


class StepInput:
    """One input of a step and where its value comes from.

    ``source_handles`` lists the upstream outputs (one, several for fan-in, none for config and
    defaults); ``config_data`` is the processed ``inputs:`` config value; ``default_value`` the
    definition's default. ``config_path`` names the solid whose ``inputs:`` config holds the value
    (a composite when the input is mapped from it).
    """

    __slots__ = (
        "name",
        "dagster_type",
        "source_type",
        "source_handles",
        "config_data",
        "default_value",
        "config_path",
        "framework_checked",
    )

    def __init__(
        self,
        name: str,
        dagster_type: Any,
        source_type: StepInputSourceType,
        source_handles: list[StepOutputHandle] | None = None,
        config_data: Any = None,
        default_value: Any = None,
        config_path: str | None = None,
    ):
        self.name = name
        self.dagster_type = dagster_type
        self.source_type = source_type
        self.source_handles = source_handles or []
        self.config_data = config_data
        self.default_value = default_value
        self.config_path = config_path
        self.framework_checked = is_framework_checked(dagster_type)

    @property
    def is_from_output(self) -> bool:
        return self.source_type in (StepInputSourceType.SINGLE_OUTPUT, StepInputSourceType.MULTIPLE_OUTPUTS)

    @property
    def is_from_single_output(self) -> bool:
        return self.source_type is StepInputSourceType.SINGLE_OUTPUT

    @property
    def is_from_multiple_outputs(self) -> bool:
        return self.source_type is StepInputSourceType.MULTIPLE_OUTPUTS

    @property
    def is_from_config(self) -> bool:
        return self.source_type is StepInputSourceType.CONFIG

    @property
    def is_from_default_value(self) -> bool:
        return self.source_type is StepInputSourceType.DEFAULT_VALUE

    @property
    def dependency_keys(self) -> set[str]:
        return {handle.step_key for handle in self.source_handles}

    def __repr__(self) -> str:
        return f"StepInput({self.name!r}, {self.source_type.value}, {self.source_handles!r})"


class StepOutput:
    """One output of a step: its name, type, whether it may be absent, and its ``outputs:`` config."""

    __slots__ = ("name", "dagster_type", "optional", "materialization_configs", "framework_checked")

    def __init__(self, name: str, dagster_type: Any, optional: bool, materialization_configs: list):
        self.name = name
        self.dagster_type = dagster_type
        self.optional = optional
        self.materialization_configs = materialization_configs
        self.framework_checked = is_framework_checked(dagster_type)

    def __repr__(self) -> str:
        return f"StepOutput({self.name!r}, optional={self.optional})"


class ExecutionStep:
    """The unit of execution: one leaf solid, keyed ``<solid handle>.compute``."""

    __slots__ = (
        "key",
        "pipeline_name",
        "solid",
        "solid_handle",
        "step_inputs",
        "step_outputs",
        "step_input_dict",
        "step_output_dict",
        "kind",
        "logging_tags",
        "solid_handle_str",
        "required_resource_keys",
    )

    def __init__(
        self,
        pipeline_name: str,
        solid: Any,
        solid_handle: Any,
        step_inputs: list[StepInput],
        step_outputs: list[StepOutput],
    ):
        self.solid_handle_str = solid_handle.to_string()
        self.key = f"{self.solid_handle_str}.compute"
        self.pipeline_name = pipeline_name
        self.solid = solid
        self.solid_handle = solid_handle
        self.step_inputs = step_inputs
        self.step_outputs = step_outputs
        self.step_input_dict = {step_input.name: step_input for step_input in step_inputs}
        self.step_output_dict = {step_output.name: step_output for step_output in step_outputs}
        self.kind = StepKind.COMPUTE
        keys = set(solid.definition.required_resource_keys or ())
        for step_input in step_inputs:
            keys.update(type_resource_keys(step_input.dagster_type, for_input=True))
        for step_output in step_outputs:
            keys.update(type_resource_keys(step_output.dagster_type, for_input=False))
        # What the solid and its input/output types need (the system storage's keys come on top).
        self.required_resource_keys = frozenset(keys)
        self.logging_tags = {
            "pipeline": pipeline_name,
            "solid": self.solid_handle_str,
            "solid_definition": solid.definition.name,
            "step_key": self.key,
        }

    @property
    def solid_name(self) -> str:
        return self.solid.name

    @property
    def solid_definition(self) -> Any:
        return self.solid.definition

    @property
    def tags(self) -> dict:
        return self.solid.tags

    @property
    def compute_fn(self):
        return self.solid.definition.compute_fn

    def has_step_input(self, name: str) -> bool:
        return name in self.step_input_dict

    def step_input_named(self, name: str) -> StepInput:
        return self.step_input_dict[name]

    def has_step_output(self, name: str) -> bool:
        return name in self.step_output_dict

    def step_output_named(self, name: str) -> StepOutput:
        return self.step_output_dict[name]

    @property
    def upstream_step_keys(self) -> set[str]:
        keys: set[str] = set()
        for step_input in self.step_inputs:
            for handle in step_input.source_handles:
                keys.add(handle.step_key)
        return keys

    def __repr__(self) -> str:
        return f"ExecutionStep({self.key!r})"
