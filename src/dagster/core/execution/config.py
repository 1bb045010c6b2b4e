"""Run-level options (``RunConfig``) and what an executor definition produces (``ExecutorConfig``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, NamedTuple

from dagster import check
from dagster.core.execution.retries import Retries
from dagster.utils import make_new_run_id

if TYPE_CHECKING:
    from dagster.core.engine.engine_base import Engine


class RunConfig(
    NamedTuple(
        "_RunConfig",
        [
            ("run_id", str),
            ("tags", dict),
            ("step_keys_to_execute", "list[str] | None"),
            ("mode", "str | None"),
            ("previous_run_id", "str | None"),
        ],
    )
):
    """Options of one run: its id, tags, mode, the steps to run and the run it re-executes."""

    def __new__(
        cls,
        run_id: str | None = None,
        tags: dict | None = None,
        step_keys_to_execute: list[str] | None = None,
        mode: str | None = None,
        previous_run_id: str | None = None,
    ):
        return super().__new__(
            cls,
            run_id=check.opt_str_param(run_id, "run_id") or make_new_run_id(),
            tags=check.opt_dict_param(tags, "tags", key_type=str),
            step_keys_to_execute=(
                None
                if step_keys_to_execute is None
                else check.list_param(step_keys_to_execute, "step_keys_to_execute", of_type=str)
            ),
            mode=check.opt_str_param(mode, "mode"),
            previous_run_id=check.opt_str_param(previous_run_id, "previous_run_id"),
        )

    def with_tags(self, **new_tags: Any) -> RunConfig:
        return self._replace(tags={**self.tags, **new_tags})

    def with_mode(self, mode: str) -> RunConfig:
        return self._replace(mode=check.str_param(mode, "mode"))

    def with_step_keys_to_execute(self, step_keys_to_execute: list[str]) -> RunConfig:
        return self._replace(
            step_keys_to_execute=check.list_param(step_keys_to_execute, "step_keys_to_execute", of_type=str)
        )


class ExecutorConfig(ABC):
    """What an executor's creation function returns: settings plus the engine that runs the steps."""

    @abstractmethod
    def get_engine(self) -> type[Engine]:
        """The engine class whose ``execute(pipeline_context, execution_plan)`` runs the plan."""


class InProcessExecutorConfig(ExecutorConfig):
    """Run every step in this process, one after another in topological order."""

    def __init__(self, retries: Retries, marker_to_close: str | None = None):
        self.retries = check.inst_param(retries, "retries", Retries)
        self.marker_to_close = check.opt_str_param(marker_to_close, "marker_to_close")

    def get_engine(self) -> type[Engine]:
        from dagster.core.engine.engine_inprocess import InProcessEngine

        return InProcessEngine


class MultiprocessExecutorConfig(ExecutorConfig):
    """Run steps in worker processes that rebuild the pipeline from ``handle``."""

    def __init__(self, handle: Any, retries: Retries, max_concurrent: int | None = None):
        self.handle = handle
        self.retries = check.inst_param(retries, "retries", Retries)
        max_concurrent = check.opt_int_param(max_concurrent, "max_concurrent")
        if not max_concurrent:
            import multiprocessing

            max_concurrent = multiprocessing.cpu_count()
        self.max_concurrent = max_concurrent

    def get_engine(self) -> type[Engine]:
        from dagster.core.engine.engine_multiprocess import MultiprocessEngine

        return MultiprocessEngine
