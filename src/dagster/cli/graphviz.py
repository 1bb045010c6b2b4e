"""``dagster pipeline graphviz``: a pipeline's solid graph as Graphviz DOT text, and rendering it.

``pipeline_to_dot`` is a pure function of a pipeline definition:

- every solid is a node, identified by its handle (``outer.inner.solid``) and labelled with its
  name, plus ``(definition name)`` when the invocation is aliased;
- a composite solid is a cluster (``subgraph "cluster_<handle>"``) holding its inner solids;
- every dependency is an edge from the upstream output to the downstream input, labelled
  ``output → input`` (a fan-in input gets one edge per upstream output);
- by default a solid is a record node with a row of input ports above its name and a row of output
  ports below, and a composite's own inputs and outputs are small nodes inside its cluster, joined
  to the inner solids by dashed mapping edges. With ``only_solids`` nodes are plain boxes, and
  edges into or out of a composite go straight to the inner solids its mappings name.

Rendering (SVG, PNG, PDF) runs the ``dot`` program; DOT text needs nothing but this module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from click import UsageError

from dagster.cli.errors import DagsterCliError

DOT_SUFFIXES = (".dot", ".gv")
RENDERED_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}

_HEADER = [
    '  graph [rankdir=TB, labelloc=t, fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
]


def pipeline_to_dot(pipeline_def: Any, only_solids: bool = False) -> str:
    """The DOT text of ``pipeline_def``'s solids and dependencies (see the module docstring)."""
    builder = _DotBuilder(only_solids)
    body = builder.container_lines(pipeline_def, None, "  ")
    name = pipeline_def.name
    lines = [f"digraph {_quote(name)} {{", *_HEADER, f"  label={_quote(f'Pipeline: {name}')};"]
    return "\n".join([*lines, *body, *builder.edges, "}"]) + "\n"


class _DotBuilder:
    """Collects node and cluster lines per container, and every edge (written after all nodes, so an
    edge never declares a node outside its cluster)."""

    def __init__(self, only_solids: bool):
        self.only_solids = only_solids
        self.edges: list[str] = []

    def container_lines(self, container: Any, prefix: str | None, indent: str) -> list[str]:
        lines: list[str] = []
        for solid in container.solids_in_topological_order:
            solid_id = _solid_id(prefix, solid.name)
            if solid.is_composite:
                lines += self._cluster_lines(solid, solid_id, indent)
            else:
                lines.append(f"{indent}{_quote(solid_id)} [{self._node_attributes(solid)}];")
        self._dependency_edges(container, prefix)
        return lines

    def _node_attributes(self, solid: Any) -> str:
        title = _title(solid, "\n")
        if self.only_solids:
            return f"shape=box, label={_quote(title)}"
        rows = [
            _port_row("in", [d.name for d in solid.definition.input_defs]),
            _record_field(title),
            _port_row("out", [d.name for d in solid.definition.output_defs]),
        ]
        return 'shape=record, label="{' + "|".join(row for row in rows if row) + '}"'

    def _cluster_lines(self, solid: Any, solid_id: str, indent: str) -> list[str]:
        definition = solid.definition
        inner = indent + "  "
        lines = [
            f"{indent}subgraph {_quote('cluster_' + solid_id)} {{",
            f"{inner}label={_quote(_title(solid, ' '))};",
        ]
        if not self.only_solids:
            lines += [_port_node(solid_id, "in", d.name, inner) for d in definition.input_defs]
        lines += self.container_lines(definition, solid_id, inner)
        if not self.only_solids:
            lines += [_port_node(solid_id, "out", d.name, inner) for d in definition.output_defs]
            self._mapping_edges(definition, solid_id)
        return [*lines, f"{indent}}}"]

    def _mapping_edges(self, definition: Any, solid_id: str) -> None:
        for mapping in definition.input_mappings:
            name = mapping.definition.name
            for target, input_name in self._targets(
                solid_id, definition.solid_named(mapping.solid_name), mapping.input_name
            ):
                self._edge(_quote(_port_id(solid_id, "in", name)), target, name, input_name, dashed=True)
        for mapping in definition.output_mappings:
            source, output_name = self._source(
                solid_id, definition.solid_named(mapping.solid_name), mapping.output_name
            )
            name = mapping.definition.name
            self._edge(source, _quote(_port_id(solid_id, "out", name)), output_name, name, dashed=True)

    def _dependency_edges(self, container: Any, prefix: str | None) -> None:
        structure = container.dependency_structure
        for solid in container.solids_in_topological_order:
            for input_handle in solid.input_handles():
                if not structure.has_deps(input_handle):
                    continue
                targets = self._targets(prefix, solid, input_handle.input_name)
                for upstream in structure.get_deps_list(input_handle):
                    source, output_name = self._source(prefix, upstream.solid, upstream.output_name)
                    for target, input_name in targets:
                        self._edge(source, target, output_name, input_name)

    def _source(self, prefix: str | None, solid: Any, output_name: str) -> tuple[str, str]:
        """The DOT end of ``solid``'s output, and the output name shown there."""
        solid_id = _solid_id(prefix, solid.name)
        if not solid.is_composite:
            port = "" if self.only_solids else ":" + _quote("out_" + output_name)
            return _quote(solid_id) + port, output_name
        if not self.only_solids:
            return _quote(_port_id(solid_id, "out", output_name)), output_name
        mapping = solid.definition.get_output_mapping(output_name)
        return self._source(solid_id, solid.definition.solid_named(mapping.solid_name), mapping.output_name)

    def _targets(self, prefix: str | None, solid: Any, input_name: str) -> list[tuple[str, str]]:
        """The DOT ends of ``solid``'s input (several when a composite maps it to several inner inputs)."""
        solid_id = _solid_id(prefix, solid.name)
        if not solid.is_composite:
            port = "" if self.only_solids else ":" + _quote("in_" + input_name)
            return [(_quote(solid_id) + port, input_name)]
        if not self.only_solids:
            return [(_quote(_port_id(solid_id, "in", input_name)), input_name)]
        definition = solid.definition
        return [
            target
            for mapping in definition.input_mappings_for(input_name)
            for target in self._targets(
                solid_id, definition.solid_named(mapping.solid_name), mapping.input_name
            )
        ]

    def _edge(
        self, source: str, target: str, output_name: str, input_name: str, dashed: bool = False
    ) -> None:
        style = ", style=dashed" if dashed else ""
        self.edges.append(f"  {source} -> {target} [label={_quote(f'{output_name} → {input_name}')}{style}];")


def _solid_id(prefix: str | None, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _port_id(solid_id: str, direction: str, name: str) -> str:
    return f"{solid_id}:{direction}:{name}"


def _title(solid: Any, separator: str) -> str:
    if solid.definition_name == solid.name:
        return solid.name
    return f"{solid.name}{separator}({solid.definition_name})"


def _port_node(solid_id: str, direction: str, name: str, indent: str) -> str:
    return f"{indent}{_quote(_port_id(solid_id, direction, name))} [shape=ellipse, fontsize=9, label={_quote(name)}];"


def _port_row(direction: str, names: list[str]) -> str:
    if not names:
        return ""
    return "{" + "|".join(f"<{direction}_{name}>{_record_field(name)}" for name in names) + "}"


def _quote(text: str) -> str:
    """A DOT quoted string (for IDs and labels): backslashes and quotes escaped, newlines as ``\\n``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _record_field(text: str) -> str:
    """Text for a record label field (already inside a quoted string): record syntax characters escaped."""
    return re.sub(r'([\\"{}|<> ])', r"\\\1", text).replace("\n", "\\n")


# ----- writing and showing -----


def check_output_path(path: str) -> None:
    """Reject an ``-o`` path whose format is unknown or whose directory does not exist."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in DOT_SUFFIXES and suffix not in RENDERED_FORMATS:
        raise UsageError(
            f'-o/--output "{path}": unknown format "{suffix or "(no extension)"}". Use .dot or .gv for '
            "the DOT text, or .svg, .png or .pdf to render it with Graphviz."
        )
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f'-o/--output "{path}": the directory "{directory}" does not exist.')


def write_graph(dot_text: str, path: str) -> None:
    """Write ``dot_text`` to ``path`` as DOT, or rendered in the format its extension names."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in DOT_SUFFIXES:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(dot_text)
        return
    render(dot_text, RENDERED_FORMATS[suffix], path)


def render(dot_text: str, fmt: str, path: str) -> None:
    """Run Graphviz's ``dot -T<fmt>`` on ``dot_text``, writing ``path``."""
    dot = shutil.which("dot")
    if dot is None:
        raise DagsterCliError(
            f"Rendering the graph as {fmt.upper()} needs the `dot` program of Graphviz, which is not on "
            "PATH. Install Graphviz (e.g. `apt-get install graphviz` or `brew install graphviz`), or "
            "write the DOT text instead with `-o graph.dot`."
        )
    result = subprocess.run(
        [dot, f"-T{fmt}", "-o", path], input=dot_text.encode("utf-8"), capture_output=True, check=False
    )
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise DagsterCliError(f"`dot -T{fmt}` failed with exit code {result.returncode}: {stderr}")


def show_graph(dot_text: str, pipeline_name: str) -> tuple[str, list[str] | None]:
    """Render an SVG into a temporary file and open it with the system viewer, when there is one.

    Returns the file's path and the viewer command started (None when there is no viewer).
    """
    descriptor, path = tempfile.mkstemp(prefix=f"{pipeline_name}_", suffix=".svg")
    os.close(descriptor)
    try:
        render(dot_text, "svg", path)
    except DagsterCliError:
        os.unlink(path)
        raise
    viewer = _viewer_command()
    if viewer is not None:
        subprocess.Popen(
            [*viewer, path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    return path, viewer


def _viewer_command() -> list[str] | None:
    """``open`` on macOS; ``xdg-open`` where there is a display; otherwise None."""
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    xdg_open = shutil.which("xdg-open")
    return [xdg_open] if has_display and xdg_open else None
