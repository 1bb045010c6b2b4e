"""A serializable picture of an execution plan, stored with each run (content-addressed by sha1)."""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from dagster import check
from dagster.serdes import serialize_dagster_namedtuple, whitelist_for_serdes


@whitelist_for_serdes
class ExecutionStepInputSnap(
    NamedTuple(
        "_ExecutionStepInputSnap",
        [("name", str), ("dagster_type_key", str), ("upstream_output_handles", list)],
    )
):
    """One step input: its name, type key and the step outputs that feed it."""


@whitelist_for_serdes
class ExecutionStepOutputSnap(
    NamedTuple("_ExecutionStepOutputSnap", [("name", str), ("dagster_type_key", str)])
):
    """One step output: its name and type key."""


@whitelist_for_serdes
class ExecutionPlanMetadataItemSnap(
    NamedTuple("_ExecutionPlanMetadataItemSnap", [("key", str), ("value", str)])
):
    """One metadata item (a solid tag) of a step."""


@whitelist_for_serdes
class ExecutionStepSnap(
    NamedTuple(
        "_ExecutionStepSnap",
        [
            ("key", str),
            ("inputs", list),
            ("outputs", list),
            ("solid_handle_id", str),
            ("kind", Any),
            ("metadata_items", list),
        ],
    )
):
    """One step of the plan; ``metadata_items`` are its solid's tags, sorted by key."""

    def __new__(
        cls,
        key: str,
        inputs: list,
        outputs: list,
        solid_handle_id: str,
        kind: Any,
        metadata_items: list | None = None,
    ):
        return super().__new__(
            cls,
            key,
            inputs,
            outputs,
            solid_handle_id,
            kind,
            check.opt_list_param(metadata_items, "metadata_items", of_type=ExecutionPlanMetadataItemSnap),
        )


@whitelist_for_serdes
class ExecutionPlanSnapshot(
    NamedTuple(
        "_ExecutionPlanSnapshot",
        [
            ("steps", list),
            ("artifacts_persisted", bool),
            ("pipeline_snapshot_id", str),
            ("step_keys_to_execute", "list | None"),
        ],
    )
):
    """The steps of a plan in topological order, whether outputs persist, its pipeline snapshot, and
    the keys of the steps selected to run (the 0.7 fields, so that 0.7 snapshots read back)."""

    def __new__(
        cls,
        steps: list,
        artifacts_persisted: bool,
        pipeline_snapshot_id: str,
        step_keys_to_execute: list[str] | None = None,
    ):
        return super().__new__(
            cls,
            check.list_param(steps, "steps", of_type=ExecutionStepSnap),
            check.bool_param(artifacts_persisted, "artifacts_persisted"),
            check.str_param(pipeline_snapshot_id, "pipeline_snapshot_id"),
            check.opt_nullable_list_param(step_keys_to_execute, "step_keys_to_execute", of_type=str),
        )

    def step_named(self, key: str) -> ExecutionStepSnap:
        for step in self.steps:
            if step.key == key:
                return step
        raise check.CheckError(f"No step {key!r} in this execution plan snapshot.")


def snapshot_from_execution_plan(execution_plan: Any, pipeline_snapshot_id: str) -> ExecutionPlanSnapshot:
    """Describe ``execution_plan`` (every step, not only the ones selected to execute)."""
    cache = getattr(execution_plan, "snapshot_cache", None)
    step_keys_to_execute = list(execution_plan.step_keys_to_execute)
    key = (pipeline_snapshot_id, bool(execution_plan.artifacts_persisted), tuple(step_keys_to_execute))
    if cache is not None and key in cache:
        return cache[key]
    steps = []
    for step in execution_plan.topological_steps():
        inputs = [
            ExecutionStepInputSnap(
                step_input.name, step_input.dagster_type.key, list(step_input.source_handles)
            )
            for step_input in step.step_inputs
        ]
        outputs = [
            ExecutionStepOutputSnap(output.name, output.dagster_type.key) for output in step.step_outputs
        ]
        metadata_items = [
            ExecutionPlanMetadataItemSnap(key, str(value)) for key, value in sorted(step.tags.items())
        ]
        steps.append(
            ExecutionStepSnap(step.key, inputs, outputs, step.solid_handle_str, step.kind, metadata_items)
        )
    snapshot = ExecutionPlanSnapshot(
        steps, bool(execution_plan.artifacts_persisted), pipeline_snapshot_id, step_keys_to_execute
    )
    if cache is not None:
        cache[key] = snapshot
    return snapshot


def create_execution_plan_snapshot_id(execution_plan_snapshot: ExecutionPlanSnapshot) -> str:
    """The snapshot's id: the sha1 hex digest of its serialized JSON."""
    check.inst_param(execution_plan_snapshot, "execution_plan_snapshot", ExecutionPlanSnapshot)
    # Snapshots are cached per plan structure, so the same object comes back run after run:
    # remember its id on it (the record's fields are unaffected: this lives in the instance dict).
    cached = execution_plan_snapshot.__dict__.get("_snapshot_id")
    if cached is None:
        cached = hashlib.sha1(
            serialize_dagster_namedtuple(execution_plan_snapshot).encode("utf-8")
        ).hexdigest()
        execution_plan_snapshot.__dict__["_snapshot_id"] = cached
    return cached
