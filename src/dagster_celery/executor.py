"""The ``celery`` executor definition and the settings it produces.

Config the schema accepts but Celery cannot use (a misspelt ``config_source`` setting, an unknown
broker or backend URL scheme) fails the run before any step, as ``dagster-celery`` refuses it.
"""

from __future__ import annotations

from typing import Any

from dagster.config.config_type import Noneable
from dagster.config.field import Field
from dagster.config.field_utils import Permissive, Selector
from dagster.config.source import StringSource
from dagster.core.definitions.executor import check_cross_process_constraints, executor
from dagster.core.errors import DagsterInvalidConfigError, DagsterUnmetExecutorRequirementsError
from dagster.core.execution.config import ExecutorConfig
from dagster.core.execution.retries import Retries
from dagster_celery.config_checks import celery_config_problem


class CeleryConfig(ExecutorConfig):
    """The Celery settings of a run, and the handle workers reload the pipeline from."""

    def __init__(self, handle: Any, settings: dict, retries: Retries):
        self.handle = handle
        self.settings = settings
        self.retries = retries

    def get_engine(self) -> type:
        from dagster_celery.engine import CeleryEngine

        return CeleryEngine


CELERY_CONFIG = {
    "broker": Field(
        Noneable(StringSource),
        is_required=False,
        description="The broker URL (default: pyamqp://guest@{DAGSTER_CELERY_BROKER_HOST or localhost}:5672//).",
    ),
    "backend": Field(
        Noneable(StringSource),
        is_required=False,
        default_value="rpc://",
        description="The result backend URL.",
    ),
    "include": Field([str], is_required=False, description="Modules every worker imports."),
    "config_source": Field(Noneable(Permissive()), is_required=False, description="More Celery settings."),
    "retries": Field(
        Selector({"enabled": {}, "disabled": {}}), is_required=False, default_value={"enabled": {}}
    ),
}


@executor(name="celery", config=CELERY_CONFIG, requires_persistent_storage=True)
def celery_executor(init_context: Any) -> CeleryConfig:
    """Run each step as a Celery task, in workers started with ``dagster-celery worker start``.

    Example run config::

        execution:
          celery:
            config:
              broker: redis://127.0.0.1:6379/0
              backend: redis://127.0.0.1:6379/0
        storage:
          filesystem:
    """
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster_celery.config import celery_settings

    check_cross_process_constraints(init_context)
    config = init_context.executor_config
    problem = celery_config_problem(config)
    if problem:
        raise DagsterInvalidConfigError(
            f'Error in config for pipeline "{init_context.pipeline_def.name}": {problem}',
            [],
            init_context.pipeline_run.environment_dict,
        )
    handle, _ = ExecutionTargetHandle.get_handle(init_context.pipeline_def)
    if handle is None:
        raise DagsterUnmetExecutorRequirementsError(
            f'The celery executor cannot run pipeline "{init_context.pipeline_def.name}": Celery workers must '
            "load it again, so it has to be loaded through an ExecutionTargetHandle (e.g. "
            "ExecutionTargetHandle.for_pipeline_fn(fn).build_pipeline_definition(), or the command line)."
        )
    return CeleryConfig(
        handle=handle, settings=celery_settings(config), retries=Retries.from_config(config.get("retries"))
    )
