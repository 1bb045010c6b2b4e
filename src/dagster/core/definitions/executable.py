"""What an execution runs: a pipeline definition, and how to get a subset of it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from dagster import check
from dagster.core.definitions.pipeline import PipelineDefinition


class ExecutablePipeline(ABC):
    """A pipeline an engine can run: its definition and sub-pipelines of it."""

    @abstractmethod
    def get_definition(self) -> PipelineDefinition:
        """The pipeline definition."""

    @abstractmethod
    def build_sub_pipeline(self, solid_subset: Sequence[str] | None) -> ExecutablePipeline:
        """The same pipeline restricted to ``solid_subset`` (None keeps every solid)."""


class InMemoryExecutablePipeline(ExecutablePipeline):
    """A pipeline definition held in this process (it cannot be rebuilt in another one)."""

    def __init__(self, pipeline_def: PipelineDefinition):
        self._pipeline_def = check.inst_param(pipeline_def, "pipeline_def", PipelineDefinition)

    def get_definition(self) -> PipelineDefinition:
        return self._pipeline_def

    def build_sub_pipeline(self, solid_subset: Sequence[str] | None) -> InMemoryExecutablePipeline:
        if solid_subset is None:
            return self
        return InMemoryExecutablePipeline(self._pipeline_def.build_sub_pipeline(solid_subset))
