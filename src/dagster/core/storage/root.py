"""The instance's base directory for files: intermediates, file manager output, schedules."""

from __future__ import annotations

import os

from dagster import check
from dagster.serdes import ConfigurableClass, ConfigurableClassData


class LocalArtifactStorage(ConfigurableClass):
    """Lays out run artifacts under ``base_dir``.

    ``<base>/storage/<run_id>/`` holds a run's intermediates (``intermediates/``) and the files
    written through its file manager (``files/``); ``<base>/schedules`` holds scheduler state.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._base_dir = check.str_param(base_dir, "base_dir")
        self._inst_data = check.opt_inst_param(inst_data, "inst_data", ConfigurableClassData)

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @property
    def base_dir(self) -> str:
        return self._base_dir

    @property
    def storage_dir(self) -> str:
        return os.path.join(self._base_dir, "storage")

    @property
    def schedules_dir(self) -> str:
        return os.path.join(self._base_dir, "schedules")

    def intermediates_dir(self, run_id: str) -> str:
        return os.path.join(self._base_dir, "storage", run_id, "")

    def file_manager_dir(self, run_id: str) -> str:
        return os.path.join(self._base_dir, "storage", run_id, "files")

    @classmethod
    def config_type(cls) -> dict:
        from dagster.config.source import StringSource

        return {"base_dir": StringSource}

    @staticmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> LocalArtifactStorage:
        return LocalArtifactStorage(inst_data=inst_data, **config_value)
