"""A compute log manager that captures nothing (used by ephemeral instances)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from dagster import check
from dagster.core.storage.compute_log_manager import (
    MAX_BYTES_FILE_READ,
    ComputeIOType,
    ComputeLogFileData,
    ComputeLogManager,
    ComputeLogSubscription,
)
from dagster.serdes import ConfigurableClass, ConfigurableClassData

if TYPE_CHECKING:
    from dagster.core.storage.pipeline_run import PipelineRun


class NoOpComputeLogManager(ComputeLogManager, ConfigurableClass):
    """Leaves stdout/stderr alone; every log reads as empty and complete."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> NoOpComputeLogManager:
        return NoOpComputeLogManager(inst_data=inst_data)

    def enabled(self, pipeline_run: PipelineRun, step_key: str | None) -> bool:
        return False

    @contextmanager
    def _watch_logs(self, pipeline_run: PipelineRun, step_key: str | None = None) -> Iterator[None]:
        yield

    def is_watch_completed(self, run_id: str, key: str) -> bool:
        return True

    def on_watch_start(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        pass

    def on_watch_finish(self, pipeline_run: PipelineRun, step_key: str | None) -> None:
        pass

    def get_local_path(self, run_id: str, key: str, io_type: ComputeIOType) -> str | None:
        return None

    def download_url(self, run_id: str, key: str, io_type: ComputeIOType) -> str | None:
        return None

    def read_logs_file(
        self,
        run_id: str,
        key: str,
        io_type: ComputeIOType,
        cursor: int = 0,
        max_bytes: int = MAX_BYTES_FILE_READ,
    ) -> ComputeLogFileData:
        return ComputeLogFileData(path=None, data=None, cursor=0, size=0, download_url=None)

    def on_subscribe(self, subscription: ComputeLogSubscription) -> None:
        pass
