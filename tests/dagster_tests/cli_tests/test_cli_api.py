"""`dagster api snapshot pipeline|repository`: JSON another process can deserialize."""

from click.testing import CliRunner

from dagster.cli import cli
from dagster.core.snap.active_data import ActivePipelineData, ActiveRepositoryData
from dagster.serdes import deserialize_json_to_dagster_namedtuple

from .helpers import run_dagster


def test_snapshot_pipeline_with_subset(tutorial_dir):
    result = CliRunner().invoke(
        cli, ["api", "snapshot", "pipeline", "sales_csv_pipeline", "-s", "read_sales"]
    )
    assert result.exit_code == 0, result.output
    data = deserialize_json_to_dagster_namedtuple(result.output)
    assert isinstance(data, ActivePipelineData)
    assert data.name == "sales_csv_pipeline"
    assert [
        snap.solid_name for snap in data.pipeline_snapshot.dep_structure_snapshot.solid_invocation_snaps
    ] == ["read_sales"]


def test_snapshot_pipeline_presets_subprocess(tutorial_dir):
    proc = run_dagster(["api", "snapshot", "pipeline", "presets_pipeline"], tutorial_dir, None)
    assert proc.returncode == 0, proc.stderr
    data = deserialize_json_to_dagster_namedtuple(proc.stdout)
    assert [preset.name for preset in data.active_presets] == ["dev", "prod", "tiny"]
    assert data.active_presets[1].environment_dict == {
        "solids": {"make_numbers": {"config": {"count": 1000, "step": 5}}}
    }
    assert data.active_presets[1].mode == "prod"


def test_snapshot_repository(tutorial_dir):
    proc = run_dagster(["api", "snapshot", "repository"], tutorial_dir, None)
    assert proc.returncode == 0, proc.stderr
    data = deserialize_json_to_dagster_namedtuple(proc.stdout)
    assert isinstance(data, ActiveRepositoryData)
    assert data.name == "tutorial_repository"
    assert [p.name for p in data.active_pipeline_datas] == [
        "composition_pipeline",
        "hello_world_pipeline",
        "modes_pipeline",
        "presets_pipeline",
        "sales_csv_pipeline",
    ]


def test_snapshot_unknown_solid(tutorial_dir):
    result = CliRunner().invoke(cli, ["api", "snapshot", "pipeline", "hello_world_pipeline", "-s", "nope"])
    assert result.exit_code == 1
    assert (
        result.output
        == 'Error: Pipeline "hello_world_pipeline" has no solid(s) nope. Its solids: hello_world.\n'
    )
