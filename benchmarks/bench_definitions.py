"""Definition-time cost: building a 1,000-solid pipeline and its run config schema.

Two shapes: 1,000 distinct solid definitions in a chain (every solid has config and an output that
can be materialized, the worst case for the schema), and one definition invoked 1,000 times (the
schema's per-definition cache at work). Each figure is the best of several fresh builds, in this
process (Shapes are memoized by content, so each round uses a new config field name).
"""

from __future__ import annotations

import time

from benchmarks import Row
from dagster import Field, InputDefinition, Int, PipelineDefinition, lambda_solid, pipeline, solid
from dagster.core.definitions.dependency import DependencyDefinition
from dagster.core.system_config.objects import EnvironmentConfig

N_SOLIDS = 1000
ROUNDS = 5
TARGET_S = 0.5


def _distinct_chain(round_index: int) -> PipelineDefinition:
    solid_defs = []
    dependencies = {}
    for i in range(N_SOLIDS):

        @solid(
            name=f"s{i}",
            input_defs=[InputDefinition("num", Int)] if i else [],
            config={f"factor_{round_index}": Field(int, is_required=False, default_value=i)},
        )
        def step(context, **kwargs):
            return kwargs.get("num", 0) + context.solid_config[f"factor_{round_index}"]

        solid_defs.append(step)
        if i:
            dependencies[f"s{i}"] = {"num": DependencyDefinition(f"s{i - 1}")}
    return PipelineDefinition(name=f"chain_{round_index}", solid_defs=solid_defs, dependencies=dependencies)


def _invoked_chain(round_index: int) -> PipelineDefinition:
    @lambda_solid(name=f"inc_{round_index}")
    def inc(num: int) -> int:
        return num + 1

    @lambda_solid(name=f"zero_{round_index}")
    def zero() -> int:
        return 0

    @pipeline(name=f"invoked_{round_index}")
    def invoked():
        value = zero()
        for _ in range(N_SOLIDS - 1):
            value = inc(value)

    return invoked


def _measure(build) -> tuple[float, float, float]:
    """Best (definition, schema, definition + schema + one EnvironmentConfig.build) times in seconds."""
    best_def = best_schema = best_total = float("inf")
    for round_index in range(ROUNDS):
        started = time.perf_counter()
        pipeline_def = build(round_index)
        defined = time.perf_counter()
        pipeline_def.get_environment_schema("default")
        schema_built = time.perf_counter()
        EnvironmentConfig.build(pipeline_def, {})
        finished = time.perf_counter()
        best_def = min(best_def, defined - started)
        best_schema = min(best_schema, schema_built - defined)
        best_total = min(best_total, finished - started)
    return best_def, best_schema, best_total


def run() -> list[Row]:
    rows = []
    for label, build in (
        ("1000 distinct solids", _distinct_chain),
        ("1 solid invoked 1000x", _invoked_chain),
    ):
        definition, schema, total = _measure(build)
        rows.append(Row(f"definitions: {label}: define", definition, "s", "-", True))
        rows.append(Row(f"definitions: {label}: run config schema", schema, "s", "-", True))
        rows.append(
            Row(
                f"definitions: {label}: define + schema + config",
                total,
                "s",
                f"< {TARGET_S} s",
                total < TARGET_S,
            )
        )
    return rows
