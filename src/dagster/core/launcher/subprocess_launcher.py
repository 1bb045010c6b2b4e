"""``SubprocessRunLauncher``: execute a launched run in a new Python process on this machine.

The run must say where its pipeline's code is: the ``dagster/execution_target`` tag holds the
JSON of an ``ExecutionTargetHandle`` (``SubprocessRunLauncher.tags_for_handle(handle)`` builds it).
The child process rebuilds the instance from its ``InstanceRef``, loads the pipeline through the
handle and executes the run; it starts its own session, so it outlives the launching command
(``dagster pipeline launch`` returns at once). Its own stdout/stderr (the console logger) go to
``<storage>/<run_id>/launcher.log``; the steps' output is in their compute logs as usual. If the
child dies, the instance's dead-run check marks the run failed; if it cannot load the pipeline,
it records why in an engine event and fails the run.

``dagster.yaml``::

    run_launcher:
      module: dagster.core.launcher.subprocess_launcher
      class: SubprocessRunLauncher
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from dagster import check
from dagster.core.errors import DagsterLaunchFailedError
from dagster.core.launcher import RunLauncher
from dagster.serdes import ConfigurableClass, ConfigurableClassData

if TYPE_CHECKING:
    from dagster.core.instance import DagsterInstance
    from dagster.core.storage.pipeline_run import PipelineRun

EXECUTION_TARGET_TAG = "dagster/execution_target"


class SubprocessRunLauncher(RunLauncher, ConfigurableClass):
    """Config: none."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)
        self._processes: dict[str, subprocess.Popen] = {}

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> SubprocessRunLauncher:
        return SubprocessRunLauncher(inst_data=inst_data)

    @staticmethod
    def tags_for_handle(handle: Any) -> dict[str, str]:
        """The run tags that tell the child process how to load the pipeline of ``handle``."""
        return {EXECUTION_TARGET_TAG: json.dumps(handle.to_dict(), sort_keys=True)}

    def launch_run(self, instance: DagsterInstance, run: PipelineRun) -> PipelineRun:
        from dagster.core.definitions.events import EventMetadataEntry
        from dagster.core.events import EngineEventData
        from dagster.serdes import serialize_dagster_namedtuple

        if instance.is_ephemeral:
            raise DagsterLaunchFailedError(
                f"Cannot launch run {run.run_id} in a subprocess: the instance is ephemeral (in memory), so "
                "the subprocess could not see the run. Set DAGSTER_HOME to use a persistent instance."
            )
        if EXECUTION_TARGET_TAG not in run.tags:
            raise DagsterLaunchFailedError(
                f'Cannot launch run {run.run_id}: it has no "{EXECUTION_TARGET_TAG}" tag saying where the code '
                f'of pipeline "{run.pipeline_name}" is. Create the run with '
                "tags=SubprocessRunLauncher.tags_for_handle(handle)."
            )
        log_dir = instance.intermediates_directory(run.run_id)
        os.makedirs(log_dir, exist_ok=True)
        log_path = os.path.join(log_dir, "launcher.log")
        with open(log_path, "ab") as log_file:
            try:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "dagster.core.launcher.subprocess_launcher",
                        serialize_dagster_namedtuple(instance.get_ref()),
                        run.run_id,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                raise DagsterLaunchFailedError(f"Cannot start a process for run {run.run_id}: {exc}") from exc
        # Reap the children that have finished, so that a long-lived launcher keeps no zombies.
        self._processes = {run_id: child for run_id, child in self._processes.items() if child.poll() is None}
        self._processes[run.run_id] = process
        instance.report_engine_event(
            f"Started process (pid: {process.pid}) for run {run.run_id}; its output is in {log_path}.",
            run,
            EngineEventData(
                [EventMetadataEntry.text(str(process.pid), "pid"), EventMetadataEntry.path(log_path, "log")]
            ),
            cls=SubprocessRunLauncher,
        )
        return run

    def join(self, timeout: float | None = None) -> dict[str, int | None]:
        """Wait for the runs this launcher started; their exit codes by run id (None: still running)."""
        codes: dict[str, int | None] = {}
        for run_id, process in list(self._processes.items()):
            try:
                codes[run_id] = process.wait(timeout)
                del self._processes[run_id]
            except subprocess.TimeoutExpired:
                codes[run_id] = None
        return codes


def execute_launched_run(instance_ref_json: str, run_id: str) -> int:
    """The child side: load the run's pipeline and execute the run. Returns the exit code."""
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.events import EngineEventData
    from dagster.core.execution.api import execute_run
    from dagster.core.instance import DagsterInstance
    from dagster.serdes import deserialize_json_to_dagster_namedtuple
    from dagster.utils.error import serializable_error_info_from_exc_info

    instance = DagsterInstance.from_ref(deserialize_json_to_dagster_namedtuple(instance_ref_json))
    run = instance.get_run_by_id(run_id)
    if run is None:
        print(f"Run {run_id} does not exist in this instance.", file=sys.stderr)
        return 2
    try:
        handle = ExecutionTargetHandle.from_dict(json.loads(run.tags[EXECUTION_TARGET_TAG]))
        pipeline_def = handle.build_pipeline_definition()
    except Exception:
        error = serializable_error_info_from_exc_info(sys.exc_info())
        instance.report_engine_event(
            f'Could not load pipeline "{run.pipeline_name}" for run {run_id}: {error.message.strip()}',
            run,
            EngineEventData(error=error),
            cls=SubprocessRunLauncher,
        )
        instance.report_run_failed(run)
        return 1
    result = execute_run(pipeline_def, run, instance)
    instance.fail_run_left_unstarted(run)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(execute_launched_run(sys.argv[1], sys.argv[2]))
