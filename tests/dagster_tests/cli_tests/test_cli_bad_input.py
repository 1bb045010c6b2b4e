"""Bad input to `dagster ...` gets one clear error naming what is wrong and how to fix it (no traceback)."""

import os
import textwrap

import pytest
from click.testing import CliRunner

from dagster.cli import cli
from dagster.core.instance import DagsterInstance

from .helpers import assert_no_package_traceback, run_dagster

REPO_PY = textwrap.dedent(
    """
    from dagster import PartitionSetDefinition, RepositoryDefinition, ScheduleDefinition, lambda_solid, pipeline


    @lambda_solid
    def hello():
        return "hi"


    @pipeline
    def hello_pipeline():
        hello()


    @pipeline
    def other_pipeline():
        hello()


    parts = PartitionSetDefinition(
        name="hello_parts", pipeline_name="hello_pipeline", partition_fn=lambda: ["a", "b"]
    )
    every_minute = ScheduleDefinition(
        name="every_minute", cron_schedule="* * * * *", pipeline_name="hello_pipeline"
    )


    def define_repo():
        return RepositoryDefinition(
            name="bad_input_repo",
            pipeline_defs=[hello_pipeline, other_pipeline],
            partition_set_defs=[parts],
            schedule_defs=[every_minute],
        )


    def define_hello():
        return hello_pipeline
    """
)

LAUNCHER_YAML = (
    "run_launcher:\n  module: dagster.core.launcher.subprocess_launcher\n  class: SubprocessRunLauncher\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A working directory with repo.py, a repository.yaml naming the repository, and one naming a pipeline."""
    (tmp_path / "repo.py").write_text(REPO_PY)
    (tmp_path / "repository.yaml").write_text("repository:\n  file: repo.py\n  fn: define_repo\n")
    (tmp_path / "single.yaml").write_text("repository:\n  file: repo.py\n  fn: define_hello\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(path))
    return path


def invoke(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def test_env_file_that_is_a_directory(project, home):
    (project / "configs").mkdir()
    result = run_dagster(["pipeline", "execute", "hello_pipeline", "-e", "configs"], str(project), str(home))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: configs is a directory, not a run config file (given with -e/--env). "
        "Name the YAML files, e.g. -e 'configs/*.yaml'."
    )
    assert_no_package_traceback(result.stdout + result.stderr)
    assert DagsterInstance.get().get_runs() == []


def test_env_file_that_is_not_text(project, home):
    (project / "config.yaml").write_bytes(b"solids:\n  \xff\xfe: 1\n")
    result = invoke(["pipeline", "execute", "hello_pipeline", "-e", "config.yaml"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: config.yaml is not a UTF-8 text file (byte 10): a run config must be YAML text.\n"
    )


def test_bad_yaml_in_env_file_names_line_and_column(project, home):
    (project / "config.yaml").write_text("solids:\n  hello:\n    config: [1, 2\n")
    result = invoke(["pipeline", "execute", "hello_pipeline", "-e", "config.yaml"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: YAML syntax error in config.yaml, line 4, column 1: ")


@pytest.mark.parametrize("command", ["print", "execute", "scaffold_config"])
def test_pipeline_name_that_a_single_pipeline_target_does_not_hold(project, home, command):
    result = invoke(["pipeline", command, "-f", "repo.py", "-n", "define_hello", "other_pipeline"])
    assert result.exit_code == 2
    assert (
        'Error: Pipeline "other_pipeline" was asked for, but the target holds only pipeline '
        '"hello_pipeline". Drop the name, or point -n/--fn-name (or the repository.yaml) at a repository.'
    ) in result.output
    assert DagsterInstance.get().get_runs() == []


def test_pipeline_name_that_a_single_pipeline_yaml_does_not_hold(project, home):
    result = invoke(["pipeline", "execute", "-y", "single.yaml", "other_pipeline"])
    assert result.exit_code == 2
    assert 'Pipeline "other_pipeline" was asked for' in result.output
    assert DagsterInstance.get().get_runs() == []
    # The matching name (and no name) still select the pipeline.
    assert invoke(["pipeline", "print", "-y", "single.yaml", "hello_pipeline"]).output.startswith(
        "Pipeline: hello_pipeline\n"
    )
    assert invoke(["api", "snapshot", "pipeline", "-y", "single.yaml", "other_pipeline"]).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["pipeline", "list", "-y", "."],
        ["schedule", "list", "-y", "."],
    ],
)
def test_repository_yaml_that_is_a_directory(project, home, args):
    result = invoke(args)
    assert result.exit_code == 2
    expected = os.path.join(".", "repository.yaml")
    assert (
        '-y/--repository-yaml "." is a directory; give the path of a repository.yaml file. '
        f"Did you mean -y {expected}?"
    ) in result.output


def test_schedule_command_without_repository_yaml_names_only_its_own_flag(tmp_path, monkeypatch, home):
    monkeypatch.chdir(tmp_path)
    result = invoke(["schedule", "list"])
    assert result.exit_code == 2
    assert "point at your code with -y/--repository-yaml." in result.output
    assert "--python-file" not in result.output  # schedule commands have no -f/-m
    pipeline_result = invoke(["pipeline", "list"])
    assert "-f/--python-file -n/--fn-name, or -m/--module-name -n/--fn-name." in pipeline_result.output


def test_invalid_dagster_yaml_is_not_reported_as_a_run_config_problem(project, home):
    (home / "dagster.yaml").write_text(LAUNCHER_YAML + "  config:\n    nope: 1\n")
    for args in (["run", "list"], ["pipeline", "execute", "hello_pipeline"]):
        result = run_dagster(args, str(project), str(home))
        assert result.returncode == 1
        assert result.stderr.startswith(f"Error: Invalid instance configuration in {home}/dagster.yaml.")
        assert 'key "run_launcher.config.nope": Undefined field "nope"' in result.stderr
        assert "run config" not in result.stderr
        assert "scaffold_config" not in result.stderr


def test_backfill_checks_tags_before_showing_or_launching_anything(project, home):
    (home / "dagster.yaml").write_text(LAUNCHER_YAML)
    result = invoke(["pipeline", "backfill", "hello_pipeline", "--all", "--noprompt", "--tags", "{bad"])
    assert result.exit_code == 2
    assert "Partitions:" not in result.output
    assert "Error: --tags must be a JSON object" in result.output
    assert DagsterInstance.get().get_runs() == []


def test_backfill_of_a_pipeline_without_partition_sets(project, home):
    (home / "dagster.yaml").write_text(LAUNCHER_YAML)
    result = invoke(["pipeline", "backfill", "other_pipeline", "--all", "--noprompt"])
    assert result.exit_code == 2
    assert (
        'Error: Pipeline "other_pipeline" has no partition sets to backfill. '
        "Pipelines with partition sets: hello_pipeline."
    ) in result.output
    unknown = invoke(["pipeline", "backfill", "nope", "--all", "--noprompt"])
    assert unknown.exit_code == 1
    assert 'Pipeline "nope" not found in repository "bad_input_repo".' in unknown.output


def test_backfill_all_with_a_value_as_in_dagster_07(project, home):
    (home / "dagster.yaml").write_text(LAUNCHER_YAML)
    result = invoke(["pipeline", "backfill", "hello_pipeline", "--all", "all", "--noprompt"])
    assert result.exit_code == 2
    assert (
        "Expected at most one pipeline name, got 2: hello_pipeline all. Here -a/--all is a flag and takes "
        "no value"
    ) in result.output
    assert DagsterInstance.get().get_runs() == []
