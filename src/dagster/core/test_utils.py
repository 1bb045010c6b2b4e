"""Helpers for tests of pipelines, plug-ins and storages (part of the public surface: users' own
test suites import them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from dagster import check
from dagster.core.definitions.decorators import composite_solid, lambda_solid, pipeline
from dagster.core.definitions.events import Output
from dagster.core.definitions.input import InputDefinition
from dagster.core.definitions.output import OutputDefinition
from dagster.core.definitions.pipeline import PipelineDefinition
from dagster.core.definitions.solid import SolidDefinition


@contextmanager
def environ(env: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for ``None`` values, unset) environment variables inside the block; restore them after."""
    previous = {key: os.environ.get(key) for key in env}
    try:
        for key, value in env.items():
            _set_env(key, value)
        yield
    finally:
        for key, value in previous.items():
            _set_env(key, value)


def _set_env(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def single_output_solid(
    name: str,
    input_defs: Sequence[InputDefinition],
    compute_fn: Callable[[Any, dict], Any],
    output_def: OutputDefinition,
    description: str | None = None,
) -> SolidDefinition:
    """A solid whose ``compute_fn(context, inputs)`` returns the value of its one output."""
    check.inst_param(output_def, "output_def", OutputDefinition)

    def compute(context: Any, inputs: dict) -> Any:
        yield Output(compute_fn(context, inputs), output_def.name)

    return SolidDefinition(
        name=name,
        input_defs=list(input_defs),
        compute_fn=compute,
        output_defs=[output_def],
        description=description,
    )


def nesting_composite_pipeline(
    depth: int, num_children: int, *args: Any, **kwargs: Any
) -> PipelineDefinition:
    """A pipeline whose single solid ``outer`` nests ``depth + 1`` levels of composites
    (``layer_0`` ... ``layer_<depth>``), each invoking ``num_children`` copies of the level below; the
    ``num_children ** (depth + 1)`` leaves return 1.

    Extra arguments go to ``@pipeline``.
    """
    check.int_param(depth, "depth")
    check.int_param(num_children, "num_children")

    @lambda_solid
    def leaf_node() -> int:
        return 1

    def layer(inner: Any, layer_name: str) -> Any:
        @composite_solid(name=layer_name)
        def wrap() -> None:
            for index in range(num_children):
                inner.alias(f"{layer_name}_node_{index}")()

        return wrap

    current = layer(leaf_node, f"layer_{depth}")
    for level in range(depth - 1, -1, -1):
        current = layer(current, f"layer_{level}")

    @pipeline(*args, **kwargs)
    def nested_pipeline() -> None:
        current.alias("outer")()

    return nested_pipeline


def create_run_for_test(
    instance: Any,
    pipeline_name: str | None = None,
    run_id: str | None = None,
    environment_dict: dict | None = None,
    mode: str | None = None,
    solid_subset: list | None = None,
    step_keys_to_execute: list | None = None,
    status: Any = None,
    tags: dict | None = None,
    root_run_id: str | None = None,
    parent_run_id: str | None = None,
    pipeline_snapshot: Any = None,
    execution_plan_snapshot: Any = None,
) -> Any:
    """``instance.create_run(...)`` with every argument optional."""
    return instance.create_run(
        pipeline_name=pipeline_name,
        run_id=run_id,
        environment_dict=environment_dict,
        mode=mode,
        solid_subset=solid_subset,
        step_keys_to_execute=step_keys_to_execute,
        status=status,
        tags=tags,
        root_run_id=root_run_id,
        parent_run_id=parent_run_id,
        pipeline_snapshot=pipeline_snapshot,
        execution_plan_snapshot=execution_plan_snapshot,
    )
