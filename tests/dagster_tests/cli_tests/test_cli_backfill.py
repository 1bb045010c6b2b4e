"""`dagster pipeline backfill` with a real subprocess run launcher."""

import os
import textwrap
import time

import pytest
from click.testing import CliRunner

from dagster.cli import cli
from dagster.core.instance import DagsterInstance

from .helpers import run_dagster

REPO = """
from dagster import Field, PartitionSetDefinition, RepositoryDefinition, String, pipeline, solid


@solid(config={"day": Field(String)})
def process_day(context):
    context.log.info("processing " + context.solid_config["day"])
    return context.solid_config["day"]


@pipeline
def daily_pipeline():
    process_day()


days = PartitionSetDefinition(
    name="days",
    pipeline_name="daily_pipeline",
    partition_fn=lambda: ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"],
    environment_dict_fn_for_partition=lambda partition: {
        "solids": {"process_day": {"config": {"day": partition.name}}}
    },
    tags_fn_for_partition=lambda partition: {"team": "backfillers"},
)


def define_repo():
    return RepositoryDefinition(name="backfill_repo", pipeline_defs=[daily_pipeline], partition_set_defs=[days])
"""


@pytest.fixture
def backfill_repo(tmp_path, monkeypatch, dagster_home):
    (tmp_path / "backfill_repo.py").write_text(textwrap.dedent(REPO))
    (tmp_path / "repository.yaml").write_text("repository:\n  file: backfill_repo.py\n  fn: define_repo\n")
    with open(os.path.join(dagster_home, "dagster.yaml"), "w") as handle:
        handle.write(
            "run_launcher:\n  module: dagster.core.launcher.subprocess_launcher\n  class: SubprocessRunLauncher\n"
        )
    monkeypatch.chdir(tmp_path)
    return str(tmp_path)


def wait_for_runs(home, count, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        runs = DagsterInstance.from_config(home).get_runs()
        if len(runs) == count and all(run.status.value in ("SUCCESS", "FAILURE") for run in runs):
            return runs
        time.sleep(0.3)
    raise AssertionError(f"runs did not finish: {[(r.run_id, r.status) for r in runs]}")


def test_backfill_range_launches_one_run_per_partition(backfill_repo, dagster_home):
    proc = run_dagster(
        [
            "pipeline",
            "backfill",
            "daily_pipeline",
            "--from",
            "2020-01-02",
            "--to",
            "2020-01-03",
            "--noprompt",
            "--tags",
            '{"k": "v"}',
        ],
        backfill_repo,
        dagster_home,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:4] == [
        "Pipeline: daily_pipeline",
        "Partition set: days",
        "Partitions:",
        "  2020-01-02  2020-01-03",
    ]
    assert lines[-1].startswith("Launched backfill job `")
    backfill_id = lines[-1].split("`")[1]
    runs = wait_for_runs(dagster_home, 2)
    assert sorted(run.tags["dagster/partition"] for run in runs) == ["2020-01-02", "2020-01-03"]
    for run in runs:
        assert run.status.value == "SUCCESS"
        assert run.tags["dagster/backfill"] == backfill_id
        assert run.tags["dagster/partition_set"] == "days"
        assert run.tags["team"] == "backfillers"
        assert run.tags["k"] == "v"
        assert run.environment_dict == {
            "solids": {"process_day": {"config": {"day": run.tags["dagster/partition"]}}}
        }


def test_backfill_asks_for_confirmation(backfill_repo, dagster_home):
    declined = CliRunner().invoke(cli, ["pipeline", "backfill", "daily_pipeline", "--all"], input="n\n")
    assert declined.exit_code == 0
    assert "Do you want to proceed with the backfill (4 partitions)?" in declined.output
    assert "Aborted backfill." in declined.output
    assert DagsterInstance.from_config(dagster_home).get_runs() == []
    accepted = CliRunner().invoke(
        cli, ["pipeline", "backfill", "daily_pipeline", "-p", "2020-01-04"], input="y\n"
    )
    assert accepted.exit_code == 0, accepted.output
    (run,) = wait_for_runs(dagster_home, 1)
    assert run.tags["dagster/partition"] == "2020-01-04"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--noprompt"], "Select the partitions with exactly one of --all"),
        (["--all", "-p", "2020-01-01", "--noprompt"], "Select the partitions with exactly one of --all"),
        (["-p", "2020-02-01", "--noprompt"], "Unknown partition(s) 2020-02-01."),
        (["--from", "2020-01-09", "--noprompt"], '--from "2020-01-09" is not a partition.'),
        (["--from", "2020-01-03", "--to", "2020-01-01", "--noprompt"], "comes after --to"),
        (
            ["--partition-set", "weeks", "--all", "--noprompt"],
            'No partition set named "weeks". Choose one of: days.',
        ),
    ],
)
def test_backfill_selection_mistakes(backfill_repo, dagster_home, args, message):
    result = CliRunner().invoke(cli, ["pipeline", "backfill", "daily_pipeline", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert DagsterInstance.from_config(dagster_home).get_runs() == []


def test_backfill_needs_a_run_launcher(backfill_repo, dagster_home):
    os.unlink(os.path.join(dagster_home, "dagster.yaml"))
    result = CliRunner().invoke(cli, ["pipeline", "backfill", "daily_pipeline", "--all", "--noprompt"])
    assert result.exit_code == 2
    assert "A run launcher must be configured before running a backfill" in result.output


def test_backfill_tags_may_not_set_dagsters_own(backfill_repo, dagster_home):
    result = CliRunner().invoke(
        cli,
        [
            "pipeline",
            "backfill",
            "daily_pipeline",
            "--all",
            "--noprompt",
            "--tags",
            '{"dagster/partition": "zz"}',
        ],
    )
    assert result.exit_code == 2
    assert "--tags may not set dagster/partition: tags starting with dagster/ are set by dagster itself" in (
        result.output
    )
    assert DagsterInstance.from_config(dagster_home).get_runs() == []


def test_a_partition_function_that_raises_is_named_with_the_users_line(backfill_repo, dagster_home, tmp_path):
    source = (tmp_path / "backfill_repo.py").read_text()
    broken = source.replace(
        'tags_fn_for_partition=lambda partition: {"team": "backfillers"},',
        'tags_fn_for_partition=lambda partition: {"team": 1 / 0 if partition.name.endswith("03") else "x"},',
    )
    assert broken != source
    (tmp_path / "backfill_repo.py").write_text(broken)
    line = next(number for number, text in enumerate(broken.splitlines(), 1) if "1 / 0" in text)

    result = run_dagster(
        ["pipeline", "backfill", "daily_pipeline", "--all", "--noprompt"], backfill_repo, dagster_home
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        'Partition "2020-01-03" of partition set "days": computing its run config or tags raised '
        f'ZeroDivisionError: division by zero (File "{tmp_path / "backfill_repo.py"}", line {line}, in <lambda>). '
        "No run of the backfill was launched."
    ) in result.stderr
    assert DagsterInstance.from_config(dagster_home).get_runs() == []
