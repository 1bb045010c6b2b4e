"""Build the execution plan of a pipeline: one compute step per leaf solid, in topological levels.

Composite solids are flattened: a solid inside composite ``outer`` gets the handle ``outer.inner``
and the step key ``outer.inner.compute``. Each input is resolved, through composite input and
output mappings, to the leaf step outputs that feed it (or to config, or to a default value).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from dagster import check
from dagster.core.errors import DagsterExecutionStepNotFoundError, DagsterInvariantViolationError
from dagster.core.execution.plan.objects import (
    ExecutionStep,
    StepInput,
    StepInputSourceType,
    StepOutput,
    StepOutputHandle,
)
from dagster.core.utils import toposort


class ExecutionPlan:
    """The steps of one run, their dependencies, and which of them this run executes.

    ``step_keys_to_execute`` (all steps by default) is the subset that runs; the other steps'
    outputs must already be in the run's intermediates (re-execution copies them over).
    """

    def __init__(
        self,
        pipeline_def: Any,
        step_dict: dict[str, ExecutionStep],
        deps: dict[str, set[str]],
        artifacts_persisted: bool,
        step_keys_to_execute: list[str] | None = None,
        environment_config: Any = None,
        _levels: list[list[str]] | None = None,
        _structure: Any = None,
    ):
        self.pipeline_def = pipeline_def
        self.step_dict = step_dict
        self.deps = deps
        self.artifacts_persisted = artifacts_persisted
        self.environment_config = environment_config
        self._structure = _structure
        self._levels = _levels if _levels is not None else toposort(deps)
        if step_keys_to_execute is None:
            self.step_keys_to_execute = [key for level in self._levels for key in level]
            self._is_subset = False
        else:
            missing = [key for key in step_keys_to_execute if key not in step_dict]
            if missing:
                available = ", ".join(sorted(step_dict))
                raise DagsterExecutionStepNotFoundError(
                    f"Execution plan of pipeline {pipeline_def.name!r} does not contain step(s): "
                    f"{', '.join(missing)}. Available steps: {available}.",
                    step_keys=missing,
                )
            wanted = set(step_keys_to_execute)
            self.step_keys_to_execute = [key for level in self._levels for key in level if key in wanted]
            self._is_subset = len(wanted) != len(step_dict)

    @property
    def snapshot_cache(self) -> dict:
        """Snapshots of this plan's steps, shared by every plan built from the same structure."""
        if self._structure is None:
            self._structure = _PlanStructure(self.steps)
        return self._structure.snapshots

    @property
    def pipeline_name(self) -> str:
        return self.pipeline_def.name

    @property
    def is_subset(self) -> bool:
        return self._is_subset

    @property
    def steps(self) -> list[ExecutionStep]:
        return [self.step_dict[key] for level in self._levels for key in level]

    def has_step(self, key: str) -> bool:
        return key in self.step_dict

    def get_step_by_key(self, key: str) -> ExecutionStep:
        step = self.step_dict.get(key)
        if step is None:
            raise DagsterExecutionStepNotFoundError(
                f"Step {key!r} is not in the execution plan of pipeline {self.pipeline_name!r}.",
                step_keys=[key],
            )
        return step

    def get_step_output(self, step_output_handle: StepOutputHandle) -> StepOutput:
        return self.get_step_by_key(step_output_handle.step_key).step_output_named(
            step_output_handle.output_name
        )

    def topological_steps(self) -> list[ExecutionStep]:
        return self.steps

    def topological_step_levels(self) -> list[list[ExecutionStep]]:
        return [[self.step_dict[key] for key in level] for level in self._levels]

    def execution_step_levels(self) -> list[list[ExecutionStep]]:
        """The levels restricted to ``step_keys_to_execute`` (empty levels dropped)."""
        if not self._is_subset:
            return self.topological_step_levels()
        wanted = set(self.step_keys_to_execute)
        levels = []
        for level in self._levels:
            steps = [self.step_dict[key] for key in level if key in wanted]
            if steps:
                levels.append(steps)
        return levels

    def execution_steps(self) -> list[ExecutionStep]:
        return [self.step_dict[key] for key in self.step_keys_to_execute]

    def execution_deps(self) -> dict[str, set[str]]:
        """Upstream step keys of each step to execute, limited to the steps to execute."""
        wanted = set(self.step_keys_to_execute)
        return {key: {dep for dep in self.deps[key] if dep in wanted} for key in self.step_keys_to_execute}

    def build_subset_plan(self, step_keys_to_execute: Iterable[str]) -> ExecutionPlan:
        return ExecutionPlan(
            self.pipeline_def,
            self.step_dict,
            self.deps,
            self.artifacts_persisted,
            list(step_keys_to_execute),
            self.environment_config,
            _levels=self._levels,
            _structure=self._structure,
        )

    @staticmethod
    def build(pipeline_def: Any, environment_config: Any, mode: str | None = None) -> ExecutionPlan:
        """Build the plan of ``pipeline_def`` for a validated ``EnvironmentConfig`` of ``mode``.

        The steps depend only on the pipeline, the storage's persistence and the ``inputs:`` /
        ``outputs:`` sections of the run config, so they are built once per such combination and
        shared (they are never mutated); each call gets its own plan object.
        """
        mode_def = pipeline_def.get_mode_definition(mode or getattr(environment_config, "mode", None))
        storage_def = mode_def.get_system_storage_def(environment_config.storage.system_storage_name)
        persisted = bool(storage_def.is_persistent)
        structure = _structure_for(pipeline_def, environment_config)
        return ExecutionPlan(
            pipeline_def,
            structure.step_dict,
            structure.deps,
            persisted,
            None,
            environment_config,
            _levels=structure.levels,
            _structure=structure,
        )


class _PlanStructure:
    """The steps of a pipeline for one ``inputs:``/``outputs:`` configuration, plus cached snapshots."""

    __slots__ = ("step_dict", "deps", "levels", "snapshots")

    def __init__(self, steps: list[ExecutionStep]):
        self.step_dict = {step.key: step for step in steps}
        self.deps = {step.key: step.upstream_step_keys for step in steps}
        self.levels = toposort(self.deps)
        self.snapshots: dict = {}


# Recently used pipelines -> {config signature -> structure}. Bounded, because the structures refer
# back to their pipeline (a weak-keyed cache would keep every pipeline alive for ever).
_STRUCTURES: OrderedDict[int, tuple[Any, dict]] = OrderedDict()
_STRUCTURES_LOCK = threading.Lock()
_MAX_PIPELINES = 32
_MAX_STRUCTURES_PER_PIPELINE = 32


def _config_signature(environment_config: Any) -> tuple:
    """What of the run config shapes the steps: each solid's ``inputs:`` and ``outputs:``."""
    return tuple(
        (handle, repr(solid_config.inputs), repr(solid_config.outputs))
        for handle, solid_config in environment_config.solids.items()
        if solid_config.inputs or solid_config.outputs
    )


def _structure_for(pipeline_def: Any, environment_config: Any) -> _PlanStructure:
    signature = _config_signature(environment_config)
    with _STRUCTURES_LOCK:
        entry = _STRUCTURES.get(id(pipeline_def))
        if entry is None or entry[0] is not pipeline_def:
            entry = (pipeline_def, {})
            _STRUCTURES[id(pipeline_def)] = entry
            if len(_STRUCTURES) > _MAX_PIPELINES:
                _STRUCTURES.popitem(last=False)
        else:
            _STRUCTURES.move_to_end(id(pipeline_def))
        structure = entry[1].get(signature)
    if structure is None:
        structure = _PlanStructure(_PlanBuilder(pipeline_def, environment_config).build())
        with _STRUCTURES_LOCK:
            if len(entry[1]) >= _MAX_STRUCTURES_PER_PIPELINE:
                entry[1].clear()
            entry[1][signature] = structure
    return structure


def _is_composite(solid: Any) -> bool:
    from dagster.core.definitions.solid import CompositeSolidDefinition

    return isinstance(solid.definition, CompositeSolidDefinition)


class _PlanBuilder:
    """Walks the solids (depth first, composites flattened) and resolves every input's source."""

    def __init__(self, pipeline_def: Any, environment_config: Any):
        self.pipeline_def = pipeline_def
        self.environment_config = environment_config
        self.solid_configs = environment_config.solids
        self.steps: list[ExecutionStep] = []

    def build(self) -> list[ExecutionStep]:
        self._walk(self.pipeline_def, None, [])
        return self.steps

    def _walk(self, container_def: Any, parent_handle: Any, parents: list) -> None:
        from dagster.core.definitions.dependency import SolidHandle

        for solid in container_def.solids:
            handle = SolidHandle(solid.name, parent_handle)
            if _is_composite(solid):
                self._walk(solid.definition, handle, parents + [(solid, container_def)])
            else:
                self.steps.append(self._compute_step(solid, handle, container_def, parents))

    def _compute_step(self, solid: Any, handle: Any, container_def: Any, parents: list) -> ExecutionStep:
        solid_def = solid.definition
        step_inputs = []
        for input_def in solid_def.input_defs:
            step_input = self._resolve_input(solid, handle, input_def, container_def, parents)
            if step_input is not None:
                step_inputs.append(step_input)
        step_outputs = []
        for output_def in solid_def.output_defs:
            materializations = self._materialization_configs(solid, handle, output_def.name, parents)
            step_outputs.append(
                StepOutput(output_def.name, output_def.dagster_type, output_def.optional, materializations)
            )
        return ExecutionStep(self.pipeline_def.name, solid, handle, step_inputs, step_outputs)

    def _materialization_configs(self, solid: Any, handle: Any, output_name: str, parents: list) -> list:
        """The ``outputs:`` entries for this output: the solid's own, then those of every enclosing
        composite output mapped from it (innermost first)."""
        configs = self._output_entries(handle, output_name)
        if parents:
            parent_solid = parents[-1][0]
            for mapping in parent_solid.definition.output_mappings:
                if mapping.solid_name == solid.name and mapping.output_name == output_name:
                    configs += self._materialization_configs(
                        parent_solid, handle.parent, mapping.definition.name, parents[:-1]
                    )
        return configs

    def _output_entries(self, handle: Any, output_name: str) -> list:
        solid_config = self.solid_configs.get(handle.to_string())
        entries = getattr(solid_config, "outputs", None) or []
        return [entry[output_name] for entry in entries if output_name in entry]

    def _resolve_input(
        self, solid: Any, handle: Any, input_def: Any, container_def: Any, parents: list
    ) -> StepInput | None:
        name = input_def.name
        dagster_type = input_def.dagster_type
        handles = self._upstream_handles(solid, handle, name, container_def, parents)
        if handles is not None:
            source_handles, fan_in = handles
            source = StepInputSourceType.MULTIPLE_OUTPUTS if fan_in else StepInputSourceType.SINGLE_OUTPUT
            return StepInput(name, dagster_type, source, source_handles=source_handles)
        # Not wired: look for config or a default, from the outermost mapped composite input inward.
        for owner_handle, owner_input_def in reversed(self._mapped_chain(solid, handle, name, parents)):
            solid_config = self.solid_configs.get(owner_handle.to_string())
            inputs_config = getattr(solid_config, "inputs", None) or {}
            if owner_input_def.name in inputs_config:
                return StepInput(
                    name,
                    dagster_type,
                    StepInputSourceType.CONFIG,
                    config_data=inputs_config[owner_input_def.name],
                    config_path=owner_handle.to_string(),
                )
            if owner_input_def.has_default_value:
                return StepInput(
                    name,
                    dagster_type,
                    StepInputSourceType.DEFAULT_VALUE,
                    default_value=owner_input_def.default_value,
                )
        if dagster_type.is_nothing:
            return None
        raise DagsterInvariantViolationError(
            f'Input "{name}" of solid "{handle.to_string()}" in pipeline "{self.pipeline_def.name}" '
            "is not connected to an upstream output, has no default value and no value in the run "
            f"config. Wire it to an output, give it a default_value, or set "
            f"solids:{':solids:'.join(_config_path(handle))}:inputs:{name} in the run config."
        )

    def _upstream_handles(
        self, solid: Any, handle: Any, input_name: str, container_def: Any, parents: list
    ) -> tuple[list[StepOutputHandle], bool] | None:
        """The leaf outputs wired to this input (following composite input mappings outward)."""
        from dagster.core.definitions.dependency import SolidHandle, SolidInputHandle

        input_handle = SolidInputHandle(solid, solid.definition.input_def_named(input_name))
        dep_structure = container_def.dependency_structure
        if dep_structure.has_singular_dep(input_handle):
            upstream = dep_structure.get_singular_dep(input_handle)
            return [self._leaf_output(upstream, handle.parent)], False
        if dep_structure.has_multi_deps(input_handle):
            upstream_list = dep_structure.get_multi_deps(input_handle)
            return [self._leaf_output(upstream, handle.parent) for upstream in upstream_list], True
        if parents:
            mapping = container_def.mapped_input(solid.name, input_name)
            if mapping is not None:
                parent_solid, parent_container = parents[-1]
                parent_handle = handle.parent
                check.invariant(parent_handle is not None and parent_handle.name == parent_solid.name)
                return self._upstream_handles(
                    parent_solid,
                    SolidHandle(parent_solid.name, parent_handle.parent),
                    mapping.definition.name,
                    parent_container,
                    parents[:-1],
                )
        return None

    def _mapped_chain(self, solid: Any, handle: Any, input_name: str, parents: list) -> list:
        """``[(handle, input_def)]`` from this input out through every composite input mapped to it."""
        chain = [(handle, solid.definition.input_def_named(input_name))]
        current_solid, current_handle, current_input = solid, handle, input_name
        for depth in range(len(parents) - 1, -1, -1):
            parent_solid, _ = parents[depth]
            container_def = parent_solid.definition
            mapping = container_def.mapped_input(current_solid.name, current_input)
            if mapping is None:
                break
            current_solid, current_handle, current_input = (
                parent_solid,
                current_handle.parent,
                mapping.definition.name,
            )
            chain.append((current_handle, mapping.definition))
        return chain

    def _leaf_output(self, solid_output_handle: Any, parent_handle: Any) -> StepOutputHandle:
        """Follow composite output mappings down to the leaf step output that produces the value."""
        from dagster.core.definitions.dependency import SolidHandle

        solid = solid_output_handle.solid
        output_name = solid_output_handle.output_def.name
        handle = SolidHandle(solid.name, parent_handle)
        while _is_composite(solid):
            mapping = solid.definition.get_output_mapping(output_name)
            solid = solid.definition.solid_named(mapping.solid_name)
            output_name = mapping.output_name
            handle = SolidHandle(solid.name, handle)
        return StepOutputHandle(f"{handle.to_string()}.compute", output_name)


def _config_path(handle: Any) -> list[str]:
    names = []
    while handle is not None:
        names.append(handle.name)
        handle = handle.parent
    return list(reversed(names))
