"""The context an executor's creation function receives."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster import check


class InitExecutorContext(
    NamedTuple(
        "_InitExecutorContext",
        [
            ("pipeline", Any),
            ("mode_def", Any),
            ("executor_def", Any),
            ("pipeline_run", Any),
            ("environment_config", Any),
            ("executor_config", dict),
            ("system_storage_def", Any),
            ("instance", Any),
        ],
    )
):
    """Everything an ``@executor`` function may look at: the pipeline, mode, run, its config and instance.

    ``executor_config`` is the validated ``config`` of the selected executor in the run config.
    """

    def __new__(
        cls,
        pipeline,
        mode_def,
        executor_def,
        pipeline_run,
        environment_config,
        executor_config,
        system_storage_def,
        instance,
    ):
        return super().__new__(
            cls,
            pipeline,
            mode_def,
            executor_def,
            pipeline_run,
            environment_config,
            check.opt_dict_param(executor_config, "executor_config", key_type=str),
            system_storage_def,
            instance,
        )

    @property
    def pipeline_def(self):
        return self.pipeline
