"""``InstanceRef``: a serializable description of a persistent instance, for other processes."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from dagster import check
from dagster.core.instance.config import (
    DAGSTER_CONFIG_YAML_FILENAME,
    PLUGIN_SECTIONS,
    configurable_class_data,
    load_instance_config,
)
from dagster.serdes import ConfigurableClassData, whitelist_for_serdes


def _default_sections(base_dir: str) -> dict[str, dict]:
    """The plug-in sections used when ``dagster.yaml`` leaves them out (files under ``base_dir``)."""
    return {
        "local_artifact_storage": {
            "module": "dagster.core.storage.root",
            "class": "LocalArtifactStorage",
            "config": {"base_dir": base_dir},
        },
        "run_storage": {
            "module": "dagster.core.storage.runs",
            "class": "SqliteRunStorage",
            "config": {"base_dir": os.path.join(base_dir, "history", "")},
        },
        "event_log_storage": {
            "module": "dagster.core.storage.event_log",
            "class": "SqliteEventLogStorage",
            "config": {"base_dir": os.path.join(base_dir, "history", "runs", "")},
        },
        "compute_logs": {
            "module": "dagster.core.storage.local_compute_log_manager",
            "class": "LocalComputeLogManager",
            "config": {"base_dir": os.path.join(base_dir, "storage")},
        },
        "schedule_storage": {
            "module": "dagster.core.storage.schedules",
            "class": "SqliteScheduleStorage",
            "config": {"base_dir": os.path.join(base_dir, "schedules")},
        },
    }


_REF_FIELD_OF_SECTION = {
    "local_artifact_storage": "local_artifact_storage_data",
    "run_storage": "run_storage_data",
    "event_log_storage": "event_storage_data",
    "compute_logs": "compute_logs_data",
    "schedule_storage": "schedule_storage_data",
    "scheduler": "scheduler_data",
    "run_launcher": "run_launcher_data",
}


@whitelist_for_serdes
class InstanceRef(
    NamedTuple(
        "_InstanceRef",
        [
            ("local_artifact_storage_data", ConfigurableClassData),
            ("run_storage_data", ConfigurableClassData),
            ("event_storage_data", ConfigurableClassData),
            ("compute_logs_data", ConfigurableClassData),
            ("schedule_storage_data", Any),
            ("scheduler_data", Any),
            ("run_launcher_data", Any),
            ("dagit_settings", dict),
            ("telemetry_settings", dict),
        ],
    )
):
    """How to build each component of a persistent instance; another process rebuilds the same
    instance with ``DagsterInstance.from_ref(ref)``."""

    def __new__(
        cls,
        local_artifact_storage_data: ConfigurableClassData,
        run_storage_data: ConfigurableClassData,
        event_storage_data: ConfigurableClassData,
        compute_logs_data: ConfigurableClassData,
        schedule_storage_data: ConfigurableClassData | None,
        scheduler_data: ConfigurableClassData | None,
        run_launcher_data: ConfigurableClassData | None,
        dagit_settings: dict | None,
        telemetry_settings: dict | None,
    ):
        return super().__new__(
            cls,
            check.inst_param(
                local_artifact_storage_data, "local_artifact_storage_data", ConfigurableClassData
            ),
            check.inst_param(run_storage_data, "run_storage_data", ConfigurableClassData),
            check.inst_param(event_storage_data, "event_storage_data", ConfigurableClassData),
            check.inst_param(compute_logs_data, "compute_logs_data", ConfigurableClassData),
            check.opt_inst_param(schedule_storage_data, "schedule_storage_data", ConfigurableClassData),
            check.opt_inst_param(scheduler_data, "scheduler_data", ConfigurableClassData),
            check.opt_inst_param(run_launcher_data, "run_launcher_data", ConfigurableClassData),
            check.opt_dict_param(dagit_settings, "dagit_settings"),
            check.opt_dict_param(telemetry_settings, "telemetry_settings"),
        )

    @staticmethod
    def from_dir(
        base_dir: str, config_filename: str = DAGSTER_CONFIG_YAML_FILENAME, overrides: dict | None = None
    ) -> InstanceRef:
        """The ref of the instance in ``base_dir``: its ``dagster.yaml`` (validated), defaults for the rest."""
        check.str_param(base_dir, "base_dir")
        base_dir = os.path.abspath(os.path.expanduser(base_dir))
        config = load_instance_config(base_dir, config_filename, check.opt_dict_param(overrides, "overrides"))
        sections = _default_sections(base_dir)
        sections.update({name: config[name] for name in PLUGIN_SECTIONS if config.get(name) is not None})
        fields: dict[str, Any] = {
            _REF_FIELD_OF_SECTION[name]: configurable_class_data(section)
            for name, section in sections.items()
        }
        fields.setdefault("scheduler_data", None)
        fields.setdefault("run_launcher_data", None)
        return InstanceRef(
            dagit_settings=config.get("dagit") or {},
            telemetry_settings=config.get("telemetry") or {"enabled": True},
            **fields,
        )

    @staticmethod
    def from_dict(instance_ref_dict: dict) -> InstanceRef:
        """Inverse of :meth:`to_dict`; component data may be ConfigurableClassData, tuples, lists or dicts."""

        def component(value: Any) -> ConfigurableClassData | None:
            if value is None or isinstance(value, ConfigurableClassData):
                return value
            if isinstance(value, dict):
                return ConfigurableClassData(**value)
            return ConfigurableClassData(*value)

        check.dict_param(instance_ref_dict, "instance_ref_dict")
        settings = {"dagit_settings", "telemetry_settings"}
        return InstanceRef(
            **{
                key: (value if key in settings else component(value))
                for key, value in instance_ref_dict.items()
            }
        )

    def to_dict(self) -> dict:
        return self._asdict()

    @property
    def local_artifact_storage(self) -> Any:
        return self.local_artifact_storage_data.rehydrate()

    @property
    def run_storage(self) -> Any:
        return self.run_storage_data.rehydrate()

    @property
    def event_storage(self) -> Any:
        return self.event_storage_data.rehydrate()

    @property
    def compute_log_manager(self) -> Any:
        return self.compute_logs_data.rehydrate()

    @property
    def schedule_storage(self) -> Any:
        return self.schedule_storage_data.rehydrate() if self.schedule_storage_data is not None else None

    @property
    def scheduler(self) -> Any:
        return self.scheduler_data.rehydrate() if self.scheduler_data is not None else None

    @property
    def run_launcher(self) -> Any:
        return self.run_launcher_data.rehydrate() if self.run_launcher_data is not None else None
