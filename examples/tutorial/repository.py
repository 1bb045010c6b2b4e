"""The tutorial repository: every example pipeline, loaded by `dagster` through repository.yaml."""

from composition import composition_pipeline
from hello_world import hello_world_pipeline
from presets import presets_pipeline
from resources_and_modes import modes_pipeline
from sales_csv import sales_csv_pipeline

from dagster import RepositoryDefinition


def define_repository():
    return RepositoryDefinition(
        name="tutorial_repository",
        pipeline_defs=[
            hello_world_pipeline,
            sales_csv_pipeline,
            composition_pipeline,
            modes_pipeline,
            presets_pipeline,
        ],
    )
