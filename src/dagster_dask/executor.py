"""The ``dask`` executor definition and the settings it produces."""

from __future__ import annotations

from typing import Any

from dagster import check
from dagster.config.field import Field
from dagster.core.definitions.executor import check_cross_process_constraints, executor
from dagster.core.errors import DagsterUnmetExecutorRequirementsError
from dagster.core.execution.config import ExecutorConfig
from dagster.core.execution.retries import Retries

_CLIENT_OPTIONS = ("address", "timeout", "scheduler_file", "direct_to_workers", "heartbeat_interval")


class DaskConfig(ExecutorConfig):
    """Where the Dask scheduler is (none: start a local cluster), and how workers reload the pipeline."""

    def __init__(
        self,
        handle: Any,
        address: str | None = None,
        timeout: int | None = None,
        scheduler_file: str | None = None,
        direct_to_workers: bool | None = None,
        heartbeat_interval: int | None = None,
        retries: Retries | None = None,
    ):
        self.handle = handle
        self.address = check.opt_str_param(address, "address")
        self.timeout = check.opt_int_param(timeout, "timeout")
        self.scheduler_file = check.opt_str_param(scheduler_file, "scheduler_file")
        self.direct_to_workers = check.opt_bool_param(direct_to_workers, "direct_to_workers")
        self.heartbeat_interval = check.opt_int_param(heartbeat_interval, "heartbeat_interval")
        self.retries = retries if retries is not None else Retries.from_config(None)

    @property
    def is_local(self) -> bool:
        return self.address is None and self.scheduler_file is None

    def build_dict(self, pipeline_name: str) -> dict:
        """Keyword arguments for ``dask.distributed.Client``."""
        kwargs: dict[str, Any] = {"name": pipeline_name}
        for option in _CLIENT_OPTIONS:
            value = getattr(self, option)
            if value is not None:
                kwargs[option] = value
        if self.is_local:
            kwargs["threads_per_worker"] = 1
        return kwargs

    def get_engine(self) -> type:
        from dagster_dask.engine import DaskEngine

        return DaskEngine


@executor(
    name="dask",
    config={
        "address": Field(str, is_required=False, description="The scheduler's address (tcp://host:port)."),
        "timeout": Field(int, is_required=False, description="Seconds to wait for the scheduler."),
        "scheduler_file": Field(
            str, is_required=False, description="A scheduler file written by dask-scheduler."
        ),
        "direct_to_workers": Field(bool, is_required=False),
        "heartbeat_interval": Field(int, is_required=False, description="Milliseconds between heartbeats."),
    },
    requires_persistent_storage=True,
)
def dask_executor(init_context: Any) -> DaskConfig:
    """Run each step as a Dask task; needs a reloadable pipeline, a persistent instance and storage.

    Example run config::

        execution:
          dask:
            config:
              address: tcp://127.0.0.1:8786
        storage:
          filesystem:
    """
    from dagster.core.definitions.handle import ExecutionTargetHandle

    check_cross_process_constraints(init_context)
    if "storage" not in (init_context.pipeline_run.environment_dict or {}):
        raise DagsterUnmetExecutorRequirementsError(
            "The dask executor needs the system storage named in the run config, e.g. "
            "`storage: {filesystem: {}}`, so that every worker reads the same intermediates."
        )
    handle, _ = ExecutionTargetHandle.get_handle(init_context.pipeline_def)
    if handle is None:
        raise DagsterUnmetExecutorRequirementsError(
            f'The dask executor cannot run pipeline "{init_context.pipeline_def.name}": Dask workers must '
            "load it again, so it has to be loaded through an ExecutionTargetHandle (e.g. "
            "ExecutionTargetHandle.for_pipeline_fn(fn).build_pipeline_definition(), or the command line)."
        )
    config = init_context.executor_config
    return DaskConfig(
        handle=handle,
        **{option: config.get(option) for option in _CLIENT_OPTIONS},
    )
