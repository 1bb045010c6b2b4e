"""The run launcher interface: start an already-created run somewhere else.

Implement ``launch_run``; the instance calls it from ``DagsterInstance.launch_run(run_id)``::

    class MyLauncher(RunLauncher, ConfigurableClass):
        def launch_run(self, instance, run):
            submit_somewhere(instance.get_ref(), run.run_id)
            return run

A launcher is named in ``dagster.yaml`` under ``run_launcher:`` (``module``/``class``/``config``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster.core.instance import DagsterInstance
    from dagster.core.storage.pipeline_run import PipelineRun

__all__ = ["RunLauncher"]


class RunLauncher(ABC):
    @abstractmethod
    def launch_run(self, instance: DagsterInstance, run: PipelineRun) -> PipelineRun:
        """Start executing ``run`` (stored in ``instance``, status NOT_STARTED) elsewhere, and return it.

        Raise ``DagsterLaunchFailedError`` when the run cannot be started."""
