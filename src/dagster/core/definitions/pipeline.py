"""``PipelineDefinition``: solids wired into a DAG, with modes and presets, validated when built."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.dependency import DependencyStructure, Solid, SolidInvocation
from dagster.core.definitions.mode import ModeDefinition
from dagster.core.definitions.preset import PresetDefinition
from dagster.core.definitions.structure import (
    SolidContainer,
    build_solids,
    check_solid_defs,
    check_unconnected_inputs,
    toposort_solid_names,
)
from dagster.core.definitions.utils import check_user_tags, format_names, validate_tags
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError

UNNAMED_PIPELINE = "<<unnamed>>"


class PipelineDefinition(SolidContainer):
    """A pipeline: solid definitions, how their invocations are wired, the modes it can run in and
    its presets. Everything that can be checked without running is checked here."""

    def __init__(
        self,
        solid_defs: Sequence[Any],
        name: str | None = None,
        description: str | None = None,
        dependencies: Mapping | None = None,
        mode_defs: Sequence[ModeDefinition] | None = None,
        preset_defs: Sequence[PresetDefinition] | None = None,
        tags: Mapping | None = None,
        _parent_pipeline_def: PipelineDefinition | None = None,
    ):
        self._name = check.opt_str_param(name, "name", UNNAMED_PIPELINE)
        container = f'pipeline "{self._name}"'
        self._description = check.opt_str_param(description, "description")
        self._tags = validate_tags(tags, container)
        check_user_tags(self._tags, container)
        self._solid_defs = check_solid_defs(solid_defs, container)
        self._solids, self._dep_dict = build_solids(self._solid_defs, dependencies or {}, None, container)
        self._dependency_structure = DependencyStructure.from_definitions(self._solids, self._dep_dict)
        self._mode_definitions = _check_modes(mode_defs, container)
        self._preset_defs = _check_presets(preset_defs, self._mode_definitions, container)
        check_unconnected_inputs(self._solids, self._dependency_structure, container)
        self._levels = toposort_solid_names(self._solids, self._dependency_structure, container)
        self._all_solid_defs = _all_solid_defs(self._solid_defs, container)
        self._types_by_key, self._dagster_types = _construct_type_dictionaries(
            self._all_solid_defs.values(), container
        )
        for mode_def in self._mode_definitions:
            _check_mode_resources(mode_def, self._solids, self._types_by_key, container)
        self._parent_pipeline_def = check.opt_inst_param(
            _parent_pipeline_def, "_parent_pipeline_def", PipelineDefinition
        )
        self._environment_schemas: dict[str, Any] = {}
        self._snapshot = None
        self._snapshot_id: str | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def display_name(self) -> str:
        return self._name

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def _container_label(self) -> str:
        return f'Pipeline "{self._name}"'

    @property
    def solid_levels(self) -> list[list[str]]:
        """Top-level solid names by dependency level, each level sorted by name."""
        return self._levels

    # Modes

    @property
    def mode_definitions(self) -> list[ModeDefinition]:
        return self._mode_definitions

    @property
    def available_modes(self) -> list[str]:
        return [mode_def.name for mode_def in self._mode_definitions]

    @property
    def is_single_mode(self) -> bool:
        return len(self._mode_definitions) == 1

    @property
    def is_multi_mode(self) -> bool:
        return len(self._mode_definitions) > 1

    def has_mode_definition(self, mode: str) -> bool:
        return any(mode_def.name == mode for mode_def in self._mode_definitions)

    def get_default_mode(self) -> ModeDefinition:
        return self._mode_definitions[0]

    def get_default_mode_name(self) -> str:
        return self._mode_definitions[0].name

    def get_mode_definition(self, mode: str | None = None) -> ModeDefinition:
        if mode is None:
            if not self.is_single_mode:
                raise DagsterInvariantViolationError(
                    f'Pipeline "{self._name}" has several modes ({format_names(self.available_modes)}): say which '
                    "one to use (mode=...)."
                )
            return self._mode_definitions[0]
        for mode_def in self._mode_definitions:
            if mode_def.name == mode:
                return mode_def
        raise DagsterInvariantViolationError(
            f'Pipeline "{self._name}" has no mode "{mode}". Its modes are: {format_names(self.available_modes)}.'
        )

    # Presets

    @property
    def preset_defs(self) -> list[PresetDefinition]:
        return self._preset_defs

    def get_presets(self) -> list[PresetDefinition]:
        return list(self._preset_defs)

    def has_preset(self, name: str) -> bool:
        return any(preset.name == name for preset in self._preset_defs)

    def get_preset(self, name: str) -> PresetDefinition:
        for preset in self._preset_defs:
            if preset.name == name:
                return preset
        raise DagsterInvariantViolationError(
            f'Pipeline "{self._name}" has no preset "{name}". Its presets are: '
            f"{format_names(p.name for p in self._preset_defs) or 'none'}."
        )

    # Definitions and types

    @property
    def all_solid_defs(self) -> list[Any]:
        return list(self._all_solid_defs.values())

    def has_solid_def(self, name: str) -> bool:
        return name in self._all_solid_defs

    def solid_def_named(self, name: str) -> Any:
        solid_def = self._all_solid_defs.get(check.str_param(name, "name"))
        if solid_def is None:
            raise DagsterInvariantViolationError(
                f'Pipeline "{self._name}" has no solid definition named "{name}".'
            )
        return solid_def

    def all_dagster_types(self) -> list[Any]:
        """Every Dagster type the pipeline uses (inner types of List/Optional included) and the builtins."""
        return list(self._types_by_key.values())

    def has_dagster_type(self, name: str) -> bool:
        return name in self._dagster_types

    def dagster_type_named(self, name: str) -> Any:
        dagster_type = self._dagster_types.get(name)
        if dagster_type is None:
            raise DagsterInvariantViolationError(
                f'Pipeline "{self._name}" uses no Dagster type named "{name}".'
            )
        return dagster_type

    # Sub-pipelines and selectors

    @property
    def parent_pipeline_def(self) -> PipelineDefinition | None:
        return self._parent_pipeline_def

    @property
    def is_subset_pipeline(self) -> bool:
        return self._parent_pipeline_def is not None

    @property
    def solid_subset(self) -> list[str] | None:
        return sorted(self._solids) if self._parent_pipeline_def is not None else None

    @property
    def selector(self) -> Any:
        from dagster.core.storage.pipeline_run import ExecutionSelector

        return ExecutionSelector(self._name, self.solid_subset)

    def build_sub_pipeline(self, solid_subset: Sequence[str] | None) -> PipelineDefinition:
        """A pipeline with only the named top-level solids and the dependencies among them."""
        if solid_subset is None:
            return self
        check.sequence_param(solid_subset, "solid_subset", of_type=str)
        unknown = [name for name in solid_subset if name not in self._solids]
        if unknown:
            raise DagsterInvalidDefinitionError(
                f'Solid subset of pipeline "{self._name}" names unknown solids {format_names(unknown)}. '
                f"Its solids are: {format_names(sorted(self._solids))}."
            )
        kept = set(solid_subset)
        dependencies: dict[SolidInvocation, dict[str, Any]] = {}
        solid_defs: list = []
        for name in solid_subset:
            solid = self._solids[name]
            if solid.definition not in solid_defs:
                solid_defs.append(solid.definition)
            deps = {}
            for input_name, dep in self._dep_dict.get(name, {}).items():
                upstream = dep.dependencies if hasattr(dep, "dependencies") else [dep]
                kept_upstream = [d for d in upstream if d.solid in kept]
                if not kept_upstream:
                    continue
                if hasattr(dep, "dependencies"):
                    deps[input_name] = type(dep)(kept_upstream)
                else:
                    deps[input_name] = dep
            dependencies[SolidInvocation(solid.definition.name, name, solid.invocation_tags)] = deps
        try:
            return PipelineDefinition(
                solid_defs=solid_defs,
                name=self._name,
                description=self._description,
                dependencies=dependencies,
                mode_defs=self._mode_definitions,
                tags=self._tags,
                _parent_pipeline_def=self,
            )
        except DagsterInvalidDefinitionError as exc:
            raise DagsterInvalidDefinitionError(
                f'Cannot run the solid subset {format_names(solid_subset)} of pipeline "{self._name}": {exc} '
                "Add the solids that feed it to the subset, or provide the input in the run config."
            ) from exc

    # Run config schema and snapshots

    def get_environment_schema(self, mode: str) -> Any:
        """The run config schema of this pipeline in ``mode`` (built once, then cached)."""
        check.str_param(mode, "mode")
        schema = self._environment_schemas.get(mode)
        if schema is None:
            from dagster.core.definitions.environment_configs import create_environment_schema

            schema = self._environment_schemas[mode] = create_environment_schema(self, mode)
        return schema

    def get_pipeline_snapshot(self) -> Any:
        if self._snapshot is None:
            from dagster.core.snap.pipeline_snapshot import PipelineSnapshot

            self._snapshot = PipelineSnapshot.from_pipeline_def(self)
        return self._snapshot

    def get_pipeline_snapshot_id(self) -> str:
        if self._snapshot_id is None:
            from dagster.core.snap.pipeline_snapshot import create_pipeline_snapshot_id

            self._snapshot_id = create_pipeline_snapshot_id(self.get_pipeline_snapshot())
        return self._snapshot_id

    def __repr__(self) -> str:
        return f"PipelineDefinition({self._name!r}, {len(self._solids)} solids)"


def _check_modes(mode_defs: Any, container: str) -> list[ModeDefinition]:
    if mode_defs is None:
        return [ModeDefinition()]
    if not isinstance(mode_defs, (list, tuple)) or not mode_defs:
        raise DagsterInvalidDefinitionError(
            f"mode_defs of {container} must be a non-empty list of ModeDefinition, got {mode_defs!r}."
        )
    seen: set[str] = set()
    for mode_def in mode_defs:
        if not isinstance(mode_def, ModeDefinition):
            raise DagsterInvalidDefinitionError(
                f"mode_defs of {container} must hold ModeDefinition objects, got {mode_def!r}."
            )
        if mode_def.name in seen:
            raise DagsterInvalidDefinitionError(
                f'Two modes named "{mode_def.name}" in {container}. Mode names must be unique.'
            )
        seen.add(mode_def.name)
    return list(mode_defs)


def _check_presets(
    preset_defs: Any, mode_defs: list[ModeDefinition], container: str
) -> list[PresetDefinition]:
    if preset_defs is None:
        return []
    if not isinstance(preset_defs, (list, tuple)):
        raise DagsterInvalidDefinitionError(f"preset_defs of {container} must be a list of PresetDefinition.")
    modes = [m.name for m in mode_defs]
    seen: set[str] = set()
    for preset in preset_defs:
        if not isinstance(preset, PresetDefinition):
            raise DagsterInvalidDefinitionError(
                f"preset_defs of {container} must hold PresetDefinition objects, got {preset!r}."
            )
        if preset.name in seen:
            raise DagsterInvalidDefinitionError(
                f'Two presets named "{preset.name}" in {container}. Preset names must be unique.'
            )
        seen.add(preset.name)
        if preset.mode not in modes:
            raise DagsterInvalidDefinitionError(
                f'Preset "{preset.name}" of {container} uses mode "{preset.mode}", which the pipeline does not '
                f"define. Its modes are: {format_names(modes)}."
            )
    return list(preset_defs)


def _all_solid_defs(solid_defs: Sequence[Any], container: str) -> dict[str, Any]:
    """Every solid definition in the tree (composites' children included), by unique name."""
    by_name: dict[str, Any] = {}
    for top in solid_defs:
        for solid_def in top.iterate_solid_defs():
            existing = by_name.get(solid_def.name)
            if existing is None:
                by_name[solid_def.name] = solid_def
            elif existing is not solid_def:
                raise DagsterInvalidDefinitionError(
                    f"{container[0].upper()}{container[1:]} contains two different solid definitions named "
                    f'"{solid_def.name}" (at different levels of its composite solids). Solid definition names '
                    "must be unique within a pipeline: rename one of them."
                )
    return by_name


def _construct_type_dictionaries(solid_defs: Any, container: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every Dagster type the solids use, plus the builtins, by key and by name.

    Two different types may not share a name.
    """
    from dagster.core.types.dagster_type import ALL_RUNTIME_BUILTINS

    by_key: dict[str, Any] = {}
    by_name: dict[str, Any] = {}
    for dagster_type in _iterate_types(solid_defs, ALL_RUNTIME_BUILTINS):
        by_key.setdefault(dagster_type.key, dagster_type)
        name = dagster_type.name
        if name is None:
            continue
        existing = by_name.get(name)
        if existing is None:
            by_name[name] = dagster_type
        elif existing is not dagster_type:
            raise DagsterInvalidDefinitionError(
                f'{container[0].upper()}{container[1:]} uses two different Dagster types named "{name}". Type '
                "names must be unique within a pipeline: rename one of them, or use one type object everywhere."
            )
    return by_key, by_name


def _iterate_types(solid_defs: Any, builtins: Sequence[Any]) -> Iterator[Any]:
    for solid_def in solid_defs:
        for dagster_type in solid_def.all_input_output_types():
            yield from _with_inner(dagster_type)
    yield from builtins


def _with_inner(dagster_type: Any) -> Iterator[Any]:
    yield dagster_type
    for inner in dagster_type.inner_types:
        yield from _with_inner(inner)


def _check_mode_resources(
    mode_def: ModeDefinition, solids: Mapping[str, Solid], types: Mapping[str, Any], container: str
) -> None:
    provided = mode_def.resource_key_set

    def missing(keys: frozenset[str], owner: str) -> None:
        absent = sorted(keys - provided)
        if absent:
            raise DagsterInvalidDefinitionError(
                f'Resource "{absent[0]}" is required by {owner}, but is not provided by mode "{mode_def.name}" of '
                f'{container}. Add it to the resource_defs of ModeDefinition "{mode_def.name}" '
                f"(it provides: {format_names(sorted(provided)) or 'no resources'})."
            )

    for solid in solids.values():
        for solid_def in solid.definition.iterate_solid_defs():
            if not solid_def.is_composite:
                label = (
                    f'solid "{solid.name}"'
                    if solid_def is solid.definition
                    else (f'solid "{solid_def.name}" (inside composite "{solid.name}")')
                )
                missing(solid_def.required_resource_keys, label)
    for storage_def in mode_def.system_storage_defs:
        missing(storage_def.required_resource_keys, f'system storage "{storage_def.name}"')
    for executor_def in mode_def.executor_defs:
        missing(executor_def.required_resource_keys, f'executor "{executor_def.name}"')
    for dagster_type in types.values():
        missing(dagster_type.required_resource_keys, f'Dagster type "{dagster_type.name}"')
