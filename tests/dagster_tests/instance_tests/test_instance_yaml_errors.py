"""A bad dagster.yaml is reported with the file, the key and the fix, before any storage opens."""

from __future__ import annotations

import pytest

from dagster.core.errors import DagsterInvalidConfigError, DagsterInvariantViolationError
from dagster.core.instance import DagsterInstance, InstanceRef

LOGS_MODULE = "dagster.core.storage.local_compute_log_manager"


def write_yaml(tmp_path, text: str) -> str:
    path = tmp_path / "dagster.yaml"
    path.write_text(text)
    return str(path)


def test_unknown_top_level_key_and_bad_value(tmp_path):
    path = write_yaml(tmp_path, "run_storag:\n  module: m\n  class: C\ntelemetry:\n  enabled: 'yes'\n")
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        DagsterInstance.from_config(str(tmp_path))
    assert exc_info.value.error_messages == [
        f'{path}: key "run_storag": Undefined field "run_storag". Did you mean "run_storage"?',
        f'{path}: key "telemetry.enabled": Invalid scalar. Value "yes" of type "<class \'str\'>" is not '
        'valid for expected type "Bool".',
    ]
    assert str(exc_info.value).startswith(
        f"Invalid instance configuration in {path}. The valid top-level keys are local_artifact_storage, "
        "run_storage, event_log_storage, compute_logs, schedule_storage, scheduler, run_launcher, dagit, "
        "telemetry; each plug-in section has the form "
        "`<section>: {module: <python module>, class: <ClassName>, config: {...}}`."
    )


def test_bad_key_in_a_plugin_config(tmp_path):
    path = write_yaml(
        tmp_path,
        f"compute_logs:\n  module: {LOGS_MODULE}\n  class: LocalComputeLogManager\n  config:\n    base_dri: /x\n",
    )
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value) == (
        f'Invalid instance configuration in {path}. Fix the `config:` of "compute_logs" to match what '
        "LocalComputeLogManager accepts.\n"
        f'    Error 1: {path}: key "compute_logs.config.base_dri": Undefined field "base_dri". Expected: '
        '"{ base_dir: (String | { env: String }) }". Did you mean "base_dir"?\n'
        f'    Error 2: {path}: key "compute_logs.config.base_dir": Missing required field "base_dir". '
        "Available Fields: \"['base_dir']\"."
    )


def test_bad_value_in_a_plugin_config(tmp_path):
    path = write_yaml(
        tmp_path,
        f"compute_logs:\n  module: {LOGS_MODULE}\n  class: LocalComputeLogManager\n  config:\n    base_dir: 3\n",
    )
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    (message,) = exc_info.value.error_messages
    assert message.startswith(f'{path}: key "compute_logs.config.base_dir": ')
    assert "3" in message


def test_missing_env_var_in_a_plugin_config(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_TEST_UNSET_VAR", raising=False)
    path = write_yaml(
        tmp_path,
        f"compute_logs:\n  module: {LOGS_MODULE}\n  class: LocalComputeLogManager\n"
        "  config:\n    base_dir: {env: DAGSTER_TEST_UNSET_VAR}\n",
    )
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    (message,) = exc_info.value.error_messages
    assert message.startswith(f'{path}: key "compute_logs.config.base_dir": ')
    assert 'environment variable "DAGSTER_TEST_UNSET_VAR" which is not set' in message


def test_unknown_class(tmp_path):
    path = write_yaml(tmp_path, f"compute_logs:\n  module: {LOGS_MODULE}\n  class: LocalComputeLogManagr\n")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value) == (
        f'{path}: key "compute_logs.class": module "{LOGS_MODULE}" has no class "LocalComputeLogManagr". '
        "Fix the class name. Classes there that can be configured: LocalComputeLogManager."
    )


def test_unknown_module(tmp_path):
    path = write_yaml(tmp_path, "run_storage:\n  module: no_such_module_xyz\n  class: C\n")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value) == (
        f'{path}: key "run_storage.module": cannot import module "no_such_module_xyz" '
        "(No module named 'no_such_module_xyz'). Fix the module name, or install the package that provides it."
    )


def test_class_that_is_not_configurable(tmp_path):
    path = write_yaml(tmp_path, "run_launcher:\n  module: collections\n  class: OrderedDict\n")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value).startswith(
        f'{path}: key "run_launcher.class": collections.OrderedDict is not a ConfigurableClass'
    )


def test_missing_module_key(tmp_path):
    path = write_yaml(tmp_path, "run_storage:\n  class: X\n")
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert exc_info.value.error_messages == [
        f'{path}: key "run_storage.module": Missing required field "module". '
        "Available Fields: \"['class', 'config', 'module']\"."
    ]


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write_yaml(tmp_path, "compute_logs:\n  module: [\n")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value).startswith(f"{path}:3:1: invalid YAML (")
    assert str(exc_info.value).endswith("Fix the syntax of the instance configuration file.")


def test_top_level_not_a_mapping(tmp_path):
    path = write_yaml(tmp_path, "- a\n- b\n")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        InstanceRef.from_dir(str(tmp_path))
    assert str(exc_info.value).startswith(f"{path}: the instance configuration must be a mapping of sections")


def test_empty_file_means_defaults(tmp_path):
    write_yaml(tmp_path, "")
    ref = InstanceRef.from_dir(str(tmp_path))
    assert ref.run_storage_data.class_name == "SqliteRunStorage"
    assert ref.telemetry_settings == {"enabled": True}
