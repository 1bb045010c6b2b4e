"""The tutorial examples: each pipeline in-process (as a 0.7 user's test would) and through the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from dagster import execute_pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.instance import DagsterInstance

TUTORIAL = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples", "tutorial"
)
DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # loading the repository puts its directory on sys.path
    target = tmp_path / "tutorial"
    shutil.copytree(TUTORIAL, target, ignore=shutil.ignore_patterns("__pycache__", "output", "*.db"))
    monkeypatch.chdir(target)
    return target


def load_pipeline(name):
    handle = ExecutionTargetHandle.for_repo_yaml(os.path.join(os.getcwd(), "repository.yaml"))
    return handle.with_pipeline_name(name).build_pipeline_definition()


def load_config(filename):
    with open(filename) as handle:
        return yaml.safe_load(handle)


def test_hello_world(workdir):
    result = execute_pipeline(load_pipeline("hello_world_pipeline"), load_config("hello_world.yaml"))
    assert result.success
    assert result.result_for_solid("hello_world").output_value() == "Hello, Dagster!"
    assert execute_pipeline(load_pipeline("hello_world_pipeline")).result_for_solid(
        "hello_world"
    ).output_value() == ("Hello, world!")


def test_sales_csv(workdir):
    result = execute_pipeline(load_pipeline("sales_csv_pipeline"), load_config("sales_csv.yaml"))
    assert result.success
    assert result.result_for_solid("totals_by_region").output_value() == pytest.approx(
        {"north": 60.0, "south": 38.5, "east": 50.0, "west": 37.8}
    )
    assert round(result.result_for_solid("write_report").output_value(), 2) == 186.3
    (expectation,) = result.result_for_solid("totals_by_region").expectation_results_during_compute
    assert expectation.success and expectation.label == "units_not_negative"
    (materialization,) = result.result_for_solid("write_report").materializations_during_compute
    assert materialization.label == "sales_report"
    assert os.path.exists(os.path.join(workdir, "output", "sales_report.csv"))


def test_sales_type_check_rejects_bad_rows(workdir):
    (workdir / "data" / "broken.csv").write_text("region,units\nnorth,3\n")
    config = load_config("sales_csv.yaml")
    config["solids"]["read_sales"]["config"]["csv_path"] = "data/broken.csv"
    result = execute_pipeline(load_pipeline("sales_csv_pipeline"), config, raise_on_error=False)
    assert not result.success
    assert not result.result_for_solid("read_sales").success


def test_composition(workdir):
    result = execute_pipeline(load_pipeline("composition_pipeline"), load_config("composition.yaml"))
    assert result.success
    assert result.result_for_solid("total").output_value() == 260
    assert result.result_for_handle("clean_and_scale.drop_below").output_value() == [4, 7, 15]


def test_modes(workdir):
    test_mode = execute_pipeline(load_pipeline("modes_pipeline"), mode="test")
    assert test_mode.result_for_solid("report_most_common").output_value() == "3"
    local = execute_pipeline(
        load_pipeline("modes_pipeline"), load_config("resources_and_modes.yaml"), mode="local"
    )
    assert local.result_for_solid("count_words").output_value() == 9
    assert os.path.exists(os.path.join(workdir, "word_counts.db"))


def test_presets(workdir):
    pipeline_def = load_pipeline("presets_pipeline")
    dev = execute_pipeline(pipeline_def, preset="dev")
    assert dev.result_for_solid("summarize").output_value() == {"count": 10, "sum": 45}
    prod = execute_pipeline(pipeline_def, preset="prod")
    assert prod.result_for_solid("summarize").output_value() == {"count": 1000, "sum": 5 * 999 * 1000 // 2}
    tiny = execute_pipeline(pipeline_def, preset="tiny")
    assert tiny.result_for_solid("summarize").output_value() == {"count": 3, "sum": 3}


@pytest.mark.parametrize(
    "args, pipeline_name, steps",
    [
        (["hello_world_pipeline", "-e", "hello_world.yaml"], "hello_world_pipeline", 1),
        (["sales_csv_pipeline", "-e", "sales_csv.yaml"], "sales_csv_pipeline", 3),
        (["composition_pipeline", "-e", "composition.yaml"], "composition_pipeline", 4),
        (["modes_pipeline", "-d", "local", "-e", "resources_and_modes.yaml"], "modes_pipeline", 2),
        (["presets_pipeline", "-p", "dev"], "presets_pipeline", 2),
        (["-f", "hello_world.py", "-n", "hello_world_pipeline"], "hello_world_pipeline", 1),
    ],
)
def test_each_example_through_the_cli(workdir, tmp_path, args, pipeline_name, steps):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home))
    proc = subprocess.run(
        [DAGSTER, "pipeline", "execute", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"  steps: {steps} succeeded, 0 failed, 0 skipped" in proc.stdout
    (run,) = DagsterInstance.from_config(str(home)).get_runs()
    assert run.pipeline_name == pipeline_name
    assert run.status.value == "SUCCESS"
    assert f"Run {run.run_id} SUCCESS" in proc.stdout


def test_hello_world_script_runs_standalone(workdir):
    proc = subprocess.run(
        [sys.executable, "hello_world.py"], cwd=workdir, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "Hello, world!" in proc.stdout


def test_demo_script_runs(tmp_path):
    root = os.path.dirname(os.path.dirname(TUTORIAL))
    env = dict(os.environ, DAGSTER_HOME_DEMO=str(tmp_path / "demo_home"))
    proc = subprocess.run(
        ["bash", os.path.join(root, "scripts", "demo.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = DagsterInstance.from_config(str(tmp_path / "demo_home")).get_runs()
    assert [run.pipeline_name for run in runs] == ["sales_csv_pipeline", "hello_world_pipeline"]
    assert all(run.status.value == "SUCCESS" for run in runs)
    assert f"Run: {runs[0].run_id}" in proc.stdout
    assert "north,60.00" in proc.stdout
