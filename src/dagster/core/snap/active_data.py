"""What a process that loaded user code tells another about it: pipeline snapshots and presets
(``dagster api snapshot pipeline|repository`` prints these)."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.core.snap.pipeline_snapshot import PipelineSnapshot
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class ActivePresetData(
    NamedTuple(
        "_ActivePresetData",
        [("name", str), ("environment_dict", dict), ("solid_subset", "list | None"), ("mode", str)],
    )
):
    pass


@whitelist_for_serdes
class ActivePipelineData(
    NamedTuple(
        "_ActivePipelineData",
        [("name", str), ("pipeline_snapshot", PipelineSnapshot), ("active_presets", list)],
    )
):
    pass


@whitelist_for_serdes
class ActiveRepositoryData(
    NamedTuple("_ActiveRepositoryData", [("name", str), ("active_pipeline_datas", list)])
):
    def get_active_pipeline_data(self, name: str) -> ActivePipelineData:
        for data in self.active_pipeline_datas:
            if data.name == name:
                return data
        raise KeyError(f'Repository "{self.name}" has no pipeline "{name}".')


def active_pipeline_data_from_def(pipeline_def: Any) -> ActivePipelineData:
    return ActivePipelineData(
        name=pipeline_def.name,
        pipeline_snapshot=pipeline_def.get_pipeline_snapshot(),
        active_presets=[
            ActivePresetData(p.name, p.environment_dict, p.solid_subset, p.mode)
            for p in sorted(pipeline_def.get_presets(), key=lambda p: p.name)
        ],
    )


def active_repository_data_from_def(repository_def: Any) -> ActiveRepositoryData:
    return ActiveRepositoryData(
        name=repository_def.name,
        active_pipeline_datas=[active_pipeline_data_from_def(p) for p in repository_def.get_all_pipelines()],
    )
