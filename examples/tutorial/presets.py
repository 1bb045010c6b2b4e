"""Presets: named, ready-made run configs (with their mode) that users pick with -p.

dagster pipeline execute presets_pipeline -p dev
dagster pipeline execute presets_pipeline -p prod
"""

from dagster import Field, Int, ModeDefinition, PresetDefinition, file_relative_path, pipeline, solid


@solid(config={"count": Int, "step": Field(Int, is_required=False, default_value=1)})
def make_numbers(context):
    return list(
        range(0, context.solid_config["count"] * context.solid_config["step"], context.solid_config["step"])
    )


@solid
def summarize(context, numbers: list) -> dict:
    summary = {"count": len(numbers), "sum": sum(numbers)}
    context.log.info(f"Summary: {summary}")
    return summary


@pipeline(
    mode_defs=[ModeDefinition(name="dev"), ModeDefinition(name="prod")],
    preset_defs=[
        PresetDefinition.from_files(
            "dev",
            mode="dev",
            environment_files=[file_relative_path(__file__, "preset_configs/dev.yaml")],
        ),
        PresetDefinition.from_files(
            "prod",
            mode="prod",
            environment_files=[
                file_relative_path(__file__, "preset_configs/dev.yaml"),
                file_relative_path(__file__, "preset_configs/prod_overrides.yaml"),
            ],
        ),
        PresetDefinition(
            "tiny",
            mode="dev",
            environment_dict={"solids": {"make_numbers": {"config": {"count": 3}}}},
        ),
    ],
)
def presets_pipeline():
    summarize(make_numbers())
