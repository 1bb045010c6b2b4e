"""Snapshots of how solid invocations are wired (a pipeline's or a composite's dependency structure)."""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class OutputHandleSnap(NamedTuple("_OutputHandleSnap", [("solid_name", str), ("output_name", str)])):
    """An upstream output: invocation name and output name."""


@whitelist_for_serdes
class InputDependencySnap(
    NamedTuple("_InputDependencySnap", [("input_name", str), ("upstream_output_snaps", list)])
):
    """One connected input and the outputs feeding it (several for a fan-in)."""


@whitelist_for_serdes
class SolidInvocationSnap(
    NamedTuple(
        "_SolidInvocationSnap",
        [("solid_name", str), ("solid_def_name", str), ("tags", dict), ("input_dep_snaps", list)],
    )
):
    """One solid invocation: its name, definition, tags and connected inputs."""

    def input_dep_snap(self, input_name: str) -> InputDependencySnap | None:
        for snap in self.input_dep_snaps:
            if snap.input_name == input_name:
                return snap
        return None


@whitelist_for_serdes
class DependencyStructureSnapshot(
    NamedTuple("_DependencyStructureSnapshot", [("solid_invocation_snaps", list)])
):
    """Every invocation of a container, sorted by name."""

    def get_invocation(self, solid_name: str) -> SolidInvocationSnap | None:
        for snap in self.solid_invocation_snaps:
            if snap.solid_name == solid_name:
                return snap
        return None


def build_dep_structure_snapshot(container: Any) -> DependencyStructureSnapshot:
    """Snapshot the solids and wiring of a pipeline or composite solid definition."""
    structure = container.dependency_structure
    invocation_snaps = []
    for solid in sorted(container.solids, key=lambda s: s.name):
        upstream = structure.input_to_upstream_outputs_for_solid(solid.name)
        input_dep_snaps = [
            InputDependencySnap(
                input_def.name,
                [OutputHandleSnap(out.solid.name, out.output_def.name) for out in upstream[input_def]],
            )
            for input_def in solid.definition.input_defs
            if input_def in upstream
        ]
        invocation_snaps.append(
            SolidInvocationSnap(solid.name, solid.definition.name, dict(solid.tags), input_dep_snaps)
        )
    return DependencyStructureSnapshot(invocation_snaps)
