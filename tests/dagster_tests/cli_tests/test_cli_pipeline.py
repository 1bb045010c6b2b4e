"""Every `dagster pipeline` command on the tutorial, through click's CliRunner and as a real process."""

import json
import os
import subprocess
import time

import pytest
from click.testing import CliRunner

from dagster.cli import cli
from dagster.core.instance import DagsterInstance

from .helpers import DAGSTER_SCRIPT, assert_no_package_traceback, run_dagster

TUTORIAL_PIPELINES = [
    "composition_pipeline",
    "hello_world_pipeline",
    "modes_pipeline",
    "presets_pipeline",
    "sales_csv_pipeline",
]


def invoke(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def stored_runs(home):
    return DagsterInstance.from_config(home).get_runs()


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.output == "dagster, version 0.7.16\n"


def test_help_texts_have_examples():
    for args in (
        [],
        ["pipeline"],
        ["pipeline", "list"],
        ["pipeline", "print"],
        ["pipeline", "execute"],
        ["pipeline", "launch"],
        ["pipeline", "scaffold_config"],
        ["pipeline", "backfill"],
        ["api", "snapshot", "pipeline"],
        ["api", "snapshot", "repository"],
        ["schedule", "up"],
        ["schedule", "list"],
        ["schedule", "start"],
        ["schedule", "stop"],
        ["schedule", "restart"],
        ["schedule", "logs"],
        ["schedule", "wipe"],
        ["schedule", "debug"],
        ["schedule", "preview"],
        ["run", "list"],
        ["run", "wipe"],
        ["instance", "info"],
        ["instance", "migrate"],
    ):
        result = invoke([*args, "--help"])
        assert result.exit_code == 0, args
        if args and args[-1] not in ("pipeline",):
            assert "Example" in result.output, args


def test_pipeline_list(tutorial_dir):
    result = invoke(["pipeline", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Repository tutorial_repository"
    assert lines[1] == "*" * len("Repository tutorial_repository")
    assert [
        line[len("Pipeline: ") :] for line in lines if line.startswith("Pipeline: ")
    ] == TUTORIAL_PIPELINES
    hello = lines.index("Pipeline: hello_world_pipeline")
    assert lines[hello + 1 : hello + 3] == ["Solids: (Execution Order)", "    hello_world"]
    sales = lines.index("Pipeline: sales_csv_pipeline")
    assert lines[sales + 1 : sales + 3] == [
        "Description:",
        "    Total a CSV of sales per region and write the report as a CSV file.",
    ]
    assert lines[sales + 3 : sales + 7] == [
        "Solids: (Execution Order)",
        "    read_sales",
        "    totals_by_region",
        "    write_report",
    ]


def test_pipeline_list_subprocess_with_file_target(tutorial_dir):
    proc = run_dagster(
        ["pipeline", "list", "-f", "hello_world.py", "-n", "hello_world_pipeline"], tutorial_dir, None
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:5] == [
        "Repository <<unnamed>>",
        "**********************",
        "Pipeline: hello_world_pipeline",
        "Solids: (Execution Order)",
        "    hello_world",
    ]


def test_pipeline_print(tutorial_dir):
    result = invoke(["pipeline", "print", "sales_csv_pipeline"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Pipeline: sales_csv_pipeline",
        "Solids:",
        "    Solid: read_sales",
        "    Solid: totals_by_region",
        "    Solid: write_report",
    ]
    verbose = invoke(["pipeline", "print", "--verbose", "composition_pipeline"])
    assert verbose.exit_code == 0, verbose.output
    text = verbose.output
    assert "Description:\n    Load numbers, clean and scale them in a composite solid, and sum them." in text
    assert (
        "    Solid: clean_and_scale\n        Description: Drop values below a floor, then scale the rest."
        in text
    )
    assert "        Inputs:\n            Input: values ([Int])" in text
    assert "            Solid: drop_below" in text


def test_scaffold_config(tutorial_dir):
    result = invoke(["pipeline", "scaffold_config", "-p", "sales_csv_pipeline"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "solids:\n"
        "  read_sales:\n"
        "    config:\n"
        "      csv_path: ''\n"
        "  write_report:\n"
        "    config:\n"
        "      report_path: ''\n"
    )
    full = invoke(["pipeline", "scaffold_config", "sales_csv_pipeline"])
    assert full.exit_code == 0, full.output
    assert "      currency: ''\n" in full.output
    assert "      min_units: 0\n" in full.output
    assert "execution:" in full.output


def test_execute_hello_world_stores_the_run(tutorial_dir, dagster_home):
    result = invoke(
        ["pipeline", "execute", "hello_world_pipeline", "-e", "hello_world.yaml", "--tags", '{"team": "cli"}']
    )
    assert result.exit_code == 0, result.output
    runs = stored_runs(dagster_home)
    assert len(runs) == 1
    run = runs[0]
    assert run.pipeline_name == "hello_world_pipeline"
    assert run.status.value == "SUCCESS"
    assert run.tags["team"] == "cli"
    assert run.environment_dict == {
        "solids": {"hello_world": {"config": {"name": "Dagster"}}},
        # the CLI prints its own stream; the default DEBUG console log is quieted for the run
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    output = result.output
    assert "RUN    hello_world_pipeline  started" in output
    assert "START  hello_world.compute" in output
    assert "INFO   hello_world.compute  Hello, Dagster!" in output
    assert "OK     hello_world.compute  succeeded in " in output
    assert f"Run {run.run_id} SUCCESS in " in output
    assert "  steps: 1 succeeded, 0 failed, 0 skipped" in output
    assert f"  compute logs: {dagster_home}" in output
    assert "\x1b[" not in output  # no colours when not a terminal


def test_execute_sales_csv_merges_env_files_and_materializes(tutorial_dir, dagster_home, tmp_path):
    override = tmp_path / "override.yaml"
    report = tmp_path / "report.csv"
    override.write_text(f"solids:\n  write_report:\n    config:\n      report_path: {report}\n")
    result = invoke(
        ["pipeline", "execute", "sales_csv_pipeline", "-e", "sales_csv.yaml", "-e", str(override)]
    )
    assert result.exit_code == 0, result.output
    assert report.read_text().splitlines() == [
        "region,total_eur",
        "east,50.00",
        "north,60.00",
        "south,38.50",
        "west,37.80",
    ]
    assert f"materialized sales_report report_path={report} grand_total=186.30" in result.output
    assert "totals_by_region.compute  expectation units_not_negative passed" in result.output
    assert "  steps: 3 succeeded, 0 failed, 0 skipped; 1 materialization(s)" in result.output
    (run,) = stored_runs(dagster_home)
    assert run.environment_dict["solids"]["write_report"]["config"]["report_path"] == str(report)
    assert run.environment_dict["solids"]["read_sales"]["config"]["csv_path"] == "data/sales.csv"


def test_execute_with_mode_preset_and_subset(tutorial_dir, dagster_home, tmp_path):
    assert invoke(["pipeline", "execute", "modes_pipeline", "-d", "test"]).exit_code == 0
    local = invoke(["pipeline", "execute", "modes_pipeline", "-d", "local", "-e", "resources_and_modes.yaml"])
    assert local.exit_code == 0, local.output
    preset = invoke(["pipeline", "execute", "presets_pipeline", "-p", "prod"])
    assert preset.exit_code == 0, preset.output
    # config for solids outside the subset is an error, named with its path
    refused = CliRunner().invoke(
        cli, ["pipeline", "execute", "sales_csv_pipeline", "-e", "sales_csv.yaml", "-s", "read_sales"]
    )
    assert refused.exit_code == 1
    assert (
        "Fields \"['totals_by_region', 'write_report']\" are not defined at path root:solids."
        in refused.output
    )
    only_read = tmp_path / "read_only.yaml"
    only_read.write_text("solids:\n  read_sales:\n    config:\n      csv_path: data/sales.csv\n")
    subset = invoke(["pipeline", "execute", "sales_csv_pipeline", "-e", str(only_read), "-s", "read_sales"])
    assert subset.exit_code == 0, subset.output
    assert "  steps: 1 succeeded, 0 failed, 0 skipped" in subset.output
    runs = {run.pipeline_name: run for run in stored_runs(dagster_home)}
    assert runs["presets_pipeline"].mode == "prod"
    assert runs["presets_pipeline"].environment_dict["solids"] == {
        "make_numbers": {"config": {"count": 1000, "step": 5}}
    }
    assert runs["sales_csv_pipeline"].solid_subset == ["read_sales"]
    modes = sorted(run.mode for run in stored_runs(dagster_home) if run.pipeline_name == "modes_pipeline")
    assert modes == ["local", "test"]


def test_failed_run_exits_non_zero(tutorial_dir, dagster_home, tmp_path):
    bad = tmp_path / "missing_csv.yaml"
    bad.write_text("solids:\n  read_sales:\n    config:\n      csv_path: no/such/file.csv\n")
    result = invoke(["pipeline", "execute", "sales_csv_pipeline", "-e", "sales_csv.yaml", "-e", str(bad)])
    assert result.exit_code == 1, result.output
    assert "FAIL   read_sales.compute  failed" in result.output
    assert "FileNotFoundError" in result.output
    assert "SKIP   totals_by_region.compute" in result.output
    assert "  steps: 0 succeeded, 1 failed, 2 skipped" in result.output
    (run,) = stored_runs(dagster_home)
    assert run.status.value == "FAILURE"
    assert f"Run {run.run_id} FAILURE in " in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["pipeline", "execute", "no_such_pipeline"], 'Pipeline "no_such_pipeline" not found in repository'),
        (
            ["pipeline", "execute", "hello_world_pipeline", "-p", "nope"],
            'has no preset "nope". Its presets: (none)',
        ),
        (["pipeline", "execute", "presets_pipeline", "-p", "nope"], "Its presets: dev, prod, tiny."),
        (
            ["pipeline", "execute", "modes_pipeline", "-d", "nope"],
            'has no mode "nope". Its modes: test, local.',
        ),
        (
            ["pipeline", "execute", "modes_pipeline"],
            "has several modes; choose one with -d/--mode: test, local.",
        ),
        (
            ["pipeline", "execute", "hello_world_pipeline", "-s", "nope"],
            "has no solid(s) nope. Its solids: hello_world.",
        ),
        (
            ["pipeline", "execute", "-f", "hello_world.py", "-n", "hello_wrld_pipeline"],
            '"hello_wrld_pipeline" not found',
        ),
        (["pipeline", "execute", "sales_csv_pipeline"], 'Missing required field "solids"'),
    ],
)
def test_user_mistakes_give_one_clear_error(tutorial_dir, dagster_home, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert stored_runs(dagster_home) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["pipeline", "execute", "hello_world_pipeline", "-e", "nope.yaml"],
            'No config file matches "nope.yaml"',
        ),
        (
            ["pipeline", "execute", "presets_pipeline", "-p", "dev", "-e", "hello_world.yaml"],
            "Cannot use -p/--preset",
        ),
        (
            ["pipeline", "execute", "presets_pipeline", "-p", "dev", "-d", "prod"],
            'Preset "dev" runs in mode "dev"',
        ),
        (["pipeline", "execute", "hello_world_pipeline", "--tags", "{bad"], "--tags must be a JSON object"),
        (["pipeline", "execute", "-n", "fn"], "Invalid set of CLI arguments"),
        (["pipeline", "execute", "-f", "missing.py", "-n", "fn"], 'Python file "missing.py" does not exist'),
        (["pipeline", "execute", "-y", "other.yaml", "x"], 'Repository yaml "other.yaml" does not exist'),
        (["pipeline", "execute"], "Name the pipeline to use"),
    ],
)
def test_usage_errors_exit_2(tutorial_dir, dagster_home, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_config_error_lists_every_path_without_traceback(tutorial_dir, dagster_home, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "solids:\n  read_sales:\n    config:\n      csv_pth: x\n  totals_by_region:\n    config:\n      min_units: lots\n"
    )
    proc = run_dagster(
        ["pipeline", "execute", "sales_csv_pipeline", "-e", str(bad)], tutorial_dir, dagster_home
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    err = proc.stderr
    assert err.startswith("Error: Error in config for pipeline sales_csv_pipeline (")
    assert "  1. " in err and "  2. " in err
    assert "root:solids:read_sales:config" in err
    assert "root:solids:totals_by_region:config:min_units" in err
    assert f"Fix the run config in {bad}." in err
    assert_no_package_traceback(err)


def test_yaml_syntax_error_names_file_and_line_subprocess(tutorial_dir, dagster_home, tmp_path):
    bad = tmp_path / "syntax.yaml"
    bad.write_text("solids:\n  hello_world:\n    config: {name: x\n")
    proc = run_dagster(
        ["pipeline", "execute", "hello_world_pipeline", "-e", str(bad)], tutorial_dir, dagster_home
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: YAML syntax error in {bad}, line 4, column 1:")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert_no_package_traceback(proc.stderr)


def test_import_error_in_user_code_subprocess(tutorial_dir, dagster_home):
    with open("hello_world.py", "a") as handle:
        handle.write("\nraise RuntimeError('user bug at import')\n")
    proc = run_dagster(
        ["pipeline", "execute", "-f", "hello_world.py", "-n", "hello_world_pipeline"],
        tutorial_dir,
        dagster_home,
    )
    assert proc.returncode == 1
    assert 'Error while importing your code in "' in proc.stderr
    with open("hello_world.py") as handle:
        last_line = len(handle.read().splitlines())
    assert f'hello_world.py", line {last_line}, in <module>' in proc.stderr
    assert proc.stderr.rstrip().endswith("RuntimeError: user bug at import")
    assert_no_package_traceback(proc.stderr)


def test_missing_repository_yaml_subprocess(tmp_path):
    proc = run_dagster(["pipeline", "list"], str(tmp_path), None)
    assert proc.returncode == 2
    assert (
        f'Expected to use file "{tmp_path}/repository.yaml" to load repository but it does not exist.'
        in proc.stderr
    )
    assert_no_package_traceback(proc.stderr)


def test_execute_subprocess_success_and_failure(tutorial_dir, dagster_home, tmp_path):
    proc = run_dagster(
        [
            "pipeline",
            "execute",
            "composition_pipeline",
            "-e",
            "composition.yaml",
            "--tags",
            json.dumps({"via": "subprocess"}),
        ],
        tutorial_dir,
        dagster_home,
    )
    assert proc.returncode == 0, proc.stderr
    assert "OK     clean_and_scale.drop_below.compute" in proc.stdout
    assert "  steps: 4 succeeded, 0 failed, 0 skipped" in proc.stdout
    bad = tmp_path / "neg.yaml"
    bad.write_text(
        "solids:\n  load_measurements:\n    config:\n      values: [1]\n  clean_and_scale:\n    config:\n      factor: 1\n"
    )
    ok = run_dagster(
        ["pipeline", "execute", "composition_pipeline", "-e", str(bad)], tutorial_dir, dagster_home
    )
    assert ok.returncode == 0, ok.stderr
    runs = stored_runs(dagster_home)
    assert [run.status.value for run in runs] == ["SUCCESS", "SUCCESS"]
    assert runs[1].tags["via"] == "subprocess"


def test_launch_without_run_launcher(tutorial_dir, dagster_home):
    result = CliRunner().invoke(cli, ["pipeline", "launch", "hello_world_pipeline"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: This instance has no run launcher. Add one to $DAGSTER_HOME/dagster.yaml, e.g. `run_launcher: "
        "{module: dagster.core.launcher.subprocess_launcher, class: SubprocessRunLauncher}`"
    )
    assert len(result.output.strip().splitlines()) == 1
    proc = run_dagster(["pipeline", "launch", "hello_world_pipeline"], tutorial_dir, dagster_home)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: This instance has no run launcher.")
    assert stored_runs(dagster_home) == []


def test_launch_with_subprocess_launcher(tutorial_dir, dagster_home, tmp_path):
    with open(os.path.join(dagster_home, "dagster.yaml"), "w") as handle:
        handle.write(
            "run_launcher:\n  module: dagster.core.launcher.subprocess_launcher\n  class: SubprocessRunLauncher\n"
        )
    report = tmp_path / "launched_report.csv"
    override = tmp_path / "override.yaml"
    override.write_text(f"solids:\n  write_report:\n    config:\n      report_path: {report}\n")
    proc = run_dagster(
        ["pipeline", "launch", "sales_csv_pipeline", "-e", "sales_csv.yaml", "-e", str(override)],
        tutorial_dir,
        dagster_home,
    )
    assert proc.returncode == 0, proc.stderr
    (run,) = stored_runs(dagster_home)
    assert proc.stdout.startswith(
        f"Launched run {run.run_id} of pipeline sales_csv_pipeline with SubprocessRunLauncher."
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        run = DagsterInstance.from_config(dagster_home).get_run_by_id(run.run_id)
        if run.status.value in ("SUCCESS", "FAILURE"):
            break
        time.sleep(0.2)
    assert run.status.value == "SUCCESS"
    assert report.read_text().startswith("region,total_eur\n")
    target = json.loads(run.tags["dagster/execution_target"])
    assert target["data"]["repository_yaml"] == os.path.join(tutorial_dir, "repository.yaml")
    assert target["data"]["pipeline_name"] == "sales_csv_pipeline"


def test_colours_on_a_terminal(tutorial_dir, dagster_home):
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, DAGSTER_HOME=dagster_home)
    process = subprocess.Popen(
        [DAGSTER_SCRIPT, "pipeline", "execute", "hello_world_pipeline"],
        cwd=tutorial_dir,
        env=env,
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 0
    os.close(master)
    output = b"".join(chunks).decode()
    assert "\x1b[32m\x1b[1mOK    \x1b[0m" in output  # green, bold status
    assert "SUCCESS" in output


FAILING_PIPELINES = """
from dagster import EventMetadataEntry, Failure, Int, ModeDefinition, OutputDefinition, pipeline, resource, solid


@resource
def broken_db(_):
    raise ConnectionError("db down")


@solid(required_resource_keys={"db"})
def uses_db(_):
    return 1


@pipeline(mode_defs=[ModeDefinition(resource_defs={"db": broken_db})])
def init_failure_pipeline():
    uses_db()


@solid(output_defs=[OutputDefinition(Int)])
def returns_text(_):
    return "x"


@solid
def says_no(_):
    raise Failure(description="upstream API said no", metadata_entries=[EventMetadataEntry.text("429", "status")])


@pipeline
def failing_pipeline():
    returns_text()
    says_no()
"""


def test_resource_init_failure_fails_the_run(tmp_path, dagster_home):
    (tmp_path / "failing_defs.py").write_text(FAILING_PIPELINES)
    proc = run_dagster(
        ["pipeline", "execute", "-f", "failing_defs.py", "-n", "init_failure_pipeline"],
        str(tmp_path),
        dagster_home,
    )
    assert proc.returncode == 1
    out = proc.stdout
    assert "ENGINE init_failure_pipeline  Initialization of resources [db] failed." in out
    assert f'File "{tmp_path}/failing_defs.py", line 7, in broken_db' in out
    assert "FAIL   init_failure_pipeline  could not start (resources, loggers or storage)" in out
    assert "    DagsterResourceFunctionError: Error executing the resource function" in out
    assert out.count("ConnectionError: db down") == 2  # the traceback once, then the one-line summary
    (run,) = stored_runs(dagster_home)
    assert run.status.value == "FAILURE"
    assert f"Run {run.run_id} FAILURE" in out
    assert_no_package_traceback(out + proc.stderr)


def test_type_check_and_failure_events(tmp_path, dagster_home):
    (tmp_path / "failing_defs.py").write_text(FAILING_PIPELINES)
    proc = run_dagster(
        ["pipeline", "execute", "-f", "failing_defs.py", "-n", "failing_pipeline"],
        str(tmp_path),
        dagster_home,
    )
    assert proc.returncode == 1
    out = proc.stdout
    assert "returns_text.compute  output result failed its type check" in out
    assert '    DagsterTypeCheckDidNotPass: Type check failed for step output "result"' in out
    assert f'      File "{tmp_path}/failing_defs.py", line 27, in says_no' in out
    assert "    Failure: upstream API said no" in out
    assert "  steps: 0 succeeded, 2 failed, 0 skipped" in out
    assert "  failed steps: returns_text.compute, says_no.compute" in out
    assert_no_package_traceback(out + proc.stderr)


def test_module_target_subprocess(tutorial_dir, dagster_home):
    listed = run_dagster(
        ["pipeline", "list", "-m", "repository", "-n", "define_repository"], tutorial_dir, None
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("Repository tutorial_repository\n")
    executed = run_dagster(
        ["pipeline", "execute", "-m", "repository", "-n", "define_repository", "hello_world_pipeline"],
        tutorial_dir,
        dagster_home,
    )
    assert executed.returncode == 0, executed.stderr
    assert "  steps: 1 succeeded, 0 failed, 0 skipped" in executed.stdout
    missing = run_dagster(["pipeline", "list", "-m", "no_such_repo_module", "-n", "f"], tutorial_dir, None)
    assert missing.returncode == 1
    assert missing.stderr.startswith('Error: Could not find module "no_such_repo_module"')


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["pipeline", "print", "--verbose", "sales_csv_pipeline"],
        ["pipeline", "scaffold_config", "composition_pipeline"],
        ["pipeline", "scaffold_config", "-p", "modes_pipeline", "-d", "local"],
    ],
)
def test_same_output_in_a_real_process(tutorial_dir, args):
    in_process = invoke(args)
    assert in_process.exit_code == 0, in_process.output
    proc = run_dagster(args, tutorial_dir, None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == in_process.output


def test_scaffold_config_for_a_mode_with_resources(tutorial_dir):
    result = invoke(["pipeline", "scaffold_config", "-p", "modes_pipeline", "-d", "local"])
    assert result.output == "resources:\n  store:\n    config:\n      path: ''\n"
    unknown = CliRunner().invoke(cli, ["pipeline", "scaffold_config", "modes_pipeline", "-d", "nope"])
    assert unknown.exit_code == 1
    assert 'has no mode "nope". Its modes: test, local.' in unknown.output


SLOW_PIPELINE = """
import time

from dagster import pipeline, solid


@solid
def fast(_):
    return 1


@solid
def slow(_, x):
    time.sleep(60)
    return x


@pipeline
def slow_pipeline():
    slow(fast())
"""


def test_ctrl_c_fails_the_run_and_prints_the_summary(tmp_path, dagster_home):
    import signal

    (tmp_path / "slow_defs.py").write_text(SLOW_PIPELINE)
    process = subprocess.Popen(
        [DAGSTER_SCRIPT, "pipeline", "execute", "-f", "slow_defs.py", "-n", "slow_pipeline"],
        cwd=tmp_path,
        env=dict(os.environ, DAGSTER_HOME=dagster_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "START  slow.compute" in line:
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    output = "".join(seen) + out
    assert process.returncode == 1
    assert "ENGINE slow_pipeline  The run was interrupted (KeyboardInterrupt)." in output
    assert "  steps: 1 succeeded, 0 failed, 0 skipped" in output
    (run,) = stored_runs(dagster_home)
    assert run.status.value == "FAILURE"
    assert f"Run {run.run_id} FAILURE in " in output
    assert err.strip().endswith("Aborted!")


RETRYING_PIPELINE = """
import os

from dagster import RetryRequested, pipeline, solid


@solid
def flaky(_):
    if not os.path.exists("attempted"):
        open("attempted", "w").close()
        raise RetryRequested(max_retries=1)
    return "ok"


@pipeline
def retry_pipeline():
    flaky()
"""


def test_retries_are_shown(tmp_path, dagster_home):
    (tmp_path / "retry_defs.py").write_text(RETRYING_PIPELINE)
    proc = run_dagster(
        ["pipeline", "execute", "-f", "retry_defs.py", "-n", "retry_pipeline"], str(tmp_path), dagster_home
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line[9:] for line in proc.stdout.splitlines() if line[:2].isdigit()]
    assert lines == [
        "RUN    retry_pipeline  started",
        "START  flaky.compute",
        'RETRY  flaky.compute  Execution of step "flaky.compute" failed and has requested a retry.',
        'RETRY  flaky.compute  Started re-execution (attempt # 2) of step "flaky.compute".',
        "       flaky.compute  output result",
        lines[5],
    ]
    assert lines[5].startswith("OK     flaky.compute  succeeded in ")
    assert "  steps: 1 succeeded, 0 failed, 0 skipped" in proc.stdout


MULTIPROCESS_CONFIG = (
    "execution:\n  multiprocess:\n    config:\n      max_concurrent: 2\nstorage:\n  filesystem: {}\n"
)


def test_multiprocess_run_streams_the_workers_events(tutorial_dir, dagster_home, tmp_path):
    config = tmp_path / "multiprocess.yaml"
    config.write_text(MULTIPROCESS_CONFIG)
    proc = run_dagster(
        ["pipeline", "execute", "composition_pipeline", "-e", "composition.yaml", "-e", str(config)],
        tutorial_dir,
        dagster_home,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for step in ("load_measurements", "clean_and_scale.drop_below", "clean_and_scale.scale", "total"):
        assert f"START  {step}.compute" in out
        assert f"OK     {step}.compute  succeeded in " in out
    assert "INFO   clean_and_scale.drop_below.compute  Dropped 2 value(s)" in out
    assert "  steps: 4 succeeded, 0 failed, 0 skipped" in out
    (run,) = stored_runs(dagster_home)
    assert run.status.value == "SUCCESS"
    assert out.count(f"Run {run.run_id} SUCCESS") == 1


def test_multiprocess_failure_exits_non_zero(tutorial_dir, dagster_home, tmp_path):
    config = tmp_path / "multiprocess.yaml"
    config.write_text(
        MULTIPROCESS_CONFIG + "solids:\n  read_sales:\n    config:\n      csv_path: missing.csv\n"
    )
    proc = run_dagster(
        ["pipeline", "execute", "sales_csv_pipeline", "-e", "sales_csv.yaml", "-e", str(config)],
        tutorial_dir,
        dagster_home,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL   read_sales.compute  failed" in proc.stdout
    assert "FileNotFoundError" in proc.stdout
    assert "  steps: 0 succeeded, 1 failed, 2 skipped" in proc.stdout


def test_multiprocess_needs_persistent_storage(tutorial_dir, dagster_home, tmp_path):
    config = tmp_path / "in_memory.yaml"
    config.write_text("execution:\n  multiprocess: {}\n")
    result = CliRunner().invoke(
        cli, ["pipeline", "execute", "composition_pipeline", "-e", "composition.yaml", "-e", str(config)]
    )
    assert result.exit_code == 1
    assert "the multiprocess executor runs steps in other processes" in result.output
    assert "  1. " not in result.output  # one error, stated once
    assert stored_runs(dagster_home) == []


def test_multiprocess_with_module_target_and_solid_subset(tutorial_dir, dagster_home, tmp_path):
    config = tmp_path / "multiprocess.yaml"
    config.write_text(
        MULTIPROCESS_CONFIG + "solids:\n  read_sales:\n    config:\n      csv_path: data/sales.csv\n"
    )
    args = ["pipeline", "execute", "-m", "repository", "-n", "define_repository", "sales_csv_pipeline"]
    proc = run_dagster(
        [*args, "-e", str(config), "-s", "read_sales,totals_by_region"], tutorial_dir, dagster_home
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "  steps: 2 succeeded, 0 failed, 0 skipped" in proc.stdout
    (run,) = stored_runs(dagster_home)
    assert run.solid_subset == ["read_sales", "totals_by_region"]
