"""`dagster run` and `dagster instance` through CliRunner and as real processes."""

import json
import os
import shutil

from click.testing import CliRunner

from dagster.cli import cli
from dagster.core.instance import DagsterInstance
from dagster.core.storage.sql import head_revision

from .helpers import assert_no_package_traceback, run_dagster


def invoke(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def execute_hello(times=1):
    for _ in range(times):
        result = invoke(["pipeline", "execute", "hello_world_pipeline"])
        assert result.exit_code == 0, result.output


def test_run_list_newest_first(tutorial_dir, dagster_home):
    assert invoke(["run", "list"]).output == ""
    execute_hello()
    assert (
        invoke(["pipeline", "execute", "modes_pipeline", "-d", "test", "--tags", '{"k": "v"}']).exit_code == 0
    )
    runs = DagsterInstance.from_config(dagster_home).get_runs()
    output = invoke(["run", "list"]).output
    assert output.splitlines() == [
        f"Run: {runs[0].run_id}",
        "     Pipeline: modes_pipeline",
        "     Status: SUCCESS",
        "     Mode: test",
        "     Tags: k=v",
        f"Run: {runs[1].run_id}",
        "     Pipeline: hello_world_pipeline",
        "     Status: SUCCESS",
        "     Mode: default",
    ]
    limited = invoke(["run", "list", "--limit", "1"]).output
    assert limited.count("Run: ") == 1 and runs[0].run_id in limited

    proc = run_dagster(["run", "list"], tutorial_dir, dagster_home)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == output


def test_run_list_without_dagster_home(tutorial_dir, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    result = invoke(["run", "list"])
    assert result.exit_code == 0
    assert result.output.startswith("$DAGSTER_HOME is not set")


def test_run_wipe_asks_first(tutorial_dir, dagster_home):
    execute_hello(2)
    refused = CliRunner().invoke(cli, ["run", "wipe"], input="no\n")
    assert refused.exit_code == 1
    assert "Exiting without deleting all run history and event logs." in refused.output
    assert len(DagsterInstance.from_config(dagster_home).get_runs()) == 2

    accepted = invoke(["run", "wipe"], input="DELETE\n")
    assert accepted.exit_code == 0
    assert "Deleted all run history and event logs." in accepted.output
    assert DagsterInstance.from_config(dagster_home).get_runs() == []


def test_run_wipe_force_subprocess(tutorial_dir, dagster_home):
    execute_hello()
    refused = run_dagster(["run", "wipe"], tutorial_dir, dagster_home, stdin="nope\n")
    assert refused.returncode == 1
    assert len(DagsterInstance.from_config(dagster_home).get_runs()) == 1
    proc = run_dagster(["run", "wipe", "--force"], tutorial_dir, dagster_home)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Deleted all run history and event logs.\n"
    assert DagsterInstance.from_config(dagster_home).get_runs() == []


def test_instance_info(tutorial_dir, dagster_home, monkeypatch):
    result = invoke(["instance", "info"])
    assert result.exit_code == 0
    assert result.output.startswith(f"$DAGSTER_HOME: {dagster_home}\n")
    for component in ("run_storage:", "event_log_storage:", "compute_logs:", "local_artifact_storage:"):
        assert component in result.output
    proc = run_dagster(["instance", "info"], tutorial_dir, dagster_home)
    assert proc.returncode == 0 and proc.stdout == result.output

    monkeypatch.delenv("DAGSTER_HOME")
    ephemeral = invoke(["instance", "info"])
    assert ephemeral.exit_code == 0
    assert ephemeral.output.startswith("$DAGSTER_HOME is not set;")


def test_instance_info_with_missing_home_directory(tutorial_dir, tmp_path):
    proc = run_dagster(["instance", "info"], tutorial_dir, str(tmp_path / "not_there"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: $DAGSTER_HOME is set to")
    assert_no_package_traceback(proc.stderr)


def test_instance_migrate_prints_versions_and_is_idempotent(tutorial_dir, dagster_home):
    execute_hello()
    first = run_dagster(["instance", "migrate"], tutorial_dir, dagster_home)
    assert first.returncode == 0, first.stderr
    assert f"$DAGSTER_HOME: {dagster_home}" in first.stdout
    assert "Schema version before:" in first.stdout
    assert "Schema version after:" in first.stdout
    second = run_dagster(["instance", "migrate"], tutorial_dir, dagster_home)
    assert second.returncode == 0, second.stderr
    before = [line for line in second.stdout.splitlines() if line.startswith("Schema version")]
    assert len(before) == 2 and before[0].split(":", 1)[1] == before[1].split(":", 1)[1]
    assert len(DagsterInstance.from_config(dagster_home).get_runs()) == 1


def test_instance_migrate_in_process(tutorial_dir, dagster_home):
    execute_hello()
    result = invoke(["instance", "migrate"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"$DAGSTER_HOME: {dagster_home}"
    assert lines[1].startswith("Schema version before: runs ")
    assert "Migration complete." in lines


def test_instance_migrate_needs_dagster_home(tutorial_dir, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    result = CliRunner().invoke(cli, ["instance", "migrate"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: $DAGSTER_HOME is not set")


# The read-only fixtures CI and developers keep beside the repository (../shared/fixtures).
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
FIXTURE_HOME = os.path.join(FIXTURES, "dagster-0.7.16-home")
FIXTURE_MANIFEST = FIXTURE_HOME + ".manifest.json"


def test_migrate_a_dagster_0_7_home(tutorial_dir, tmp_path):
    home = str(tmp_path / "old_home")
    shutil.copytree(FIXTURE_HOME, home)
    with open(FIXTURE_MANIFEST) as handle:
        manifest = json.load(handle)

    before = run_dagster(["run", "list"], tutorial_dir, home)
    assert before.returncode == 1
    assert len(before.stderr.strip().splitlines()) == 1
    assert "Run `dagster instance migrate` to upgrade it." in before.stderr

    migrated = run_dagster(["instance", "migrate"], tutorial_dir, home)
    assert migrated.returncode == 0, migrated.stderr
    versions = [line for line in migrated.stdout.splitlines() if line.startswith("Schema version")]
    assert versions == [
        "Schema version before: runs c63a27054f08 (Dagster 0.7), event logs c39c047fa021 (Dagster 0.7, "
        "4 per-run event files to import), schedules da7cd32b690d (Dagster 0.7)",
        f"Schema version after: runs {head_revision()}, event logs {head_revision()}, schedules {head_revision()}",
    ]

    listed = run_dagster(["run", "list"], tutorial_dir, home)
    assert listed.returncode == 0, listed.stderr
    assert sorted(
        line[len("Run: ") :] for line in listed.stdout.splitlines() if line.startswith("Run: ")
    ) == sorted(entry["run_id"] for entry in manifest)
    again = run_dagster(["instance", "migrate"], tutorial_dir, home)
    assert again.returncode == 0, again.stderr
    versions_again = [line for line in again.stdout.splitlines() if line.startswith("Schema version")]
    assert (
        versions_again[0].split(":", 1)[1]
        == versions_again[1].split(":", 1)[1]
        == versions[1].split(":", 1)[1]
    )

    # New runs go next to the old ones.
    new_run = run_dagster(["pipeline", "execute", "hello_world_pipeline"], tutorial_dir, home)
    assert new_run.returncode == 0, new_run.stderr
    assert len(DagsterInstance.from_config(home).get_runs()) == len(manifest) + 1
