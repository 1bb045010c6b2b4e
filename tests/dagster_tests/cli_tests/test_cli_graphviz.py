"""`dagster pipeline graphviz`: the exact DOT text, rendering with the real `dot`, showing, and errors.

Tests that render need Graphviz's `dot`: they are skipped without it, and fail under CI
(`make install` installs graphviz as root).
"""

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from conftest import require_command
from dagster.cli import cli

from .helpers import DAGSTER_SCRIPT, assert_no_package_traceback

GRAPH_REPO = """
from dagster import (
    InputDefinition,
    Int,
    List,
    OutputDefinition,
    RepositoryDefinition,
    composite_solid,
    lambda_solid,
    pipeline,
)


@lambda_solid
def emit() -> Int:
    return 1


@lambda_solid(input_defs=[InputDefinition("numbers", List[Int])], output_def=OutputDefinition(Int))
def add_all(numbers):
    return sum(numbers)


@lambda_solid
def double(number: Int) -> Int:
    return 2 * number


@composite_solid(input_defs=[InputDefinition("number", Int)], output_defs=[OutputDefinition(Int)])
def quadruple(number):
    return double.alias("double_again")(double(number))


@composite_solid(input_defs=[InputDefinition("start", Int)], output_defs=[OutputDefinition(Int)])
def scale_up(start):
    return quadruple(start)


@lambda_solid
def report(value: Int):
    return value


@pipeline
def graph_pipeline():
    total = add_all([emit.alias("first")(), emit.alias("second")()])
    report(scale_up.alias("scaled")(total))


@composite_solid(input_defs=[InputDefinition("number", Int)])
def both_ways(number):
    double.alias("left")(number)
    double.alias("right")(number)


@pipeline
def fan_out_pipeline():
    both_ways(emit())


def define_repo():
    return RepositoryDefinition(name="graph_repo", pipeline_defs=[graph_pipeline, fan_out_pipeline])
"""

HEADER = """\
digraph "graph_pipeline" {
  graph [rankdir=TB, labelloc=t, fontname="Helvetica"];
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=9];
  label="Pipeline: graph_pipeline";
"""

FULL_DOT = (
    HEADER
    + r"""  "first" [shape=record, label="{first\n(emit)|{<out_result>result}}"];
  "second" [shape=record, label="{second\n(emit)|{<out_result>result}}"];
  "add_all" [shape=record, label="{{<in_numbers>numbers}|add_all|{<out_result>result}}"];
  subgraph "cluster_scaled" {
    label="scaled (scale_up)";
    "scaled:in:start" [shape=ellipse, fontsize=9, label="start"];
    subgraph "cluster_scaled.quadruple" {
      label="quadruple";
      "scaled.quadruple:in:number" [shape=ellipse, fontsize=9, label="number"];
      "scaled.quadruple.double" [shape=record, label="{{<in_number>number}|double|{<out_result>result}}"];
      "scaled.quadruple.double_again" [shape=record, label="{{<in_number>number}|double_again\n(double)|{<out_result>result}}"];
      "scaled.quadruple:out:result" [shape=ellipse, fontsize=9, label="result"];
    }
    "scaled:out:result" [shape=ellipse, fontsize=9, label="result"];
  }
  "report" [shape=record, label="{{<in_value>value}|report|{<out_result>result}}"];
  "scaled.quadruple.double":"out_result" -> "scaled.quadruple.double_again":"in_number" [label="result → number"];
  "scaled.quadruple:in:number" -> "scaled.quadruple.double":"in_number" [label="number → number", style=dashed];
  "scaled.quadruple.double_again":"out_result" -> "scaled.quadruple:out:result" [label="result → result", style=dashed];
  "scaled:in:start" -> "scaled.quadruple:in:number" [label="start → number", style=dashed];
  "scaled.quadruple:out:result" -> "scaled:out:result" [label="result → result", style=dashed];
  "first":"out_result" -> "add_all":"in_numbers" [label="result → numbers"];
  "second":"out_result" -> "add_all":"in_numbers" [label="result → numbers"];
  "add_all":"out_result" -> "scaled:in:start" [label="result → start"];
  "scaled:out:result" -> "report":"in_value" [label="result → value"];
}
"""
)

ONLY_SOLIDS_DOT = (
    HEADER
    + r"""  "first" [shape=box, label="first\n(emit)"];
  "second" [shape=box, label="second\n(emit)"];
  "add_all" [shape=box, label="add_all"];
  subgraph "cluster_scaled" {
    label="scaled (scale_up)";
    subgraph "cluster_scaled.quadruple" {
      label="quadruple";
      "scaled.quadruple.double" [shape=box, label="double"];
      "scaled.quadruple.double_again" [shape=box, label="double_again\n(double)"];
    }
  }
  "report" [shape=box, label="report"];
  "scaled.quadruple.double" -> "scaled.quadruple.double_again" [label="result → number"];
  "first" -> "add_all" [label="result → numbers"];
  "second" -> "add_all" [label="result → numbers"];
  "add_all" -> "scaled.quadruple.double" [label="result → number"];
  "scaled.quadruple.double_again" -> "report" [label="result → value"];
}
"""
)

SOLID_NAMES = ["first", "second", "add_all", "double", "double_again", "report"]


def require_dot() -> None:
    require_command("dot", "graphviz")


@pytest.fixture
def graph_repo_dir(tmp_path, monkeypatch):
    """A repository.yaml and graph_repo.py (fan-in, aliases, nested composites) as the working directory."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "graph_repo.py").write_text(textwrap.dedent(GRAPH_REPO))
    (code / "repository.yaml").write_text("repository:\n  file: graph_repo.py\n  fn: define_repo\n")
    monkeypatch.chdir(code)
    return code


def invoke(args):
    return CliRunner().invoke(cli, ["pipeline", "graphviz", *args], catch_exceptions=False)


def run_graphviz(args: list, cwd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``dagster pipeline graphviz <args>`` as a real process with ``env`` (default: ours, no DAGSTER_HOME)."""
    env = dict(os.environ if env is None else env)
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [DAGSTER_SCRIPT, "pipeline", "graphviz", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def env_without_dot(**extra: str) -> dict:
    """The environment with PATH holding only the venv's bin directory (no `dot`, no `xdg-open`)."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable), **extra)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    assert shutil.which("dot", path=env["PATH"]) is None
    return env


def test_dot_text_of_fan_in_aliases_and_nested_composites(graph_repo_dir):
    result = invoke(["graph_pipeline", "-o", "graph.dot"])
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote the graph of pipeline graph_pipeline to graph.dot\n"
    assert (graph_repo_dir / "graph.dot").read_text() == FULL_DOT


def test_only_solids_omits_inputs_and_outputs(graph_repo_dir):
    result = invoke(["graph_pipeline", "--only-solids", "-o", "graph.gv"])
    assert result.exit_code == 0, result.output
    dot_text = (graph_repo_dir / "graph.gv").read_text()
    assert dot_text == ONLY_SOLIDS_DOT
    assert "record" not in dot_text and ":in:" not in dot_text and ":out:" not in dot_text


def test_composite_input_mapped_to_two_inner_inputs(graph_repo_dir):
    edges = {}
    for flag in ("--only-solids", None):
        result = invoke(["fan_out_pipeline", "-o", "fan_out.dot", *([flag] if flag else [])])
        assert result.exit_code == 0, result.output
        text = (graph_repo_dir / "fan_out.dot").read_text()
        edges[flag] = [line.strip() for line in text.splitlines() if " -> " in line]
    assert edges["--only-solids"] == [
        '"emit" -> "both_ways.left" [label="result → number"];',
        '"emit" -> "both_ways.right" [label="result → number"];',
    ]
    assert edges[None] == [
        '"both_ways:in:number" -> "both_ways.left":"in_number" [label="number → number", style=dashed];',
        '"both_ways:in:number" -> "both_ways.right":"in_number" [label="number → number", style=dashed];',
        '"emit":"out_result" -> "both_ways:in:number" [label="result → number"];',
    ]


def test_pipeline_from_python_file_without_repository(graph_repo_dir):
    os.remove(graph_repo_dir / "repository.yaml")
    result = invoke(["-f", "graph_repo.py", "-n", "graph_pipeline", "--only-solids", "-o", "g.dot"])
    assert result.exit_code == 0, result.output
    assert (graph_repo_dir / "g.dot").read_text() == ONLY_SOLIDS_DOT


def test_render_svg_png_pdf_with_dot(graph_repo_dir):
    require_dot()
    result = invoke(["graph_pipeline", "-o", "graph.svg"])
    assert result.exit_code == 0, result.output
    svg = (graph_repo_dir / "graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in SOLID_NAMES:
        assert f"<title>scaled.quadruple.{name}</title>" in svg or f"<title>{name}</title>" in svg, name
    assert "<title>cluster_scaled.quadruple</title>" in svg
    assert "result → numbers" in svg
    for suffix, magic in ((".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF-")):
        result = invoke(["graph_pipeline", "--only-solids", "-o", f"graph{suffix}"])
        assert result.exit_code == 0, result.output
        assert (graph_repo_dir / f"graph{suffix}").read_bytes().startswith(magic)


def test_without_output_and_no_viewer_prints_the_svg_path(tutorial_dir):
    require_dot()
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = run_graphviz(["composition_pipeline"], tutorial_dir, env)
    assert result.returncode == 0, result.stderr
    prefix = "Wrote the graph of pipeline composition_pipeline to "
    assert result.stdout.startswith(prefix) and result.stdout.endswith(" (no viewer found to open it).\n")
    path = result.stdout[len(prefix) : -len(" (no viewer found to open it).\n")]
    try:
        svg = open(path).read()
        assert "<title>clean_and_scale.drop_below</title>" in svg and "<title>total</title>" in svg
    finally:
        os.remove(path)


def test_without_output_opens_the_svg_with_xdg_open(tutorial_dir, tmp_path):
    """A recording `xdg-open` on PATH stands in for the desktop's viewer, a boundary this headless
    machine cannot reach (no display): the command must start it on the SVG."""
    require_dot()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "opened.txt"
    script = bin_dir / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}.tmp" && mv "{record}.tmp" "{record}"\n')
    script.chmod(0o755)
    env = dict(os.environ, DISPLAY=":99", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run_graphviz(["composition_pipeline"], tutorial_dir, env)
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    path = record.read_text()
    try:
        assert result.stdout == (
            f"Opening the graph of pipeline composition_pipeline ({path}) with {script}.\n"
        )
        assert "<title>clean_and_scale.scale</title>" in open(path).read()
    finally:
        os.remove(path)


def test_unknown_pipeline_is_a_clear_error(tutorial_dir):
    result = run_graphviz(["no_such_pipeline", "-o", "g.dot"], tutorial_dir)
    assert result.returncode == 1
    assert result.stderr.startswith(
        'Error: Pipeline "no_such_pipeline" not found in repository "tutorial_repository".'
    ), result.stderr
    assert (
        "Pipelines there: composition_pipeline, hello_world_pipeline, modes_pipeline, presets_pipeline, "
        "sales_csv_pipeline.\n"
    ) in result.stderr
    assert_no_package_traceback(result.stdout + result.stderr)
    assert not os.path.exists(os.path.join(tutorial_dir, "g.dot"))


def test_missing_target_and_bad_output_paths_are_usage_errors(tmp_path, monkeypatch, tutorial_dir):
    result = invoke(["composition_pipeline", "-o", "graph.txt"])
    assert result.exit_code == 2
    assert (
        'Error: -o/--output "graph.txt": unknown format ".txt". Use .dot or .gv for the DOT text, '
        "or .svg, .png or .pdf to render it with Graphviz." in result.output
    )
    result = invoke(["composition_pipeline", "-o", "missing_dir/graph.svg"])
    assert result.exit_code == 2
    missing = os.path.join(tutorial_dir, "missing_dir")
    assert (
        f'Error: -o/--output "missing_dir/graph.svg": the directory "{missing}" does not exist.'
        in result.output
    )
    monkeypatch.chdir(tmp_path)
    result = invoke(["composition_pipeline"])
    assert result.exit_code == 2
    assert "Expected to use file" in result.output and "repository.yaml" in result.output


def test_missing_dot_gives_a_clear_error(tutorial_dir):
    expected = (
        "Error: Rendering the graph as SVG needs the `dot` program of Graphviz, which is not on PATH. "
        "Install Graphviz (e.g. `apt-get install graphviz` or `brew install graphviz`), or write the DOT "
        "text instead with `-o graph.dot`.\n"
    )
    temp_dir = os.path.join(tutorial_dir, "tmp")
    os.mkdir(temp_dir)
    env = env_without_dot(TMPDIR=temp_dir)
    for extra in (["-o", "graph.svg"], []):
        result = run_graphviz(["composition_pipeline", *extra], tutorial_dir, env)
        assert result.returncode == 1, result.stdout
        assert result.stderr == expected
        assert_no_package_traceback(result.stdout + result.stderr)
    assert os.listdir(temp_dir) == []  # the SVG file made for the viewer is removed again
    result = run_graphviz(["composition_pipeline", "-o", "graph.dot"], tutorial_dir, env)
    assert result.returncode == 0, result.stderr
    assert (
        open(os.path.join(tutorial_dir, "graph.dot")).read().startswith('digraph "composition_pipeline" {\n')
    )


def test_help_has_examples():
    result = invoke(["--help"])
    assert result.exit_code == 0
    assert (
        "Examples:" in result.output and "dagster pipeline graphviz composition_pipeline -o" in result.output
    )
    assert "--only-solids" in result.output and "-o, --output" in result.output
