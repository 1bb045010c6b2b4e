"""Repositories: the named collection of pipelines (built lazily), schedules and partition sets
that tools load."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.partition import PartitionSetDefinition
from dagster.core.definitions.pipeline import PipelineDefinition
from dagster.core.definitions.schedule import ScheduleDefinition
from dagster.core.definitions.utils import format_names
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


class RepositoryDefinition:
    """``pipeline_dict`` maps names to zero-argument functions returning the pipeline (called on
    first use); ``pipeline_defs`` lists pipelines built already."""

    def __init__(
        self,
        name: str,
        pipeline_dict: Mapping[str, Callable[[], PipelineDefinition]] | None = None,
        pipeline_defs: Sequence[PipelineDefinition] | None = None,
        schedule_defs: Sequence[ScheduleDefinition] | None = None,
        partition_set_defs: Sequence[PartitionSetDefinition] | None = None,
    ):
        self._name = check.str_param(name, "name")
        owner = f'repository "{name}"'
        self._lazy: dict[str, Callable[[], PipelineDefinition]] = {}
        self._built: dict[str, PipelineDefinition] = {}
        for key, value in check.opt_dict_param(pipeline_dict, "pipeline_dict", key_type=str).items():
            if isinstance(value, PipelineDefinition):
                self._built[key] = self._check_name(key, value)
            elif callable(value):
                self._lazy[key] = value
            else:
                raise DagsterInvalidDefinitionError(
                    f'pipeline_dict["{key}"] of {owner} must be a function returning the pipeline (e.g. lambda: '
                    f"my_pipeline), got {value!r}."
                )
        for pipeline_def in check.opt_list_param(pipeline_defs, "pipeline_defs"):
            if not isinstance(pipeline_def, PipelineDefinition):
                raise DagsterInvalidDefinitionError(
                    f"pipeline_defs of {owner} must hold PipelineDefinition objects, got {pipeline_def!r}."
                )
            if pipeline_def.name in self._lazy or pipeline_def.name in self._built:
                raise DagsterInvariantViolationError(
                    f'Duplicate pipeline name "{pipeline_def.name}" in {owner}: it is in both pipeline_dict and '
                    "pipeline_defs, or twice in pipeline_defs. Pipeline names must be unique."
                )
            self._built[pipeline_def.name] = pipeline_def
        self._pipeline_names = sorted(set(self._lazy) | set(self._built))
        self._schedule_defs = _unique(schedule_defs, ScheduleDefinition, "schedule_defs", owner)
        self._partition_set_defs = _unique(
            partition_set_defs, PartitionSetDefinition, "partition_set_defs", owner
        )
        self._check_pipeline_names(self._schedule_defs, "schedule")
        self._check_pipeline_names(self._partition_set_defs, "partition set")
        self._all_pipelines_checked = False

    def _check_pipeline_names(self, defs: list, kind: str) -> None:
        """Every schedule and partition set runs a pipeline of this repository."""
        for definition in defs:
            if not self.has_pipeline(definition.pipeline_name):
                raise DagsterInvalidDefinitionError(
                    f'The {kind} "{definition.name}" of repository "{self._name}" runs pipeline '
                    f'"{definition.pipeline_name}", which is not in the repository. Its pipelines are: '
                    f"{format_names(self._pipeline_names) or 'none'}."
                )

    def _check_name(self, key: str, pipeline_def: Any) -> PipelineDefinition:
        if not isinstance(pipeline_def, PipelineDefinition):
            raise DagsterInvariantViolationError(
                f'The function for pipeline "{key}" in repository "{self._name}" returned {pipeline_def!r}, not a '
                "PipelineDefinition."
            )
        if pipeline_def.name != key:
            raise DagsterInvariantViolationError(
                f'Name mismatch in repository "{self._name}": the key "{key}" in pipeline_dict gives a pipeline '
                f'named "{pipeline_def.name}". Use the pipeline\'s name as its key.'
            )
        return pipeline_def

    @property
    def name(self) -> str:
        return self._name

    @property
    def pipeline_names(self) -> list[str]:
        return list(self._pipeline_names)

    def has_pipeline(self, name: str) -> bool:
        return name in self._lazy or name in self._built

    def get_pipeline(self, name: str) -> PipelineDefinition:
        check.str_param(name, "name")
        pipeline_def = self._built.get(name)
        if pipeline_def is not None:
            return pipeline_def
        fn = self._lazy.get(name)
        if fn is None:
            raise DagsterInvariantViolationError(
                f'Could not find pipeline "{name}" in repository "{self._name}". Its pipelines are: '
                f"{format_names(self._pipeline_names) or 'none'}."
            )
        pipeline_def = self._check_name(name, fn())
        self._built[name] = pipeline_def
        return pipeline_def

    def get_all_pipelines(self) -> list[PipelineDefinition]:
        """Every pipeline, sorted by name; solid definition names must be unique across them."""
        pipelines = [self.get_pipeline(name) for name in self._pipeline_names]
        if not self._all_pipelines_checked:
            seen: dict[str, tuple[Any, str]] = {}
            for pipeline_def in pipelines:
                for solid_def in pipeline_def.all_solid_defs:
                    existing = seen.get(solid_def.name)
                    if existing is None:
                        seen[solid_def.name] = (solid_def, pipeline_def.name)
                    elif existing[0] is not solid_def:
                        raise DagsterInvalidDefinitionError(
                            f'Repository "{self._name}" has two different solid definitions named '
                            f'"{solid_def.name}", in pipelines "{existing[1]}" and "{pipeline_def.name}". Solid '
                            "definition names must be unique within a repository: rename one of them, or share "
                            "one definition."
                        )
            self._all_pipelines_checked = True
        return pipelines

    def get_all_solid_defs(self) -> list[Any]:
        by_name: dict[str, Any] = {}
        for pipeline_def in self.get_all_pipelines():
            for solid_def in pipeline_def.all_solid_defs:
                by_name.setdefault(solid_def.name, solid_def)
        return [by_name[name] for name in sorted(by_name)]

    def has_solid_def(self, name: str) -> bool:
        return any(d.name == name for d in self.get_all_solid_defs())

    def solid_def_named(self, name: str) -> Any:
        for solid_def in self.get_all_solid_defs():
            if solid_def.name == name:
                return solid_def
        raise DagsterInvariantViolationError(
            f'Repository "{self._name}" has no solid definition named "{name}".'
        )

    @property
    def schedule_defs(self) -> list[ScheduleDefinition]:
        return list(self._schedule_defs)

    def has_schedule_def(self, name: str) -> bool:
        return any(s.name == name for s in self._schedule_defs)

    def get_schedule_def(self, name: str) -> ScheduleDefinition:
        for schedule_def in self._schedule_defs:
            if schedule_def.name == name:
                return schedule_def
        raise DagsterInvariantViolationError(
            f'Repository "{self._name}" has no schedule named "{name}". Its schedules are: '
            f"{format_names(s.name for s in self._schedule_defs) or 'none'}."
        )

    @property
    def partition_set_defs(self) -> list[PartitionSetDefinition]:
        return list(self._partition_set_defs)

    def get_partition_set_def(self, name: str) -> PartitionSetDefinition:
        for partition_set in self._partition_set_defs:
            if partition_set.name == name:
                return partition_set
        raise DagsterInvariantViolationError(
            f'Repository "{self._name}" has no partition set named "{name}". Its partition sets are: '
            f"{format_names(p.name for p in self._partition_set_defs) or 'none'}."
        )

    def __repr__(self) -> str:
        return f"RepositoryDefinition({self._name!r}, pipelines={self._pipeline_names})"


def _unique(defs: Any, cls: type, arg: str, owner: str) -> list:
    items = check.opt_list_param(defs, arg)
    names: set[str] = set()
    for item in items:
        if not isinstance(item, cls):
            raise DagsterInvalidDefinitionError(
                f"{arg} of {owner} must hold {cls.__name__} objects, got {item!r}."
            )
        if item.name in names:
            raise DagsterInvalidDefinitionError(
                f'Two entries named "{item.name}" in {arg} of {owner}. Names must be unique.'
            )
        names.add(item.name)
    return list(items)
