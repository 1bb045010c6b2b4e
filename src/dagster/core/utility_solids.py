"""Small solids for tests: stubs that return a value, and solids that record which solids ran.

The "recording" solids pass a list of dicts along the DAG: each appends ``{<its name>:
'compute_called'}`` to the rows it received, so a test can read the order solids ran in.
"""

from __future__ import annotations

from typing import Any

from dagster.core.definitions.decorators import lambda_solid
from dagster.core.definitions.events import Output
from dagster.core.definitions.input import InputDefinition
from dagster.core.definitions.output import OutputDefinition
from dagster.core.definitions.solid import SolidDefinition


def define_stub_solid(name: str, value: Any) -> SolidDefinition:
    """A solid named ``name`` with no inputs whose single output is ``value``."""

    @lambda_solid(name=name)
    def _stub() -> Any:
        return value

    return _stub


def input_set(name: str) -> dict[str, str]:
    """The row a root solid's input starts with: ``{name: 'input_set'}``."""
    return {name: "input_set"}


def create_root_solid(name: str) -> SolidDefinition:
    """A solid with one input ``<name>_input`` (a list of rows) that appends its own row."""
    input_name = f"{name}_input"

    def compute(_context: Any, inputs: dict) -> Any:
        rows = list(inputs[input_name])
        rows.append({name: "compute_called"})
        yield Output(rows)

    return SolidDefinition(
        name=name,
        input_defs=[InputDefinition(input_name)],
        compute_fn=compute,
        output_defs=[OutputDefinition()],
    )


def create_solid_with_deps(name: str, *solid_deps: SolidDefinition) -> SolidDefinition:
    """A solid with one input per upstream solid (named after it) that merges their rows and adds its own."""
    input_names = [dep.name for dep in solid_deps]

    def compute(_context: Any, inputs: dict) -> Any:
        rows: list = []
        for input_name in input_names:
            rows.extend(row for row in inputs[input_name] if row not in rows)
        rows.append({name: "compute_called"})
        yield Output(rows)

    return SolidDefinition(
        name=name,
        input_defs=[InputDefinition(input_name) for input_name in input_names],
        compute_fn=compute,
        output_defs=[OutputDefinition()],
    )
