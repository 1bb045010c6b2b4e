"""Property tests: any acyclic wiring defines and orders solids after their inputs; closing a loop is an error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster import (
    DependencyDefinition,
    InputDefinition,
    List,
    MultiDependencyDefinition,
    OutputDefinition,
    PipelineDefinition,
    SolidDefinition,
    SolidInvocation,
)
from dagster.core.errors import DagsterInvalidDefinitionError

NODE = SolidDefinition(
    name="node",
    input_defs=[InputDefinition("ins", List[int])],
    compute_fn=lambda context, inputs: None,
    output_defs=[OutputDefinition(int)],
)


@st.composite
def dags(draw):
    """(node count, {node: sorted upstream nodes}) with every edge going from a lower to a higher index."""
    count = draw(st.integers(min_value=1, max_value=12))
    upstream = {}
    for node in range(count):
        candidates = list(range(node))
        upstream[node] = sorted(draw(st.sets(st.sampled_from(candidates), max_size=3))) if candidates else []
    return count, upstream


def build(count, upstream):
    dependencies = {}
    for node in range(count):
        deps = {}
        if upstream[node]:
            deps["ins"] = MultiDependencyDefinition([DependencyDefinition(f"n{u}") for u in upstream[node]])
        dependencies[SolidInvocation("node", f"n{node}")] = deps
    return PipelineDefinition(name="dag", solid_defs=[NODE], dependencies=dependencies)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_acyclic_wiring_defines_and_orders_every_solid_after_its_inputs(dag):
    count, upstream = dag
    pipeline_def = build(count, upstream)
    order = [s.name for s in pipeline_def.solids_in_topological_order]
    assert sorted(order) == sorted(f"n{i}" for i in range(count))
    position = {name: index for index, name in enumerate(order)}
    for node, ups in upstream.items():
        for up in ups:
            assert position[f"n{up}"] < position[f"n{node}"]
        assert [h.solid_name for h in pipeline_def.dependency_structure.deps_of_solid(f"n{node}")] == [
            f"n{u}" for u in ups
        ]


@settings(max_examples=60, deadline=None)
@given(dags(), st.data())
def test_adding_a_back_edge_on_a_path_is_a_cycle_error(dag, data):
    count, upstream = dag
    edges = [(up, node) for node, ups in upstream.items() for up in ups]
    if not edges:
        return
    up, node = data.draw(st.sampled_from(edges))
    looped = dict(upstream)
    looped[up] = sorted(set(upstream[up]) | {node})
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r'^Circular dependencies in pipeline "dag": '
    ) as exc_info:
        build(count, looped)
    path = str(exc_info.value).split(": ", 1)[1].split(". ", 1)[0].split(" -> ")
    assert path[0] == path[-1] and len(path) >= 3
    for feeder, consumer in zip(path, path[1:]):
        assert int(feeder[1:]) in looped[int(consumer[1:])]
