"""The context a solid's compute function receives."""

from __future__ import annotations

from typing import Any

from dagster import check
from dagster.core.execution.context.system import SystemComputeExecutionContext


class SolidExecutionContext:
    """What ``@solid`` functions get as ``context``: config, resources, logging, run and solid info."""

    __slots__ = ("_system_context", "_pdb")

    def __init__(self, system_compute_execution_context: SystemComputeExecutionContext):
        self._system_context = check.inst_param(
            system_compute_execution_context,
            "system_compute_execution_context",
            SystemComputeExecutionContext,
        )
        self._pdb = None

    @property
    def solid_config(self) -> Any:
        return self._system_context.solid_config

    @property
    def resources(self) -> Any:
        return self._system_context.resources

    @property
    def log(self) -> Any:
        return self._system_context.log

    @property
    def run_id(self) -> str:
        return self._system_context.run_id

    @property
    def pipeline_run(self) -> Any:
        return self._system_context.pipeline_run

    @property
    def environment_dict(self) -> dict:
        return self._system_context.environment_dict

    @property
    def mode_def(self) -> Any:
        return self._system_context.mode_def

    @property
    def pipeline_def(self) -> Any:
        return self._system_context.pipeline_def

    @property
    def solid_def(self) -> Any:
        return self._system_context.solid_def

    @property
    def solid(self) -> Any:
        return self._system_context.solid

    @property
    def solid_handle(self) -> Any:
        return self._system_context.solid_handle

    @property
    def file_manager(self) -> Any:
        return self._system_context.file_manager

    @property
    def instance(self) -> Any:
        return self._system_context.instance

    @property
    def step_launcher(self) -> None:
        """Steps always run where the engine put them; there is no step launcher in 0.7."""
        return None

    @property
    def pdb(self) -> Any:
        """A ``pdb.Pdb`` reading and writing the real terminal, so it works in worker processes too."""
        if self._pdb is None:
            from dagster.core.execution.context.forked_pdb import ForkedPdb

            self._pdb = ForkedPdb()
        return self._pdb

    def has_tag(self, key: str) -> bool:
        return self._system_context.has_tag(key)

    def get_tag(self, key: str) -> str | None:
        return self._system_context.get_tag(key)

    def get_system_context(self) -> SystemComputeExecutionContext:
        return self._system_context
