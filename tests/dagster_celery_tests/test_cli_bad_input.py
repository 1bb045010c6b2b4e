"""``dagster-celery`` on bad input: one clear ``Error:`` naming what, where and the fix; never a traceback.

``worker list`` / ``terminate`` run in-process (CliRunner, exceptions not caught, so a traceback fails
the test). ``worker start`` always runs in a subprocess: on good input it replaces its process with
a Celery worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from click.testing import CliRunner

from conftest import require_service
from dagster_celery.cli import main

CLOSED_AMQP = "pyamqp://guest@127.0.0.1:1//"
REDIS = "redis://127.0.0.1:6379/11"
# The console script, so that usage lines read "dagster-celery ...".
DAGSTER_CELERY = os.path.join(os.path.dirname(sys.executable), "dagster-celery")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def start(*args: str) -> subprocess.CompletedProcess:
    command = [DAGSTER_CELERY, "worker", "start", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def write(tmp_path, text: str, name: str = "celery.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def celery_yaml(tmp_path, config: dict) -> str:
    return write(tmp_path, yaml.safe_dump({"execution": {"celery": {"config": config}}}))


def test_a_yaml_list_is_refused_with_the_expected_shape(tmp_path):
    path = write(tmp_path, "- a\n- b\n")
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {path} must hold a YAML mapping with the celery executor config, but it is a list. "
        "Write it like this:\nexecution:\n  celery:\n    config:\n"
    )


def test_execution_that_is_not_a_mapping_is_named_by_its_path(tmp_path):
    path = write(tmp_path, "execution: 3\n")
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert f"Error: Invalid celery config in {path}" in result.output
    assert "Value at path root:execution must be dict." in result.output
    assert "Got 3 of type int." in result.output


def test_an_unknown_key_is_refused_with_the_allowed_keys_and_a_suggestion(tmp_path):
    path = celery_yaml(tmp_path, {"brokr": "redis://127.0.0.1:6379/0"})
    result = invoke("worker", "terminate", "--all", "-y", path)
    assert result.exit_code == 1
    assert 'Undefined field "brokr" at path root:execution:celery:config.' in result.output
    assert 'Did you mean "broker"?' in result.output
    assert (
        f"Fix {path}: the keys allowed under execution.celery.config are "
        "backend, broker, config_source, include, retries." in result.output
    )


def test_a_wrong_type_is_refused_with_its_path(tmp_path):
    result = invoke("worker", "list", "-y", celery_yaml(tmp_path, {"include": "my_module"}))
    assert result.exit_code == 1
    assert "Value at path root:execution:celery:config:include must be list." in result.output


def test_an_unset_env_var_source_is_refused_with_its_path(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_CELERY_TEST_UNSET", raising=False)
    path = celery_yaml(tmp_path, {"broker": {"env": "DAGSTER_CELERY_TEST_UNSET"}})
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert "Post processing at path root:execution:celery:config:broker" in result.output
    assert '"DAGSTER_CELERY_TEST_UNSET" which is not set' in result.output


def test_a_file_without_the_celery_section_says_what_to_write(tmp_path):
    path = write(tmp_path, "solids: {}\n")
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert 'Missing required field "execution" at the root.' in result.output
    assert "execution:\n  celery:\n    config:\n      broker: " in result.output


def test_an_unknown_broker_scheme_gets_a_suggestion(tmp_path):
    path = celery_yaml(tmp_path, {"broker": "redsi://127.0.0.1:6379/0"})
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert result.output.startswith(
        f'Error: {path}: execution.celery.config.broker "redsi://127.0.0.1:6379/0" is not a URL Celery '
        "can use: its scheme must be one of "
    )
    assert 'Did you mean "redis://"?' in result.output


def test_an_unknown_celery_setting_in_config_source_gets_a_suggestion(tmp_path):
    path = celery_yaml(tmp_path, {"config_source": {"task_default_queu": "fast"}})
    result = invoke("worker", "list", "-y", path)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {path}: execution.celery.config.config_source.task_default_queu is not a Celery setting. "
        'Did you mean "task_default_queue"?'
    )


def test_a_missing_file_and_bad_yaml_are_named_with_the_line(tmp_path):
    missing = str(tmp_path / "nope.yaml")
    result = invoke("worker", "list", "-y", missing)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Cannot read the config file {missing} (given with -y/--config-yaml): "
        "No such file or directory. Check the path.\n"
    )
    bad = write(tmp_path, "execution:\n  celery:\n    config: [\n", "bad.yaml")
    result = invoke("worker", "list", "-y", bad)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: YAML syntax error in {bad}, line 4, column 1: ")


@pytest.mark.parametrize("command", [["list"], ["terminate", "--all"]])
def test_an_unreachable_broker_is_named_with_the_fix(tmp_path, command):
    path = celery_yaml(tmp_path, {"broker": CLOSED_AMQP})
    result = invoke("worker", *command, "-y", path)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Cannot reach the Celery broker {CLOSED_AMQP}, `broker:` in {path}: "
        "[Errno 111] Connection refused.\nStart the broker, or point at a running one: set `broker:` under "
        "execution.celery.config in the -y file, or set DAGSTER_CELERY_BROKER_HOST for the default "
        "pyamqp://guest@<host>:5672//.\n"
    )


def test_an_empty_celery_section_means_the_defaults(tmp_path, monkeypatch):
    require_service("rabbitmq")
    monkeypatch.setenv("DAGSTER_CELERY_BROKER_HOST", "127.0.0.1")
    result = invoke("worker", "list", "-y", write(tmp_path, "execution:\n  celery:\n"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args", [["-h"], ["worker", "-h"], ["worker", "list", "-h"], ["worker", "terminate", "-h"]]
)
def test_h_prints_help_with_examples(args):
    result = invoke(*args)
    assert result.exit_code == 0
    assert "Examples:\n    dagster-celery " in result.output
    assert "-h, --help" in result.output


def test_start_h_prints_help_instead_of_starting_celery():
    result = start("-h")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: dagster-celery worker start [OPTIONS]")
    assert "Examples:\n    dagster-celery worker start" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["-q", ""], "Invalid value for '-q' / '--queue': a queue name is empty."),
        (["-q", "a,,b"], "Invalid value for '-q' / '--queue': a queue name is empty."),
        (["-q", "my queue"], 'the queue name "my queue" contains white space.'),
        (["-q", "amq.steps"], 'the queue name "amq.steps" starts with "amq.", which brokers reserve'),
        (["-l", "LOUD"], "Invalid value for '--loglevel' / '-l': 'LOUD' is not one of 'debug', 'info'"),
        (["-n", "a@b"], "Invalid value for '-n' / '--name': \"a@b\" is not a worker name"),
        (["-i", "no_such_module_for_dagster"], 'Cannot import module "no_such_module_for_dagster" (given'),
    ],
)
def test_start_refuses_bad_options_before_starting(args, message):
    result = start(*args)
    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_start_refuses_a_bad_config_file(tmp_path):
    path = celery_yaml(tmp_path, {"brokr": CLOSED_AMQP})
    for args in (["-y", path], ["-d", "-y", path]):
        result = start(*args)
        assert result.returncode == 1
        assert 'Undefined field "brokr" at path root:execution:celery:config.' in result.stderr


def test_start_in_the_background_checks_the_broker_first(tmp_path):
    result = start("-d", "-y", celery_yaml(tmp_path, {"broker": CLOSED_AMQP}))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Cannot reach the Celery broker {CLOSED_AMQP}, `broker:` in ")


def test_start_in_the_background_refuses_a_name_that_is_running(tmp_path):
    require_service("redis")
    from dagster_celery.cli import _app

    path = celery_yaml(tmp_path, {"broker": REDIS, "backend": REDIS})
    name = f"dagster-test-{uuid.uuid4().hex[:6]}"
    queue = f"dagster-test-{uuid.uuid4().hex[:8]}"
    first = start("-d", "-n", name, "-q", queue, "-l", "WARNING", "-y", path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Starting worker {name} in the background; its log: ")
    app = _app(path)
    try:
        _wait_for(lambda: _running(app, name), "the background worker did not answer")
        second = start("-d", "-n", name, "-q", queue, "-y", path)
        assert second.returncode == 1
        assert second.stderr.startswith(f"Error: A worker named {name}@")
        assert f"dagster-celery worker terminate {name} -y {path}" in second.stderr
    finally:
        result = invoke("worker", "terminate", name, "-y", path)
        assert result.exit_code == 0, result.output
        _wait_for(lambda: not _running(app, name), "the background worker did not stop")


def test_terminate_names_the_running_workers_when_the_name_is_unknown(tmp_path):
    require_service("redis")
    result = invoke(
        "worker", "terminate", "nobody-by-this-name", "-y", celery_yaml(tmp_path, {"broker": REDIS})
    )
    assert result.exit_code == 1
    assert result.output.startswith('Error: No running worker is named "nobody-by-this-name". Running: ')


def _running(app, name: str) -> bool:
    replies = app.control.ping(timeout=0.5) or []
    return any(worker.split("@", 1)[0] == name for reply in replies for worker in reply)


def _wait_for(condition, message: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)
