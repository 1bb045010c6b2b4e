"""A migrated 0.7.16 home in daily use: new runs beside the old ones, re-execution of an old run."""

from __future__ import annotations

import hashlib
import os
import pickle

import pytest

from dagster import RunConfig, execute_pipeline
from dagster.core.instance import DagsterInstance
from dagster.core.storage.compute_log_manager import ComputeIOType
from dagster.core.storage.pipeline_run import PipelineRunStatus

from .conftest import assert_no_traceback, migrate, run_dagster
from .etl_pipeline import etl
from .history import assert_history_intact

ETL_FILE = os.path.join(os.path.dirname(__file__), "etl_pipeline.py")
# The fixture's run tagged i=2: extract ran with rows=4, so transform stored [0, 2, 4, 6].
OLD_RUN_ID = "323c7a7a-8661-4047-a22e-d810f111f3e1"
NEW_RUN_CONFIG = {"solids": {"extract": {"config": {"rows": 5}}}, "storage": {"filesystem": {}}}


@pytest.fixture
def migrated_home(old_home) -> str:
    migrate(old_home)
    return old_home


def _sha256(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_new_run_through_the_cli_sits_beside_the_old_runs(migrated_home, manifest, tmp_path):
    config = tmp_path / "etl.yaml"
    config.write_text("solids:\n  extract:\n    config:\n      rows: 5\nstorage:\n  filesystem: {}\n")
    result = run_dagster(
        [
            "pipeline",
            "execute",
            "-f",
            ETL_FILE,
            "-n",
            "etl",
            "-e",
            str(config),
            "--tags",
            '{"fixture": "new"}',
        ],
        migrated_home,
        cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert_no_traceback(result)

    instance = DagsterInstance.from_config(migrated_home)
    try:
        runs = instance.get_runs()
        assert len(runs) == len(manifest) + 1
        new_run = runs[0]  # newest first
        assert [run.run_id for run in runs[1:]] == [entry["run_id"] for entry in reversed(manifest)]
        assert new_run.run_id not in {entry["run_id"] for entry in manifest}
        assert (new_run.pipeline_name, new_run.status) == ("etl", PipelineRunStatus.SUCCESS)
        assert new_run.tags["fixture"] == "new"
        types = [
            record.dagster_event.event_type_value
            for record in instance.all_logs(new_run.run_id)
            if record.dagster_event
        ]
        assert types[0] == "PIPELINE_START" and types[-1] == "PIPELINE_SUCCESS"
        assert types.count("STEP_SUCCESS") == 3
        assert "STEP_MATERIALIZATION" in types and "STEP_EXPECTATION_RESULT" in types
        stdout = instance.compute_log_manager.read_logs_file(
            new_run.run_id, "extract.compute", ComputeIOType.STDOUT
        )
        assert stdout.data == "extracting 5 rows\n"
        new_result = os.path.join(
            migrated_home, "storage", new_run.run_id, "intermediates", "load.compute", "result"
        )
        with open(new_result, "rb") as handle:
            assert pickle.load(handle) == sum(2 * row for row in range(5))
    finally:
        instance.dispose()

    listed = run_dagster(["run", "list"], migrated_home)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("Run: ") == len(manifest) + 1
    assert_history_intact(migrated_home, manifest)


def test_reexecuting_an_old_run_from_load_reuses_its_pickled_intermediate(migrated_home, manifest):
    old_storage = os.path.join(migrated_home, "storage", OLD_RUN_ID, "intermediates")
    old_transform = os.path.join(old_storage, "transform.compute", "result")
    old_files = {name: _sha256(os.path.join(old_storage, name, "result")) for name in os.listdir(old_storage)}
    with open(old_transform, "rb") as handle:
        assert pickle.load(handle) == [0, 2, 4, 6]

    instance = DagsterInstance.from_config(migrated_home)
    try:
        result = execute_pipeline(
            etl,
            NEW_RUN_CONFIG,
            run_config=RunConfig(previous_run_id=OLD_RUN_ID, step_keys_to_execute=["load.compute"]),
            instance=instance,
        )
        assert result.success
        # rows=5 would give 20 if extract and transform ran again; 12 is the sum of the old output.
        assert result.result_for_solid("load").output_value() == 12

        run = instance.get_run_by_id(result.run_id)
        assert (run.parent_run_id, run.root_run_id) == (OLD_RUN_ID, OLD_RUN_ID)
        assert run.status == PipelineRunStatus.SUCCESS
        logs = instance.all_logs(result.run_id)
        events = [record.dagster_event for record in logs if record.dagster_event]
        assert {event.step_key for event in events if event.event_type_value == "STEP_START"} == {
            "load.compute"
        }
        copies = [
            event
            for event in events
            if event.event_type_value == "OBJECT_STORE_OPERATION"
            and event.event_specific_data.op == "CP_OBJECT"
        ]
        assert len(copies) == 1
        assert old_transform in copies[0].message

        new_transform = os.path.join(
            migrated_home, "storage", result.run_id, "intermediates", "transform.compute", "result"
        )
        assert _sha256(new_transform) == old_files["transform.compute"]
        assert not os.path.exists(
            os.path.join(os.path.dirname(os.path.dirname(new_transform)), "extract.compute")
        )
        assert {run.run_id for run in instance.get_runs()} == {entry["run_id"] for entry in manifest} | {
            result.run_id
        }
    finally:
        instance.dispose()
    # The old run's stored outputs are untouched.
    assert {
        name: _sha256(os.path.join(old_storage, name, "result")) for name in os.listdir(old_storage)
    } == old_files
