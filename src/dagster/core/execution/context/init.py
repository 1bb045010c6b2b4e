"""The context a resource function receives."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster import check


class InitResourceContext(
    NamedTuple(
        "_InitResourceContext",
        [
            ("resource_config", Any),
            ("pipeline_def", Any),
            ("resource_def", Any),
            ("run_id", str),
            ("log_manager", Any),
        ],
    )
):
    """What a ``@resource`` function is called with: its validated config, the pipeline and the run."""

    def __new__(cls, resource_config, pipeline_def, resource_def, run_id, log_manager=None):
        return super().__new__(
            cls, resource_config, pipeline_def, resource_def, check.str_param(run_id, "run_id"), log_manager
        )

    @property
    def log(self):
        return self.log_manager
