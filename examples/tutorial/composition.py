"""Composite solids: a reusable sub-graph with its own simpler config (mapped onto its children).

dagster pipeline execute composition_pipeline -e composition.yaml
"""

from dagster import (
    Field,
    InputDefinition,
    Int,
    List,
    OutputDefinition,
    composite_solid,
    lambda_solid,
    pipeline,
    solid,
)


@solid(config={"values": Field([int], description="The raw measurements.")})
def load_measurements(context) -> List[Int]:
    return list(context.solid_config["values"])


@solid(config={"floor": Int})
def drop_below(context, values: List[Int]) -> List[Int]:
    kept = [value for value in values if value >= context.solid_config["floor"]]
    context.log.info(f"Dropped {len(values) - len(kept)} value(s)")
    return kept


@solid(config={"factor": Int})
def scale(context, values: List[Int]) -> List[Int]:
    return [value * context.solid_config["factor"] for value in values]


@composite_solid(
    input_defs=[InputDefinition("values", List[Int])],
    output_defs=[OutputDefinition(List[Int])],
    config={"floor": Field(Int, is_required=False, default_value=0), "factor": Int},
    config_fn=lambda cfg: {
        "drop_below": {"config": {"floor": cfg["floor"]}},
        "scale": {"config": {"factor": cfg["factor"]}},
    },
    description="Drop values below a floor, then scale the rest.",
)
def clean_and_scale(values):
    return scale(drop_below(values))


@lambda_solid
def total(values: List[Int]) -> Int:
    return sum(values)


@pipeline(description="Load numbers, clean and scale them in a composite solid, and sum them.")
def composition_pipeline():
    total(clean_and_scale(load_measurements()))
