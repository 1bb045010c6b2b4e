"""Executors: how a run's steps are executed (in this process, in worker processes, on a cluster).

The built-in creation functions import their ``ExecutorConfig`` classes from the execution layer
lazily, when a run starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.config.field import Field
from dagster.config.field_utils import Selector
from dagster.core.definitions.system_storage import _keys
from dagster.core.definitions.utils import check_init_fn, config_field_from_spec
from dagster.core.errors import DagsterUnmetExecutorRequirementsError


class ExecutorDefinition:
    """``executor_creation_fn(init_context: InitExecutorContext) -> ExecutorConfig``.

    ``requires_persistent_storage`` (keyword only, not in Dagster 0.7) marks executors that run steps
    in other processes: a run config selecting one together with a non-persistent system storage is
    rejected when the config is validated, before anything runs.
    """

    def __init__(
        self,
        name: str,
        config: Any = None,
        executor_creation_fn: Callable | None = None,
        required_resource_keys: Any = None,
        *,
        requires_persistent_storage: bool = False,
    ):
        self._name = check.str_param(name, "name")
        owner = f'executor "{name}"'
        if executor_creation_fn is not None:
            check_init_fn(executor_creation_fn, "creation function", owner)
        self._config_field = config_field_from_spec(config, owner)
        self._executor_creation_fn = executor_creation_fn
        self._required_resource_keys = _keys(required_resource_keys, owner)
        self._requires_persistent_storage = check.bool_param(
            requires_persistent_storage, "requires_persistent_storage"
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def config_field(self) -> Any:
        return self._config_field

    @property
    def executor_creation_fn(self) -> Callable | None:
        return self._executor_creation_fn

    @property
    def required_resource_keys(self) -> frozenset[str]:
        return self._required_resource_keys

    @property
    def requires_persistent_storage(self) -> bool:
        return self._requires_persistent_storage

    def __repr__(self) -> str:
        return f"ExecutorDefinition({self._name!r})"


def executor(
    name: Any = None,
    config: Any = None,
    required_resource_keys: Any = None,
    *,
    requires_persistent_storage: bool = False,
) -> Any:
    """Decorator: build an ``ExecutorDefinition`` from ``fn(init_context)``; usable bare or called."""
    if callable(name) and not isinstance(name, str):
        return ExecutorDefinition(name=name.__name__, executor_creation_fn=name)

    def decorate(fn: Callable) -> ExecutorDefinition:
        return ExecutorDefinition(
            name=name or fn.__name__,
            config=config,
            executor_creation_fn=fn,
            required_resource_keys=required_resource_keys,
            requires_persistent_storage=requires_persistent_storage,
        )

    return decorate


def _retries_field() -> Field:
    return Field(Selector({"enabled": {}, "disabled": {}}), is_required=False, default_value={"enabled": {}})


@executor(
    name="in_process",
    config={
        "retries": _retries_field(),
        "marker_to_close": Field(str, is_required=False),
    },
)
def in_process_executor(init_context: Any) -> Any:
    """Run every step in this process, one after another (the default)."""
    from dagster.core.execution.config import InProcessExecutorConfig
    from dagster.core.execution.retries import Retries

    executor_config = init_context.executor_config
    return InProcessExecutorConfig(
        retries=Retries.from_config(executor_config.get("retries")),
        marker_to_close=executor_config.get("marker_to_close"),
    )


@executor(
    name="multiprocess",
    config={
        "max_concurrent": Field(int, is_required=False, default_value=0),
        "retries": _retries_field(),
    },
    requires_persistent_storage=True,
)
def multiprocess_executor(init_context: Any) -> Any:
    """Run each step in a worker process; needs a reloadable pipeline, a persistent instance and storage."""
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.execution.config import MultiprocessExecutorConfig
    from dagster.core.execution.retries import Retries

    check_cross_process_constraints(init_context)
    handle, _ = ExecutionTargetHandle.get_handle(init_context.pipeline_def)
    if handle is None:
        raise DagsterUnmetExecutorRequirementsError(
            f'The multiprocess executor cannot run pipeline "{init_context.pipeline_def.name}": worker processes '
            "must be able to load it again, so it has to be loaded through an ExecutionTargetHandle (for "
            "example from the command line, `dagster pipeline execute -f file.py -n fn`, or with "
            "ExecutionTargetHandle.for_pipeline_fn(fn)). Use the in_process executor otherwise."
        )
    executor_config = init_context.executor_config
    return MultiprocessExecutorConfig(
        handle=handle,
        retries=Retries.from_config(executor_config.get("retries")),
        max_concurrent=executor_config.get("max_concurrent") or None,
    )


def check_cross_process_constraints(init_context: Any) -> None:
    """Executors that run steps in other processes need persistent storage and a persistent instance."""
    executor_name = init_context.executor_def.name
    storage = init_context.system_storage_def
    if storage is not None and not storage.is_persistent:
        raise DagsterUnmetExecutorRequirementsError(
            f'The {executor_name} executor needs a persistent system storage, but the run uses "{storage.name}", '
            "which keeps values in this process only. Add `storage: {filesystem: {}}` to the run config."
        )
    instance = init_context.instance
    if instance is not None and not instance.is_persistent:
        raise DagsterUnmetExecutorRequirementsError(
            f"The {executor_name} executor needs a persistent DagsterInstance (workers report their events to "
            "it), but the run uses an ephemeral one. Set $DAGSTER_HOME and pass instance=DagsterInstance.get()."
        )


default_executors = [in_process_executor, multiprocess_executor]
