"""Config validation speed: a typical run config (10 solids, resources, loggers, execution, storage).

The schema mirrors what a pipeline's run-config schema looks like (strict shapes, selectors with
defaults, an env source); it is built once, and each measured call validates and processes the
whole value, as ``EnvironmentConfig.build`` does for every run.
"""

from __future__ import annotations

import os
import time
import timeit

from benchmarks import Row
from dagster import Field, IntSource, Noneable, Permissive, Selector, Shape, StringSource
from dagster.config.validate import process_config

TARGET_US = 100.0


def _retries() -> Field:
    return Field(Selector({"enabled": {}, "disabled": {}}), is_required=False, default_value={"enabled": {}})


def build_schema() -> Shape:
    """A run-config schema like one a pipeline of 10 configured solids gets."""
    solid_entry = Shape(
        {
            "config": Shape(
                {
                    "path": str,
                    "rows": Field(int, default_value=100),
                    "ratio": Field(float, is_required=False),
                    "verbose": Field(bool, default_value=False),
                    "tags": Field([str], is_required=False),
                }
            ),
            "inputs": Field(Shape({"num": Field(Noneable(int), is_required=False)}), is_required=False),
        }
    )
    solids = Shape({f"solid_{index}": solid_entry for index in range(10)})
    resources = Shape(
        {
            "db": Shape(
                {"config": Shape({"url": StringSource, "pool_size": Field(IntSource, default_value=5)})}
            ),
            "cache": Shape({"config": Permissive({"host": str})}),
        }
    )
    logger_config = Shape(
        {
            "log_level": Field(str, is_required=False, default_value="INFO"),
            "name": Field(str, is_required=False, default_value="dagster"),
        }
    )
    loggers = Shape(
        {"console": Field(Shape({"config": Field(logger_config, is_required=False)}), is_required=False)}
    )
    execution = Selector(
        {
            "in_process": Shape(
                {"config": Field({"retries": _retries(), "marker_to_close": Field(str, is_required=False)})}
            ),
            "multiprocess": Shape(
                {"config": Field({"max_concurrent": Field(int, default_value=0), "retries": _retries()})}
            ),
        }
    )
    storage = Selector(
        {
            "in_memory": Shape({"config": Field(Permissive(), is_required=False)}),
            "filesystem": Shape(
                {"config": Field({"base_dir": Field(str, is_required=False)}, is_required=False)}
            ),
        }
    )
    return Shape(
        {
            "solids": solids,
            "resources": resources,
            "loggers": Field(loggers, is_required=False),
            "execution": Field(execution, is_required=False),
            "storage": Field(storage, is_required=False),
        }
    )


def build_value() -> dict:
    return {
        "solids": {
            f"solid_{index}": {"config": {"path": f"/data/in_{index}.csv", "ratio": 0.5, "tags": ["a", "b"]}}
            for index in range(10)
        },
        "resources": {
            "db": {"config": {"url": {"env": "BENCH_CONFIG_DB_URL"}}},
            "cache": {"config": {"host": "localhost", "port": 6379}},
        },
        "loggers": {"console": {"config": {"log_level": "DEBUG"}}},
        "execution": {"multiprocess": {"config": {"max_concurrent": 4}}},
        "storage": {"filesystem": {"config": {"base_dir": "/tmp/dagster"}}},
    }


def build_pipeline_schema_and_value() -> tuple:
    """The run-config schema DEFS derives for a real 10-solid pipeline, and a full value for it."""
    from dagster import ModeDefinition, PipelineDefinition, resource, solid

    @resource(config={"url": StringSource, "pool_size": Field(IntSource, default_value=5)})
    def db(_):
        return None

    def make_solid(index: int):
        @solid(name=f"solid_{index}", config={"path": str, "rows": Field(int, default_value=100)})
        def configured(_context):
            return None

        return configured

    pipeline = PipelineDefinition(
        name="bench_config_pipeline",
        solid_defs=[make_solid(index) for index in range(10)],
        mode_defs=[ModeDefinition(resource_defs={"db": db})],
    )
    schema = pipeline.get_environment_schema("default").environment_type
    value = {
        "solids": {f"solid_{index}": {"config": {"path": f"/data/{index}.csv"}} for index in range(10)},
        "resources": {"db": {"config": {"url": {"env": "BENCH_CONFIG_DB_URL"}}}},
        "loggers": {"console": {"config": {"log_level": "DEBUG"}}},
        "execution": {"in_process": {"config": {"retries": {"disabled": {}}}}},
        "storage": {"in_memory": {}},
    }
    return schema, value


def _per_call_us(func, repeat: int = 5, number: int = 2000) -> float:
    """Best CPU time per call (process time, so other busy processes on the machine count less)."""
    return min(timeit.repeat(func, repeat=repeat, number=number, timer=time.process_time)) / number * 1e6


def run() -> list[Row]:
    os.environ.setdefault("BENCH_CONFIG_DB_URL", "sqlite://")
    schema = build_schema()
    value = build_value()
    result = process_config(schema, value)
    assert result.success, result.errors
    valid_us = _per_call_us(lambda: process_config(schema, value))
    bad_value = build_value()
    bad_value["solids"]["solid_3"]["config"]["rowz"] = 5
    bad_value["resources"]["db"]["config"]["url"] = 3
    invalid_us = _per_call_us(lambda: process_config(schema, bad_value), number=500)
    schema_us = _per_call_us(build_schema, number=200)
    pipeline_schema, pipeline_value = build_pipeline_schema_and_value()
    pipeline_result = process_config(pipeline_schema, pipeline_value)
    assert pipeline_result.success, pipeline_result.errors
    pipeline_us = _per_call_us(lambda: process_config(pipeline_schema, pipeline_value))
    return [
        Row(
            "config: process typical run config",
            valid_us,
            "us",
            f"< {TARGET_US:.0f} us",
            valid_us < TARGET_US,
        ),
        Row(
            "config: real 10-solid pipeline run config",
            pipeline_us,
            "us",
            f"< {TARGET_US:.0f} us",
            pipeline_us < TARGET_US,
        ),
        Row("config: invalid run config (2 errors)", invalid_us, "us", "< 1000 us", invalid_us < 1000),
        Row("config: re-resolve schema (memoized)", schema_us, "us", "< 1000 us", schema_us < 1000),
    ]
